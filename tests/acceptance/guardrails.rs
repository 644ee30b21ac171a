//! The provider's `guardrails`: a job outside them fails before any AWS call, at plan when
//! its values are literal, and at apply when a value was unknown until then.

use anyhow::{ensure, Result};

use crate::harness::requests::requests_since;
use crate::harness::*;

const ROLE: &str = "arn:aws:iam::123456789012:role/flywheel-acc-glue";

fn hcl(name: &str, workers: &str) -> String {
    format!(
        r#"
provider "flywheel" {{
  guardrails {{
    allowed_worker_types = ["G.1X", "G.2X"]
    max_workers          = 8
    max_timeout_minutes  = 600
  }}
}}

resource "terraform_data" "workers" {{
  input = 24
}}

resource "flywheel_job" "test" {{
  name              = "{name}"
  role_arn          = "{ROLE}"
  script_location   = "s3://{name}-assets/scripts/{name}.py"
  temp_dir          = "s3://{name}-assets/temporary/"
  spark_event_logs_path = "s3://{name}-assets/sparkHistoryLogs/"
  number_of_workers = {workers}
}}
"#
    )
}

/// No AWS call named the job (nor its bucket).
fn no_calls(name: &str) -> Result<()> {
    let calls = requests_since(0, name)?;
    ensure!(calls.is_empty(), "AWS calls were made: {calls:?}");
    Ok(())
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_guardrails_fail_before_any_aws_call() {
    if !acceptance_enabled("job_guardrails_fail_before_any_aws_call") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let name = unique_name("etl-acc-rails");
    let n1 = name.clone();
    TestCase::new()
        // Literal: refused at plan, naming the job, attribute, limit and value.
        .step(
            Step::config(hcl(&name, "24"))
                .plan_only()
                .expect_error(&format!(
                    r#"job "{name}": number_of_workers 24 is over the provider's\s+guardrails.max_workers 8"#
                )),
        )
        // Unknown until apply: the plan goes through, the apply refuses before any call.
        .step(
            Step::config(hcl(&name, "terraform_data.workers.output"))
                .expect_error(&format!(
                    r#"job "{name}": number_of_workers 24 is over the provider's\s+guardrails.max_workers 8"#
                )),
        )
        // Neither step sent AWS a call naming the job or its bucket.
        .step(
            Step::config("provider \"flywheel\" {}\n").emulator_check(move |_| {
                let name = n1.clone();
                async move { no_calls(&name) }
            }),
        )
        .run()
        .await;
}
