//! `data "flywheel_pipeline"`: a pipeline applied in one place is found by name in another,
//! and a job attached through the data source's `context` is attached exactly as through
//! the resource's (same role, same identity tags, checked in the emulator).

use anyhow::{ensure, Result};

use crate::harness::*;
use crate::pipeline::Names;

fn config(n: &Names, script: &str) -> String {
    format!(
        r#"
resource "flywheel_pipeline" "test" {{
  name        = "{name}"
  environment = "acc"
  role {{
    name = "{name}-acc-etl-role"
  }}
  tags = {{ team = "data" }}
}}

data "flywheel_pipeline" "found" {{
  name        = flywheel_pipeline.test.name
  environment = "acc"
  role_name   = "{name}-acc-etl-role"
  depends_on  = [flywheel_pipeline.test]
}}

resource "flywheel_job" "etl" {{
  name              = "etl-{name}-acc-attached"
  pipeline          = data.flywheel_pipeline.found.context
  script            = "{script}"
  number_of_workers = 2
}}

output "same_context" {{
  value = data.flywheel_pipeline.found.context == flywheel_pipeline.test.context
}}

output "same_owner" {{
  value = data.flywheel_pipeline.found.owner_id == flywheel_pipeline.test.owner_id
}}
"#,
        name = n.name,
    )
}

/// The job's role and `flywheel:pipeline-owner` tag, and the role's `flywheel:owner`.
async fn check_attached(aws: &Clients, n: &Names) -> Result<()> {
    let job = format!("etl-{}-acc-attached", n.name);
    let role = format!("{}-acc-etl-role", n.name);
    let got = aws.glue.get_job().job_name(&job).send().await?;
    let job_role = got
        .job()
        .and_then(|j| j.role())
        .unwrap_or_default()
        .to_string();
    ensure!(
        job_role.ends_with(&format!(":role/{role}")),
        "job role {job_role}"
    );
    let account = emulator_account_id().await?;
    let arn = format!("arn:aws:glue:us-east-1:{account}:job/{job}");
    let tags = aws.glue.get_tags().resource_arn(&arn).send().await?;
    let job_owner = tags
        .tags()
        .and_then(|t| t.get("flywheel:pipeline-owner"))
        .cloned();
    let role_tags = aws.iam.list_role_tags().role_name(&role).send().await?;
    let owner = role_tags
        .tags()
        .iter()
        .find(|t| t.key() == "flywheel:owner")
        .map(|t| t.value().to_string());
    ensure!(owner.is_some(), "the role carries no identity");
    ensure!(
        job_owner == owner,
        "job's pipeline owner {job_owner:?}, role's {owner:?}"
    );
    let team = tags.tags().and_then(|t| t.get("team")).cloned();
    ensure!(
        team.as_deref() == Some("data"),
        "the pipeline's tags: {team:?}"
    );
    Ok(())
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_data_source_attaches_a_job_like_the_resource() {
    if !acceptance_enabled("pipeline_data_source_attaches_a_job_like_the_resource") {
        return;
    }
    let n = Names::new("fw-dsp");
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("etl.py");
    std::fs::write(&script, "print('etl')\n").expect("script");
    let script = script.display().to_string();
    let addr = "data.flywheel_pipeline.found";
    let nx = n.clone();
    TestCase::new()
        .step(
            Step::config(config(&n, &script))
                .check(check_output("same_context", "true"))
                .check(check_output("same_owner", "true"))
                .check(check_attr(addr, "database_name", &n.database))
                .check(check_attr(addr, "data_bucket", &n.data))
                .check(check_attr(addr, "tags.team", "data"))
                .check(check_attr_regex(
                    addr,
                    "role_arn",
                    &format!(r"^arn:aws:iam::\d{{12}}:role/{}-acc-etl-role$", n.name),
                ))
                .emulator_check(move |ctx| {
                    let n = nx.clone();
                    async move { check_attached(&ctx.aws, &n).await }
                }),
        )
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_data_source_names_what_is_missing() {
    if !acceptance_enabled("pipeline_data_source_names_what_is_missing") {
        return;
    }
    let name = unique_name("fw-dsn");
    let missing = format!(
        r#"
data "flywheel_pipeline" "missing" {{
  name        = "{name}"
  environment = "acc"
}}
"#
    );
    let invalid = r#"
data "flywheel_pipeline" "invalid" {
  name        = "a"
  data_bucket = "Not_A_Bucket"
}
"#;
    TestCase::new()
        .step(Step::config(missing).expect_error(&format!(
            r#"(?s)No such pipeline.*the Glue role "{name}-acc-glue-role" and the catalog database "{}""#,
            format!("{name}_acc").replace('-', "_")
        )))
        .step(
            Step::config(invalid)
                .validate_only()
                .expect_error(r#"data_bucket: bucket name "Not_A_Bucket" may contain only lowercase"#),
        )
        .run()
        .await;
}
