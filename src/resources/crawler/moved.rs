//! `moved { from = aws_glue_crawler.x  to = flywheel_crawler.x }` (see `resources::moved`).

use serde_json::Value as Json;
use tf_provider::value::Value;

use super::state::State;
use crate::resources::identity;
use crate::resources::moved::{self, Refused};
use crate::values::to_map;

/// The flywheel_crawler state an `aws_glue_crawler` state moves into: its name, tags and an
/// identity; the refresh reads the rest as import does, every kind of target included.
pub(super) fn from_aws_glue_crawler(v: &Json) -> Result<State, Refused> {
    let name = moved::string(v, "name")
        .or_else(|| moved::string(v, "id"))
        .ok_or_else(|| {
            (
                "Cannot move an aws_glue_crawler without a name".to_string(),
                "The source state has neither `name` nor `id`.".to_string(),
            )
        })?;
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
    fn a_crawler_with_other_targets_moves_too() {
        let mut v = fixture();
        v["jdbc_target"] = serde_json::json!([{"connection_name": "pg", "path": "db/%"}]);
        v["catalog_target"] = serde_json::json!([{"database_name": "db", "tables": ["t"]}]);
        let s = from_aws_glue_crawler(&v).expect("moves");
        assert_eq!(s.name, Value::Value("crw-omc-flywheel-prod-raw".into()));
        // The targets are not taken from the source: the refresh reads them from Glue.
        assert!(s.s3_targets.is_null());
        assert!(s.jdbc_target.is_null() || s.jdbc_target == Value::Value(Vec::new()));
    }
}
