//! `moved { from = aws_glue_crawler.x  to = flywheel_crawler.x }` (see `resources::moved`).

use serde_json::Value as Json;
use tf_provider::value::Value;

use super::state::State;
use crate::resources::identity;
use crate::resources::moved::{self, Refused};
use crate::values::to_map;

/// Targets flywheel_crawler does not take (it crawls S3 prefixes).
const OTHER_TARGETS: [&str; 7] = [
    "catalog_target",
    "delta_target",
    "dynamodb_target",
    "hudi_target",
    "iceberg_target",
    "jdbc_target",
    "mongodb_target",
];

/// The flywheel_crawler state an `aws_glue_crawler` state moves into: its name, tags and an
/// identity; the refresh reads the rest as import does. A crawler with targets other than
/// S3 is refused.
pub(super) fn from_aws_glue_crawler(v: &Json) -> Result<State, Refused> {
    let name = moved::string(v, "name")
        .or_else(|| moved::string(v, "id"))
        .ok_or_else(|| {
            (
                "Cannot move an aws_glue_crawler without a name".to_string(),
                "The source state has neither `name` nor `id`.".to_string(),
            )
        })?;
    let others: Vec<&str> = OTHER_TARGETS
        .into_iter()
        .filter(|t| moved::first(v, t).is_some())
        .collect();
    if !others.is_empty() {
        return Err((
            format!("Cannot move the crawler {name:?} to flywheel_crawler"),
            format!(
                "flywheel_crawler crawls S3 prefixes; {name:?} also has {}. Keep it as aws_glue_crawler.",
                others.join(", ")
            ),
        ));
    }
    Ok(State {
        id: Value::Value(name.clone()),
        name: Value::Value(name),
        owner_id: Value::Value(identity::imported_owner_id(&moved::string_map(
            v, "tags_all",
        ))),
        // The configuration's tags, so the refresh tells them from the provider's.
        tags: to_map(&moved::string_map(v, "tags")),
        ..State::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../../test-fixtures/moved/aws_glue_crawler.tfstate");

    fn fixture() -> Json {
        let state: Json = serde_json::from_str(FIXTURE).expect("fixture is JSON");
        state["resources"][0]["instances"][0]["attributes"].clone()
    }

    #[test]
    fn an_s3_crawler_moves_with_its_name_and_tags() {
        let s = from_aws_glue_crawler(&fixture()).expect("moves");
        assert_eq!(s.name, Value::Value("crw-omc-flywheel-prod-raw".into()));
        assert_eq!(s.id, s.name);
        assert_eq!(
            s.tags,
            to_map(&[("team".to_string(), "data".to_string())].into())
        );
        let owner = s.owner_id.as_ref_option().expect("an identity");
        assert!(crate::model::ownership::is_owner_id(owner));
        assert!(s.run_after_job.is_null());
    }

    #[test]
    fn other_targets_are_refused_naming_them() {
        let mut v = fixture();
        v["jdbc_target"] = serde_json::json!([{"connection_name": "pg", "path": "db/%"}]);
        let (summary, detail) = from_aws_glue_crawler(&v).unwrap_err();
        assert!(summary.contains("crw-omc-flywheel-prod-raw"), "{summary}");
        assert!(detail.contains("jdbc_target"), "{detail}");
    }
}
