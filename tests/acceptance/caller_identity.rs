//! `flywheel_caller_identity`: the data source reports who the emulator says we are, and the
//! provider's DEBUG log shows the AWS call without leaking credentials.

use crate::harness::*;

const ADDR: &str = "data.flywheel_caller_identity.current";

pub const CONFIG: &str = r#"
provider "flywheel" {}

data "flywheel_caller_identity" "current" {}

output "account_id" {
  value = data.flywheel_caller_identity.current.account_id
}
"#;

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn caller_identity() {
    if !acceptance_enabled("caller_identity") {
        return;
    }
    let settings = emulator_settings();
    settings.check_reachable().expect("emulator");
    // The emulator's own answer is the truth the data source must repeat.
    let identity = clients()
        .await
        .sts
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity against the emulator");
    let account = identity
        .account()
        .expect("emulator returns an account")
        .to_string();
    let arn = identity.arn().expect("emulator returns an ARN").to_string();

    TestCase::new()
        .step(Step::config(CONFIG).checks([
            check_attr(ADDR, "account_id", &account),
            check_attr_regex(ADDR, "arn", r"^arn:aws:(iam|sts)::\d{12}:"),
            check_attr(ADDR, "arn", &arn),
            check_attr(ADDR, "region", &settings.region),
            check_attr(ADDR, "partition", "aws"),
            check_output("account_id", &account),
        ]))
        .run()
        .await;
}

/// Distinctive, so any appearance in logs or state is certainly a leak.
const SECRET: &str = "flywheelSECRETdoNotLog";

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn tf_log_shows_aws_calls() {
    if !acceptance_enabled("tf_log_shows_aws_calls") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let root = tempfile::Builder::new()
        .prefix("flywheel-acc-tf_log_shows_aws_calls-")
        .tempdir()
        .expect("temp dir");
    if let Err(e) = tf_log_case(root.path()).await {
        let kept = root.keep();
        panic!(
            "tf_log_shows_aws_calls failed; working files kept in {}\n\n{e:#}",
            kept.display()
        );
    }
}

async fn tf_log_case(root: &std::path::Path) -> anyhow::Result<()> {
    use anyhow::{bail, ensure, Context};

    let tf = Terraform::new(root)?;
    let work = tf.workdir("work")?;
    work.write_config(CONFIG)?;
    let env = [("TF_LOG", "DEBUG"), ("AWS_SECRET_ACCESS_KEY", SECRET)];

    let plan = work
        .run_with_env(&["plan", "-no-color", "-input=false"], &env)
        .await?;
    ensure!(plan.success(), "{}", plan.describe());
    let log = plan
        .log()
        .with_context(|| format!("TF_LOG=DEBUG wrote no log file:\n{}", plan.describe()))?;

    // go-plugin re-logs the provider's JSON fields as `key=value` in no fixed order.
    let field = |line: &str, key: &str, value: &str| {
        line.contains(&format!("{key}={value}")) || line.contains(&format!("{key}=\"{value}\""))
    };
    let calls: Vec<&str> = log.lines().filter(|l| l.contains("aws call")).collect();
    let sts_call = calls.iter().find(|l| {
        l.contains("provider")
            && field(l, "service", "sts")
            && field(l, "operation", "GetCallerIdentity")
            && l.contains("outcome=")
    });
    if sts_call.is_none() {
        bail!(
            "no provider DEBUG line `aws call` with service=sts operation=GetCallerIdentity outcome=... \
             in {}; `aws call` lines found: {calls:#?}",
            plan.log_path.as_ref().map(|p| p.display().to_string()).unwrap_or_default()
        );
    }

    // Apply too, so the state file is written and can be searched.
    let apply = work
        .run_with_env(
            &["apply", "-no-color", "-input=false", "-auto-approve"],
            &env,
        )
        .await?;
    ensure!(apply.success(), "{}", apply.describe());
    let state =
        std::fs::read_to_string(work.dir.join("terraform.tfstate")).context("reading state")?;

    for (what, text) in [
        ("plan stdout", plan.stdout.clone()),
        ("plan stderr", plan.stderr.clone()),
        ("plan TF_LOG", log),
        ("apply stdout", apply.stdout.clone()),
        ("apply stderr", apply.stderr.clone()),
        ("apply TF_LOG", apply.log().unwrap_or_default()),
        ("state", state),
    ] {
        ensure!(
            !text.contains(SECRET),
            "the secret access key appears in the {what}"
        );
    }

    let destroy = work
        .run_with_env(
            &["destroy", "-no-color", "-input=false", "-auto-approve"],
            &env,
        )
        .await?;
    ensure!(destroy.success(), "{}", destroy.describe());
    Ok(())
}
