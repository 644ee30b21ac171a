//! S3 buckets and the sub-configurations the pipeline manages: tags, default encryption,
//! the public access block, the bucket policy and ownership controls (lifecycle rules are in
//! `lifecycle`).
//!
//! A refresh reads a bucket with four concurrent calls (GetBucketEncryption,
//! GetPublicAccessBlock, GetBucketPolicy, GetBucketLifecycleConfiguration), a fifth
//! (GetBucketOwnershipControls) for a bucket the pipeline creates, and its tags from the
//! tagging batch (`aws::tagging`), with GetBucketTagging only when the batch does not
//! confirm what the state recorded. Any of them answering NoSuchBucket means the bucket is
//! gone, so no HeadBucket is needed. Where only existence matters (releasing an adopted
//! bucket), [`exists`] asks with one HeadBucket.
//!
//! Policies and lifecycle configurations are single documents per bucket. On an adopted
//! bucket the pipeline owns only the statements whose Sid starts with `Flywheel` and the
//! rules whose ID starts with `flywheel-`: writes read the document, keep everything else,
//! and put the merge back, so the owner's rules survive, and releasing it removes only what
//! was added. A created bucket's policy is the pipeline's alone and is written whole. A
//! policy that cannot be read as a policy document is an error, never replaced.

use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, Delete, ObjectIdentifier, ObjectOwnership,
    OwnershipControls, OwnershipControlsRule, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    Tag, Tagging,
};
use serde_json::Value;

use crate::aws::retry::{call, Op};
use crate::aws::{tagging, AwsContext, AwsError, ErrorKind};
use crate::model::pipeline::{self as model, ObservedBucket, SID_PREFIX};
use crate::model::policy;
use crate::model::tags::Tags;

pub(super) fn build_error(
    operation: &'static str,
    bucket: &str,
    e: impl std::fmt::Display,
) -> AwsError {
    AwsError {
        service: "s3",
        operation,
        target: bucket.to_string(),
        kind: ErrorKind::Validation,
        code: None,
        message: format!("building the request: {e}"),
        status: None,
    }
}

/// Whether `e` says the bucket itself does not exist (rather than one of its
/// configurations).
pub fn no_such_bucket(e: &AwsError) -> bool {
    e.code.as_deref() == Some("NoSuchBucket")
}

/// Whether the bucket exists and these credentials can see it: one HeadBucket.
pub async fn exists(ctx: &AwsContext, bucket: &str) -> Result<bool, AwsError> {
    match call(&ctx.retry, Op::new("s3", "HeadBucket", bucket), || {
        ctx.s3.head_bucket().bucket(bucket).send()
    })
    .await
    {
        Ok(_) => Ok(true),
        // HeadBucket has no body, so a missing bucket is a bare 404.
        Err(e) if no_such_bucket(&e) || e.is_not_found() || e.status == Some(404) => Ok(false),
        Err(e) => Err(e),
    }
}

/// `Ok(None)` for a missing configuration, `Err(None)` for a missing bucket.
fn optional<T>(r: Result<T, AwsError>) -> Result<Option<T>, Option<AwsError>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if no_such_bucket(&e) => Err(None),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(Some(e)),
    }
}

/// A bucket policy as S3 returns it; an error naming the bucket when it
/// is not a policy document (S3 validates policies, but one the provider cannot read must
/// stop it rather than be overwritten with the owner's statements lost).
pub(crate) fn policy_document(
    bucket: &str,
    operation: &'static str,
    text: &str,
) -> Result<Value, AwsError> {
    let doc = policy::parse(text).filter(|d| {
        d.is_object()
            && matches!(
                d.get("Statement"),
                None | Some(Value::Array(_) | Value::Object(_))
            )
    });
    doc.ok_or_else(|| AwsError {
        service: "s3",
        operation,
        target: bucket.to_string(),
        kind: ErrorKind::Fatal,
        code: Some("MalformedPolicy".into()),
        message: format!(
            "the bucket policy of {bucket:?} is not a policy document the provider can read, so it was left as it is. Fix or delete it (aws s3api get-bucket-policy --bucket {bucket}), then run Terraform again."
        ),
        status: None,
    })
}

/// Whether `e` says the bucket has no ownership controls.
fn no_ownership_controls(e: &AwsError) -> bool {
    e.code.as_deref() == Some("OwnershipControlsNotFoundError")
}

/// The bucket's ARN (what the tagging API names it by).
pub fn arn(ctx: &AwsContext, bucket: &str) -> String {
    format!("arn:{}:s3:::{bucket}", ctx.partition)
}

/// Everything the pipeline manages on `bucket`, or `None` when the bucket does not exist.
/// `ownership`: also read Object Ownership (only buckets the pipeline creates manage it).
/// `agrees` (a refresh): whether a batched tag answer is what the state recorded; then
/// GetBucketTagging is not needed.
pub async fn read(
    ctx: &AwsContext,
    bucket: &str,
    ownership: bool,
    agrees: Option<&(dyn Fn(&Tags) -> bool + Sync)>,
) -> Result<Option<ObservedBucket>, AwsError> {
    let own = async {
        if !ownership {
            return None;
        }
        Some(
            call(
                &ctx.retry,
                Op::new("s3", "GetBucketOwnershipControls", bucket),
                || ctx.s3.get_bucket_ownership_controls().bucket(bucket).send(),
            )
            .await,
        )
    };
    // `Ok(Some)` / `Ok(None)` / `Err(None)` / `Err(Some)` as `optional` answers.
    let tags = async {
        if let Some(agrees) = agrees {
            match tagging::confirmed(ctx, "s3", &arn(ctx, bucket), agrees).await {
                Ok(Some(t)) => return Ok(Some(t)),
                Ok(None) => {}
                Err(e) => return Err(Some(e)),
            }
        }
        optional(
            call(
                &ctx.retry,
                Op::new("s3", "GetBucketTagging", bucket),
                || ctx.s3.get_bucket_tagging().bucket(bucket).send(),
            )
            .await,
        )
        .map(|o| {
            o.map(|o| {
                o.tag_set()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string()))
                    .collect()
            })
        })
    };
    let (tags, enc, pab, pol, life, own) = futures::join!(
        tags,
        call(
            &ctx.retry,
            Op::new("s3", "GetBucketEncryption", bucket),
            || { ctx.s3.get_bucket_encryption().bucket(bucket).send() }
        ),
        call(
            &ctx.retry,
            Op::new("s3", "GetPublicAccessBlock", bucket),
            || { ctx.s3.get_public_access_block().bucket(bucket).send() }
        ),
        call(&ctx.retry, Op::new("s3", "GetBucketPolicy", bucket), || {
            ctx.s3.get_bucket_policy().bucket(bucket).send()
        }),
        call(
            &ctx.retry,
            Op::new("s3", "GetBucketLifecycleConfiguration", bucket),
            || ctx
                .s3
                .get_bucket_lifecycle_configuration()
                .bucket(bucket)
                .send()
        ),
        own,
    );
    let gone = |e: Option<AwsError>| match e {
        None => Ok(None),
        Some(e) => Err(e),
    };
    let tags = match tags {
        Ok(t) => t.unwrap_or_default(),
        Err(e) => return gone(e),
    };
    let encryption = match optional(enc) {
        Ok(o) => o.and_then(|o| {
            let rule = o.server_side_encryption_configuration()?.rules().first()?;
            let by_default = rule.apply_server_side_encryption_by_default()?;
            Some((
                by_default.sse_algorithm().as_str().to_string(),
                by_default.kms_master_key_id().map(str::to_string),
            ))
        }),
        Err(e) => return gone(e),
    };
    let public_access_block = match optional(pab) {
        Ok(o) => o.and_then(|o| {
            let c = o.public_access_block_configuration()?;
            Some([
                c.block_public_acls().unwrap_or(false),
                c.ignore_public_acls().unwrap_or(false),
                c.block_public_policy().unwrap_or(false),
                c.restrict_public_buckets().unwrap_or(false),
            ])
        }),
        Err(e) => return gone(e),
    };
    let policy_statements = match optional(pol) {
        Ok(Some(o)) => match o.policy() {
            Some(text) => Some(
                policy::statements(&policy_document(bucket, "GetBucketPolicy", text)?)
                    .iter()
                    .map(policy::normalize)
                    .collect(),
            ),
            None => None,
        },
        Ok(None) => None,
        Err(e) => return gone(e),
    };
    let object_ownership = match own {
        None => None,
        Some(Err(e)) if no_ownership_controls(&e) => None,
        Some(r) => match optional(r) {
            Ok(o) => o.and_then(|o| {
                o.ownership_controls()?
                    .rules()
                    .first()
                    .map(|r| r.object_ownership().as_str().to_string())
            }),
            Err(e) => return gone(e),
        },
    };
    let lifecycle_rules = match optional(life) {
        Ok(o) => o.map(|o| {
            o.rules()
                .iter()
                .filter_map(super::lifecycle::to_model_rule)
                .collect()
        }),
        Err(e) => return gone(e),
    };
    Ok(Some(ObservedBucket {
        tags,
        encryption,
        public_access_block,
        policy_statements,
        object_ownership,
        lifecycle_rules,
    }))
}

/// Creates the bucket in the client's region (untagged: S3 takes tags in a second call).
pub async fn create(ctx: &AwsContext, bucket: &str) -> Result<(), AwsError> {
    let config = (ctx.region != "us-east-1").then(|| {
        CreateBucketConfiguration::builder()
            .location_constraint(BucketLocationConstraint::from(ctx.region.as_str()))
            .build()
    });
    call(&ctx.retry, Op::new("s3", "CreateBucket", bucket), || {
        ctx.s3
            .create_bucket()
            .bucket(bucket)
            .set_create_bucket_configuration(config.clone())
            .send()
    })
    .await
    .map(|_| ())
}

/// CreateBucket found the bucket in this account already (outside us-east-1, where
/// us-east-1 answers 200 instead).
pub fn already_owned(e: &AwsError) -> bool {
    e.code.as_deref() == Some("BucketAlreadyOwnedByYou")
}

/// Sets `tags` on the bucket. `exclusive`: exactly these; otherwise (an adopted bucket)
/// the bucket's other tags are kept, except stale `flywheel:` ones.
pub async fn put_tags(
    ctx: &AwsContext,
    bucket: &str,
    tags: &Tags,
    exclusive: bool,
) -> Result<(), AwsError> {
    let mut all = tags.clone();
    if !exclusive {
        for (k, v) in current_tags(ctx, bucket).await? {
            if !k.starts_with("flywheel:") {
                all.entry(k).or_insert(v);
            }
        }
    }
    write_tags(ctx, bucket, &all).await
}

/// The bucket's tags (none when it has no tag set).
pub async fn current_tags(ctx: &AwsContext, bucket: &str) -> Result<Tags, AwsError> {
    match call(
        &ctx.retry,
        Op::new("s3", "GetBucketTagging", bucket),
        || ctx.s3.get_bucket_tagging().bucket(bucket).send(),
    )
    .await
    {
        Ok(o) => Ok(o
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect()),
        Err(e) if e.is_not_found() && !no_such_bucket(&e) => Ok(Tags::new()),
        Err(e) => Err(e),
    }
}

async fn write_tags(ctx: &AwsContext, bucket: &str, all: &Tags) -> Result<(), AwsError> {
    if all.is_empty() {
        return call(
            &ctx.retry,
            Op::new("s3", "DeleteBucketTagging", bucket),
            || ctx.s3.delete_bucket_tagging().bucket(bucket).send(),
        )
        .await
        .map(|_| ());
    }
    let set = all
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| build_error("PutBucketTagging", bucket, e))?;
    let tagging = Tagging::builder()
        .set_tag_set(Some(set))
        .build()
        .map_err(|e| build_error("PutBucketTagging", bucket, e))?;
    call(
        &ctx.retry,
        Op::new("s3", "PutBucketTagging", bucket),
        || {
            ctx.s3
                .put_bucket_tagging()
                .bucket(bucket)
                .tagging(tagging.clone())
                .send()
        },
    )
    .await
    .map(|_| ())
}

/// Removes `keys` from the bucket's tags (releasing an adopted bucket).
pub async fn remove_tags(ctx: &AwsContext, bucket: &str, keys: &[String]) -> Result<(), AwsError> {
    let mut all = current_tags(ctx, bucket).await?;
    let before = all.len();
    all.retain(|k, _| !keys.contains(k) && !k.starts_with("flywheel:"));
    if all.len() == before {
        return Ok(());
    }
    write_tags(ctx, bucket, &all).await
}

/// Default encryption with `sse` (`AES256`, `aws:kms` or `aws:kms:dsse`) and, for the KMS
/// ones, `kms_key_arn` (`None`: the AWS managed key `aws/s3`). S3 Bucket Keys (fewer KMS
/// calls, lower cost) are on with SSE-KMS; DSSE-KMS does not support them.
pub async fn put_encryption(
    ctx: &AwsContext,
    bucket: &str,
    sse: &str,
    kms_key_arn: Option<&str>,
) -> Result<(), AwsError> {
    let by_default = ServerSideEncryptionByDefault::builder()
        .sse_algorithm(ServerSideEncryption::from(sse))
        .set_kms_master_key_id(
            kms_key_arn
                .filter(|_| sse != model::SSE_S3)
                .map(str::to_string),
        )
        .build()
        .map_err(|e| build_error("PutBucketEncryption", bucket, e))?;
    let config = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(by_default)
                .bucket_key_enabled(sse == model::SSE_KMS)
                .build(),
        )
        .build()
        .map_err(|e| build_error("PutBucketEncryption", bucket, e))?;
    call(
        &ctx.retry,
        Op::new("s3", "PutBucketEncryption", bucket),
        || {
            ctx.s3
                .put_bucket_encryption()
                .bucket(bucket)
                .server_side_encryption_configuration(config.clone())
                .send()
        },
    )
    .await
    .map(|_| ())
}

/// Object Ownership: one rule, `ownership` (`BucketOwnerEnforced` disables ACLs).
pub async fn put_ownership_controls(
    ctx: &AwsContext,
    bucket: &str,
    ownership: &str,
) -> Result<(), AwsError> {
    let rule = OwnershipControlsRule::builder()
        .object_ownership(ObjectOwnership::from(ownership))
        .build()
        .map_err(|e| build_error("PutBucketOwnershipControls", bucket, e))?;
    let controls = OwnershipControls::builder()
        .rules(rule)
        .build()
        .map_err(|e| build_error("PutBucketOwnershipControls", bucket, e))?;
    call(
        &ctx.retry,
        Op::new("s3", "PutBucketOwnershipControls", bucket),
        || {
            ctx.s3
                .put_bucket_ownership_controls()
                .bucket(bucket)
                .ownership_controls(controls.clone())
                .send()
        },
    )
    .await
    .map(|_| ())
}

/// All four public-access-block flags on.
pub async fn put_public_access_block(ctx: &AwsContext, bucket: &str) -> Result<(), AwsError> {
    let config = PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build();
    call(
        &ctx.retry,
        Op::new("s3", "PutPublicAccessBlock", bucket),
        || {
            ctx.s3
                .put_public_access_block()
                .bucket(bucket)
                .public_access_block_configuration(config.clone())
                .send()
        },
    )
    .await
    .map(|_| ())
}

/// Makes the pipeline's statements in the bucket policy exactly `ours`. `whole`: the
/// policy becomes exactly `ours` (a created bucket); otherwise the statements whose Sid is
/// not the pipeline's are kept (an adopted bucket).
pub async fn put_policy_statements(
    ctx: &AwsContext,
    bucket: &str,
    ours: &[Value],
    whole: bool,
) -> Result<(), AwsError> {
    let mut statements = Vec::new();
    if !whole {
        let current = match call(&ctx.retry, Op::new("s3", "GetBucketPolicy", bucket), || {
            ctx.s3.get_bucket_policy().bucket(bucket).send()
        })
        .await
        {
            Ok(o) => o.policy().map(str::to_string),
            Err(e) if e.is_not_found() && !no_such_bucket(&e) => None,
            Err(e) => return Err(e),
        };
        if let Some(text) = current {
            let doc = policy_document(bucket, "PutBucketPolicy", &text)?;
            statements = policy::split_by_sid(&doc, SID_PREFIX).1;
        }
    }
    statements.extend(ours.iter().cloned());
    if statements.is_empty() {
        return call(
            &ctx.retry,
            Op::new("s3", "DeleteBucketPolicy", bucket),
            || ctx.s3.delete_bucket_policy().bucket(bucket).send(),
        )
        .await
        .map(|_| ());
    }
    let text = policy::document(statements).to_string();
    call(&ctx.retry, Op::new("s3", "PutBucketPolicy", bucket), || {
        ctx.s3
            .put_bucket_policy()
            .bucket(bucket)
            .policy(&text)
            .send()
    })
    .await
    .map(|_| ())
}

/// Whether the bucket holds any object (or object version); a missing bucket is empty.
pub async fn is_empty(ctx: &AwsContext, bucket: &str) -> Result<bool, AwsError> {
    match call(
        &ctx.retry,
        Op::new("s3", "ListObjectVersions", bucket),
        || {
            ctx.s3
                .list_object_versions()
                .bucket(bucket)
                .max_keys(1)
                .send()
        },
    )
    .await
    {
        Ok(o) => Ok(o.versions().is_empty() && o.delete_markers().is_empty()),
        Err(e) if no_such_bucket(&e) => Ok(true),
        Err(e) => Err(e),
    }
}

/// Deletes every object version and delete marker (`force_destroy`).
pub async fn empty(ctx: &AwsContext, bucket: &str) -> Result<(), AwsError> {
    loop {
        let page = match call(
            &ctx.retry,
            Op::new("s3", "ListObjectVersions", bucket),
            || {
                ctx.s3
                    .list_object_versions()
                    .bucket(bucket)
                    .max_keys(1000)
                    .send()
            },
        )
        .await
        {
            Ok(p) => p,
            Err(e) if no_such_bucket(&e) => return Ok(()),
            Err(e) => return Err(e),
        };
        let mut ids: Vec<ObjectIdentifier> = Vec::new();
        let versions = page
            .versions()
            .iter()
            .map(|v| (v.key(), v.version_id()))
            .chain(
                page.delete_markers()
                    .iter()
                    .map(|m| (m.key(), m.version_id())),
            );
        for (key, version) in versions {
            if let Some(key) = key {
                ids.push(
                    ObjectIdentifier::builder()
                        .key(key)
                        .set_version_id(version.map(str::to_string))
                        .build()
                        .map_err(|e| build_error("DeleteObjects", bucket, e))?,
                );
            }
        }
        if ids.is_empty() {
            return Ok(());
        }
        let delete = Delete::builder()
            .set_objects(Some(ids))
            .quiet(true)
            .build()
            .map_err(|e| build_error("DeleteObjects", bucket, e))?;
        let out = call(&ctx.retry, Op::new("s3", "DeleteObjects", bucket), || {
            ctx.s3
                .delete_objects()
                .bucket(bucket)
                .delete(delete.clone())
                .send()
        })
        .await?;
        if let Some(err) = out.errors().first() {
            return Err(AwsError {
                service: "s3",
                operation: "DeleteObjects",
                target: bucket.to_string(),
                kind: ErrorKind::Fatal,
                code: err.code().map(str::to_string),
                message: format!(
                    "could not delete {:?}: {}",
                    err.key().unwrap_or(""),
                    err.message().unwrap_or("")
                ),
                status: None,
            });
        }
    }
}

/// Deletes the (empty) bucket; one already gone is fine.
pub async fn delete(ctx: &AwsContext, bucket: &str) -> Result<(), AwsError> {
    match call(&ctx.retry, Op::new("s3", "DeleteBucket", bucket), || {
        ctx.s3.delete_bucket().bucket(bucket).send()
    })
    .await
    {
        Err(e) if !e.is_not_found() => Err(e),
        _ => Ok(()),
    }
}
