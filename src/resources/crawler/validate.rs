//! Offline validation: every mistake in a literal value is reported with its attribute
//! path, before any API call. One-value rules read as `attribute: rule` lines
//! (`validators::Checks`, rules from `model::crawler` and, for the database, the pipeline's
//! own rule); checks across values come from `model::crawler::problems`.

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::state::*;
use crate::model::crawler::{self as model, Literals};
use crate::model::crawler_run;
use crate::model::crawler_settings as settings;
use crate::model::pipeline::check_database_name;
use crate::model::tags as tag_model;
use crate::validators::Checks;

pub(super) fn literals(c: &State) -> Literals<'_> {
    let policy = c.schema_change_policy.as_ref_option();
    let nested = |f: fn(&SchemaChangePolicyBlock) -> &Value<String>| match &c.schema_change_policy {
        Value::Unknown => None,
        _ => policy.map_or(Some(None), |p| known(f(p))),
    };
    Literals {
        s3_targets: lit_list(&c.s3_targets),
        exclusions: lit_list(&c.exclusions),
        update_behavior: nested(|p| &p.update_behavior),
        delete_behavior: nested(|p| &p.delete_behavior),
        recrawl_behavior: known(&c.recrawl_policy),
        event_queue_arn: known(&c.event_queue_arn),
        dlq_event_queue_arn: known(&c.dlq_event_queue_arn),
    }
}

pub(crate) fn validate_config(c: &State, diags: &mut Diagnostics) {
    let at = AttributePath::new;
    let mut v = Checks::new(diags);
    v.string(at("name"), &c.name, "Invalid name", &model::check_name);
    let role = &crate::validate::role_arn;
    v.string(at("role_arn"), &c.role_arn, "Invalid role_arn", role);
    let db = &check_database_name;
    v.string(at("database"), &c.database, "Invalid database", db);
    let prefix = &model::check_table_prefix;
    v.string(
        at("table_prefix"),
        &c.table_prefix,
        "Invalid table_prefix",
        prefix,
    );
    if let Value::Value(p) = &c.schema_change_policy {
        let at = |n| AttributePath::new("schema_change_policy").attribute(n);
        let (update, delete) = (&p.update_behavior, &p.delete_behavior);
        let summary = "Invalid schema_change_policy.update_behavior";
        v.string(
            at("update_behavior"),
            update,
            summary,
            &model::check_update_behavior,
        );
        let summary = "Invalid schema_change_policy.delete_behavior";
        v.string(
            at("delete_behavior"),
            delete,
            summary,
            &model::check_delete_behavior,
        );
    }
    let recrawl = &model::check_recrawl_behavior;
    v.string(
        at("recrawl_policy"),
        &c.recrawl_policy,
        "Invalid recrawl_policy",
        recrawl,
    );
    v.string(
        at("schedule"),
        &c.schedule,
        "Invalid schedule",
        &model::check_schedule,
    );
    let job = &model::check_run_after_job;
    v.string(
        at("run_after_job"),
        &c.run_after_job,
        "Invalid run_after_job",
        job,
    );
    if let Value::Value(states) = &c.run_after_job_states {
        if let Some(known) = states
            .iter()
            .map(|s| s.as_ref_option().cloned())
            .collect::<Option<Vec<_>>>()
        {
            if let Err(e) = model::check_run_after_job_states(&known) {
                v.fail(
                    at("run_after_job_states"),
                    "Invalid run_after_job_states",
                    e,
                );
            } else if c.run_after_job.is_null() {
                v.fail(
                    at("run_after_job_states"),
                    "States without a job",
                    "`run_after_job_states` says which runs of `run_after_job` start the crawler; set `run_after_job`, or remove it.",
                );
            }
        }
    }
    let config = &model::check_configuration;
    v.string(
        at("configuration"),
        &c.configuration,
        "Invalid configuration",
        config,
    );
    settings_checks(c, &mut v);
    v.string(
        at("running_crawler_timeout"),
        &c.running_crawler_timeout,
        "Invalid running_crawler_timeout",
        &crawler_run::check_timeout,
    );
    for p in model::problems(&literals(c)) {
        let mut path = AttributePath::new(p.attribute);
        if let Some(i) = p.index {
            path = path.index(i as i64);
        }
        v.fail(path, &format!("Invalid {}", p.path()), p.message);
    }
    if c.role_arn.is_null() && c.pipeline.is_null() {
        v.fail(
            at("role_arn"),
            "Missing role",
            "Set `pipeline = flywheel_pipeline.<name>.context` (which carries the Glue role) or `role_arn`.",
        );
    }
    if c.database.is_null() && c.pipeline.is_null() {
        v.fail(
            at("database"),
            "Missing database",
            "Set `pipeline = flywheel_pipeline.<name>.context` (which carries the catalog database) or `database`.",
        );
    }
    if let Value::Value(p) = &c.pipeline {
        if c.role_arn.is_null() {
            let at = AttributePath::new("pipeline").attribute("role_arn");
            v.string(at, &p.role_arn, "Invalid pipeline.role_arn", role);
        }
    }
    if let Some(tags) = known_tags(&c.tags) {
        for (k, msg) in tag_model::problems(&tags) {
            v.fail(at("tags").key(k), "Invalid tag", msg);
        }
        if let Some(msg) = tag_model::count_problem(&tags) {
            v.fail(at("tags"), "Too many tags", msg);
        }
    }
}

/// The settings beyond targets and policies: one rule per value, classifiers by index.
fn settings_checks(c: &State, v: &mut Checks<'_>) {
    let at = AttributePath::new;
    let rule = |f: fn(&str) -> Result<(), String>| f;
    v.string(
        at("description"),
        &c.description,
        "Invalid description",
        &rule(settings::check_description),
    );
    v.string(
        at("security_configuration"),
        &c.security_configuration,
        "Invalid security_configuration",
        &rule(settings::check_security_configuration),
    );
    for (attr, value) in [
        ("event_queue_arn", &c.event_queue_arn),
        ("dlq_event_queue_arn", &c.dlq_event_queue_arn),
    ] {
        v.string(
            at(attr),
            value,
            &format!("Invalid {attr}"),
            &rule(settings::check_queue_arn),
        );
    }
    if let Value::Value(n) = &c.sample_size {
        let problem = match n.as_i64() {
            Some(i) => settings::check_sample_size(i).err(),
            None => Some(format!("must be a whole number, not {}", n.0)),
        };
        if let Some(e) = problem {
            v.fail(at("sample_size"), "Invalid sample_size", e);
        }
    }
    if let Some(names) = lit_list(&c.classifiers) {
        let mut seen = std::collections::BTreeSet::new();
        for (i, name) in names.iter().enumerate() {
            let Some(name) = name else { continue };
            let problem = match settings::check_classifier(name) {
                Err(e) => Some(e),
                Ok(()) if !seen.insert(*name) => Some(format!("{name:?} is listed more than once")),
                Ok(()) => None,
            };
            if let Some(e) = problem {
                v.fail(
                    at("classifiers").index(i as i64),
                    &format!("Invalid classifiers[{i}]"),
                    e,
                );
            }
        }
    }
    if let Value::Value(l) = &c.lake_formation_configuration {
        v.string(
            at("lake_formation_configuration").attribute("account_id"),
            &l.account_id,
            "Invalid lake_formation_configuration.account_id",
            &rule(settings::check_account_id),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value<String> {
        Value::Value(v.into())
    }

    fn config() -> State {
        State {
            name: s("crw-x"),
            role_arn: s("arn:aws:iam::239083076653:role/r"),
            database: s("db"),
            s3_targets: Value::Value(vec![s("s3://bucket-a/x/")]),
            ..State::default()
        }
    }

    fn paths(c: &State) -> Vec<String> {
        let mut d = Diagnostics::default();
        validate_config(c, &mut d);
        d.errors
            .iter()
            .map(|e| format!("{:?}", e.attribute))
            .collect()
    }

    #[test]
    fn validation_names_attribute_paths() {
        assert!(paths(&config()).is_empty());
        let mut c = config();
        c.s3_targets = Value::Value(vec![s("s3://bucket-a/x/"), s("bucket")]);
        c.schema_change_policy = Value::Value(SchemaChangePolicyBlock {
            update_behavior: s("NOPE"),
            delete_behavior: Value::Null,
        });
        let p = paths(&c).join("\n");
        assert!(p.contains("s3_targets") && p.contains("Index(1)"), "{p}");
        assert!(
            p.contains("schema_change_policy") && p.contains("update_behavior"),
            "{p}"
        );
        let mut c = config();
        c.database = s("Bad Database!");
        let p = paths(&c).join("\n");
        assert!(p.contains("database"), "{p}");
        let mut c = config();
        c.role_arn = Value::Null;
        c.database = Value::Null;
        let p = paths(&c).join("\n");
        assert!(p.contains("role_arn") && p.contains("database"), "{p}");
    }

    #[test]
    fn unknown_values_are_not_validated() {
        let mut c = config();
        c.s3_targets = Value::Unknown;
        c.configuration = Value::Unknown;
        c.schema_change_policy = Value::Unknown;
        c.role_arn = Value::Unknown;
        assert!(paths(&c).is_empty());
    }
}
