//! The identity helpers `flywheel_job` and `flywheel_crawler` share: the identity in a
//! prior state, a new one, the one an import claims, and `tags_all` as planned (with
//! `flywheel:owner` unknown until the identity is made). Who may touch what is decided by
//! `crate::reconcile`'s engine with `crate::model::ownership`.

use tf_provider::value::Value;

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
