//! Ownership: which AWS objects a resource instance may change or delete.
//!
//! Every resource instance has an owner identity, `owner_id`: a random value made when the
//! instance is first created (or imported), kept in state, and written as the tag
//! [`OWNER_TAG`] on every child that takes tags. Another Terraform state cannot reproduce it
//! by copying configuration, so a second workspace with the same configuration, or an
//! object with copied tags, is never taken over.
//!
//! The identity is made at apply, not at plan: Terraform plans each resource again during
//! apply and requires every value known at plan to come out the same, so a random value
//! cannot be carried from a plan into its apply.
//!
//! Jobs and crawlers also carry their pipeline's identity, [`PIPELINE_OWNER_TAG`], which
//! reaches them through the pipeline's `context`. It proves a leftover of a killed apply
//! belongs to the same pipeline (see [`on_create`]).
//!
//! This module only decides; the engine reads the tags and acts.

use super::tags::Tags;

/// The owning instance's `owner_id`, on every taggable child.
pub const OWNER_TAG: &str = "flywheel:owner";
/// On jobs, crawlers, their triggers and scripts: the pipeline's `owner_id`.
pub const PIPELINE_OWNER_TAG: &str = "flywheel:pipeline-owner";

/// Length of a generated identity, in lowercase hex characters (128 random bits).
pub const OWNER_ID_LEN: usize = 32;

/// A new identity from 128 random bits, as lowercase hex.
pub fn new_owner_id(random: u128) -> String {
    format!("{random:032x}")
}

/// Whether `v` looks like an identity this provider made (checked on import).
pub fn is_owner_id(v: &str) -> bool {
    v.len() == OWNER_ID_LEN
        && v.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Who an existing object belongs to, from this instance's point of view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It carries this instance's identity.
    Ours,
    /// It carries no identity: created by 0.1.0 (whose state is proof), or untagged since.
    Untagged,
    /// It carries this instance's pipeline's identity, and another (or no) instance identity:
    /// a job or crawler left behind by a killed apply of the same pipeline.
    SamePipeline,
    /// It carries another instance's identity.
    Foreign { owner: String },
}

/// Classifies an object's tags. `owner` is this instance's identity (None: not yet made,
/// as in a state written by 0.1.0); `pipeline_owner` the pipeline's, for jobs and crawlers.
pub fn verdict(owner: Option<&str>, pipeline_owner: Option<&str>, tags: &Tags) -> Verdict {
    let found = tags
        .get(OWNER_TAG)
        .map(String::as_str)
        .filter(|v| !v.is_empty());
    match (found, owner) {
        (Some(f), Some(o)) if f == o => Verdict::Ours,
        (found, _) => {
            let same_pipeline = pipeline_owner.is_some_and(|p| {
                !p.is_empty() && tags.get(PIPELINE_OWNER_TAG).map(String::as_str) == Some(p)
            });
            match found {
                _ if same_pipeline => Verdict::SamePipeline,
                None => Verdict::Untagged,
                Some(f) => Verdict::Foreign { owner: f.into() },
            }
        }
    }
}

/// On create, an object with the wanted name already exists: may this instance take it?
/// Only when it is provably this instance's (a lost response in this apply) or its
/// pipeline's (a killed apply of a job or crawler). Anything else, untagged included, is
/// someone's: the create fails and says how to import it.
pub fn on_create(v: &Verdict) -> bool {
    matches!(v, Verdict::Ours | Verdict::SamePipeline)
}

/// A create of this apply was answered "already exists" (its retry after a lost answer):
/// is the object this apply's own? Yes when it carries this identity. An object whose
/// tags are set by a second call (an S3 bucket) may also carry none yet; it was missing
/// when this apply looked, moments before.
pub fn lost_create(v: &Verdict, tagged_on_create: bool) -> bool {
    *v == Verdict::Ours || (!tagged_on_create && *v == Verdict::Untagged)
}

/// On update or delete of an object this state holds: allowed when it carries this
/// instance's identity or none (created by 0.1.0, or its tags removed behind Terraform's
/// back; the apply tags it again). Another instance's identity, even of the same pipeline,
/// means another resource manages it.
pub fn on_change(v: &Verdict) -> bool {
    matches!(v, Verdict::Ours | Verdict::Untagged)
}

/// The pipeline's identity, from the tags the pipeline's `context` carries.
pub fn pipeline_owner(context_tags: &Tags) -> Option<&str> {
    context_tags
        .get(PIPELINE_OWNER_TAG)
        .map(String::as_str)
        .filter(|p| !p.is_empty())
}

/// A Glue trigger under the name this instance derives (`<name>-schedule`,
/// `<name>-after-job`): is it the one this instance manages, so a read reports it (as the
/// schedule or `run_after_job`) and an update may change it? Yes when it carries this
/// instance's identity, or carries none and the state recorded it (created by 0.1.0, or its
/// tags removed since; the next apply tags it again). A trigger the state never recorded is
/// someone else's whatever its tags say.
pub fn trigger_is_managed(owner: Option<&str>, recorded: bool, tags: &Tags) -> bool {
    match verdict(owner, None, tags) {
        Verdict::Ours => true,
        Verdict::Untagged => recorded,
        Verdict::SamePipeline | Verdict::Foreign { .. } => false,
    }
}

/// May this instance delete the trigger found under its derived name, now that its
/// configuration no longer wants it (or on destroy)? Only when the state can prove it made
/// it: the trigger carries this instance's identity, or the state is from 0.1.0 (no identity
/// yet), recorded the trigger, and the trigger carries no identity. An untagged trigger is
/// never deleted by a state that has an identity: it was not tagged by this instance, so
/// someone else may have made it after this state stopped recording one.
pub fn may_delete_trigger(owner: Option<&str>, recorded: bool, tags: &Tags) -> bool {
    match verdict(owner, None, tags) {
        Verdict::Ours => true,
        Verdict::Untagged => recorded && owner.is_none(),
        Verdict::SamePipeline | Verdict::Foreign { .. } => false,
    }
}

/// Tags that say who owns an object, added after every other tag so users cannot override
/// them (their `flywheel:` keys are rejected at validate).
pub fn owner_tags(owner: &str, pipeline_owner: Option<&str>) -> Tags {
    let mut t = Tags::new();
    t.insert(OWNER_TAG.into(), owner.into());
    if let Some(p) = pipeline_owner.filter(|p| !p.is_empty()) {
        t.insert(PIPELINE_OWNER_TAG.into(), p.into());
    }
    t
}

/// The explanation a refusal carries: what was found and why it is not touched.
pub fn refusal(what: &str, v: &Verdict) -> String {
    match v {
        Verdict::Foreign { owner } => format!(
            "{what} carries the tag {OWNER_TAG} = {owner:?}: another Terraform state (or another resource in this one) manages it, so this one will not change or delete it."
        ),
        Verdict::Untagged => format!(
            "{what} exists, and nothing proves this Terraform state created it (it has no {OWNER_TAG} tag), so it is not taken over."
        ),
        Verdict::SamePipeline => format!(
            "{what} belongs to another resource of the same pipeline (its {OWNER_TAG} tag is not this resource's), so this one will not change or delete it."
        ),
        Verdict::Ours => format!("{what} belongs to this resource."),
    }
}

/// The advice after a refusal on create: import it (only if no other state manages it), or
/// pick another name. `address` is how the user names the resource, for example
/// `flywheel_job.<name>`; the provider does not know the resource's address, and
/// Terraform shows it above the error.
pub fn import_advice(resource_type: &str, import_id: &str, rename_attr: &str) -> String {
    format!(
        "If no other Terraform state manages it and this configuration should, import it, then apply again:\n\n  terraform import {resource_type}.<name> '{import_id}'\n\nor, in configuration (Terraform 1.5 and later, OpenTofu):\n\n  import {{\n    to = {resource_type}.<name>\n    id = \"{}\"\n  }}\n\nwhere <name> is this resource's name, shown above. Otherwise choose another `{rename_attr}`.",
        import_id.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn identities_are_hex_of_fixed_length() {
        let id = new_owner_id(0xabc);
        assert_eq!(id.len(), OWNER_ID_LEN);
        assert!(is_owner_id(&id));
        assert!(!is_owner_id("ABC"));
        assert!(!is_owner_id(&"g".repeat(OWNER_ID_LEN)));
        assert_ne!(new_owner_id(1), new_owner_id(2));
    }

    #[test]
    fn verdicts() {
        let a = "a".repeat(32);
        let b = "b".repeat(32);
        let p = "p".repeat(32);
        let ours = tags(&[(OWNER_TAG, &a)]);
        assert_eq!(verdict(Some(&a), None, &ours), Verdict::Ours);
        assert_eq!(
            verdict(Some(&b), None, &ours),
            Verdict::Foreign { owner: a.clone() }
        );
        // A state from 0.1.0 has no identity yet: any identity on the object is foreign.
        assert_eq!(
            verdict(None, None, &ours),
            Verdict::Foreign { owner: a.clone() }
        );
        assert_eq!(verdict(Some(&a), None, &Tags::new()), Verdict::Untagged);
        // The provider's old constant tag proves nothing.
        let copied = tags(&[("flywheel:managed-by", "terraform-provider-flywheel")]);
        assert_eq!(verdict(Some(&a), None, &copied), Verdict::Untagged);
        // A leftover of the same pipeline, whatever its own identity.
        let left = tags(&[(OWNER_TAG, &b), (PIPELINE_OWNER_TAG, &p)]);
        assert_eq!(verdict(Some(&a), Some(&p), &left), Verdict::SamePipeline);
        assert_eq!(
            verdict(Some(&a), Some(&b), &left),
            Verdict::Foreign { owner: b.clone() }
        );
        // An empty pipeline identity matches nothing.
        let empty = tags(&[(PIPELINE_OWNER_TAG, "")]);
        assert_eq!(verdict(Some(&a), Some(""), &empty), Verdict::Untagged);
    }

    #[test]
    fn rules() {
        let foreign = Verdict::Foreign { owner: "x".into() };
        assert!(on_create(&Verdict::Ours));
        assert!(on_create(&Verdict::SamePipeline));
        assert!(!on_create(&Verdict::Untagged));
        assert!(!on_create(&foreign));
        assert!(lost_create(&Verdict::Ours, true));
        assert!(!lost_create(&Verdict::Untagged, true));
        assert!(lost_create(&Verdict::Untagged, false));
        assert!(!lost_create(&Verdict::SamePipeline, false));
        assert!(!lost_create(&foreign, false));
        assert!(on_change(&Verdict::Ours));
        assert!(on_change(&Verdict::Untagged));
        assert!(!on_change(&Verdict::SamePipeline));
        assert!(!on_change(&foreign));
    }

    #[test]
    fn trigger_rules() {
        let a = "a".repeat(32);
        let b = "b".repeat(32);
        let ours = tags(&[(OWNER_TAG, &a)]);
        let theirs = tags(&[(OWNER_TAG, &b)]);
        let copied = tags(&[("flywheel:managed-by", "terraform-provider-flywheel")]);
        // Read / update: ours, or untagged and recorded.
        assert!(trigger_is_managed(Some(&a), false, &ours));
        assert!(trigger_is_managed(Some(&a), true, &copied));
        assert!(trigger_is_managed(None, true, &Tags::new()));
        assert!(!trigger_is_managed(Some(&a), false, &copied));
        assert!(!trigger_is_managed(None, false, &Tags::new()));
        assert!(!trigger_is_managed(Some(&a), true, &theirs));
        assert!(!trigger_is_managed(None, true, &ours));
        // Delete: ours, or untagged when a 0.1.0 state recorded it.
        assert!(may_delete_trigger(Some(&a), false, &ours));
        assert!(may_delete_trigger(Some(&a), true, &ours));
        assert!(may_delete_trigger(None, true, &copied));
        assert!(!may_delete_trigger(None, false, &copied));
        assert!(!may_delete_trigger(Some(&a), true, &copied));
        assert!(!may_delete_trigger(Some(&a), true, &theirs));
        assert!(!may_delete_trigger(None, true, &theirs));
        // A leftover of the same pipeline is not this instance's to delete.
        let left = tags(&[(OWNER_TAG, &b), (PIPELINE_OWNER_TAG, "p")]);
        assert!(!may_delete_trigger(Some(&a), true, &left));
    }

    #[test]
    fn owner_tags_and_advice() {
        let t = owner_tags("o", Some("p"));
        assert_eq!(t.get(OWNER_TAG).map(String::as_str), Some("o"));
        assert_eq!(t.get(PIPELINE_OWNER_TAG).map(String::as_str), Some("p"));
        assert!(!owner_tags("o", Some("")).contains_key(PIPELINE_OWNER_TAG));
        let advice = import_advice("flywheel_job", "etl", "name");
        assert!(advice.contains("terraform import flywheel_job.<name> 'etl'"));
        assert!(advice.contains("id = \"etl\""));
        assert!(
            refusal("Glue job \"etl\"", &Verdict::Foreign { owner: "x".into() })
                .contains("flywheel:owner = \"x\"")
        );
    }
}
