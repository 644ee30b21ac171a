//! What the pipeline wants of each bucket beyond its name: default encryption (kept on an
//! adopted bucket unless set), Intelligent-Tiering (resolved defaults), the bucket policy
//! statements (TLS only, and the object-access restriction to `allowed_principal_arns`),
//! and the offline checks and deployer check of those settings.

use super::*;

/// Sid of the statement that denies object reads and writes to every principal but the
/// Glue role and `allowed_principal_arns`.
pub const RESTRICT_SID: &str = "FlywheelRestrictObjectAccess";
/// The object actions [`RESTRICT_SID`] denies: the data-plane reads and writes. Bucket
/// configuration actions (PutBucketPolicy above all) stay open to the account's admins,
/// so a wrong list can always be repaired.
pub const RESTRICTED_ACTIONS: [&str; 3] = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"];

/// The default encryption wanted.
///
/// - `kms_key_arn` or `sse_algorithm` set: exactly that (`sse_algorithm` defaults to
///   `aws:kms` with a key; a KMS algorithm without a key is the AWS managed key `aws/s3`).
/// - Neither, created bucket: SSE-S3 (AES256).
/// - Neither, adopted bucket: [`Spec::EncryptionKept`]: its SSE-S3, SSE-KMS or DSSE-KMS
///   (any key) is kept, so adopting never weakens it; none at all becomes SSE-S3.
pub fn encryption_spec(cfg: &BucketSettings, create: bool) -> Spec {
    match (&cfg.sse_algorithm, &cfg.kms_key_arn) {
        (None, None) if !create => Spec::EncryptionKept,
        (sse, key) => Spec::Encryption {
            sse: sse
                .clone()
                .unwrap_or_else(|| if key.is_some() { SSE_KMS } else { SSE_S3 }.to_string()),
            kms_key_arn: key.clone(),
        },
    }
}

/// Whether the bucket's objects move to Intelligent-Tiering: as set, else only on a data
/// bucket the pipeline creates. An adopted bucket is off by default: the lifecycle
/// transition charges a fee per object, across all the data it already holds.
pub fn intelligent_tiering(cfg: &BucketSettings, role: BucketRole) -> bool {
    cfg.intelligent_tiering
        .unwrap_or(role == BucketRole::Data && cfg.create.unwrap_or(true))
}

/// The object-access restriction: a Deny of object reads and writes for every principal
/// whose `aws:PrincipalArn` is neither the Glue role nor one of `allowed` (`ArnNotLike`
/// with several values holds when the ARN matches none of them). `aws:PrincipalArn` is
/// the role ARN for role sessions, so it names the role, not a session.
pub fn restrict_statement(
    partition: &str,
    bucket: &str,
    glue_role: &str,
    allowed: &[String],
) -> Value {
    let mut principals: Vec<String> = allowed.to_vec();
    principals.push(glue_role.to_string());
    principals.sort();
    principals.dedup();
    json!({
        "Sid": RESTRICT_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": RESTRICTED_ACTIONS,
        "Resource": [format!("{}/*", bucket_arn(partition, bucket))],
        "Condition": { "ArnNotLike": { "aws:PrincipalArn": principals } },
    })
}

/// The pipeline's statements in the bucket's policy, normalised: TLS only, and the
/// restriction when `allowed` is not empty.
pub fn bucket_policy_statements(
    partition: &str,
    bucket: &str,
    glue_role: &str,
    allowed: &[String],
) -> Vec<Value> {
    let mut out = vec![policy::tls_only_statement(partition, bucket)];
    if !allowed.is_empty() {
        out.push(restrict_statement(partition, bucket, glue_role, allowed));
    }
    out.iter().map(policy::normalize).collect()
}

/// `sse_algorithm`: one of [`SSE_ALGORITHMS`].
pub fn check_sse_algorithm(v: &str) -> Result<(), String> {
    if SSE_ALGORITHMS.contains(&v) {
        Ok(())
    } else {
        Err(format!(
            "sse_algorithm {v:?} must be one of {}",
            SSE_ALGORITHMS
                .iter()
                .map(|a| format!("{a:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

/// An entry of `allowed_principal_arns`: an IAM role or user ARN,
/// `arn:<partition>:iam::<account>:role/<path/name>` or `...:user/<path/name>`. `*` and `?`
/// may stand in the path and name (`ArnNotLike` matches them), never in the account; a
/// role session ARN is refused, as `aws:PrincipalArn` is the role's ARN.
pub fn check_principal_arn(v: &str) -> Result<(), String> {
    let err = || {
        format!("{v:?} is not an IAM role or user ARN (arn:aws:iam::123456789012:role/name or arn:aws:iam::123456789012:user/name)")
    };
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || !parts[1].starts_with("aws") {
        return Err(err());
    }
    if parts[2] == "sts" {
        let role = parts[5]
            .strip_prefix("assumed-role/")
            .and_then(|r| r.split('/').next())
            .unwrap_or("<role name>");
        return Err(format!(
            "{v:?} is a session ARN; aws:PrincipalArn names the role, so write arn:{}:iam::{}:role/{role} (with the role's path, if it has one)",
            parts[1], parts[4]
        ));
    }
    if parts[2] != "iam" || !parts[3].is_empty() || crate::validate::account_id(parts[4]).is_err() {
        return Err(err());
    }
    let Some(name) = parts[5]
        .strip_prefix("role/")
        .or_else(|| parts[5].strip_prefix("user/"))
    else {
        return Err(err());
    };
    let ok = !name.is_empty()
        && !name.starts_with('/')
        && !name.ends_with('/')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/*?".contains(c));
    if ok {
        Ok(())
    } else {
        Err(err())
    }
}

/// `ArnLike`'s matching: `*` any run of characters, `?` any one.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Whether the caller (as STS's GetCallerIdentity names it) passes a restriction that
/// allows `allowed`. A role session `arn:aws:sts::A:assumed-role/R/s` acts as the role
/// `arn:aws:iam::A:role/<path>R`; the path is not in the session ARN, so it is compared by
/// account and role name. Anything else (a user, a role) is compared as written.
pub fn caller_allowed(caller: &str, allowed: &[String]) -> bool {
    let parts: Vec<&str> = caller.splitn(6, ':').collect();
    if parts.len() != 6 {
        return false;
    }
    let session_role = (parts[2] == "sts")
        .then(|| parts[5].strip_prefix("assumed-role/"))
        .flatten()
        .and_then(|r| r.split('/').next());
    allowed.iter().any(|entry| match session_role {
        Some(role) => {
            let e: Vec<&str> = entry.splitn(6, ':').collect();
            e.len() == 6
                && e[1] == parts[1]
                && e[4] == parts[4]
                && e[5]
                    .strip_prefix("role/")
                    .and_then(|r| r.rsplit('/').next())
                    .is_some_and(|name| glob(name, role))
        }
        None => glob(entry, caller),
    })
}
