//! The identity helpers `flywheel_job` and `flywheel_crawler` share: the identity in a
//! prior state, a new one, the one an import claims, and `tags_all` as planned (with
//! `flywheel:owner` unknown until the identity is made). Who may touch what is decided by
//! `crate::reconcile`'s engine with `crate::model::ownership`.

use tf_provider::value::Value;
use tf_provider::{Diagnostics, RawValue};

use crate::model::ownership;
use crate::model::tags::Tags;
use crate::values::StringMap;

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

/// The state schema version of every resource: 1 added `owner_id`.
pub const SCHEMA_VERSION: i64 = 1;

/// UpgradeResourceState from an older version. Version 0 (provider 0.1.0) has the same
/// attributes but `owner_id`, which stays null until the next apply makes the identity and
/// writes the owner tags onto what the state holds.
pub fn upgrade<T: serde::de::DeserializeOwned>(
    diags: &mut Diagnostics,
    type_name: &str,
    version: i64,
    prior: RawValue,
) -> Option<T> {
    if version != 0 {
        diags.root_error(
            format!("Cannot upgrade {type_name} state version {version}"),
            format!("This provider reads {type_name} state versions 0 to {SCHEMA_VERSION}; version {version} was written by another provider release. Use that release, or a newer one."),
        );
        return None;
    }
    prior.deserialize(diags)
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
    fn version_0_states_upgrade_and_others_are_refused() {
        // The pipeline state 0.1.0 wrote (the committed fixture): every attribute but
        // `owner_id`, which comes out null.
        let json = include_str!("../../tests/fixtures/state-0.1.0/pipeline.tfstate.json");
        let full: serde_json::Value = serde_json::from_str(json).unwrap();
        let attrs = &full["resources"][0]["instances"][0]["attributes"];
        assert!(attrs.get("owner_id").is_none());
        let raw = || RawValue::Json(attrs.to_string().into_bytes());
        let mut diags = Diagnostics::default();
        let s: Option<crate::resources::pipeline::State> =
            upgrade(&mut diags, "flywheel_pipeline", 0, raw());
        let s = s.expect("upgraded");
        assert!(diags.errors.is_empty());
        assert!(s.owner_id.is_null());
        assert_eq!(s.name.as_ref_option().map(String::as_str), Some("__NAME__"));
        let later: Option<crate::resources::pipeline::State> =
            upgrade(&mut diags, "flywheel_pipeline", 2, raw());
        assert!(later.is_none());
        assert!(diags.errors[0].detail.contains("versions 0 to 1"));
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
