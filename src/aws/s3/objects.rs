//! S3 objects the provider uploads (job scripts): put, read back the content hash and the
//! tags, delete.
//!
//! How a read learns the content hash, cheapest first:
//! 1. HeadObject with checksum mode on. An object uploaded with a full-object SHA-256
//!    checksum (as `put` does) reports S3's own hash of the stored bytes: one call, no body,
//!    and it cannot disagree with the content.
//! 2. The `flywheel-sha256` metadata `put` also writes. An out-of-band PutObject replaces
//!    all metadata, so an overwrite never keeps a stale value (emulators and S3-compatible
//!    stores that do not keep SHA-256 checksums still get a one-call read).
//! 3. The hash an earlier read computed, when the caller passes it with the ETag the object
//!    had then and HeadObject still reports that ETag. Any write of an object gives it a new
//!    ETag unless the bytes are the same (single-part uploads without SSE-KMS keep the MD5,
//!    others get a fresh value), so an unchanged ETag means unchanged content. The ETag is
//!    only a change token here, never taken for a hash of the content.
//! 4. Otherwise (someone else wrote the object, and it changed or was never hashed)
//!    GetObject and hash the bytes. Scripts are small, and this happens once per change.
//!
//! A refresh that knows the hash and the ETag (3.) first asks a listing: concurrent reads
//! of objects in one bucket share one ListObjectsV2 page (see `aws::coalesce`), and an
//! object listed with the known ETag needs no HeadObject. Anything else (a changed ETag,
//! an object not on the page, a refused listing) is read as above.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumMode, ChecksumType, Tag, Tagging};

use std::collections::{BTreeMap, HashMap};

use crate::aws::coalesce::{Answer, BatchResult, Coalescer};
use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError, ErrorKind};
use crate::model::job::{sha256_hex, to_hex};
use crate::model::tags::Tags;

/// Metadata key (sent as `x-amz-meta-flywheel-sha256`) holding the hex SHA-256 of the body.
pub const SHA256_METADATA: &str = "flywheel-sha256";

fn target(bucket: &str, key: &str) -> String {
    format!("s3://{bucket}/{key}")
}

/// Uploads `body`, whose hex SHA-256 is `sha256`, with the object tags `tags` (S3 allows
/// at most 10 per object; the caller sends only the ownership tags). Returns the ETag S3
/// gave these bytes, when it answered one.
pub async fn put(
    ctx: &AwsContext,
    bucket: &str,
    key: &str,
    body: &[u8],
    sha256: &str,
    content_type: &str,
    tags: &Tags,
) -> Result<Option<String>, AwsError> {
    let tagging = {
        let mut t = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in tags {
            t.append_pair(k, v);
        }
        t.finish()
    };
    let t = target(bucket, key);
    call(&ctx.retry, Op::new("s3", "PutObject", &t), || {
        ctx.s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(ByteStream::from(body.to_vec()))
            .content_type(content_type)
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
            .metadata(SHA256_METADATA, sha256)
            .tagging(&tagging)
            .send()
    })
    .await
    .map(|o| o.e_tag().map(str::to_string))
}

/// What a read learned about an object's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentHash {
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// The object's ETag when the hash was computed, if S3 reported one.
    pub etag: Option<String>,
}

/// Keys per listing: one ListObjectsV2 page.
const PAGE: usize = 1000;

/// Concurrent ETag reads gathered into one ListObjectsV2 page per bucket.
#[derive(Debug)]
pub struct EtagReads(Coalescer<String>);

impl Default for EtagReads {
    fn default() -> Self {
        EtagReads(Coalescer::new("s3:ListObjectsV2", PAGE))
    }
}

/// Where one listing of `keys` (sorted) starts: their longest common prefix, and a
/// `StartAfter` just before the first (the first without its last character), so the
/// page begins at the keys asked about rather than at the prefix's other objects.
fn listing_of(keys: &[&str]) -> (String, Option<String>) {
    let first = keys.first().copied().unwrap_or_default();
    let mut prefix = first;
    for k in keys {
        let common = prefix
            .char_indices()
            .zip(k.chars())
            .find(|((_, a), b)| a != b)
            .map(|((i, _), _)| i)
            .unwrap_or_else(|| prefix.len().min(k.len()));
        prefix = &prefix[..common];
    }
    let mut before = first.to_string();
    before.pop();
    (prefix.to_string(), (!before.is_empty()).then_some(before))
}

/// The ETag of each object asked about (`bucket/key`) that one ListObjectsV2 page per
/// bucket lists. Objects not listed are not answered (read alone).
async fn list_etags(ctx: &AwsContext, names: Vec<String>) -> Result<BatchResult<String>, AwsError> {
    let mut by_bucket: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for n in &names {
        let (bucket, key) = n.split_once('/').unwrap_or((n, ""));
        by_bucket.entry(bucket).or_default().push(key);
    }
    let pages = by_bucket.into_iter().map(|(bucket, mut keys)| async move {
        keys.sort_unstable();
        let (prefix, start_after) = listing_of(&keys);
        let out = call(
            &ctx.retry,
            Op::new("s3", "ListObjectsV2", &target(bucket, &prefix)),
            || {
                ctx.s3
                    .list_objects_v2()
                    .bucket(bucket)
                    .prefix(&prefix)
                    .set_start_after(start_after.clone())
                    .max_keys(PAGE as i32)
                    .send()
            },
        )
        .await?;
        Ok::<_, AwsError>(
            out.contents()
                .iter()
                .filter_map(|o| Some((format!("{bucket}/{}", o.key()?), o.e_tag()?.to_string())))
                .filter(|(n, _)| keys.iter().any(|k| n[bucket.len() + 1..] == **k))
                .collect::<Vec<_>>(),
        )
    });
    let mut found = HashMap::new();
    for page in futures::future::join_all(pages).await {
        found.extend(page?);
    }
    Ok(BatchResult {
        found,
        missing: Vec::new(),
    })
}

/// The hex SHA-256 of the object's content, or `None` when the object (or bucket) does not
/// exist. `known` is a hash from an earlier read with the ETag the object had then. See the
/// module documentation for how the hash is learned.
pub async fn sha256(
    ctx: &AwsContext,
    bucket: &str,
    key: &str,
    known: Option<&ContentHash>,
) -> Result<Option<ContentHash>, AwsError> {
    if let Some(
        k @ ContentHash {
            etag: Some(etag), ..
        },
    ) = known
    {
        let name = format!("{bucket}/{key}");
        match ctx
            .etag_reads
            .0
            .get(&name, |names| list_etags(ctx, names))
            .await
        {
            Answer::Found(listed) if listed == *etag => return Ok(Some(k.clone())),
            Answer::Failed(e) => return Err(e),
            _ => {}
        }
    }
    let t = target(bucket, key);
    let head = call(&ctx.retry, Op::new("s3", "HeadObject", &t), || {
        ctx.s3
            .head_object()
            .bucket(bucket)
            .key(key)
            .checksum_mode(ChecksumMode::Enabled)
            .send()
    })
    .await;
    let head = match head {
        Ok(h) => h,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let etag = head.e_tag().map(str::to_string);
    let found = |sha256: String| {
        Ok(Some(ContentHash {
            sha256,
            etag: etag.clone(),
        }))
    };
    let full_object = !matches!(head.checksum_type(), Some(ChecksumType::Composite));
    if let Some(b64) = head
        .checksum_sha256()
        .filter(|c| full_object && !c.contains('-'))
    {
        if let Ok(bytes) = aws_smithy_types::base64::decode(b64) {
            if bytes.len() == 32 {
                return found(to_hex(&bytes));
            }
        }
    }
    if let Some(hex) = head.metadata().and_then(|m| m.get(SHA256_METADATA)) {
        return found(hex.to_ascii_lowercase());
    }
    if let Some(k) = known.filter(|k| k.etag.is_some() && k.etag == etag) {
        return found(k.sha256.clone());
    }
    let got = call(&ctx.retry, Op::new("s3", "GetObject", &t), || {
        ctx.s3.get_object().bucket(bucket).key(key).send()
    })
    .await;
    let out = match got {
        Ok(o) => o,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    // The ETag of the bytes hashed, which a write between the two calls may have changed.
    let etag = out.e_tag().map(str::to_string).or(etag);
    // The attempt timeout ends when the headers arrive; the body gets a bound of its own,
    // so a stream that stalls midway fails instead of hanging the apply.
    let body_error = |message: String| AwsError {
        service: "s3",
        operation: "GetObject",
        target: t.clone(),
        kind: ErrorKind::Transient,
        code: None,
        message,
        status: None,
    };
    let limit = ctx.retry.attempt_timeout;
    let bytes = match tokio::time::timeout(limit, out.body.collect()).await {
        Ok(read) => read.map_err(|e| body_error(format!("reading the object's body: {e}")))?,
        Err(_) => {
            return Err(body_error(format!(
                "the object's body did not arrive within {} s (http_timeout_seconds)",
                limit.as_secs()
            )))
        }
    };
    Ok(Some(ContentHash {
        sha256: sha256_hex(&bytes.into_bytes()),
        etag,
    }))
}

/// The object's tags, or `None` when the object (or its bucket) does not exist.
pub async fn tags(ctx: &AwsContext, bucket: &str, key: &str) -> Result<Option<Tags>, AwsError> {
    let t = target(bucket, key);
    match call(&ctx.retry, Op::new("s3", "GetObjectTagging", &t), || {
        ctx.s3.get_object_tagging().bucket(bucket).key(key).send()
    })
    .await
    {
        Ok(out) => Ok(Some(
            out.tag_set()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect(),
        )),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Replaces the object's tags with `tags` (PutObjectTagging).
pub async fn put_tags(
    ctx: &AwsContext,
    bucket: &str,
    key: &str,
    tags: &Tags,
) -> Result<(), AwsError> {
    let t = target(bucket, key);
    let set: Vec<Tag> = tags
        .iter()
        .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
        .collect();
    let tagging = Tagging::builder()
        .set_tag_set(Some(set))
        .build()
        .map_err(|e| AwsError {
            service: "s3",
            operation: "PutObjectTagging",
            target: t.clone(),
            kind: ErrorKind::Fatal,
            code: None,
            message: e.to_string(),
            status: None,
        })?;
    call(&ctx.retry, Op::new("s3", "PutObjectTagging", &t), || {
        ctx.s3
            .put_object_tagging()
            .bucket(bucket)
            .key(key)
            .tagging(tagging.clone())
            .send()
    })
    .await
    .map(|_| ())
}

/// Deletes the object; one that (or whose bucket) is already gone is fine.
pub async fn delete(ctx: &AwsContext, bucket: &str, key: &str) -> Result<(), AwsError> {
    let t = target(bucket, key);
    match call(&ctx.retry, Op::new("s3", "DeleteObject", &t), || {
        ctx.s3.delete_object().bucket(bucket).key(key).send()
    })
    .await
    {
        Err(e) if !e.is_not_found() => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_starts_at_the_first_key_under_the_common_prefix() {
        let keys = ["scripts/a_job.py", "scripts/b_job.py", "scripts/c.py"];
        assert_eq!(
            listing_of(&keys),
            ("scripts/".to_string(), Some("scripts/a_job.p".to_string()))
        );
        // One key: the key itself is the prefix, and the page starts just before it.
        assert_eq!(
            listing_of(&["scripts/x.py"]),
            ("scripts/x.py".to_string(), Some("scripts/x.p".to_string()))
        );
        // Nothing in common, a one-character key: the whole bucket, from its start.
        assert_eq!(listing_of(&["a", "b"]), (String::new(), None));
        // Multi-byte characters are cut on their boundaries.
        let (prefix, after) = listing_of(&["s/é1.py", "s/é2.py"]);
        assert_eq!(prefix, "s/é");
        assert_eq!(after.as_deref(), Some("s/é1.p"));
    }
}
