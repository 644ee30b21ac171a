//! `flywheel_pipeline` as pure data: the validated configuration, its expansion into the
//! child AWS objects (buckets and their sub-configurations, the Glue database, the IAM role
//! with its policies), the exported `context`, and the comparison of observed children with
//! desired ones that drives drift detection and `crate::reconcile`.
//!
//! Naming defaults, from `name` (N) and `environment` (E; each `-E` part is left out when
//! `environment` is not set):
//! - buckets: `N-E-data`, `N-E-assets`, `N-E-analysis`;
//! - database: `N_E` with `-` turned into `_` (Glue and Athena prefer underscores);
//! - role: `N-E-glue-role`; its inline policy: [`INLINE_POLICY_NAME`].
//!
//! Children and their addresses use terraform-provider-aws's type names and import IDs
//! (`aws_iam_role_policy.<role>:<policy>`, `aws_iam_role_policy_attachment.<role>/<arn>`),
//! so plans name the drifted object in terms platform engineers already know.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{json, Value};

use super::managed::{glue_arn, ManagedObject};
use super::ownership;
use super::policy;
use super::tags::{self, Tags};

pub const PIPELINE_TAG: &str = "flywheel:pipeline";
pub const INLINE_POLICY_NAME: &str = "flywheel-pipeline-access";
pub const SCRIPTS_PREFIX: &str = "scripts/";
pub const TEMP_PREFIX: &str = "temporary/";
pub const SPARK_LOGS_PREFIX: &str = "sparkHistoryLogs/";
/// Days before objects under the assets bucket's `temporary/` expire, unless
/// `expire_prefixes` says otherwise.
pub const DEFAULT_TEMP_EXPIRY_DAYS: i64 = 7;
/// Days after which incomplete multipart uploads are aborted, on every bucket.
pub const ABORT_MULTIPART_DAYS: i64 = 7;
/// Lifecycle rules and policy statements the pipeline owns start with these; others (an
/// adopted bucket's own) are left alone.
pub const RULE_PREFIX: &str = "flywheel-";
pub const SID_PREFIX: &str = "Flywheel";
pub const SSE_S3: &str = "AES256";
pub const SSE_KMS: &str = "aws:kms";
pub const MAX_LIFECYCLE_DAYS: i64 = 36_500;

/// Status of a child that matches what the configuration wants.
pub const STATUS_OK: &str = "ok";
pub const STATUS_MISSING: &str = "missing";

// ---------------------------------------------------------------------------------------
// Configuration

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BucketRole {
    Data,
    Assets,
    Analysis,
}

impl BucketRole {
    pub const ALL: [BucketRole; 3] = [BucketRole::Data, BucketRole::Assets, BucketRole::Analysis];

    /// The configuration block (and import ID key).
    pub fn block(self) -> &'static str {
        match self {
            BucketRole::Data => "data_bucket",
            BucketRole::Assets => "assets_bucket",
            BucketRole::Analysis => "analysis_bucket",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            BucketRole::Data => "data",
            BucketRole::Assets => "assets",
            BucketRole::Analysis => "analysis",
        }
    }
}

/// One bucket block after validation (`None`: not given, default applies).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BucketSettings {
    pub name: Option<String>,
    pub create: Option<bool>,
    pub prefixes: Vec<String>,
    pub expire_prefixes: BTreeMap<String, i64>,
    pub kms_key_arn: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub name: String,
    pub environment: Option<String>,
    pub database_name: Option<String>,
    pub database_description: Option<String>,
    pub role_name: Option<String>,
    pub managed_policy_arns: Vec<String>,
    pub data: BucketSettings,
    pub assets: BucketSettings,
    pub analysis: BucketSettings,
    pub tags: Tags,
    /// The instance's identity (`owner_id`), once made: written as the ownership tags.
    /// `None` while it is not known (a plan for a create) or not yet made (a 0.1.0 state).
    pub owner_id: Option<String>,
}

impl Settings {
    pub fn bucket(&self, role: BucketRole) -> &BucketSettings {
        match role {
            BucketRole::Data => &self.data,
            BucketRole::Assets => &self.assets,
            BucketRole::Analysis => &self.analysis,
        }
    }
}

/// Where the pipeline lives; everything the expansion needs beyond the configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Env {
    pub partition: String,
    pub region: String,
    pub account: String,
    pub default_tags: Tags,
}

// ---------------------------------------------------------------------------------------
// Validation (offline; each returns a message for the attribute the caller names)

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

// ---------------------------------------------------------------------------------------
// Names

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

// ---------------------------------------------------------------------------------------
// Children

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Bucket,
    BucketEncryption,
    BucketPublicAccessBlock,
    BucketPolicy,
    BucketLifecycle,
    GlueDatabase,
    IamRole,
    IamRolePolicy,
    IamRolePolicyAttachment,
}

impl Kind {
    /// terraform-provider-aws's resource type for this kind of object.
    pub fn tf_type(self) -> &'static str {
        match self {
            Kind::Bucket => "aws_s3_bucket",
            Kind::BucketEncryption => "aws_s3_bucket_server_side_encryption_configuration",
            Kind::BucketPublicAccessBlock => "aws_s3_bucket_public_access_block",
            Kind::BucketPolicy => "aws_s3_bucket_policy",
            Kind::BucketLifecycle => "aws_s3_bucket_lifecycle_configuration",
            Kind::GlueDatabase => "aws_glue_catalog_database",
            Kind::IamRole => "aws_iam_role",
            Kind::IamRolePolicy => "aws_iam_role_policy",
            Kind::IamRolePolicyAttachment => "aws_iam_role_policy_attachment",
        }
    }

    pub fn is_bucket_config(self) -> bool {
        matches!(
            self,
            Kind::BucketEncryption
                | Kind::BucketPublicAccessBlock
                | Kind::BucketPolicy
                | Kind::BucketLifecycle
        )
    }
}

/// Identifies a child. `owner` is the bucket or role a child belongs to (itself for
/// buckets, roles and databases); `name` is the policy name or ARN for role children.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChildKey {
    pub kind: Kind,
    pub owner: String,
    pub name: String,
}

impl ChildKey {
    pub fn new(kind: Kind, owner: &str, name: &str) -> Self {
        ChildKey {
            kind,
            owner: owner.into(),
            name: name.into(),
        }
    }

    pub fn top(kind: Kind, name: &str) -> Self {
        Self::new(kind, name, name)
    }

    /// The child this one cannot exist without.
    pub fn parent(&self) -> Option<ChildKey> {
        match self.kind {
            k if k.is_bucket_config() => Some(ChildKey::top(Kind::Bucket, &self.owner)),
            Kind::IamRolePolicy | Kind::IamRolePolicyAttachment => {
                Some(ChildKey::top(Kind::IamRole, &self.owner))
            }
            _ => None,
        }
    }

    /// terraform-provider-aws's ID for the object.
    pub fn id(&self) -> String {
        match self.kind {
            Kind::IamRolePolicy => format!("{}:{}", self.owner, self.name),
            Kind::IamRolePolicyAttachment => format!("{}/{}", self.owner, self.name),
            _ => self.name.clone(),
        }
    }

    /// `type.id`, as plans and errors name the child.
    pub fn address(&self) -> String {
        format!("{}.{}", self.kind.tf_type(), self.id())
    }
}

impl fmt::Display for ChildKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address())
    }
}

/// One lifecycle rule the pipeline manages (ID starts with [`RULE_PREFIX`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LifecycleRule {
    pub id: String,
    /// Key prefix the rule applies to; empty for the whole bucket.
    pub prefix: String,
    pub expiration_days: Option<i64>,
    pub abort_multipart_days: Option<i64>,
    /// Transition to the INTELLIGENT_TIERING storage class after this many days.
    pub intelligent_tiering_days: Option<i64>,
}

/// What a child should be (desired) or is (observed), reduced to what the pipeline manages.
#[derive(Clone, Debug, PartialEq)]
pub enum Spec {
    /// `create`: the pipeline creates (and may delete) the bucket; false: adopted.
    Bucket {
        create: bool,
        tags: Tags,
    },
    Encryption {
        sse: String,
        kms_key_arn: Option<String>,
    },
    /// The four flags: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy,
    /// RestrictPublicBuckets.
    PublicAccessBlock {
        flags: [bool; 4],
    },
    /// The pipeline's statements, normalised.
    BucketPolicy {
        statements: Vec<Value>,
    },
    /// The pipeline's rules, sorted by ID.
    Lifecycle {
        rules: Vec<LifecycleRule>,
    },
    Database {
        description: Option<String>,
        tags: Tags,
    },
    Role {
        trust_policy: Value,
        tags: Tags,
    },
    RolePolicy {
        document: Value,
    },
    Attachment,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Child {
    pub key: ChildKey,
    pub spec: Spec,
}

/// A bucket as the expansion sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Bucket {
    pub role: BucketRole,
    pub name: String,
    pub arn: String,
    pub create: bool,
    /// Prefixes the role may read and write; empty: the whole bucket.
    pub object_prefixes: Vec<String>,
}

/// Everything a pipeline expands into.
#[derive(Clone, Debug, PartialEq)]
pub struct Desired {
    pub name: String,
    /// The import ID (also the resource's `id`), for advice in errors.
    pub import_id: String,
    pub buckets: Vec<Bucket>,
    pub database: String,
    pub role: String,
    pub role_arn: String,
    pub tags: Tags,
    /// Every child, parents before their children.
    pub children: Vec<Child>,
}

impl Desired {
    pub fn child(&self, key: &ChildKey) -> Option<&Child> {
        self.children.iter().find(|c| &c.key == key)
    }
}

/// Tags on every taggable child: provider defaults, the resource's tags, and ownership.
pub fn effective_tags(s: &Settings, default_tags: &Tags) -> Tags {
    let mut t = tags::effective(default_tags, &Tags::new(), &s.tags);
    t.insert(PIPELINE_TAG.into(), s.name.clone());
    if let Some(o) = &s.owner_id {
        t.extend(ownership::owner_tags(o, None));
    }
    t
}

/// The tags jobs and crawlers inherit through `context`: the resource's tags, the pipeline
/// tag and the pipeline's identity (they add the provider's default tags and their own
/// identity themselves).
pub fn context_tags(s: &Settings) -> Tags {
    let mut t = s.tags.clone();
    t.insert(PIPELINE_TAG.into(), s.name.clone());
    if let Some(o) = &s.owner_id {
        t.insert(ownership::PIPELINE_OWNER_TAG.into(), o.clone());
    }
    t
}

fn lifecycle_rules(s: &Settings, role: BucketRole) -> Vec<LifecycleRule> {
    let mut expire: BTreeMap<String, i64> = BTreeMap::new();
    if role == BucketRole::Assets {
        expire.insert(TEMP_PREFIX.into(), DEFAULT_TEMP_EXPIRY_DAYS);
    }
    expire.extend(s.bucket(role).expire_prefixes.clone());
    let mut rules = vec![LifecycleRule {
        id: format!("{RULE_PREFIX}abort-incomplete-multipart-uploads"),
        prefix: String::new(),
        expiration_days: None,
        abort_multipart_days: Some(ABORT_MULTIPART_DAYS),
        intelligent_tiering_days: None,
    }];
    if role == BucketRole::Data {
        rules.push(LifecycleRule {
            id: format!("{RULE_PREFIX}intelligent-tiering"),
            prefix: String::new(),
            expiration_days: None,
            abort_multipart_days: None,
            intelligent_tiering_days: Some(0),
        });
    }
    for (prefix, days) in expire {
        rules.push(LifecycleRule {
            id: format!("{RULE_PREFIX}expire-{}", prefix.trim_end_matches('/')),
            prefix,
            expiration_days: Some(days),
            abort_multipart_days: None,
            intelligent_tiering_days: None,
        });
    }
    rules.sort();
    rules
}

fn object_arns(partition: &str, bucket: &str, prefixes: &[String]) -> Vec<String> {
    if prefixes.is_empty() {
        vec![format!("{}/*", bucket_arn(partition, bucket))]
    } else {
        prefixes
            .iter()
            .map(|p| format!("{}/{p}*", bucket_arn(partition, bucket)))
            .collect()
    }
}

/// The role's inline policy: least privilege for Glue jobs and crawlers on these buckets.
///
/// - `BucketLocation`: `s3:GetBucketLocation` on the three bucket ARNs.
/// - `ListBuckets`: `s3:ListBucket` on the buckets the role may read as a whole (the assets
///   bucket, and the data and analysis buckets when they have no `prefixes`).
/// - `ListDataPrefixes`, `ListAnalysisPrefixes`: `s3:ListBucket` on a bucket with
///   `prefixes`, only for listings under them (`s3:prefix` like `<prefix>*`). Glue jobs
///   and crawlers list from the paths they are given, never from the bucket root, so the
///   empty (root) prefix is not allowed: a root listing would show every key in the
///   bucket, which is what `prefixes` withholds.
/// - `ReadScripts`: `s3:GetObject` on the assets bucket's `scripts/` (jobs never write
///   their own code).
/// - `DenyScriptWrites`: an explicit Deny of `s3:PutObject` and `s3:DeleteObject` on
///   `scripts/`. The AWSGlueServiceRole attachment allows get, put and delete on every
///   `aws-glue-*` bucket's objects (`arn:aws:s3:::aws-glue-*/*` and
///   `arn:aws:s3:::*/*aws-glue-*/*`), which would otherwise let a job rewrite the scripts
///   in a default-named assets bucket; an explicit Deny wins over any Allow.
/// - `ReadWriteObjects`: get, put and delete objects on the data and analysis buckets
///   (limited to their `prefixes`, when given) and the assets bucket's `temporary/` and
///   `sparkHistoryLogs/`.
/// - `GlueLogs`: CloudWatch Logs on the `/aws-glue/*` log groups of this account and region.
/// - `GlueMetrics`: `cloudwatch:PutMetricData` has no resource-level permissions, so AWS
///   requires `Resource "*"`; the `cloudwatch:namespace = Glue` condition limits it.
/// - `KmsKeys`: only when a bucket uses SSE-KMS, decrypt and generate data keys with
///   exactly those keys.
pub fn inline_policy(env: &Env, buckets: &[Bucket], kms_keys: &BTreeSet<String>) -> Value {
    let p = env.partition.as_str();
    let mut rw = Vec::new();
    let mut scripts = Vec::new();
    for b in buckets {
        match b.role {
            BucketRole::Assets => {
                scripts.extend(object_arns(p, &b.name, &[SCRIPTS_PREFIX.to_string()]));
                rw.extend(object_arns(
                    p,
                    &b.name,
                    &[TEMP_PREFIX.to_string(), SPARK_LOGS_PREFIX.to_string()],
                ));
            }
            _ => rw.extend(object_arns(p, &b.name, &b.object_prefixes)),
        }
    }
    let whole: Vec<String> = buckets
        .iter()
        .filter(|b| b.object_prefixes.is_empty())
        .map(|b| b.arn.clone())
        .collect();
    let mut statements = vec![json!({
        "Sid": "BucketLocation",
        "Effect": "Allow",
        "Action": ["s3:GetBucketLocation"],
        "Resource": buckets.iter().map(|b| b.arn.clone()).collect::<Vec<_>>(),
    })];
    if !whole.is_empty() {
        statements.push(json!({
            "Sid": "ListBuckets",
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": whole,
        }));
    }
    for b in buckets.iter().filter(|b| !b.object_prefixes.is_empty()) {
        let sid = match b.role {
            BucketRole::Data => "ListDataPrefixes",
            BucketRole::Assets => "ListAssetsPrefixes",
            BucketRole::Analysis => "ListAnalysisPrefixes",
        };
        let like: Vec<String> = b.object_prefixes.iter().map(|p| format!("{p}*")).collect();
        statements.push(json!({
            "Sid": sid,
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": [b.arn.clone()],
            "Condition": { "StringLike": { "s3:prefix": like } },
        }));
    }
    statements.extend([
        json!({
            "Sid": "ReadScripts",
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": scripts.clone(),
        }),
        json!({
            "Sid": "DenyScriptWrites",
            "Effect": "Deny",
            "Action": ["s3:DeleteObject", "s3:PutObject"],
            "Resource": scripts,
        }),
        json!({
            "Sid": "ReadWriteObjects",
            "Effect": "Allow",
            "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            "Resource": rw,
        }),
        json!({
            "Sid": "GlueLogs",
            "Effect": "Allow",
            "Action": ["logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [format!("arn:{p}:logs:{}:{}:log-group:/aws-glue/*", env.region, env.account)],
        }),
        json!({
            "Sid": "GlueMetrics",
            "Effect": "Allow",
            "Action": ["cloudwatch:PutMetricData"],
            "Resource": ["*"],
            "Condition": { "StringEquals": { "cloudwatch:namespace": "Glue" } },
        }),
    ]);
    if !kms_keys.is_empty() {
        statements.push(json!({
            "Sid": "KmsKeys",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": kms_keys.iter().cloned().collect::<Vec<_>>(),
        }));
    }
    policy::document(statements)
}

/// The full expansion. The configuration is validated first; this cannot fail.
pub fn expand(s: &Settings, env: &Env) -> Desired {
    let tags = effective_tags(s, &env.default_tags);
    let p = env.partition.as_str();
    let mut buckets = Vec::new();
    let mut children = Vec::new();
    let mut kms_keys = BTreeSet::new();
    for role in BucketRole::ALL {
        let cfg = s.bucket(role);
        let name = bucket_name(s, role);
        let b = Bucket {
            role,
            arn: bucket_arn(p, &name),
            create: cfg.create.unwrap_or(true),
            object_prefixes: if role != BucketRole::Assets {
                cfg.prefixes.clone()
            } else {
                Vec::new()
            },
            name: name.clone(),
        };
        // An adopted bucket is configured, not owned: it never carries the identity, so
        // only a bucket this instance created can prove it (see `create` on the block).
        let mut bucket_tags = tags.clone();
        if !b.create {
            bucket_tags.remove(ownership::OWNER_TAG);
        }
        children.push(Child {
            key: ChildKey::top(Kind::Bucket, &name),
            spec: Spec::Bucket {
                create: b.create,
                tags: bucket_tags,
            },
        });
        let sub = |kind| ChildKey::new(kind, &name, &name);
        if let Some(k) = &cfg.kms_key_arn {
            kms_keys.insert(k.clone());
        }
        children.push(Child {
            key: sub(Kind::BucketEncryption),
            spec: Spec::Encryption {
                sse: if cfg.kms_key_arn.is_some() {
                    SSE_KMS
                } else {
                    SSE_S3
                }
                .into(),
                kms_key_arn: cfg.kms_key_arn.clone(),
            },
        });
        children.push(Child {
            key: sub(Kind::BucketPublicAccessBlock),
            spec: Spec::PublicAccessBlock { flags: [true; 4] },
        });
        children.push(Child {
            key: sub(Kind::BucketPolicy),
            spec: Spec::BucketPolicy {
                statements: vec![policy::normalize(&policy::tls_only_statement(p, &name))],
            },
        });
        children.push(Child {
            key: sub(Kind::BucketLifecycle),
            spec: Spec::Lifecycle {
                rules: lifecycle_rules(s, role),
            },
        });
        buckets.push(b);
    }
    let database = database_name(s);
    children.push(Child {
        key: ChildKey::top(Kind::GlueDatabase, &database),
        spec: Spec::Database {
            description: s.database_description.clone().filter(|d| !d.is_empty()),
            tags: tags.clone(),
        },
    });
    let role = role_name(s);
    children.push(Child {
        key: ChildKey::top(Kind::IamRole, &role),
        spec: Spec::Role {
            trust_policy: policy::normalize(&policy::glue_trust_policy(
                p,
                &env.region,
                &env.account,
            )),
            tags: tags.clone(),
        },
    });
    children.push(Child {
        key: ChildKey::new(Kind::IamRolePolicy, &role, INLINE_POLICY_NAME),
        spec: Spec::RolePolicy {
            document: policy::normalize(&inline_policy(env, &buckets, &kms_keys)),
        },
    });
    let mut arns: BTreeSet<String> = s.managed_policy_arns.iter().cloned().collect();
    arns.insert(glue_service_role_arn(p));
    for arn in arns {
        children.push(Child {
            key: ChildKey::new(Kind::IamRolePolicyAttachment, &role, &arn),
            spec: Spec::Attachment,
        });
    }
    Desired {
        name: s.name.clone(),
        import_id: import_id(s),
        role_arn: role_arn(p, &env.account, &role),
        buckets,
        database,
        role,
        tags,
        children,
    }
}

// ---------------------------------------------------------------------------------------
// Context, managed objects, import ID

/// The `context` jobs and crawlers take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    pub role_arn: String,
    pub database: String,
    pub data_bucket: String,
    pub assets_bucket: String,
    pub analysis_bucket: String,
    pub scripts_prefix: String,
    pub temp_dir: String,
    pub spark_event_logs_path: String,
    pub tags: Tags,
}

pub fn context(s: &Settings, env: &Env) -> Context {
    let assets = bucket_name(s, BucketRole::Assets);
    Context {
        role_arn: role_arn(&env.partition, &env.account, &role_name(s)),
        database: database_name(s),
        data_bucket: bucket_name(s, BucketRole::Data),
        analysis_bucket: bucket_name(s, BucketRole::Analysis),
        scripts_prefix: SCRIPTS_PREFIX.into(),
        temp_dir: temp_dir(&assets),
        spark_event_logs_path: spark_event_logs_path(&assets),
        assets_bucket: assets,
        tags: context_tags(s),
    }
}

/// `context.temp_dir` for the assets bucket `assets`.
pub fn temp_dir(assets: &str) -> String {
    format!("s3://{assets}/{TEMP_PREFIX}")
}

/// `context.spark_event_logs_path` for the assets bucket `assets`.
pub fn spark_event_logs_path(assets: &str) -> String {
    format!("s3://{assets}/{SPARK_LOGS_PREFIX}")
}

/// Every child as `managed_objects` lists it: type, terraform-provider-aws ID, and ARN
/// where the object has one.
pub fn managed_objects(d: &Desired, env: &Env) -> Vec<ManagedObject> {
    d.children
        .iter()
        .map(|c| {
            let arn = match c.key.kind {
                Kind::Bucket => Some(bucket_arn(&env.partition, &c.key.name)),
                Kind::IamRole => Some(d.role_arn.clone()),
                Kind::GlueDatabase => glue_arn(
                    &env.partition,
                    &env.region,
                    Some(&env.account),
                    "database",
                    &c.key.name,
                ),
                Kind::IamRolePolicyAttachment => Some(c.key.name.clone()),
                _ => None,
            };
            let mut m = ManagedObject::new(c.key.kind.tf_type(), &c.key.id(), arn);
            if m.arn.is_unknown() {
                m.arn = tf_provider::value::Value::Null;
            }
            m
        })
        .collect()
}

/// The names an import ID carries. See [`import_id`] for the format.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportId {
    pub name: String,
    pub environment: Option<String>,
    pub role: Option<String>,
    pub database: Option<String>,
    pub buckets: BTreeMap<BucketRole, String>,
    pub adopted: BTreeSet<BucketRole>,
}

/// `name=<pipeline>[,environment=<env>],role=<role>,database=<db>,data_bucket=<b>,
/// assets_bucket=<b>,analysis_bucket=<b>[,adopted=<block>+<block>]`: every child's name,
/// and which buckets are adopted (`create = false`). This is also the resource's `id`.
pub fn import_id(s: &Settings) -> String {
    let mut parts = vec![format!("name={}", s.name)];
    if let Some(e) = &s.environment {
        parts.push(format!("environment={e}"));
    }
    parts.push(format!("role={}", role_name(s)));
    parts.push(format!("database={}", database_name(s)));
    let mut adopted = Vec::new();
    for role in BucketRole::ALL {
        parts.push(format!("{}={}", role.block(), bucket_name(s, role)));
        if s.bucket(role).create == Some(false) {
            adopted.push(role.block());
        }
    }
    if !adopted.is_empty() {
        parts.push(format!("adopted={}", adopted.join("+")));
    }
    parts.join(",")
}

pub fn parse_import_id(id: &str) -> Result<ImportId, String> {
    let mut out = ImportId::default();
    let mut name = None;
    for part in id.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not key=value"))?;
        let v = v.trim().to_string();
        match k.trim() {
            "name" => name = Some(v),
            "environment" => out.environment = Some(v),
            "role" => out.role = Some(v),
            "database" => out.database = Some(v),
            "adopted" => {
                for b in v.split('+') {
                    let role = BucketRole::ALL
                        .into_iter()
                        .find(|r| r.block() == b)
                        .ok_or_else(|| format!("adopted: {b:?} is not data_bucket, assets_bucket or analysis_bucket"))?;
                    out.adopted.insert(role);
                }
            }
            other => {
                let role = BucketRole::ALL
                    .into_iter()
                    .find(|r| r.block() == other)
                    .ok_or_else(|| format!("unknown key {other:?}"))?;
                out.buckets.insert(role, v);
            }
        }
    }
    out.name = name.ok_or("the ID must include name=<pipeline name>")?;
    Ok(out)
}

impl ImportId {
    /// The settings the ID names (everything else at its default).
    pub fn settings(&self) -> Settings {
        let bucket = |role: BucketRole| BucketSettings {
            name: self.buckets.get(&role).cloned(),
            create: Some(!self.adopted.contains(&role)),
            ..Default::default()
        };
        Settings {
            name: self.name.clone(),
            environment: self.environment.clone(),
            database_name: self.database.clone(),
            role_name: self.role.clone(),
            data: bucket(BucketRole::Data),
            assets: bucket(BucketRole::Assets),
            analysis: bucket(BucketRole::Analysis),
            ..Default::default()
        }
    }
}

// ---------------------------------------------------------------------------------------
// Observation and comparison

/// A bucket as read from S3, reduced to what the pipeline manages. `None` fields: not
/// configured on the bucket.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObservedBucket {
    pub tags: Tags,
    pub encryption: Option<(String, Option<String>)>,
    pub public_access_block: Option<[bool; 4]>,
    /// The pipeline's statements (Sid starts with [`SID_PREFIX`]), normalised.
    pub policy_statements: Option<Vec<Value>>,
    /// The pipeline's rules (ID starts with [`RULE_PREFIX`]).
    pub lifecycle_rules: Option<Vec<LifecycleRule>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObservedRole {
    pub arn: String,
    pub trust_policy: Value,
    pub tags: Tags,
    /// The pipeline's inline policy, when present.
    pub inline_policy: Option<Value>,
    pub attached: BTreeSet<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObservedDatabase {
    pub description: Option<String>,
    pub tags: Tags,
}

/// Everything read for one pipeline (`None`: the object does not exist).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observed {
    pub buckets: BTreeMap<String, Option<ObservedBucket>>,
    pub database: Option<ObservedDatabase>,
    pub role: Option<ObservedRole>,
}

/// Observed children as specs, keyed like the desired ones. Attachments not in `desired`
/// appear too: the role is the pipeline's, so they are extra and get detached.
pub fn observed_children(d: &Desired, o: &Observed) -> BTreeMap<ChildKey, Spec> {
    let mut out = BTreeMap::new();
    for b in &d.buckets {
        let Some(Some(ob)) = o.buckets.get(&b.name) else {
            continue;
        };
        let name = &b.name;
        let tags = if b.create {
            ob.tags.clone()
        } else {
            // An adopted bucket keeps its own tags; only ours are compared.
            ob.tags
                .iter()
                .filter(|(k, _)| d.tags.contains_key(*k) || k.starts_with("flywheel:"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        out.insert(
            ChildKey::top(Kind::Bucket, name),
            Spec::Bucket {
                create: b.create,
                tags,
            },
        );
        let sub = |kind| ChildKey::new(kind, name, name);
        if let Some((sse, key)) = &ob.encryption {
            out.insert(
                sub(Kind::BucketEncryption),
                Spec::Encryption {
                    sse: sse.clone(),
                    kms_key_arn: key.clone(),
                },
            );
        }
        if let Some(flags) = ob.public_access_block {
            out.insert(
                sub(Kind::BucketPublicAccessBlock),
                Spec::PublicAccessBlock { flags },
            );
        }
        if let Some(st) = ob.policy_statements.as_ref().filter(|s| !s.is_empty()) {
            out.insert(
                sub(Kind::BucketPolicy),
                Spec::BucketPolicy {
                    statements: st.clone(),
                },
            );
        }
        if let Some(rules) = ob.lifecycle_rules.as_ref().filter(|r| !r.is_empty()) {
            let mut rules = rules.clone();
            rules.sort();
            out.insert(sub(Kind::BucketLifecycle), Spec::Lifecycle { rules });
        }
    }
    if let Some(db) = &o.database {
        out.insert(
            ChildKey::top(Kind::GlueDatabase, &d.database),
            Spec::Database {
                description: db.description.clone().filter(|x| !x.is_empty()),
                tags: db.tags.clone(),
            },
        );
    }
    if let Some(r) = &o.role {
        out.insert(
            ChildKey::top(Kind::IamRole, &d.role),
            Spec::Role {
                trust_policy: policy::normalize(&r.trust_policy),
                tags: r.tags.clone(),
            },
        );
        if let Some(doc) = &r.inline_policy {
            out.insert(
                ChildKey::new(Kind::IamRolePolicy, &d.role, INLINE_POLICY_NAME),
                Spec::RolePolicy {
                    document: policy::normalize(doc),
                },
            );
        }
        for arn in &r.attached {
            out.insert(
                ChildKey::new(Kind::IamRolePolicyAttachment, &d.role, arn),
                Spec::Attachment,
            );
        }
    }
    out
}

/// How an observed child stands against the desired one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    Missing,
    /// It exists but differs; the text says how.
    Differs(String),
    /// It exists but the configuration no longer wants it.
    Extra,
}

impl Status {
    pub fn text(&self) -> String {
        match self {
            Status::Ok => STATUS_OK.into(),
            Status::Missing => STATUS_MISSING.into(),
            Status::Differs(why) => format!("differs: {why}"),
            Status::Extra => "not in the configuration".into(),
        }
    }
}

fn tag_diff(want: &Tags, have: &Tags) -> Option<String> {
    let mut parts = Vec::new();
    for (k, v) in want {
        match have.get(k) {
            None => parts.push(format!("tag {k} missing")),
            Some(h) if h != v => parts.push(format!("tag {k} is {h:?}, want {v:?}")),
            _ => {}
        }
    }
    for k in have.keys().filter(|k| !want.contains_key(*k)) {
        parts.push(format!("extra tag {k}"));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Compares one child; `observed` is `None` when it does not exist.
pub fn compare(want: &Spec, observed: Option<&Spec>) -> Status {
    let Some(have) = observed else {
        return Status::Missing;
    };
    let why = match (want, have) {
        (Spec::Bucket { tags: w, .. }, Spec::Bucket { tags: h, .. }) => tag_diff(w, h),
        (
            Spec::Encryption {
                sse: ws,
                kms_key_arn: wk,
            },
            Spec::Encryption {
                sse: hs,
                kms_key_arn: hk,
            },
        ) => {
            if ws != hs {
                Some(format!("encryption is {hs}, want {ws}"))
            } else if ws == SSE_KMS && wk != hk {
                Some(format!("KMS key is {hk:?}, want {wk:?}"))
            } else {
                None
            }
        }
        (Spec::PublicAccessBlock { flags: w }, Spec::PublicAccessBlock { flags: h }) => {
            const NAMES: [&str; 4] = [
                "block_public_acls",
                "ignore_public_acls",
                "block_public_policy",
                "restrict_public_buckets",
            ];
            let off: Vec<&str> = (0..4)
                .filter(|i| w[*i] != h[*i])
                .map(|i| NAMES[i])
                .collect();
            (!off.is_empty()).then(|| format!("{} not as wanted (all on)", off.join(", ")))
        }
        (Spec::BucketPolicy { statements: w }, Spec::BucketPolicy { statements: h }) => {
            (w != h).then(|| "the TLS-only statement was changed".to_string())
        }
        (Spec::Lifecycle { rules: w }, Spec::Lifecycle { rules: h }) => {
            let missing: Vec<&str> = w
                .iter()
                .filter(|r| !h.contains(r))
                .map(|r| r.id.as_str())
                .collect();
            let extra: Vec<&str> = h
                .iter()
                .filter(|r| !w.contains(r))
                .map(|r| r.id.as_str())
                .collect();
            match (missing.is_empty(), extra.is_empty()) {
                (true, true) => None,
                _ => Some(format!(
                    "lifecycle rules missing or changed: [{}]; unexpected: [{}]",
                    missing.join(", "),
                    extra.join(", ")
                )),
            }
        }
        (
            Spec::Database {
                description: wd,
                tags: wt,
            },
            Spec::Database {
                description: hd,
                tags: ht,
            },
        ) => {
            if wd != hd {
                Some(format!("description is {hd:?}, want {wd:?}"))
            } else {
                tag_diff(wt, ht)
            }
        }
        (
            Spec::Role {
                trust_policy: wp,
                tags: wt,
            },
            Spec::Role {
                trust_policy: hp,
                tags: ht,
            },
        ) => {
            if wp != hp {
                Some("the trust policy was changed".into())
            } else {
                tag_diff(wt, ht)
            }
        }
        (Spec::RolePolicy { document: w }, Spec::RolePolicy { document: h }) => {
            (w != h).then(|| "the policy document was changed".to_string())
        }
        (Spec::Attachment, Spec::Attachment) => None,
        _ => Some("of a different kind".into()),
    };
    match why {
        None => Status::Ok,
        Some(w) => Status::Differs(w),
    }
}

/// The status of every desired child, and of extra observed ones (attachments).
pub fn statuses(d: &Desired, observed: &BTreeMap<ChildKey, Spec>) -> BTreeMap<ChildKey, Status> {
    let mut out: BTreeMap<ChildKey, Status> = d
        .children
        .iter()
        .map(|c| (c.key.clone(), compare(&c.spec, observed.get(&c.key))))
        .collect();
    for k in observed.keys() {
        if !out.contains_key(k) {
            out.insert(k.clone(), Status::Extra);
        }
    }
    out
}

/// A readable listing of the expansion, one child per line: the snapshot the unit tests
/// compare.
#[cfg(test)]
pub fn render(d: &Desired) -> String {
    let mut out = String::new();
    for c in &d.children {
        let detail = match &c.spec {
            Spec::Bucket { create, tags } => format!(
                "{} tags={}",
                if *create { "create" } else { "adopt" },
                tags.iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            Spec::Encryption { sse, kms_key_arn } => match kms_key_arn {
                Some(k) => format!("{sse} {k}"),
                None => sse.clone(),
            },
            Spec::PublicAccessBlock { flags } => format!("{flags:?}"),
            Spec::BucketPolicy { statements } => statements
                .iter()
                .filter_map(|s| s.get("Sid").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(","),
            Spec::Lifecycle { rules } => rules
                .iter()
                .map(|r| {
                    let what = match (
                        r.expiration_days,
                        r.abort_multipart_days,
                        r.intelligent_tiering_days,
                    ) {
                        (Some(d), _, _) => format!("expire {d}d"),
                        (_, Some(d), _) => format!("abort-mpu {d}d"),
                        (_, _, Some(d)) => format!("intelligent-tiering {d}d"),
                        _ => "?".into(),
                    };
                    format!("[{:?} {what}]", r.prefix)
                })
                .collect::<Vec<_>>()
                .join(" "),
            Spec::Database { description, .. } => format!("{description:?}"),
            Spec::Role { .. } => "trust glue.amazonaws.com".into(),
            Spec::RolePolicy { .. } => "inline".into(),
            Spec::Attachment => String::new(),
        };
        out.push_str(&format!("{} {}\n", c.key.address(), detail).replace(" \n", "\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prod() -> (Settings, Env) {
        let s = Settings {
            name: "omc-flywheel".into(),
            environment: Some("prod".into()),
            database_name: Some("omc_flywheel_prod".into()),
            database_description: Some("OMC flywheel production catalog".into()),
            role_name: Some("omc_flywheel-prod-glue-role".into()),
            managed_policy_arns: vec![],
            data: BucketSettings {
                name: Some("omc-flywheel-data-us-east-1-prod".into()),
                create: Some(false),
                prefixes: vec![
                    "opus/".into(),
                    "omc_cleanroom_data/".into(),
                    "support_files/".into(),
                ],
                ..Default::default()
            },
            assets: BucketSettings {
                name: Some("aws-glue-assets-239083076653-us-east-1".into()),
                ..Default::default()
            },
            analysis: BucketSettings {
                name: Some("omc-flywheel-prod-analysis-data".into()),
                expire_prefixes: [("temp/".to_string(), 7), ("spark-logs/".to_string(), 30)].into(),
                ..Default::default()
            },
            tags: [("Environment".to_string(), "prod".to_string())].into(),
            owner_id: Some("0123456789abcdef0123456789abcdef".into()),
        };
        let env = Env {
            partition: "aws".into(),
            region: "us-east-1".into(),
            account: "239083076653".into(),
            default_tags: Tags::new(),
        };
        (s, env)
    }

    #[test]
    fn production_expansion_snapshot() {
        let (s, env) = prod();
        let d = expand(&s, &env);
        let tags = "Environment=prod,flywheel:managed-by=terraform-provider-flywheel,flywheel:pipeline=omc-flywheel";
        // Created buckets carry the identity too; the adopted one does not.
        let owned = "Environment=prod,flywheel:managed-by=terraform-provider-flywheel,flywheel:owner=0123456789abcdef0123456789abcdef,flywheel:pipeline=omc-flywheel";
        let want = format!(
            "\
aws_s3_bucket.omc-flywheel-data-us-east-1-prod adopt tags={tags}
aws_s3_bucket_server_side_encryption_configuration.omc-flywheel-data-us-east-1-prod AES256
aws_s3_bucket_public_access_block.omc-flywheel-data-us-east-1-prod [true, true, true, true]
aws_s3_bucket_policy.omc-flywheel-data-us-east-1-prod FlywheelDenyInsecureTransport
aws_s3_bucket_lifecycle_configuration.omc-flywheel-data-us-east-1-prod [\"\" abort-mpu 7d] [\"\" intelligent-tiering 0d]
aws_s3_bucket.aws-glue-assets-239083076653-us-east-1 create tags={owned}
aws_s3_bucket_server_side_encryption_configuration.aws-glue-assets-239083076653-us-east-1 AES256
aws_s3_bucket_public_access_block.aws-glue-assets-239083076653-us-east-1 [true, true, true, true]
aws_s3_bucket_policy.aws-glue-assets-239083076653-us-east-1 FlywheelDenyInsecureTransport
aws_s3_bucket_lifecycle_configuration.aws-glue-assets-239083076653-us-east-1 [\"\" abort-mpu 7d] [\"temporary/\" expire 7d]
aws_s3_bucket.omc-flywheel-prod-analysis-data create tags={owned}
aws_s3_bucket_server_side_encryption_configuration.omc-flywheel-prod-analysis-data AES256
aws_s3_bucket_public_access_block.omc-flywheel-prod-analysis-data [true, true, true, true]
aws_s3_bucket_policy.omc-flywheel-prod-analysis-data FlywheelDenyInsecureTransport
aws_s3_bucket_lifecycle_configuration.omc-flywheel-prod-analysis-data [\"\" abort-mpu 7d] [\"spark-logs/\" expire 30d] [\"temp/\" expire 7d]
aws_glue_catalog_database.omc_flywheel_prod Some(\"OMC flywheel production catalog\")
aws_iam_role.omc_flywheel-prod-glue-role trust glue.amazonaws.com
aws_iam_role_policy.omc_flywheel-prod-glue-role:flywheel-pipeline-access inline
aws_iam_role_policy_attachment.omc_flywheel-prod-glue-role/arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole
"
        );
        assert_eq!(render(&d), want, "\n{}", render(&d));
        assert_eq!(d.children.len(), 19);
        assert_eq!(
            d.role_arn,
            "arn:aws:iam::239083076653:role/omc_flywheel-prod-glue-role"
        );
    }

    #[test]
    fn production_context() {
        let (s, env) = prod();
        let c = context(&s, &env);
        assert_eq!(
            c.role_arn,
            "arn:aws:iam::239083076653:role/omc_flywheel-prod-glue-role"
        );
        assert_eq!(c.database, "omc_flywheel_prod");
        assert_eq!(c.data_bucket, "omc-flywheel-data-us-east-1-prod");
        assert_eq!(c.assets_bucket, "aws-glue-assets-239083076653-us-east-1");
        assert_eq!(c.analysis_bucket, "omc-flywheel-prod-analysis-data");
        assert_eq!(c.scripts_prefix, "scripts/");
        assert_eq!(
            c.temp_dir,
            "s3://aws-glue-assets-239083076653-us-east-1/temporary/"
        );
        assert_eq!(
            c.spark_event_logs_path,
            "s3://aws-glue-assets-239083076653-us-east-1/sparkHistoryLogs/"
        );
        assert_eq!(
            c.tags.get(PIPELINE_TAG).map(String::as_str),
            Some("omc-flywheel")
        );
        assert_eq!(c.tags.get("Environment").map(String::as_str), Some("prod"));
    }

    fn statement<'a>(doc: &'a Value, sid: &str) -> &'a Value {
        policy::statements(doc)
            .iter()
            .position(|s| s.get("Sid").and_then(Value::as_str) == Some(sid))
            .and_then(|i| doc["Statement"].get(i))
            .unwrap_or_else(|| panic!("no statement {sid}"))
    }

    #[test]
    fn inline_policy_statement_by_statement() {
        let (s, env) = prod();
        let d = expand(&s, &env);
        let doc = inline_policy(&env, &d.buckets, &BTreeSet::new());
        assert_eq!(doc["Version"], "2012-10-17");
        let sids: Vec<String> = policy::statements(&doc)
            .iter()
            .filter_map(|s| s.get("Sid").and_then(Value::as_str).map(str::to_string))
            .collect();
        assert_eq!(
            sids,
            [
                "BucketLocation",
                "ListBuckets",
                "ListDataPrefixes",
                "ReadScripts",
                "DenyScriptWrites",
                "ReadWriteObjects",
                "GlueLogs",
                "GlueMetrics"
            ]
        );

        let location = statement(&doc, "BucketLocation");
        assert_eq!(location["Effect"], "Allow");
        assert_eq!(location["Action"], json!(["s3:GetBucketLocation"]));
        assert_eq!(
            location["Resource"],
            json!([
                "arn:aws:s3:::omc-flywheel-data-us-east-1-prod",
                "arn:aws:s3:::aws-glue-assets-239083076653-us-east-1",
                "arn:aws:s3:::omc-flywheel-prod-analysis-data"
            ])
        );
        assert!(location.get("Condition").is_none());
        // Buckets without `prefixes` are listed as a whole ...
        let list = statement(&doc, "ListBuckets");
        assert_eq!(list["Effect"], "Allow");
        assert_eq!(list["Action"], json!(["s3:ListBucket"]));
        assert_eq!(
            list["Resource"],
            json!([
                "arn:aws:s3:::aws-glue-assets-239083076653-us-east-1",
                "arn:aws:s3:::omc-flywheel-prod-analysis-data"
            ])
        );
        assert!(list.get("Condition").is_none());
        // ... the data bucket, which has them, only under them (no root listing).
        let prefixes = statement(&doc, "ListDataPrefixes");
        assert_eq!(prefixes["Effect"], "Allow");
        assert_eq!(prefixes["Action"], json!(["s3:ListBucket"]));
        assert_eq!(
            prefixes["Resource"],
            json!(["arn:aws:s3:::omc-flywheel-data-us-east-1-prod"])
        );
        assert_eq!(
            prefixes["Condition"],
            json!({"StringLike": {"s3:prefix": ["opus/*", "omc_cleanroom_data/*", "support_files/*"]}})
        );
        let scripts = statement(&doc, "ReadScripts");
        assert_eq!(scripts["Action"], json!(["s3:GetObject"]));
        assert_eq!(
            scripts["Resource"],
            json!(["arn:aws:s3:::aws-glue-assets-239083076653-us-east-1/scripts/*"])
        );
        // AWSGlueServiceRole allows writes on aws-glue-* objects; scripts/ stays read-only.
        let deny = statement(&doc, "DenyScriptWrites");
        assert_eq!(deny["Effect"], "Deny");
        assert_eq!(deny["Action"], json!(["s3:DeleteObject", "s3:PutObject"]));
        assert_eq!(
            deny["Resource"],
            json!(["arn:aws:s3:::aws-glue-assets-239083076653-us-east-1/scripts/*"])
        );
        let rw = statement(&doc, "ReadWriteObjects");
        assert_eq!(
            rw["Action"],
            json!(["s3:DeleteObject", "s3:GetObject", "s3:PutObject"])
        );
        assert_eq!(
            rw["Resource"],
            json!([
                "arn:aws:s3:::omc-flywheel-data-us-east-1-prod/opus/*",
                "arn:aws:s3:::omc-flywheel-data-us-east-1-prod/omc_cleanroom_data/*",
                "arn:aws:s3:::omc-flywheel-data-us-east-1-prod/support_files/*",
                "arn:aws:s3:::aws-glue-assets-239083076653-us-east-1/temporary/*",
                "arn:aws:s3:::aws-glue-assets-239083076653-us-east-1/sparkHistoryLogs/*",
                "arn:aws:s3:::omc-flywheel-prod-analysis-data/*"
            ])
        );
        let logs = statement(&doc, "GlueLogs");
        assert_eq!(
            logs["Resource"],
            json!(["arn:aws:logs:us-east-1:239083076653:log-group:/aws-glue/*"])
        );
        let metrics = statement(&doc, "GlueMetrics");
        assert_eq!(metrics["Action"], json!(["cloudwatch:PutMetricData"]));
        assert_eq!(metrics["Resource"], json!(["*"]));
        assert_eq!(
            metrics["Condition"],
            json!({"StringEquals": {"cloudwatch:namespace": "Glue"}})
        );
        // No s3:* and no Resource "*" anywhere but PutMetricData.
        for st in policy::statements(&doc) {
            let text = st.to_string();
            assert!(!text.contains("\"s3:*\""), "{text}");
            if st["Sid"] != "GlueMetrics" {
                assert!(!text.contains("\"*\""), "{text}");
            }
        }
    }

    #[test]
    fn kms_keys_get_their_own_statement() {
        let (mut s, env) = prod();
        let key = "arn:aws:kms:us-east-1:239083076653:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        s.analysis.kms_key_arn = Some(key.into());
        let d = expand(&s, &env);
        let enc = d
            .child(&ChildKey::new(
                Kind::BucketEncryption,
                "omc-flywheel-prod-analysis-data",
                "omc-flywheel-prod-analysis-data",
            ))
            .map(|c| c.spec.clone());
        assert_eq!(
            enc,
            Some(Spec::Encryption {
                sse: SSE_KMS.into(),
                kms_key_arn: Some(key.into())
            })
        );
        let doc = inline_policy(&env, &d.buckets, &[key.to_string()].into());
        let kms = statement(&doc, "KmsKeys");
        assert_eq!(kms["Action"], json!(["kms:Decrypt", "kms:GenerateDataKey"]));
        assert_eq!(kms["Resource"], json!([key]));
    }

    #[test]
    fn trust_and_bucket_policies() {
        let trust = policy::glue_trust_policy("aws", "us-east-1", "239083076653");
        let st = &trust["Statement"][0];
        assert_eq!(st["Effect"], "Allow");
        assert_eq!(st["Principal"], json!({"Service": "glue.amazonaws.com"}));
        assert_eq!(st["Action"], "sts:AssumeRole");
        assert_eq!(
            st["Condition"],
            json!({
                "StringEquals": {"aws:SourceAccount": "239083076653"},
                "ArnLike": {"aws:SourceArn": "arn:aws:glue:us-east-1:239083076653:*"}
            })
        );
        // The expansion uses the environment's partition, region and account.
        let (s, env) = prod();
        let d = expand(&s, &env);
        let role = d
            .child(&ChildKey::top(Kind::IamRole, &d.role))
            .map(|c| &c.spec);
        assert!(
            matches!(role, Some(Spec::Role { trust_policy, .. }) if *trust_policy == policy::normalize(&trust)),
            "{role:?}"
        );
        let tls = policy::tls_only_statement("aws", "b-1");
        assert_eq!(tls["Effect"], "Deny");
        assert_eq!(tls["Principal"], "*");
        assert_eq!(
            tls["Resource"],
            json!(["arn:aws:s3:::b-1", "arn:aws:s3:::b-1/*"])
        );
        assert_eq!(
            tls["Condition"],
            json!({"Bool": {"aws:SecureTransport": "false"}})
        );
    }

    #[test]
    fn default_names() {
        let s = Settings {
            name: "acme-flow".into(),
            environment: Some("dev".into()),
            ..Default::default()
        };
        assert_eq!(bucket_name(&s, BucketRole::Data), "acme-flow-dev-data");
        assert_eq!(bucket_name(&s, BucketRole::Assets), "acme-flow-dev-assets");
        assert_eq!(
            bucket_name(&s, BucketRole::Analysis),
            "acme-flow-dev-analysis"
        );
        assert_eq!(database_name(&s), "acme_flow_dev");
        assert_eq!(role_name(&s), "acme-flow-dev-glue-role");
        let s = Settings {
            name: "acme".into(),
            ..Default::default()
        };
        assert_eq!(bucket_name(&s, BucketRole::Data), "acme-data");
        assert_eq!(database_name(&s), "acme");
        assert!(check_names(&s).is_empty());
    }

    #[test]
    fn duplicate_and_invalid_names() {
        let mut s = Settings {
            name: "acme".into(),
            ..Default::default()
        };
        s.analysis.name = Some("acme-data".into());
        let p = check_names(&s);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, vec!["analysis_bucket", "name"]);
        s.analysis.name = Some("Bad_Name".into());
        assert_eq!(check_names(&s)[0].0, vec!["analysis_bucket", "name"]);
    }

    #[test]
    fn validators() {
        assert!(check_pipeline_name("omc-flywheel").is_ok());
        for bad in ["", "Omc", "-x", "x-", "a_b", &"a".repeat(41)] {
            assert!(check_pipeline_name(bad).is_err(), "{bad}");
        }
        assert!(check_role_name("omc_flywheel-prod-glue-role").is_ok());
        for bad in ["", "a/b", "a b", &"r".repeat(65)] {
            assert!(check_role_name(bad).is_err(), "{bad}");
        }
        assert!(check_database_name("omc_flywheel_prod").is_ok());
        let e = check_database_name("OMC_flywheel").unwrap_err();
        assert!(e.contains("omc_flywheel"), "{e}");
        assert!(check_database_name("a b").is_err());
        assert!(check_prefix("opus/").is_ok());
        assert!(check_prefix("a/b/").is_ok());
        for bad in ["", "/opus/", "opus", "a//b/"] {
            assert!(check_prefix(bad).is_err(), "{bad}");
        }
        assert!(check_days(1).is_ok());
        assert!(check_days(0).is_err());
        assert!(check_kms_key_arn("arn:aws:kms:us-east-1:239083076653:key/abc").is_ok());
        let alias = check_kms_key_arn("arn:aws:kms:us-east-1:239083076653:alias/x").unwrap_err();
        assert!(
            alias.contains("alias") && alias.contains("key ARN"),
            "{alias}"
        );
        for bad in [
            "abc",
            "arn:aws:kms:us-east-1:123:key/x",
            "arn:aws:s3:::b",
            "arn:aws:kms::239083076653:key/x",
        ] {
            assert!(check_kms_key_arn(bad).is_err(), "{bad}");
        }
        assert!(
            check_policy_arn("arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole").is_ok()
        );
        assert!(check_policy_arn("arn:aws:iam::239083076653:policy/x").is_ok());
        assert!(check_policy_arn("arn:aws:iam::x:policy/y").is_err());
    }

    #[test]
    fn import_ids_round_trip() {
        let (s, _) = prod();
        let id = import_id(&s);
        assert_eq!(
            id,
            "name=omc-flywheel,environment=prod,role=omc_flywheel-prod-glue-role,database=omc_flywheel_prod,data_bucket=omc-flywheel-data-us-east-1-prod,assets_bucket=aws-glue-assets-239083076653-us-east-1,analysis_bucket=omc-flywheel-prod-analysis-data,adopted=data_bucket"
        );
        let parsed = parse_import_id(&id).unwrap();
        let back = parsed.settings();
        assert_eq!(import_id(&back), id);
        assert!(parse_import_id("role=x").is_err());
        assert!(parse_import_id("name=x,bogus=1").is_err());
        assert!(parse_import_id("name=x,adopted=nope").is_err());
        let short = parse_import_id("name=acme").unwrap().settings();
        assert_eq!(bucket_name(&short, BucketRole::Assets), "acme-assets");
    }

    #[test]
    fn comparison_names_the_difference() {
        let (s, env) = prod();
        let d = expand(&s, &env);
        let mut observed: BTreeMap<ChildKey, Spec> = d
            .children
            .iter()
            .map(|c| (c.key.clone(), c.spec.clone()))
            .collect();
        assert!(statuses(&d, &observed).values().all(|s| *s == Status::Ok));

        let b = "aws-glue-assets-239083076653-us-east-1";
        observed.insert(
            ChildKey::new(Kind::BucketPublicAccessBlock, b, b),
            Spec::PublicAccessBlock {
                flags: [true, true, false, true],
            },
        );
        observed.remove(&ChildKey::new(Kind::BucketEncryption, b, b));
        let extra = ChildKey::new(
            Kind::IamRolePolicyAttachment,
            &d.role,
            "arn:aws:iam::aws:policy/AdministratorAccess",
        );
        observed.insert(extra.clone(), Spec::Attachment);
        let st = statuses(&d, &observed);
        assert_eq!(
            st[&ChildKey::new(Kind::BucketPublicAccessBlock, b, b)],
            Status::Differs("block_public_policy not as wanted (all on)".into())
        );
        assert_eq!(
            st[&ChildKey::new(Kind::BucketEncryption, b, b)],
            Status::Missing
        );
        assert_eq!(st[&extra], Status::Extra);
        assert_eq!(
            extra.address(),
            "aws_iam_role_policy_attachment.omc_flywheel-prod-glue-role/arn:aws:iam::aws:policy/AdministratorAccess"
        );
    }

    #[test]
    fn adopted_bucket_tags_compare_only_ours() {
        let (s, env) = prod();
        let d = expand(&s, &env);
        let data = "omc-flywheel-data-us-east-1-prod";
        // What an apply wrote (no identity: the bucket is adopted), and the owner's tag.
        let mut tags = d.tags.clone();
        tags.remove(ownership::OWNER_TAG);
        tags.insert("owner".into(), "someone-else".into());
        let o = Observed {
            buckets: [(
                data.to_string(),
                Some(ObservedBucket {
                    tags,
                    ..Default::default()
                }),
            )]
            .into(),
            ..Default::default()
        };
        let obs = observed_children(&d, &o);
        let want = d.child(&ChildKey::top(Kind::Bucket, data)).map(|c| &c.spec);
        assert_eq!(
            want.map(|w| compare(w, obs.get(&ChildKey::top(Kind::Bucket, data)))),
            Some(Status::Ok)
        );
    }

    #[test]
    fn managed_objects_are_known() {
        let (s, env) = prod();
        let d = expand(&s, &env);
        let m = managed_objects(&d, &env);
        assert_eq!(m.len(), d.children.len());
        assert!(m.iter().all(|o| !o.arn.is_unknown() && o.name.is_value()));
        assert_eq!(
            m.iter()
                .find(|o| o.kind.as_ref_option().map(String::as_str)
                    == Some("aws_glue_catalog_database"))
                .and_then(|o| o.arn.as_ref_option().cloned()),
            Some("arn:aws:glue:us-east-1:239083076653:database/omc_flywheel_prod".into())
        );
    }
}
