//! The invalid-input corpus: every file in `test-fixtures/invalid/` is one configuration
//! mistake, run through the real Terraform CLI. Each must fail with a diagnostic that names
//! the attribute, never crash the provider, and never reach AWS.
//!
//! A file starts with its expectations as comments:
//!
//! ```text
//! # stage: validate | plan | apply
//! # attribute: data_bucket.prefixes      (must appear in the output)
//! # error: wildcards                      (a regex the output must match)
//! # var: name=value                       (plan stage: passed as -var)
//! ```
//!
//! `validate` cases fail `terraform validate`. `plan` and `apply` cases hold values that are
//! unknown at validate (a variable without default, a `terraform_data` output): they pass
//! `terraform validate` and then fail `terraform plan` (or `terraform apply`, with nothing of
//! ours in the state). `__NAME__` in a file becomes a prefix unique to the run; a counter
//! on the emulator (a fault that never fails) counts the AWS requests that mention it,
//! which must be none.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, ensure, Context as _, Result};
use futures::StreamExt;
use regex::Regex;
use serde_json::Value as Json;

use crate::harness::case::unwrap_diagnostics;
use crate::harness::terraform::without_override_warning;
use crate::harness::*;
use crate::pipeline::control;

/// Terraform runs at once: each is a Terraform process and a provider process.
const PARALLEL: usize = 4;

/// What the output of a crashed or panicking provider contains.
const CRASH: &str =
    r"(?i)panick?ed|plugin crashed|plugin did not respond|unexpected EOF|stack backtrace";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Validate,
    Plan,
    Apply,
}

#[derive(Debug, Clone)]
struct Case {
    name: String,
    stage: Stage,
    attribute: String,
    error: Regex,
    vars: Vec<String>,
    body: String,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-fixtures/invalid")
}

fn parse_case(name: &str, text: &str) -> Result<Case> {
    let (mut stage, mut attribute, mut error, mut vars) = (None, None, None, Vec::new());
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        let Some((key, value)) = line.trim_start_matches('#').trim().split_once(':') else {
            continue;
        };
        let value = value.trim().to_string();
        match key.trim() {
            "stage" => {
                stage = Some(match value.as_str() {
                    "validate" => Stage::Validate,
                    "plan" => Stage::Plan,
                    "apply" => Stage::Apply,
                    other => bail!("{name}: unknown stage {other:?}"),
                })
            }
            "attribute" => attribute = Some(value),
            "error" => {
                error = Some(
                    Regex::new(&format!("(?s){value}"))
                        .with_context(|| format!("{name}: error regex"))?,
                )
            }
            "var" => vars.push(value),
            other => bail!("{name}: unknown header {other:?}"),
        }
    }
    let case = Case {
        name: name.to_string(),
        stage: stage.ok_or_else(|| anyhow!("{name}: no `# stage:`"))?,
        attribute: attribute.ok_or_else(|| anyhow!("{name}: no `# attribute:`"))?,
        error: error.ok_or_else(|| anyhow!("{name}: no `# error:`"))?,
        vars,
        body: text.to_string(),
    };
    ensure!(
        case.stage == Stage::Plan || case.vars.is_empty(),
        "{name}: `# var:` is only for plan cases"
    );
    Ok(case)
}

fn load_corpus() -> Result<Vec<Case>> {
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(corpus_dir())? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "tf") {
            continue;
        }
        let name = path.file_stem().unwrap_or_default().to_string_lossy();
        let text = std::fs::read_to_string(&path)?;
        cases.push(parse_case(&name, &text)?);
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(cases)
}

/// Output of a run that failed as the case expects, or why it did not.
fn expect_named_failure(case: &Case, run: &Run) -> Result<()> {
    // Terraform wraps diagnostics at 78 columns: match on the text with lines joined.
    let out = unwrap_diagnostics(&without_override_warning(&run.output()));
    if Regex::new(CRASH)?.is_match(&out) {
        bail!("the provider crashed:\n{}", run.describe());
    }
    if run.success() {
        bail!("expected a failure:\n{}", run.describe());
    }
    if !case.error.is_match(&out) {
        bail!(
            "output does not match {:?}:\n{}",
            case.error.as_str(),
            run.describe()
        );
    }
    if !out.contains(&case.attribute) {
        bail!(
            "output does not name {:?}:\n{}",
            case.attribute,
            run.describe()
        );
    }
    Ok(())
}

async fn run_case(tf: &Terraform, case: &Case, prefix: &str) -> Result<()> {
    let dir = tf.workdir(&case.name)?;
    dir.write_config(&case.body.replace("__NAME__", prefix))?;
    let validate = dir.run(&["validate", "-no-color"]).await?;
    if case.stage == Stage::Validate {
        return expect_named_failure(case, &validate);
    }
    if !validate.success() {
        bail!(
            "unknown values must pass validate:\n{}",
            validate.describe()
        );
    }
    let vars: Vec<String> = case
        .vars
        .iter()
        .map(|v| format!("-var={}", v.replace("__NAME__", prefix)))
        .collect();
    let mut args = vec!["-no-color", "-input=false"];
    args.extend(vars.iter().map(String::as_str));
    if case.stage == Stage::Plan {
        let mut plan = vec!["plan"];
        plan.extend(args);
        return expect_named_failure(case, &dir.run(&plan).await?);
    }
    let mut apply = vec!["apply", "-auto-approve"];
    apply.extend(args);
    expect_named_failure(case, &dir.run(&apply).await?)?;
    if dir.state_file_exists() {
        let state = dir.run_ok(&["state", "list", "-no-color"]).await?;
        if state.stdout.contains("flywheel_") {
            bail!("the failed apply recorded {}", state.stdout);
        }
    }
    Ok(())
}

/// The requests the counter fault `id` matched so far.
fn counted(id: u64) -> Result<u64> {
    let faults: Json = serde_json::from_str(&control("GET", "/_flywheel/faults", "")?)?;
    faults["faults"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["id"].as_u64() == Some(id))
        .and_then(|f| f["fired"].as_u64())
        .ok_or_else(|| anyhow!("counter {id} not found in {faults}"))
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn invalid_input_corpus() {
    if !acceptance_enabled("invalid_input_corpus") {
        return;
    }
    let cases = load_corpus().expect("corpus loads");
    let prefix = unique_name("inv");
    let spec = serde_json::json!({
        "service": "*", "operation": "*", "status": 0, "count": -1, "match": prefix,
    });
    let added: Json =
        serde_json::from_str(&control("POST", "/_flywheel/faults", &spec.to_string()).unwrap())
            .unwrap();
    let counter = added["faults"][0]["id"].as_u64().expect("counter id");

    let root = tempfile::Builder::new()
        .prefix("flywheel-invalid-")
        .tempdir()
        .unwrap();
    let tf = Terraform::new(root.path()).unwrap();
    let started = std::time::Instant::now();
    let failures: Vec<String> = futures::stream::iter(cases.iter())
        .map(|case| {
            let (tf, prefix) = (tf.clone(), prefix.clone());
            async move {
                run_case(&tf, case, &prefix)
                    .await
                    .err()
                    .map(|e| format!("{} ({:?}): {e:#}", case.name, case.stage))
            }
        })
        .buffer_unordered(PARALLEL)
        .filter_map(|f| async move { f })
        .collect()
        .await;
    let requests = counted(counter);
    let _ = control("DELETE", &format!("/_flywheel/faults/{counter}"), "");
    eprintln!(
        "invalid_input_corpus: {} cases in {:.1?}",
        cases.len(),
        started.elapsed()
    );
    if !failures.is_empty() {
        let kept = root.keep();
        panic!(
            "{} of {} cases failed (directories kept in {}):\n\n{}",
            failures.len(),
            cases.len(),
            kept.display(),
            failures.join("\n\n")
        );
    }
    assert_eq!(
        requests.unwrap(),
        0,
        "AWS requests mentioned the corpus prefix {prefix}"
    );
}

/// Needs no emulator: runs with the harness's own unit tests.
#[cfg(test)]
mod corpus_tests {
    use super::*;

    #[test]
    fn invalid_input_corpus_is_well_formed() {
        let cases = load_corpus().expect("corpus loads");
        assert!(cases.len() >= 60, "only {} cases", cases.len());
        for stage in [Stage::Validate, Stage::Plan, Stage::Apply] {
            assert!(cases.iter().any(|c| c.stage == stage), "no {stage:?} case");
        }
        for c in &cases {
            assert!(
                c.body.contains("resource \"flywheel_"),
                "{}: no resource",
                c.name
            );
        }
        assert!(parse_case("x", "# stage: later\n").is_err());
        assert!(parse_case("x", "# stage: validate\n# error: x\n").is_err());
    }
}
