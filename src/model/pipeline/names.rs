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

/// The role's IAM path: `role.path`, else `/`.
pub fn role_path(s: &Settings) -> String {
    s.role_path
        .clone()
        .unwrap_or_else(|| DEFAULT_ROLE_PATH.to_string())
}

pub fn glue_service_role_arn(partition: &str) -> String {
    format!("arn:{partition}:iam::aws:policy/service-role/AWSGlueServiceRole")
}

pub fn bucket_arn(partition: &str, bucket: &str) -> String {
    format!("arn:{partition}:s3:::{bucket}")
}

/// A role's ARN: its path sits between `role` and the name (`role/flywheel/<name>` for path
/// `/flywheel/`, `role/<name>` for `/`).
pub fn role_arn(partition: &str, account: &str, path: &str, role: &str) -> String {
    format!("arn:{partition}:iam::{account}:role{path}{role}")
}

/// The pipeline's catalog ARNs for the inline policy's Data Catalog statements: the
/// account's catalog in this region, the database, and every table in it.
pub fn catalog_arns(partition: &str, region: &str, account: &str, database: &str) -> Vec<String> {
    let base = format!("arn:{partition}:glue:{region}:{account}");
    vec![
        format!("{base}:catalog"),
        format!("{base}:database/{database}"),
        format!("{base}:table/{database}/*"),
    ]
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
