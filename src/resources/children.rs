//! The ownership checks `flywheel_crawler` runs before it writes to or deletes one of its
//! Glue children (the crawler, its trigger): read the child's tags, ask `model::ownership`,
//! then act through `crate::aws`, or refuse with a diagnostic that names the child. (A few
//! pure helpers here are shared with `flywheel_job`, which runs on `crate::reconcile`.)
//!
//! Identities: `owner` is the identity this apply writes (the instance's `owner_id`, made
//! on create, or on the first update of a state written by 0.1.0); `state_owner` is the one
//! the prior state holds (`None` for a 0.1.0 state); `pipeline` is the pipeline's identity
//! from the context's tags.

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostic};

use crate::aws::glue::{tags as glue_tags, triggers};
use crate::aws::{AwsContext, ErrorKind};
use crate::model::ownership::{self, Verdict};
use crate::model::tags::{self, Tags};
use crate::model::trigger::TriggerSpec;
use crate::values::StringMap;

/// Who is asking: the identities described in the module documentation.
#[derive(Clone, Copy, Debug)]
pub struct Owners<'a> {
    pub owner: &'a str,
    pub state_owner: Option<&'a str>,
    pub pipeline: Option<&'a str>,
}

impl Owners<'_> {
    /// The owner tags this apply writes on every child.
    pub fn tags(&self) -> Tags {
        ownership::owner_tags(self.owner, self.pipeline)
    }

    /// Whether an object this state holds may be changed or deleted: it carries the prior
    /// state's identity or none, or this apply's own (written earlier in the same apply).
    fn may_change(&self, found: &Tags) -> bool {
        ownership::on_change(&ownership::verdict(self.state_owner, self.pipeline, found))
            || ownership::verdict(Some(self.owner), None, found) == Verdict::Ours
    }
}

/// What the user can do about a refused child: the resource type, its import ID and the
/// attribute to rename.
#[derive(Clone, Copy, Debug)]
pub struct Resource<'a> {
    /// `flywheel_job` or `flywheel_crawler`.
    pub type_name: &'a str,
    /// `job` or `crawler`: the Glue kind of the main object.
    pub kind: &'a str,
    pub name: &'a str,
}

impl Resource<'_> {
    fn label(&self) -> String {
        format!("Glue {} {:?}", self.kind, self.name)
    }
}

/// The tags of a Glue object; none when it does not exist.
pub async fn glue_tags_of(ctx: &AwsContext, kind: &str, name: &str) -> Result<Tags, Diagnostic> {
    match glue_tags::get(ctx, &glue_tags::arn(ctx, kind, name)).await {
        Ok(t) => Ok(t),
        Err(e) if e.is_not_found() => Ok(Tags::new()),
        Err(e) => Err(e.to_diagnostic()),
    }
}

/// Makes the Glue object's tags exactly `want`.
pub async fn set_glue_tags(
    ctx: &AwsContext,
    kind: &str,
    name: &str,
    have: &Tags,
    want: &Tags,
) -> Result<(), Diagnostic> {
    let arn = glue_tags::arn(ctx, kind, name);
    glue_tags::change(ctx, &arn, &tags::delta(have, want))
        .await
        .map_err(|e| e.to_diagnostic_at(AttributePath::new("tags")))
}

/// A create found the job or crawler's name taken: may this apply take the object? Only
/// when `ownership::on_create` says so (a lost response of this apply, or a leftover of a
/// killed apply of the same pipeline). Otherwise the diagnostic names it and says how to
/// import it. Returns the object's tags.
pub async fn check_create_conflict(
    ctx: &AwsContext,
    res: Resource<'_>,
    who: Owners<'_>,
) -> Result<Tags, Diagnostic> {
    let found = glue_tags_of(ctx, res.kind, res.name).await?;
    let v = ownership::verdict(Some(who.owner), who.pipeline, &found);
    if ownership::on_create(&v) {
        tracing::info!(kind = res.kind, name = res.name, verdict = ?v, "adopting an existing object this apply or its pipeline made");
        return Ok(found);
    }
    Err(Diagnostic::new(
        format!("{} already exists", res.label()),
        format!(
            "A {} named {:?} already exists in {}. {}\n\n{}",
            format_args!("Glue {}", res.kind),
            res.name,
            ctx.region,
            ownership::refusal(&res.label(), &v),
            ownership::import_advice(res.type_name, res.name, "name"),
        ),
        AttributePath::new("name"),
    ))
}

/// Before an update or delete of the job or crawler this state holds: its tags must not
/// name another owner. Returns the object's tags.
pub async fn check_change(
    ctx: &AwsContext,
    res: Resource<'_>,
    who: Owners<'_>,
) -> Result<Tags, Diagnostic> {
    let found = glue_tags_of(ctx, res.kind, res.name).await?;
    if who.may_change(&found) {
        return Ok(found);
    }
    let v = ownership::verdict(who.state_owner, who.pipeline, &found);
    Err(Diagnostic::new(
        format!("{} is not this resource's", res.label()),
        format!(
            "{} Nothing was changed. If this configuration should manage it, remove it from the other state first, then import it here:\n\n{}",
            ownership::refusal(&res.label(), &v),
            ownership::import_advice(res.type_name, res.name, "name"),
        ),
        AttributePath::new("name"),
    ))
}

/// Makes the trigger named `name` match `want` (or removes it when `want` is `None`),
/// touching it only as `model::ownership` allows. `recorded`: the prior state has this
/// trigger (its schedule or `run_after_job` was set). `attr` is the attribute errors point at.
///
/// - Wanted and missing: created with the owner tags. AlreadyExists (a lost response, or
///   a race) is treated as found.
/// - Wanted and found: taken when it is this instance's (`trigger_is_managed`, or this
///   apply's own identity) or, when the state never recorded it, when `on_create` allows it;
///   then replaced if its shape differs and its tags set. Otherwise refused.
/// - Not wanted and found: deleted only when `may_delete_trigger` allows it. A trigger the
///   state never recorded is left alone silently (someone else's); a recorded one that is
///   not provably this instance's is left with an error.
pub async fn converge_trigger(
    ctx: &AwsContext,
    res: Resource<'_>,
    who: Owners<'_>,
    name: &str,
    want: Option<&TriggerSpec>,
    recorded: bool,
    attr: &'static str,
) -> Result<(), Diagnostic> {
    let at = |e: crate::aws::AwsError| e.to_diagnostic_at(AttributePath::new(attr));
    let mut seen = triggers::get(ctx, name).await.map_err(at)?;
    if let (Some(w), None) = (want, &seen) {
        match triggers::create(ctx, w).await {
            Ok(()) => return Ok(()),
            Err(e) if e.kind == ErrorKind::Conflict => {
                seen = triggers::get(ctx, name).await.map_err(at)?;
                if seen.is_none() {
                    // Deleted again since: one more try.
                    return triggers::create(ctx, w).await.map_err(at);
                }
            }
            Err(e) => return Err(at(e)),
        }
    }
    let Some(seen) = seen else { return Ok(()) };
    let found = glue_tags_of(ctx, "trigger", name).await?;
    let label = format!("Glue trigger {name:?}");
    let Some(w) = want else {
        if ownership::may_delete_trigger(who.state_owner, recorded, &found) {
            return triggers::delete(ctx, name).await.map_err(at);
        }
        if !recorded {
            tracing::info!(
                trigger = name,
                "leaving a trigger this resource did not create"
            );
            return Ok(());
        }
        return Err(Diagnostic::new(
            format!("{label} was not deleted"),
            format!(
                "{} This resource no longer manages it; delete it yourself if nothing else uses it.",
                refusal_for_trigger(&label, who, &found)
            ),
            AttributePath::new(attr),
        ));
    };
    let this_apply = ownership::verdict(Some(who.owner), who.pipeline, &found);
    let allowed = if recorded {
        ownership::trigger_is_managed(who.state_owner, true, &found) || this_apply == Verdict::Ours
    } else {
        ownership::on_create(&this_apply)
    };
    if !allowed {
        return Err(Diagnostic::new(
            format!("{label} already exists"),
            format!(
                "{} It has the name this {} gives its trigger. Rename the {} (`name`), or delete the trigger {name:?} if nothing uses it, then apply again.",
                refusal_for_trigger(&label, who, &found),
                res.type_name,
                res.kind,
            ),
            AttributePath::new(attr),
        ));
    }
    let mut have = found;
    if !seen.matches(w) {
        triggers::delete(ctx, name).await.map_err(at)?;
        triggers::create(ctx, w).await.map_err(at)?;
        have = glue_tags_of(ctx, "trigger", name).await?;
    }
    set_glue_tags(ctx, "trigger", name, &have, &w.tags)
        .await
        .map_err(|d| Diagnostic::new(d.summary, d.detail, AttributePath::new(attr)))
}

fn refusal_for_trigger(label: &str, who: Owners<'_>, found: &Tags) -> String {
    match ownership::verdict(who.state_owner, None, found) {
        // A trigger without an identity that this state cannot prove it made.
        Verdict::Untagged | Verdict::Ours => ownership::refusal(label, &Verdict::Untagged),
        v => ownership::refusal(label, &v),
    }
}

/// `tags_all` as planned: the effective tags plus the owner tags, whose `flywheel:owner`
/// element stays unknown until the identity is made (at create, or at the first apply of a
/// state written by 0.1.0).
pub fn planned_tags_all(
    effective: &Tags,
    owner: &Value<String>,
    pipeline: Option<&str>,
) -> Value<StringMap> {
    let mut all = effective.clone();
    all.extend(ownership::owner_tags("", pipeline));
    let mut out: StringMap = all.into_iter().map(|(k, v)| (k, Value::Value(v))).collect();
    let owner = match owner {
        Value::Value(o) => Value::Value(o.clone()),
        _ => Value::Unknown,
    };
    out.insert(ownership::OWNER_TAG.to_string(), owner);
    Value::Value(out)
}

/// The identity in the prior state, if it has one (a 0.1.0 state has none).
pub fn state_owner(v: &Value<String>) -> Option<&str> {
    v.as_ref_option()
        .map(String::as_str)
        .filter(|o| !o.is_empty())
}

/// A new identity for an instance.
pub fn new_owner_id() -> String {
    ownership::new_owner_id(rand::random())
}

/// The identity an import claims: the object's own owner tag when it is one this provider
/// made, otherwise a new one (the first apply writes it).
pub fn imported_owner_id(found: &Tags) -> String {
    found
        .get(ownership::OWNER_TAG)
        .filter(|o| ownership::is_owner_id(o))
        .cloned()
        .unwrap_or_else(new_owner_id)
}

/// The job or crawler is gone, but is its trigger named `trigger` still this instance's
/// (one it would delete)? Then the read keeps the resource, marked gone (`id` null), so the
/// plan replaces it: the destroy removes what is left and the identity is not lost with
/// the state. Forgetting the resource instead would leave a trigger no state can prove it
/// owns, and the re-create would refuse it.
pub async fn leftover_trigger(
    ctx: &AwsContext,
    trigger: &str,
    state_owner: Option<&str>,
    recorded: bool,
) -> Result<bool, Diagnostic> {
    if triggers::get(ctx, trigger)
        .await
        .map_err(|e| e.to_diagnostic())?
        .is_none()
    {
        return Ok(false);
    }
    let found = glue_tags_of(ctx, "trigger", trigger).await?;
    Ok(ownership::may_delete_trigger(state_owner, recorded, &found))
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
    fn planned_tags_all_has_the_identity_unknown_until_made() {
        let effective = tags(&[("team", "data")]);
        let Value::Value(m) = planned_tags_all(&effective, &Value::Unknown, Some("p")) else {
            panic!("a map");
        };
        assert_eq!(m[ownership::OWNER_TAG], Value::Unknown);
        assert_eq!(m[ownership::PIPELINE_OWNER_TAG], Value::Value("p".into()));
        assert_eq!(m["team"], Value::Value("data".into()));
        let Value::Value(m) = planned_tags_all(&effective, &Value::Value("o".into()), None) else {
            panic!("a map");
        };
        assert_eq!(m[ownership::OWNER_TAG], Value::Value("o".into()));
        assert!(!m.contains_key(ownership::PIPELINE_OWNER_TAG));
    }

    #[test]
    fn import_keeps_a_real_identity_only() {
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(imported_owner_id(&tags(&[(ownership::OWNER_TAG, id)])), id);
        let made = imported_owner_id(&tags(&[(ownership::OWNER_TAG, "copied")]));
        assert!(ownership::is_owner_id(&made) && made != "copied");
        assert!(ownership::is_owner_id(&imported_owner_id(&Tags::new())));
        assert_eq!(state_owner(&Value::Value(String::new())), None);
        assert_eq!(state_owner(&Value::Null), None);
    }
}
