//! Every policy document the provider writes passes the policy linter (parliament, run by
//! `test-fixtures/policy_lint.py` against the kept findings in
//! `test-fixtures/policy-lint-allowed.json`). The documents are read back from the emulator
//! after apply, from two pipelines that between them take each shape the settings give;
//! the deployer policy the docs index publishes is linted with them.

use std::path::Path;
use std::process::Command;

use anyhow::{ensure, Context as _, Result};
use serde_json::Value as Json;

use crate::harness::*;
use crate::pipeline::{bucket_policy, check_nothing_left, inline_policy, percent_decode, Names};

/// Two pipelines: `wide` reads and writes its buckets whole, with the defaults; `narrow`
/// limits the role to prefixes, puts it under a path with the confused-deputy conditions
/// and without AWSGlueServiceRole (so its inline policy grants the Data Catalog), attaches
/// an extra managed policy, uses SSE-KMS and DSSE-KMS, and restricts object access to
/// named principals.
fn config(wide: &Names, narrow: &Names, kms_key: &str, analyst: &str) -> String {
    format!(
        r#"
resource "flywheel_pipeline" "wide" {{
  name        = "{wide}"
  environment = "acc"
  database {{}}
  role {{}}
  data_bucket {{}}
  assets_bucket {{}}
  analysis_bucket {{}}
}}

resource "flywheel_pipeline" "narrow" {{
  name        = "{narrow}"
  environment = "acc"
  database {{}}
  role {{
    path                       = "/flywheel/"
    confused_deputy_conditions = true
    attach_glue_service_role   = false
    managed_policy_arns        = ["arn:aws:iam::aws:policy/AmazonAthenaFullAccess"]
  }}
  data_bucket {{
    prefixes               = ["opus/", "omc_cleanroom_data/"]
    expire_prefixes        = {{ "opus/tmp/" = 3 }}
    allowed_principal_arns = ["{analyst}"]
  }}
  assets_bucket {{
    allowed_principal_arns = ["{analyst}"]
  }}
  analysis_bucket {{
    prefixes      = ["temp/", "spark-logs/"]
    kms_key_arn   = "{kms_key}"
    sse_algorithm = "aws:kms:dsse"
  }}
}}
"#,
        wide = wide.name,
        narrow = narrow.name,
    )
}

/// The trust policy, the inline policy and the three bucket policies of one pipeline,
/// written to `dir` as `trust-<role>.json`, `inline-<role>.json` and `bucket-<name>.json`.
async fn collect(aws: &Clients, n: &Names, dir: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    let mut write = |name: String, doc: &Json| -> Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_string_pretty(doc)?)?;
        files.push(path.display().to_string());
        Ok(())
    };
    let role = aws.iam.get_role().role_name(&n.role).send().await?;
    let trust = role
        .role()
        .and_then(|r| r.assume_role_policy_document())
        .context("GetRole returned no trust policy")?;
    let trust: Json = serde_json::from_str(trust)
        .or_else(|_| serde_json::from_str(&percent_decode(trust)))
        .context("trust policy JSON")?;
    write(format!("trust-{}.json", n.role), &trust)?;
    write(
        format!("inline-{}.json", n.role),
        &inline_policy(aws, &n.role).await?,
    )?;
    for b in n.buckets() {
        let doc = bucket_policy(aws, b)
            .await?
            .with_context(|| format!("bucket {b} has no policy"))?;
        write(format!("bucket-{b}.json"), &doc)?;
    }
    Ok(files)
}

/// The deployer policy in `docs/index.md` (generated from the operations the provider
/// calls), written to `dir` as `deployer.json`.
fn deployer_policy(dir: &Path) -> Result<String> {
    let index =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/index.md"))?;
    let section = index
        .split_once("## IAM permissions")
        .context("docs/index.md has no IAM permissions section")?
        .1;
    let json = section
        .split_once("```json\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .context("no JSON policy in the IAM permissions section")?
        .0;
    let doc: Json = serde_json::from_str(json).context("the deployer policy is not JSON")?;
    let path = dir.join("deployer.json");
    std::fs::write(&path, serde_json::to_string_pretty(&doc)?)?;
    Ok(path.display().to_string())
}

fn lint(files: &[String]) -> Result<Json> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var("FLYWHEEL_TOOLS_DIR")
        .map(|d| Path::new(&d).join("venv/bin/python"))
        .unwrap_or_else(|_| root.join(".tools/venv/bin/python"));
    let out = Command::new(&python)
        .arg(root.join("test-fixtures/policy_lint.py"))
        .args(files)
        .output()
        .with_context(|| format!("running {} (run `make tools`)", python.display()))?;
    let report: Json = serde_json::from_slice(&out.stdout).with_context(|| {
        format!(
            "policy_lint.py printed no report: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    ensure!(
        out.status.success(),
        "the policy linter found problems:\n{}",
        serde_json::to_string_pretty(&report["failures"])?
    );
    Ok(report)
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn generated_policies_pass_the_policy_linter() {
    if !acceptance_enabled("generated_policies_pass_the_policy_linter") {
        return;
    }
    let wide = Names::new("fw-lintw");
    let narrow = Names::new("fw-lintn");
    let acct = emulator_account_id().await.expect("emulator account");
    let kms_key = format!("arn:aws:kms:us-east-1:{acct}:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    let analyst = format!("arn:aws:iam::{acct}:role/analyst");
    let (w, nn) = (wide.clone(), narrow.clone());
    let (wx, nx) = (wide.clone(), narrow.clone());
    TestCase::new()
        .step(
            Step::config(config(&wide, &narrow, &kms_key, &analyst)).emulator_check(move |ctx| {
                let (w, nn) = (w.clone(), nn.clone());
                async move {
                    let dir = tempfile::tempdir()?;
                    let mut files = collect(&ctx.aws, &w, dir.path()).await?;
                    files.extend(collect(&ctx.aws, &nn, dir.path()).await?);
                    files.push(deployer_policy(dir.path())?);
                    let report = lint(&files)?;
                    ensure!(report["policies"] == 11, "linted {}", report["policies"]);
                    // The narrow pipeline's variants are really there to be linted.
                    let all = files
                        .iter()
                        .map(std::fs::read_to_string)
                        .collect::<std::io::Result<Vec<_>>>()?
                        .join("\n");
                    for needle in ["aws:SourceArn", "glue:CreateTable", "aws:PrincipalArn"] {
                        ensure!(all.contains(needle), "no linted policy has {needle}");
                    }
                    Ok(())
                }
            }),
        )
        .check_destroy(move |ctx| {
            let (w, nn) = (wx.clone(), nx.clone());
            async move {
                check_nothing_left(&ctx.aws, &w, false).await?;
                check_nothing_left(&ctx.aws, &nn, false).await
            }
        })
        .run()
        .await;
}
