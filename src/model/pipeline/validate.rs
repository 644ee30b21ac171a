//! Offline checks of the pipeline's literal settings; each returns a message for the
//! attribute the caller names.

use super::*;

/// The pipeline name: 1 to 40 lowercase letters, digits and hyphens, starting and ending
/// with a letter or digit, so every derived name is valid.
pub fn check_pipeline_name(v: &str) -> Result<(), String> {
    check_slug(v, 40, "name")
}

pub fn check_environment(v: &str) -> Result<(), String> {
    check_slug(v, 16, "environment")
}

fn check_slug(v: &str, max: usize, what: &str) -> Result<(), String> {
    let ok = !v.is_empty()
        && v.len() <= max
        && v.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !v.starts_with('-')
        && !v.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what} {v:?} must be 1 to {max} lowercase letters, digits and hyphens, starting and ending with a letter or digit (it is part of the default bucket, role and database names)"
        ))
    }
}

/// IAM role names: 1 to 64 characters from letters, digits and `+=,.@_-`.
pub fn check_role_name(v: &str) -> Result<(), String> {
    let ok_chars = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if v.is_empty() || v.len() > 64 || !ok_chars {
        return Err(format!(
            "role name {v:?} must be 1 to 64 characters from letters, digits and +=,.@_-"
        ));
    }
    Ok(())
}

/// IAM paths: `/`, or `/` + printable ASCII without spaces + `/` (IAM's pattern
/// `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`), at most 512 characters.
pub fn check_role_path(v: &str) -> Result<(), String> {
    let err = |why: &str| {
        Err(format!(
            "role path {v:?} {why} (IAM paths are \"/\" or start and end with \"/\", like \"/flywheel/\")"
        ))
    };
    if v.len() > 512 {
        return err("is longer than 512 characters");
    }
    if !v.starts_with('/') || !v.ends_with('/') {
        return err("must start and end with \"/\"");
    }
    if let Some(c) = v.chars().find(|c| !('\u{21}'..='\u{7e}').contains(c)) {
        return err(&format!(
            "has {c:?}; only printable ASCII characters other than the space are allowed"
        ));
    }
    Ok(())
}

/// Glue database names: Glue stores them lowercased, so uppercase would plan a change on
/// every run; rejected instead. 1 to 255 lowercase letters, digits, `_` and `-`.
pub fn check_database_name(v: &str) -> Result<(), String> {
    if v.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "database name {v:?} has uppercase letters; Glue lowercases database names, so write it as {:?}",
            v.to_ascii_lowercase()
        ));
    }
    let ok = !v.is_empty()
        && v.len() <= 255
        && v.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "database name {v:?} must be 1 to 255 lowercase letters, digits, underscores and hyphens"
        ))
    }
}

/// A key prefix: not empty, ends with `/`, no leading `/`, no empty segment, at most 1024.
pub fn check_prefix(v: &str) -> Result<(), String> {
    if v.is_empty() || v.len() > 1024 {
        return Err(format!("prefix {v:?} must be 1 to 1024 characters"));
    }
    if v.starts_with('/') {
        return Err(format!(
            "prefix {v:?} must not start with \"/\" (S3 keys have no leading slash)"
        ));
    }
    if !v.ends_with('/') {
        return Err(format!(
            "prefix {v:?} must end with \"/\" (write {:?})",
            format!("{v}/")
        ));
    }
    if v.contains("//") {
        return Err(format!("prefix {v:?} has an empty path segment (\"//\")"));
    }
    if v.chars().any(|c| c.is_control()) {
        return Err(format!("prefix {v:?} must not contain control characters"));
    }
    // The role's policy names `<bucket>/<prefix>*` and `s3:prefix` like `<prefix>*`: IAM
    // would read these as wildcards or a policy variable and grant more than the prefix.
    if let Some(w) = ["*", "?", "${"].iter().find(|w| v.contains(**w)) {
        return Err(format!(
            "prefix {v:?} must not contain {w:?} (IAM reads `*`, `?` and `${{...}}` as wildcards and policy variables, which would widen the Glue role's policy beyond the prefix)"
        ));
    }
    Ok(())
}

pub fn check_days(days: i64) -> Result<(), String> {
    if (1..=MAX_LIFECYCLE_DAYS).contains(&days) {
        Ok(())
    } else {
        Err(format!(
            "lifecycle days must be between 1 and {MAX_LIFECYCLE_DAYS}, not {days}"
        ))
    }
}

/// A KMS key ARN: `arn:<partition>:kms:<region>:<account>:key/<id>`. Alias ARNs are
/// refused: S3 would accept one as the default key, but IAM matches `kms:Decrypt` and
/// `kms:GenerateDataKey` against the key ARN, so the role's grant on an alias ARN would
/// never apply and Glue could not read the bucket.
pub fn check_kms_key_arn(v: &str) -> Result<(), String> {
    let err =
        || format!("{v:?} is not a KMS key ARN (arn:aws:kms:us-east-1:123456789012:key/<key id>)");
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    if parts.len() != 6
        || parts[0] != "arn"
        || !parts[1].starts_with("aws")
        || parts[2] != "kms"
        || parts[3].is_empty()
        || crate::validate::account_id(parts[4]).is_err()
    {
        return Err(err());
    }
    match parts[5].split_once('/') {
        Some(("key", id)) if !id.is_empty() => Ok(()),
        Some(("alias", _)) => Err(format!(
            "{v:?} is a KMS alias ARN; use the key ARN (arn:{}:kms:{}:{}:key/<key id>, from `aws kms describe-key --key-id {}`): IAM grants kms:Decrypt on the key ARN, never on an alias",
            parts[1], parts[3], parts[4], parts[5]
        )),
        _ => Err(err()),
    }
}

/// A managed policy ARN: `arn:<partition>:iam::<account or "aws">:policy/<path/name>`.
pub fn check_policy_arn(v: &str) -> Result<(), String> {
    let err = || {
        format!("{v:?} is not an IAM policy ARN (arn:aws:iam::aws:policy/<name> or arn:aws:iam::123456789012:policy/<name>)")
    };
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    if parts.len() != 6
        || parts[0] != "arn"
        || !parts[1].starts_with("aws")
        || parts[2] != "iam"
        || !parts[3].is_empty()
    {
        return Err(err());
    }
    if parts[4] != "aws" && crate::validate::account_id(parts[4]).is_err() {
        return Err(err());
    }
    match parts[5].strip_prefix("policy/") {
        Some(n) if !n.is_empty() && !n.ends_with('/') => Ok(()),
        _ => Err(err()),
    }
}

/// With `attach_glue_service_role = false`, `managed_policy_arns` must not attach it anyway.
pub fn check_not_glue_service_role(v: &str) -> Result<(), String> {
    if v.ends_with(":policy/service-role/AWSGlueServiceRole") {
        Err(format!(
            "{v:?} is AWSGlueServiceRole, which `attach_glue_service_role = false` leaves out; set `attach_glue_service_role = true` (or leave it out) instead of listing it"
        ))
    } else {
        Ok(())
    }
}

/// IAM's limit on a role's inline policies, all together, in characters other than
/// whitespace.
pub const ROLE_INLINE_POLICIES_MAX: usize = 10_240;

/// An inline policy name of `inline_policies`: IAM's characters and length, and not the
/// pipeline's own policy.
pub fn check_inline_policy_name(name: &str) -> Result<(), String> {
    if name == INLINE_POLICY_NAME {
        return Err(format!(
            "{name:?} is the pipeline's own inline policy, which it writes; choose another name"
        ));
    }
    let ok = (1..=128).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if !ok {
        return Err(format!(
            "{name:?} is not an IAM policy name (1 to 128 letters, digits and +=,.@_-)"
        ));
    }
    Ok(())
}

/// An inline policy document: a JSON object whose `Statement` is a statement or a list of
/// them, each with `Effect` `Allow` or `Deny`.
pub fn check_policy_document(doc: &str) -> Result<(), String> {
    let v: Value = serde_json::from_str(doc).map_err(|e| format!("not JSON: {e}"))?;
    let statements = match v.get("Statement") {
        Some(Value::Array(a)) if !a.is_empty() => a.clone(),
        Some(s @ Value::Object(_)) => vec![s.clone()],
        _ => return Err("a policy document needs a `Statement` (use jsonencode({ Version = \"2012-10-17\", Statement = [...] }))".into()),
    };
    for (i, st) in statements.iter().enumerate() {
        match st.get("Effect").and_then(Value::as_str) {
            Some("Allow") | Some("Deny") => {}
            _ => {
                return Err(format!(
                    "statement {i} needs `Effect` \"Allow\" or \"Deny\""
                ))
            }
        }
    }
    Ok(())
}

/// Characters IAM counts toward [`ROLE_INLINE_POLICIES_MAX`].
pub fn policy_size(doc: &str) -> usize {
    doc.chars().filter(|c| !c.is_whitespace()).count()
}
