//! `moved { from = aws_glue_job.x  to = flywheel_job.x }` (see `resources::moved`).

use serde_json::Value as Json;

use super::*;
use crate::resources::moved::{self, Refused};

/// The flywheel_job state an `aws_glue_job` state moves into: what the refresh needs to
/// read the job as import does. A streaming or Ray job is refused: this resource manages
/// Spark ETL and Python shell jobs.
pub(super) fn from_aws_glue_job(v: &Json) -> Result<State, Refused> {
    let name = moved::string(v, "name")
        .or_else(|| moved::string(v, "id"))
        .ok_or_else(|| {
            (
                "Cannot move an aws_glue_job without a name".to_string(),
                "The source state has neither `name` nor `id`.".to_string(),
            )
        })?;
    let command = moved::first(v, "command");
    let kind = command
        .and_then(|c| moved::string(c, "name"))
        .unwrap_or_else(|| "glueetl".into());
    if !model::COMMANDS.contains(&kind.as_str()) {
        return Err((
            format!("Cannot move the {kind} job {name:?} to flywheel_job"),
            format!("flywheel_job manages Spark ETL and Python shell jobs (command `glueetl` or `pythonshell`); {name:?} runs `{kind}`. Keep it as aws_glue_job."),
        ));
    }
    let script_location = command.and_then(|c| moved::string(c, "script_location"));
    let arguments = moved::string_map(v, "default_arguments");
    let env = model::imported_environment(
        &name,
        script_location.as_deref(),
        &arguments,
        model::is_python_shell(Some(&kind)),
    );
    let tags = moved::string_map(v, "tags");
    Ok(State {
        id: Value::Value(name.clone()),
        name: Value::Value(name),
        owner_id: Value::Value(identity::imported_owner_id(&moved::string_map(
            v, "tags_all",
        ))),
        role_arn: opt_value(moved::string(v, "role_arn")),
        script_location: opt_value(script_location),
        script_bucket: opt_value(env.script_bucket),
        temp_dir: opt_value(env.temp_dir),
        spark_event_logs_path: opt_value(env.spark_event_logs_path),
        // The configuration's tags, so the refresh tells them from the provider's.
        tags: to_map(&tags),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../../test-fixtures/moved/aws_glue_job.tfstate");

    /// The job's attributes in the fixture, a state terraform-provider-aws wrote.
    fn fixture() -> Json {
        let state: Json = serde_json::from_str(FIXTURE).expect("fixture is JSON");
        state["resources"][0]["instances"][0]["attributes"].clone()
    }

    #[test]
    fn a_glue_etl_job_moves_with_its_name_paths_and_tags() {
        let s = from_aws_glue_job(&fixture()).expect("moves");
        assert_eq!(
            s.name,
            Value::Value("etl-omc-flywheel-prod-compaction".into())
        );
        assert_eq!(s.id, s.name);
        assert_eq!(
            s.script_location,
            Value::Value(
                "s3://omc-flywheel-prod-assets/scripts/etl-omc-flywheel-prod-compaction.py".into()
            )
        );
        // The script and both paths are the standalone defaults of one bucket.
        assert_eq!(
            s.script_bucket,
            Value::Value("omc-flywheel-prod-assets".into())
        );
        assert_eq!(s.temp_dir, Value::Null);
        assert_eq!(
            s.tags,
            to_map(&[("team".to_string(), "data".to_string())].into())
        );
        let owner = s.owner_id.as_ref_option().expect("an identity");
        assert!(ownership::is_owner_id(owner));
        assert!(s.schedule.is_null());
    }

    #[test]
    fn other_job_kinds_are_refused_naming_the_kind() {
        let mut v = fixture();
        v["command"][0]["name"] = Json::from("pythonshell");
        assert!(from_aws_glue_job(&v).is_ok(), "a Python shell job moves");
        v["command"][0]["name"] = Json::from("gluestreaming");
        let (summary, detail) = from_aws_glue_job(&v).unwrap_err();
        assert!(summary.contains("gluestreaming"), "{summary}");
        assert!(detail.contains("Keep it as aws_glue_job"), "{detail}");
        let (summary, _) = from_aws_glue_job(&serde_json::json!({})).unwrap_err();
        assert!(summary.contains("without a name"), "{summary}");
    }
}
