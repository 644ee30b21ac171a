//! The `import {}` blocks for a grouped environment, and the report of what was found and
//! skipped. Pure: the grouping and the adopted buckets in, text out.

use std::collections::{BTreeMap, BTreeSet};

use super::group::{find_run, tokens, Environment};
use crate::model::pipeline::{import_id, BucketRole, BucketSettings, Settings};

/// The pipeline's import ID: every name found, and `adopted=` for the buckets in
/// `adopted`. Roles and buckets not found are left to the ID's defaults.
pub fn pipeline_id(name: &str, e: &Environment, adopted: &BTreeSet<BucketRole>) -> String {
    let bucket = |role: BucketRole| BucketSettings {
        name: e.buckets.get(&role).cloned(),
        create: adopted.contains(&role).then_some(false),
        ..Default::default()
    };
    // `model::pipeline::import_id` is the one writer of the format the import parses.
    import_id(&Settings {
        name: name.to_string(),
        environment: Some(e.environment.clone()),
        role_name: e.role.clone(),
        database_name: e.database.clone(),
        data: bucket(BucketRole::Data),
        assets: bucket(BucketRole::Assets),
        analysis: bucket(BucketRole::Analysis),
        ..Default::default()
    })
}

/// A Terraform resource name from the tokens of `name` that are not the prefix and
/// environment (`etl-omc-flywheel-prod-addressable-ids` gives `addressable_ids`): letters,
/// digits and underscores, starting with a letter (`fallback_` is put before anything else).
pub fn label(name: &str, run: &[String], fallback: &str) -> String {
    let t = tokens(name);
    let chosen: &[String] = match find_run(&t, run) {
        Some(i) if i + run.len() < t.len() => &t[i + run.len()..],
        Some(i) if i > 0 => &t[..i],
        _ => &t,
    };
    let mut out = String::new();
    for c in chosen.join("_").chars() {
        out.push(if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '_'
        });
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out = format!("{fallback}_{out}");
    }
    out.trim_end_matches('_').to_string()
}

/// `label` for each name, made unique with `_2`, `_3`... in the names' order.
fn labels(names: &[String], run: &[String], fallback: &str) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    names
        .iter()
        .map(|n| {
            let base = label(n, run, fallback);
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                base
            } else {
                format!("{base}_{count}")
            }
        })
        .collect()
}

/// A quoted HCL string: JSON escapes, and `${` / `%{` doubled so no template starts.
fn quoted(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap_or_default()
        .replace("${", "$${")
        .replace("%{", "%%{")
}

fn block(to: &str, id: &str) -> String {
    format!("import {{\n  to = {to}\n  id = {}\n}}\n", quoted(id))
}

/// Every import block: the pipeline, then the jobs, then the crawlers.
pub fn imports(
    name: &str,
    prefix_run: &[String],
    e: &Environment,
    adopted: &BTreeSet<BucketRole>,
) -> String {
    let pipeline_label = label(&prefix_run.join("-"), &[], "pipeline");
    let mut out = vec![block(
        &format!("flywheel_pipeline.{pipeline_label}"),
        &pipeline_id(name, e, adopted),
    )];
    for (n, l) in e.jobs.iter().zip(labels(&e.jobs, prefix_run, "job")) {
        out.push(block(&format!("flywheel_job.{l}"), n));
    }
    for (n, l) in e
        .crawlers
        .iter()
        .zip(labels(&e.crawlers, prefix_run, "crawler"))
    {
        out.push(block(&format!("flywheel_crawler.{l}"), n));
    }
    out.join("\n")
}

/// What was found and skipped, for stderr. `tag_errors`: buckets whose tags could not be
/// read (taken as adopted, which never deletes them).
pub fn report(
    e: &Environment,
    adopted: &BTreeSet<BucketRole>,
    tag_errors: &BTreeMap<BucketRole, String>,
) -> String {
    let mut out = Vec::new();
    match &e.inferred_from {
        Some(from) => out.push(format!("environment {:?} (from {from})", e.environment)),
        None => out.push(format!("environment {:?}", e.environment)),
    }
    let found = |what: &str, v: &Option<String>, out: &mut Vec<String>| {
        match v {
        Some(n) => out.push(format!("found {what} {n}")),
        None => out.push(format!(
            "warning: no {what} found: the import ID leaves it out, so the pipeline takes the default name; set it by hand if the environment has one"
        )),
    }
    };
    found("role", &e.role, &mut out);
    found("database", &e.database, &mut out);
    for role in BucketRole::ALL {
        match e.buckets.get(&role) {
            Some(n) => {
                let how = match tag_errors.get(&role) {
                    Some(err) => format!("adopted: its tags could not be read ({err})"),
                    None if adopted.contains(&role) => {
                        "adopted: it carries no flywheel:owner tag".to_string()
                    }
                    None => "created by the provider: it carries a flywheel:owner tag".to_string(),
                };
                out.push(format!("found {} {n} ({how})", role.block()));
            }
            None => out.push(format!(
                "warning: no {} found: the import ID leaves it out, so the pipeline takes the default name; set it by hand if the environment has one",
                role.block()
            )),
        }
    }
    out.push(format!("found {} job(s)", e.jobs.len()));
    out.extend(e.jobs.iter().map(|j| format!("  job {j}")));
    out.push(format!("found {} crawler(s)", e.crawlers.len()));
    out.extend(e.crawlers.iter().map(|c| format!("  crawler {c}")));
    out.extend(skipped(e));
    out.join("\n") + "\n"
}

/// One line per name left out, with the reason.
pub fn skipped(e: &Environment) -> Vec<String> {
    e.skipped
        .iter()
        .map(|s| format!("skipped {} {}: {}", s.kind, s.name, s.reason))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pipeline::parse_import_id;

    fn run() -> Vec<String> {
        ["omc", "flywheel", "prod"].map(String::from).to_vec()
    }

    fn production() -> Environment {
        Environment {
            environment: "prod".into(),
            role: Some("omc_flywheel-prod-glue-role".into()),
            database: Some("omc_flywheel_prod".into()),
            buckets: BTreeMap::from([
                (BucketRole::Data, "omc-flywheel-data-us-east-1-prod".into()),
                (
                    BucketRole::Assets,
                    "aws-glue-assets-239083076653-us-east-1".into(),
                ),
                (
                    BucketRole::Analysis,
                    "omc-flywheel-prod-analysis-data".into(),
                ),
            ]),
            jobs: vec!["etl-omc-flywheel-prod-addressable-ids-compaction".into()],
            crawlers: vec![
                "crw-omc-flywheel-prod-raw-input-addressable".into(),
                "crw-omc-flywheel-prod-raw-input.addressable".into(),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn the_pipeline_id_is_the_documented_one_and_parses_back() {
        let all = BTreeSet::from(BucketRole::ALL);
        let id = pipeline_id("omc-flywheel", &production(), &all);
        // The ID the adoption guide shows for the production example.
        assert_eq!(
            id,
            "name=omc-flywheel,environment=prod,role=omc_flywheel-prod-glue-role,database=omc_flywheel_prod,data_bucket=omc-flywheel-data-us-east-1-prod,assets_bucket=aws-glue-assets-239083076653-us-east-1,analysis_bucket=omc-flywheel-prod-analysis-data,adopted=data_bucket+assets_bucket+analysis_bucket"
        );
        let some = BTreeSet::from([BucketRole::Analysis]);
        let parsed = parse_import_id(&pipeline_id("omc-flywheel", &production(), &some)).unwrap();
        assert_eq!(parsed.adopted, some);
        assert_eq!(parsed.buckets.len(), 3);
        assert!(!pipeline_id("omc-flywheel", &production(), &BTreeSet::new()).contains("adopted"));
    }

    #[test]
    fn labels_are_identifiers_without_the_prefix() {
        let r = run();
        assert_eq!(
            label(
                "etl-omc-flywheel-prod-addressable-ids-compaction",
                &r,
                "job"
            ),
            "addressable_ids_compaction"
        );
        assert_eq!(label("etl-omc-flywheel-prod", &r, "job"), "etl");
        assert_eq!(label("omc-flywheel-prod", &r, "job"), "omc_flywheel_prod");
        assert_eq!(
            label("etl-omc-flywheel-prod-2024-load", &r, "job"),
            "job_2024_load"
        );
        assert_eq!(
            label("ETL Omc flywheel+x", &[], "job"),
            "etl_omc_flywheel_x"
        );
        assert_eq!(label("", &r, "job"), "job");
        let got = labels(
            &[
                "crw-omc-flywheel-prod-raw-input".into(),
                "crw-omc-flywheel-prod-raw.input".into(),
                "crw-omc-flywheel-prod-raw_input".into(),
            ],
            &r,
            "crawler",
        );
        assert_eq!(got, ["raw_input", "raw_input_2", "raw_input_3"]);
    }

    #[test]
    fn the_blocks_name_each_resource_once() {
        let all = BTreeSet::from(BucketRole::ALL);
        let text = imports("omc-flywheel", &run(), &production(), &all);
        assert!(text.starts_with(
            "import {\n  to = flywheel_pipeline.omc_flywheel_prod\n  id = \"name=omc-flywheel,"
        ));
        assert!(text.contains(
            "import {\n  to = flywheel_job.addressable_ids_compaction\n  id = \"etl-omc-flywheel-prod-addressable-ids-compaction\"\n}\n"
        ));
        assert!(text.contains("  to = flywheel_crawler.raw_input_addressable\n"));
        assert!(text.contains("  to = flywheel_crawler.raw_input_addressable_2\n"));
        assert_eq!(text.matches("import {").count(), 4);
        assert_eq!(quoted("a${b}%{c}\"d"), "\"a$${b}%%{c}\\\"d\"");
    }

    #[test]
    fn the_report_says_what_was_found_adopted_and_skipped() {
        let mut e = production();
        e.buckets.remove(&BucketRole::Analysis);
        e.role = None;
        e.skipped.push(super::super::group::Skipped {
            kind: "bucket",
            name: "omc-flywheel-prod-logs".into(),
            reason: "matched no bucket role".into(),
        });
        let adopted = BTreeSet::from([BucketRole::Data]);
        let errors = BTreeMap::from([(BucketRole::Assets, "AccessDenied".to_string())]);
        let text = report(&e, &adopted, &errors);
        for line in [
            "warning: no role found",
            "found database omc_flywheel_prod",
            "found data_bucket omc-flywheel-data-us-east-1-prod (adopted: it carries no flywheel:owner tag)",
            "(adopted: its tags could not be read (AccessDenied))",
            "warning: no analysis_bucket found",
            "found 1 job(s)",
            "found 2 crawler(s)",
            "skipped bucket omc-flywheel-prod-logs: matched no bucket role",
        ] {
            assert!(text.contains(line), "no {line:?} in\n{text}");
        }
    }
}
