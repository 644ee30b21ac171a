//! Offline validation of a pipeline's configuration: every literal mistake, with the
//! attribute named, before any API call.

use super::*;
use crate::validators::Checks;

pub(super) fn path_of(parts: &[&'static str]) -> AttributePath {
    let mut p = AttributePath::new(parts[0]);
    for part in &parts[1..] {
        p = p.attribute(*part);
    }
    p
}

pub fn validate_config(config: &State, diags: &mut Diagnostics) {
    let mut c = Checks::new(diags);
    let at = AttributePath::new;
    c.string(
        at("name"),
        &config.name,
        "Invalid pipeline name",
        &model::check_pipeline_name,
    );
    c.string(
        at("environment"),
        &config.environment,
        "Invalid environment",
        &model::check_environment,
    );
    if let Value::Value(db) = &config.database {
        let p = path_of(&["database", "name"]);
        c.string(
            p,
            &db.name,
            "Invalid database name",
            &model::check_database_name,
        );
    }
    if let Value::Value(r) = &config.role {
        c.string(
            path_of(&["role", "name"]),
            &r.name,
            "Invalid role name",
            &model::check_role_name,
        );
        c.string(
            path_of(&["role", "path"]),
            &r.path,
            "Invalid role path",
            &model::check_role_path,
        );
        c.string(
            path_of(&["role", "permissions_boundary"]),
            &r.permissions_boundary,
            "Invalid permissions boundary",
            &model::check_policy_arn,
        );
        let p = path_of(&["role", "managed_policy_arns"]);
        c.each(
            p.clone(),
            &r.managed_policy_arns,
            "Invalid policy ARN",
            &model::check_policy_arn,
        );
        if r.attach_glue_service_role == Value::Value(false) {
            c.each(
                p,
                &r.managed_policy_arns,
                "AWSGlueServiceRole listed",
                &model::check_not_glue_service_role,
            );
        }
        if let Value::Value(policies) = &r.inline_policies {
            let p = path_of(&["role", "inline_policies"]);
            let mut size = 0;
            for (name, doc) in policies {
                let at = p.clone().key(name.clone());
                if let Err(e) = model::check_inline_policy_name(name) {
                    c.fail(at.clone(), "Invalid inline policy name", e);
                }
                if let Value::Value(d) = doc {
                    size += model::policy_size(d);
                    if let Err(e) = model::check_policy_document(d) {
                        c.fail(at, "Invalid policy document", e);
                    }
                }
            }
            if size > model::ROLE_INLINE_POLICIES_MAX {
                c.fail(
                    p,
                    "Inline policies too large",
                    format!("{size} characters (without whitespace) in all; IAM allows {} across a role's inline policies, the pipeline's own included", model::ROLE_INLINE_POLICIES_MAX),
                );
            }
        }
    }
    for role in BucketRole::ALL {
        let Value::Value(b) = config.bucket_block(role) else {
            continue;
        };
        let block = role.block();
        let p = |attr| path_of(&[block, attr]);
        c.string(
            p("name"),
            &b.name,
            "Invalid bucket name",
            &crate::validate::bucket_name,
        );
        c.string(
            p("kms_key_arn"),
            &b.kms_key_arn,
            "Invalid KMS key ARN",
            &model::check_kms_key_arn,
        );
        c.string(
            p("sse_algorithm"),
            &b.sse_algorithm,
            "Invalid encryption algorithm",
            &model::check_sse_algorithm,
        );
        if let (Value::Value(sse), Value::Value(_)) = (&b.sse_algorithm, &b.kms_key_arn) {
            if sse == model::SSE_S3 {
                c.fail(
                    p("kms_key_arn"),
                    "KMS key with SSE-S3",
                    "`kms_key_arn` needs `sse_algorithm` \"aws:kms\" or \"aws:kms:dsse\"; SSE-S3 (AES256) uses no KMS key",
                );
            }
        }
        c.each(
            p("allowed_principal_arns"),
            &b.allowed_principal_arns,
            "Invalid principal ARN",
            &model::check_principal_arn,
        );
        c.each(
            p("prefixes"),
            &b.prefixes,
            "Invalid prefix",
            &model::check_prefix,
        );
        if role == BucketRole::Assets && matches!(&b.prefixes, Value::Value(v) if !v.is_empty()) {
            c.fail(
                p("prefixes"),
                "Prefixes are fixed on the assets bucket",
                "the assets bucket's prefixes are scripts/, temporary/ and sparkHistoryLogs/; remove `prefixes`",
            );
        }
        if let Value::Value(expire) = &b.expire_prefixes {
            for (prefix, days) in expire {
                let at = p("expire_prefixes").key(prefix.clone());
                if let Err(e) = model::check_prefix(prefix) {
                    c.fail(at.clone(), "Invalid prefix", e);
                }
                let whole = days.as_ref_option().map(|n| (n, n.as_i64()));
                match whole {
                    Some((_, Some(d))) => {
                        if let Err(e) = model::check_days(d) {
                            c.fail(at, "Invalid lifecycle days", e);
                        }
                    }
                    Some((n, None)) => c.fail(
                        at,
                        "Invalid lifecycle days",
                        format!(
                            "lifecycle days must be a whole number between 1 and {}, not {}",
                            model::MAX_LIFECYCLE_DAYS,
                            n.0
                        ),
                    ),
                    None => {}
                }
            }
        }
    }
    if let Value::Value(a) = &config.alerts {
        validate_alerts(&mut c, a);
    }
    if let Ok(Some(t)) = known_map(&config.tags) {
        for (k, msg) in tags::problems(&t) {
            c.fail(AttributePath::new("tags").key(k), "Invalid tag", msg);
        }
        if let Some(msg) = tags::count_problem(&t) {
            c.fail(AttributePath::new("tags"), "Too many tags", msg);
        }
    }
    // Names as a whole (derived defaults, duplicates), when everything is known and valid.
    if !c.has_errors() {
        if let Ok(Some(s)) = settings(config) {
            for (parts, msg) in model::check_names(&s) {
                c.fail(path_of(&parts), "Invalid name", msg);
            }
            if s.alerts.is_some() {
                for msg in model::check_alert_names(&s) {
                    c.fail(AttributePath::new("name"), "Invalid name", msg);
                }
            }
        }
    }
}
