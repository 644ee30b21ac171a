//! Offline validation: every mistake in a literal value is reported with its attribute
//! path, before any API call. One-value rules read as `attribute: rule` lines
//! (`validators::Checks`, rules from `model::crawler` and, for the database, the pipeline's
//! own rule); checks across values come from `model::crawler::problems`.

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::state::*;
use super::targets::TargetBlocks;
use crate::model::crawler::{self as model, Literals};
use crate::model::crawler_run;
use crate::model::crawler_settings as settings;
use crate::model::crawler_targets as targets;
use crate::model::pipeline::check_database_name;
use crate::model::tags as tag_model;
use crate::validators::Checks;

pub(super) fn literals(c: &State) -> Literals<'_> {
    let policy = c.schema_change_policy.as_ref_option();
    let nested = |f: fn(&SchemaChangePolicyBlock) -> &Value<String>| match &c.schema_change_policy {
        Value::Unknown => None,
        _ => policy.map_or(Some(None), |p| known(f(p))),
    };
    let blocks = c.target_blocks();
    let counts = blocks.counts();
    let known_counts = counts.iter().all(|(_, n)| n.is_some());
    Literals {
        s3_targets: match &c.s3_targets {
            Value::Null => Some(Vec::new()),
            v => lit_list(v),
        },
        s3_blocks: counts[0].1,
        other_kinds: known_counts.then(|| {
            counts[1..]
                .iter()
                .filter(|(_, n)| n.is_some_and(|n| n > 0))
                .map(|(k, _)| *k)
                .collect()
        }),
        block_queues: block_queues(&blocks),
        sample_size_set: match &c.sample_size {
            Value::Unknown => None,
            v => Some(v.is_value()),
        },
        exclusions: lit_list(&c.exclusions),
        update_behavior: nested(|p| &p.update_behavior),
        delete_behavior: nested(|p| &p.delete_behavior),
        recrawl_behavior: known(&c.recrawl_policy),
        event_queue_arn: known(&c.event_queue_arn),
        dlq_event_queue_arn: known(&c.dlq_event_queue_arn),
    }
}

/// The event queues set in the `s3_target` and `catalog_target` blocks; `None` while any
/// is unknown.
fn block_queues(b: &TargetBlocks) -> Option<Vec<(&'static str, usize, bool, bool)>> {
    let mut out = Vec::new();
    let set = |v: &Value<String>| match v {
        Value::Unknown => None,
        v => Some(v.is_value()),
    };
    if let Value::Value(l) = &b.s3 {
        for (i, t) in l.iter().enumerate() {
            out.push((
                "s3_target",
                i,
                set(&t.event_queue_arn)?,
                set(&t.dlq_event_queue_arn)?,
            ));
        }
    } else if b.s3.is_unknown() {
        return None;
    }
    if let Value::Value(l) = &b.catalog {
        for (i, t) in l.iter().enumerate() {
            out.push((
                "catalog_target",
                i,
                set(&t.event_queue_arn)?,
                set(&t.dlq_event_queue_arn)?,
            ));
        }
    } else if b.catalog.is_unknown() {
        return None;
    }
    Some(out)
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
    target_block_checks(c, &mut v);
    for p in model::problems(&literals(c)) {
        let mut path = AttributePath::new(p.attribute);
        if let Some(i) = p.index {
            path = path.index(i as i64);
        }
        if let Some(f) = p.field {
            path = path.attribute(f);
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

type StrRule = fn(&str) -> Result<(), String>;

/// A rule on each element of a list attribute, named by its index; and at least one
/// element when `required`.
fn each_indexed(
    v: &mut Checks<'_>,
    at: AttributePath,
    name: &str,
    list: &Value<StringList>,
    rule: StrRule,
    required: bool,
) {
    if let Value::Value(items) = list {
        if required && items.is_empty() {
            v.fail(at.clone(), &format!("Invalid {name}"), "list at least one");
        }
        for (i, s) in items.iter().enumerate() {
            if let Value::Value(s) = s {
                if let Err(e) = rule(s) {
                    v.fail(
                        at.clone().index(i as i64),
                        &format!("Invalid {name}[{i}]"),
                        e,
                    );
                }
            }
        }
    }
}

/// A whole number within its rule, when set.
fn whole(
    v: &mut Checks<'_>,
    at: AttributePath,
    name: &str,
    n: &Value<crate::values::Number>,
    rule: fn(i64) -> Result<(), String>,
) {
    if let Value::Value(n) = n {
        let problem = match n.as_i64() {
            Some(i) => rule(i).err(),
            None => Some(format!("must be a whole number, not {}", n.0)),
        };
        if let Some(e) = problem {
            v.fail(at, &format!("Invalid {name}"), e);
        }
    }
}

/// The one-value rules of every target block, each error at its block index and field.
fn target_block_checks(c: &State, v: &mut Checks<'_>) {
    let queue: StrRule = settings::check_queue_arn;
    let conn: StrRule = targets::check_connection_name;
    let exclusion: StrRule = model::check_exclusion;
    macro_rules! blocks {
        ($field:ident, $name:literal, |$at:ident, $b:ident, $i:ident| $body:block) => {
            if let Value::Value(l) = &c.$field {
                for ($i, $b) in l.iter().enumerate() {
                    let $at =
                        |f: &'static str| AttributePath::new($name).index($i as i64).attribute(f);
                    $body
                }
            }
        };
    }
    let summary = |block: &str, i: usize, f: &str| format!("Invalid {block}[{i}].{f}");
    blocks!(s3_target, "s3_target", |at, b, i| {
        let s3: StrRule = |s| {
            crate::validate::s3_uri(s, false)
                .map(|_| ())
                .map_err(|e| format!("{e}; S3 targets look like s3://bucket/prefix/"))
        };
        v.string(at("path"), &b.path, &summary("s3_target", i, "path"), &s3);
        each_indexed(
            v,
            at("exclusions"),
            "exclusions",
            &b.exclusions,
            exclusion,
            false,
        );
        v.string(
            at("connection_name"),
            &b.connection_name,
            &summary("s3_target", i, "connection_name"),
            &conn,
        );
        whole(
            v,
            at("sample_size"),
            "sample_size",
            &b.sample_size,
            settings::check_sample_size,
        );
        v.string(
            at("event_queue_arn"),
            &b.event_queue_arn,
            &summary("s3_target", i, "event_queue_arn"),
            &queue,
        );
        v.string(
            at("dlq_event_queue_arn"),
            &b.dlq_event_queue_arn,
            &summary("s3_target", i, "dlq_event_queue_arn"),
            &queue,
        );
    });
    if let Value::Value(l) = &c.s3_target {
        let mut seen = std::collections::BTreeSet::new();
        for (i, b) in l.iter().enumerate() {
            if let Value::Value(p) = &b.path {
                if !seen.insert(p.trim_end_matches('/').to_string()) {
                    v.fail(
                        AttributePath::new("s3_target").index(i as i64).attribute("path"),
                        &summary("s3_target", i, "path"),
                        format!("{p:?} is crawled by another s3_target block too; give each path one block"),
                    );
                }
            }
        }
    }
    blocks!(catalog_target, "catalog_target", |at, b, i| {
        let db: StrRule = check_database_name;
        v.string(
            at("database_name"),
            &b.database_name,
            &summary("catalog_target", i, "database_name"),
            &db,
        );
        each_indexed(
            v,
            at("tables"),
            "tables",
            &b.tables,
            targets::check_table_name,
            true,
        );
        v.string(
            at("connection_name"),
            &b.connection_name,
            &summary("catalog_target", i, "connection_name"),
            &conn,
        );
        v.string(
            at("event_queue_arn"),
            &b.event_queue_arn,
            &summary("catalog_target", i, "event_queue_arn"),
            &queue,
        );
        v.string(
            at("dlq_event_queue_arn"),
            &b.dlq_event_queue_arn,
            &summary("catalog_target", i, "dlq_event_queue_arn"),
            &queue,
        );
    });
    blocks!(jdbc_target, "jdbc_target", |at, b, i| {
        v.string(
            at("connection_name"),
            &b.connection_name,
            &summary("jdbc_target", i, "connection_name"),
            &conn,
        );
        let path: StrRule = targets::check_jdbc_path;
        v.string(
            at("path"),
            &b.path,
            &summary("jdbc_target", i, "path"),
            &path,
        );
        each_indexed(
            v,
            at("exclusions"),
            "exclusions",
            &b.exclusions,
            exclusion,
            false,
        );
        each_indexed(
            v,
            at("enable_additional_metadata"),
            "enable_additional_metadata",
            &b.enable_additional_metadata,
            targets::check_jdbc_metadata,
            false,
        );
    });
    blocks!(dynamodb_target, "dynamodb_target", |at, b, i| {
        let table: StrRule = targets::check_dynamodb_table;
        v.string(
            at("path"),
            &b.path,
            &summary("dynamodb_target", i, "path"),
            &table,
        );
        if let Value::Value(r) = &b.scan_rate {
            if let Err(e) = targets::check_scan_rate(r.0) {
                v.fail(
                    at("scan_rate"),
                    &summary("dynamodb_target", i, "scan_rate"),
                    e,
                );
            }
        }
    });
    blocks!(mongodb_target, "mongodb_target", |at, b, i| {
        v.string(
            at("connection_name"),
            &b.connection_name,
            &summary("mongodb_target", i, "connection_name"),
            &conn,
        );
        let path: StrRule = targets::check_mongodb_path;
        v.string(
            at("path"),
            &b.path,
            &summary("mongodb_target", i, "path"),
            &path,
        );
    });
    blocks!(delta_target, "delta_target", |at, b, i| {
        each_indexed(
            v,
            at("delta_tables"),
            "delta_tables",
            &b.delta_tables,
            targets::check_s3_path,
            true,
        );
        v.string(
            at("connection_name"),
            &b.connection_name,
            &summary("delta_target", i, "connection_name"),
            &conn,
        );
    });
    for (field, name) in [
        (&c.iceberg_target, "iceberg_target"),
        (&c.hudi_target, "hudi_target"),
    ] {
        if let Value::Value(l) = field {
            for (i, b) in l.iter().enumerate() {
                let at = |f: &'static str| AttributePath::new(name).index(i as i64).attribute(f);
                each_indexed(
                    v,
                    at("paths"),
                    "paths",
                    &b.paths,
                    targets::check_s3_path,
                    true,
                );
                v.string(
                    at("connection_name"),
                    &b.connection_name,
                    &summary(name, i, "connection_name"),
                    &conn,
                );
                each_indexed(
                    v,
                    at("exclusions"),
                    "exclusions",
                    &b.exclusions,
                    exclusion,
                    false,
                );
                whole(
                    v,
                    at("maximum_traversal_depth"),
                    "maximum_traversal_depth",
                    &b.maximum_traversal_depth,
                    targets::check_traversal_depth,
                );
            }
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
    fn target_blocks_are_named_by_index_and_field() {
        use super::super::targets::*;
        let mut c = config();
        c.s3_targets = Value::Null;
        c.s3_target = Value::Value(vec![
            S3TargetBlock {
                path: s("s3://bucket-a/x/"),
                ..Default::default()
            },
            S3TargetBlock {
                path: s("bucket-a/y/"),
                sample_size: Value::Value(crate::values::Number(0.0)),
                ..Default::default()
            },
        ]);
        c.dynamodb_target = Value::Value(vec![DynamoDbTargetBlock {
            path: s("orders"),
            scan_rate: Value::Value(crate::values::Number(3.0)),
            ..Default::default()
        }]);
        let p = paths(&c).join("\n");
        for want in [
            r#"Attribute("s3_target"), Index(1), Attribute("path")"#,
            r#"Attribute("s3_target"), Index(1), Attribute("sample_size")"#,
            r#"Attribute("dynamodb_target"), Index(0), Attribute("scan_rate")"#,
        ] {
            assert!(p.contains(want), "{want} not in\n{p}");
        }
        assert!(!p.contains("Index(0), Attribute(\"path\")"), "{p}");
        // Blocks alone are a valid crawler; a catalog target beside them is not.
        let mut ok = config();
        ok.s3_targets = Value::Null;
        ok.s3_target = Value::Value(vec![S3TargetBlock {
            path: s("s3://bucket-a/x/"),
            ..Default::default()
        }]);
        assert!(paths(&ok).is_empty(), "{:?}", paths(&ok));
        ok.catalog_target = Value::Value(vec![CatalogTargetBlock {
            database_name: s("db"),
            tables: Value::Value(vec![s("t")]),
            ..Default::default()
        }]);
        assert!(paths(&ok).join("\n").contains("catalog_target"));
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
