//! Offline validation of a pipeline's configuration: every literal mistake, with the
//! attribute named, before any API call.

use super::*;

pub(super) fn path_of(parts: &[&'static str]) -> AttributePath {
    let mut p = AttributePath::new(parts[0]);
    for part in &parts[1..] {
        p = p.attribute(*part);
    }
    p
}

pub fn validate_config(config: &State, diags: &mut Diagnostics) {
    if let Value::Value(n) = &config.name {
        if let Err(e) = model::check_pipeline_name(n) {
            attr_error(
                diags,
                AttributePath::new("name"),
                "Invalid pipeline name",
                e,
            );
        }
    }
    if let Value::Value(e) = &config.environment {
        if let Err(m) = model::check_environment(e) {
            attr_error(
                diags,
                AttributePath::new("environment"),
                "Invalid environment",
                m,
            );
        }
    }
    if let Value::Value(db) = &config.database {
        if let Value::Value(n) = &db.name {
            if let Err(e) = model::check_database_name(n) {
                attr_error(
                    diags,
                    path_of(&["database", "name"]),
                    "Invalid database name",
                    e,
                );
            }
        }
    }
    if let Value::Value(r) = &config.role {
        if let Value::Value(n) = &r.name {
            if let Err(e) = model::check_role_name(n) {
                attr_error(diags, path_of(&["role", "name"]), "Invalid role name", e);
            }
        }
        if let Value::Value(arns) = &r.managed_policy_arns {
            for arn in arns.iter().filter_map(|a| a.as_ref_option()) {
                if let Err(e) = model::check_policy_arn(arn) {
                    attr_error(
                        diags,
                        path_of(&["role", "managed_policy_arns"]),
                        "Invalid policy ARN",
                        e,
                    );
                }
            }
        }
    }
    for role in BucketRole::ALL {
        let Value::Value(b) = config.bucket_block(role) else {
            continue;
        };
        let block = role.block();
        if let Value::Value(n) = &b.name {
            if let Err(e) = crate::validate::bucket_name(n) {
                attr_error(diags, path_of(&[block, "name"]), "Invalid bucket name", e);
            }
        }
        if let Value::Value(prefixes) = &b.prefixes {
            if role == BucketRole::Assets && !prefixes.is_empty() {
                attr_error(
                    diags,
                    path_of(&[block, "prefixes"]),
                    "Prefixes are fixed on the assets bucket",
                    "the assets bucket's prefixes are scripts/, temporary/ and sparkHistoryLogs/; remove `prefixes`",
                );
            }
            for p in prefixes.iter().filter_map(|p| p.as_ref_option()) {
                if let Err(e) = model::check_prefix(p) {
                    attr_error(diags, path_of(&[block, "prefixes"]), "Invalid prefix", e);
                }
            }
        }
        if let Value::Value(expire) = &b.expire_prefixes {
            for (p, days) in expire {
                let at = path_of(&[block, "expire_prefixes"]).key(p.clone());
                if let Err(e) = model::check_prefix(p) {
                    attr_error(diags, at.clone(), "Invalid prefix", e);
                }
                if let Value::Value(n) = days {
                    match n.as_i64() {
                        Some(d) => {
                            if let Err(e) = model::check_days(d) {
                                attr_error(diags, at, "Invalid lifecycle days", e);
                            }
                        }
                        None => attr_error(
                            diags,
                            at,
                            "Invalid lifecycle days",
                            format!("days must be a whole number, not {}", n.0),
                        ),
                    }
                }
            }
        }
        if let Value::Value(k) = &b.kms_key_arn {
            if let Err(e) = model::check_kms_key_arn(k) {
                attr_error(
                    diags,
                    path_of(&[block, "kms_key_arn"]),
                    "Invalid KMS key ARN",
                    e,
                );
            }
        }
    }
    if let Ok(Some(t)) = known_map(&config.tags) {
        for (k, msg) in tags::problems(&t) {
            attr_error(diags, AttributePath::new("tags").key(k), "Invalid tag", msg);
        }
    }
    // Names as a whole (derived defaults, duplicates), when everything is known and valid.
    if diags.errors.is_empty() {
        if let Ok(Some(s)) = settings(config) {
            for (parts, msg) in model::check_names(&s) {
                attr_error(diags, path_of(&parts), "Invalid name", msg);
            }
        }
    }
}
