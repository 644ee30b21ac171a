//! Default names of the pipeline's children, derived from `name` and `environment`.

use super::*;

fn base(s: &Settings) -> String {
    match &s.environment {
        Some(e) => format!("{}-{e}", s.name),
        None => s.name.clone(),
    }
}

pub fn bucket_name(s: &Settings, role: BucketRole) -> String {
    s.bucket(role)
        .name
        .clone()
        .unwrap_or_else(|| format!("{}-{}", base(s), role.suffix()))
}

pub fn database_name(s: &Settings) -> String {
    s.database_name
        .clone()
        .unwrap_or_else(|| base(s).replace('-', "_"))
}

pub fn role_name(s: &Settings) -> String {
    s.role_name
        .clone()
        .unwrap_or_else(|| format!("{}-glue-role", base(s)))
}

pub fn glue_service_role_arn(partition: &str) -> String {
    format!("arn:{partition}:iam::aws:policy/service-role/AWSGlueServiceRole")
}

pub fn bucket_arn(partition: &str, bucket: &str) -> String {
    format!("arn:{partition}:s3:::{bucket}")
}

pub fn role_arn(partition: &str, account: &str, role: &str) -> String {
    format!("arn:{partition}:iam::{account}:role/{role}")
}

/// Every problem with the names as a whole: derived names that are invalid, and two
/// buckets with one name. Returns (attribute path parts, message).
pub fn check_names(s: &Settings) -> Vec<(Vec<&'static str>, String)> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, BucketRole> = BTreeMap::new();
    for role in BucketRole::ALL {
        let name = bucket_name(s, role);
        if let Err(e) = crate::validate::bucket_name(&name) {
            let hint = if s.bucket(role).name.is_none() {
                " (derived from name and environment; set the block's `name`)"
            } else {
                ""
            };
            out.push((vec![role.block(), "name"], format!("{e}{hint}")));
        }
        if let Some(first) = seen.insert(name.clone(), role) {
            out.push((
                vec![role.block(), "name"],
                format!(
                    "bucket {name:?} is already the {}; each bucket must have its own name",
                    first.block()
                ),
            ));
        }
    }
    if s.role_name.is_none() {
        if let Err(e) = check_role_name(&role_name(s)) {
            out.push((
                vec!["role", "name"],
                format!("{e} (derived; set `role.name`)"),
            ));
        }
    }
    out
}
