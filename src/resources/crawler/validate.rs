//! Offline validation: every mistake in a literal value is reported with its attribute
//! path, before any API call (`model::crawler::problems` does the checking).

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::state::*;
use crate::model::crawler::{self as model, Literals};
use crate::model::tags as tag_model;

// ---------------------------------------------------------------------------------------
// Validation and planning
// ---------------------------------------------------------------------------------------

pub(super) fn literals(c: &State) -> Literals<'_> {
    let policy = c.schema_change_policy.as_ref_option();
    let nested = |f: fn(&SchemaChangePolicyBlock) -> &Value<String>| match &c.schema_change_policy {
        Value::Unknown => None,
        _ => policy.map_or(Some(None), |p| known(f(p))),
    };
    Literals {
        name: lit(&c.name),
        role_arn: lit(&c.role_arn),
        database: lit(&c.database),
        s3_targets: lit_list(&c.s3_targets),
        exclusions: lit_list(&c.exclusions),
        table_prefix: lit(&c.table_prefix),
        update_behavior: nested(|p| &p.update_behavior),
        delete_behavior: nested(|p| &p.delete_behavior),
        recrawl_behavior: known(&c.recrawl_policy),
        schedule: lit(&c.schedule),
        run_after_job: lit(&c.run_after_job),
        configuration: lit(&c.configuration),
    }
}

pub(super) fn validate_config(c: &State, diags: &mut Diagnostics) {
    for p in model::problems(&literals(c)) {
        let mut path = AttributePath::new(p.attribute);
        if let Some(i) = p.index {
            path = path.index(i as i64);
        }
        if let Some(n) = p.nested {
            path = path.attribute(n);
        }
        diags.error(format!("Invalid {}", p.path()), p.message, path);
    }
    if c.role_arn.is_null() && c.pipeline.is_null() {
        diags.error(
            "Missing role",
            "Set `pipeline = flywheel_pipeline.<name>.context` (which carries the Glue role) or `role_arn`.",
            AttributePath::new("role_arn"),
        );
    }
    if c.database.is_null() && c.pipeline.is_null() {
        diags.error(
            "Missing database",
            "Set `pipeline = flywheel_pipeline.<name>.context` (which carries the catalog database) or `database`.",
            AttributePath::new("database"),
        );
    }
    if let Value::Value(p) = &c.pipeline {
        if c.role_arn.is_null() {
            if let Some(role) = lit(&p.role_arn) {
                if let Err(e) = crate::validate::role_arn(role) {
                    diags.error(
                        "Invalid pipeline.role_arn",
                        e,
                        AttributePath::new("pipeline").attribute("role_arn"),
                    );
                }
            }
        }
    }
    if let Some(tags) = known_tags(&c.tags) {
        for (k, msg) in tag_model::problems(&tags) {
            diags.error("Invalid tag", msg, AttributePath::new("tags").key(k));
        }
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
