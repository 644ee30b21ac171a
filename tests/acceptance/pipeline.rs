//! `flywheel_pipeline`: create with an adopted bucket that holds data, import, in-place
//! updates, five kinds of out-of-band drift (each named in the plan and repaired),
//! `force_destroy` refusal and success, a partial failure that a second apply converges,
//! offline validation, and the number of calls a refresh makes. Every test checks the
//! emulator directly, and after destroy that nothing is left but the adopted bucket.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use anyhow::{anyhow, bail, ensure, Context as _, Result};
use serde_json::Value as Json;

use crate::harness::*;

const ADDR: &str = "flywheel_pipeline.test";

/// One test's names.
#[derive(Clone)]
pub(crate) struct Names {
    pub name: String,
    pub data: String,
    pub assets: String,
    pub analysis: String,
    pub role: String,
    pub database: String,
}

impl Names {
    pub fn new(prefix: &str) -> Names {
        let name = unique_name(prefix);
        Names {
            data: format!("{name}-acc-data"),
            assets: format!("{name}-acc-assets"),
            analysis: format!("{name}-acc-analysis"),
            role: format!("{name}-acc-glue-role"),
            database: format!("{name}-acc").replace('-', "_"),
            name,
        }
    }

    pub fn buckets(&self) -> [&str; 3] {
        [&self.data, &self.assets, &self.analysis]
    }
}

/// Knobs of the test configuration.
#[derive(Clone)]
pub(crate) struct Cfg {
    pub adopt_data: bool,
    pub team: &'static str,
    pub temp_days: u32,
    pub description: &'static str,
    pub force_destroy: bool,
}

impl Default for Cfg {
    fn default() -> Self {
        Cfg {
            adopt_data: true,
            team: "data",
            temp_days: 7,
            description: "flywheel acceptance catalog",
            force_destroy: false,
        }
    }
}

pub(crate) fn config(n: &Names, c: &Cfg) -> String {
    let data = if c.adopt_data {
        format!(
            "name = \"{}\"\n    create = false\n    prefixes = [\"opus/\", \"omc_cleanroom_data/\"]",
            n.data
        )
    } else {
        "prefixes = [\"opus/\"]".to_string()
    };
    format!(
        r#"
resource "flywheel_pipeline" "test" {{
  name          = "{name}"
  environment   = "acc"
  force_destroy = {force}

  database {{
    description = "{desc}"
  }}

  role {{}}

  data_bucket {{
    {data}
  }}

  assets_bucket {{}}

  analysis_bucket {{
    expire_prefixes = {{ "temp/" = {days}, "spark-logs/" = 30 }}
  }}

  tags = {{ team = "{team}" }}
}}
"#,
        name = n.name,
        force = c.force_destroy,
        desc = c.description,
        days = c.temp_days,
        team = c.team,
    )
}

// ---------------------------------------------------------------------------------------
// Emulator access

fn svc_code<E: aws_smithy_types::error::metadata::ProvideErrorMetadata>(e: &E) -> String {
    e.code().unwrap_or("").to_string()
}

pub(crate) async fn bucket_exists(aws: &Clients, b: &str) -> Result<bool> {
    match aws.s3.head_bucket().bucket(b).send().await {
        Ok(_) => Ok(true),
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 404) => Ok(false),
        Err(e) => Err(anyhow!("HeadBucket {b}: {e:?}")),
    }
}

pub(crate) async fn bucket_tags(aws: &Clients, b: &str) -> Result<Vec<(String, String)>> {
    match aws.s3.get_bucket_tagging().bucket(b).send().await {
        Ok(o) => Ok(o
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect()),
        Err(e) if e.as_service_error().map(svc_code).as_deref() == Some("NoSuchTagSet") => {
            Ok(vec![])
        }
        Err(e) => Err(anyhow!("GetBucketTagging {b}: {e:?}")),
    }
}

/// (id, prefix, expiration days) of every lifecycle rule.
pub(crate) async fn lifecycle(
    aws: &Clients,
    b: &str,
) -> Result<Vec<(String, String, Option<i32>)>> {
    match aws
        .s3
        .get_bucket_lifecycle_configuration()
        .bucket(b)
        .send()
        .await
    {
        Ok(o) => Ok(o
            .rules()
            .iter()
            .map(|r| {
                (
                    r.id().unwrap_or("").to_string(),
                    r.filter()
                        .and_then(|f| f.prefix())
                        .unwrap_or("")
                        .to_string(),
                    r.expiration().and_then(|e| e.days()),
                )
            })
            .collect()),
        Err(e)
            if e.as_service_error().map(svc_code).as_deref()
                == Some("NoSuchLifecycleConfiguration") =>
        {
            Ok(vec![])
        }
        Err(e) => Err(anyhow!("GetBucketLifecycleConfiguration {b}: {e:?}")),
    }
}

pub(crate) async fn bucket_policy(aws: &Clients, b: &str) -> Result<Option<Json>> {
    match aws.s3.get_bucket_policy().bucket(b).send().await {
        Ok(o) => Ok(o.policy().map(serde_json::from_str).transpose()?),
        Err(e) if e.as_service_error().map(svc_code).as_deref() == Some("NoSuchBucketPolicy") => {
            Ok(None)
        }
        Err(e) => Err(anyhow!("GetBucketPolicy {b}: {e:?}")),
    }
}

pub(crate) async fn encryption(aws: &Clients, b: &str) -> Result<Option<String>> {
    match aws.s3.get_bucket_encryption().bucket(b).send().await {
        Ok(o) => Ok(o
            .server_side_encryption_configuration()
            .and_then(|c| c.rules().first())
            .and_then(|r| r.apply_server_side_encryption_by_default())
            .map(|d| d.sse_algorithm().as_str().to_string())),
        Err(e)
            if e.as_service_error().map(svc_code).as_deref()
                == Some("ServerSideEncryptionConfigurationNotFoundError") =>
        {
            Ok(None)
        }
        Err(e) => Err(anyhow!("GetBucketEncryption {b}: {e:?}")),
    }
}

pub(crate) async fn public_access_block(aws: &Clients, b: &str) -> Result<Option<[bool; 4]>> {
    match aws.s3.get_public_access_block().bucket(b).send().await {
        Ok(o) => Ok(o.public_access_block_configuration().map(|c| {
            [
                c.block_public_acls() == Some(true),
                c.ignore_public_acls() == Some(true),
                c.block_public_policy() == Some(true),
                c.restrict_public_buckets() == Some(true),
            ]
        })),
        Err(e)
            if e.as_service_error().map(svc_code).as_deref()
                == Some("NoSuchPublicAccessBlockConfiguration") =>
        {
            Ok(None)
        }
        Err(e) => Err(anyhow!("GetPublicAccessBlock {b}: {e:?}")),
    }
}

pub(crate) async fn role_exists(aws: &Clients, role: &str) -> Result<bool> {
    match aws.iam.get_role().role_name(role).send().await {
        Ok(_) => Ok(true),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_no_such_entity_exception()) =>
        {
            Ok(false)
        }
        Err(e) => Err(anyhow!("GetRole {role}: {e:?}")),
    }
}

pub(crate) async fn inline_policy(aws: &Clients, role: &str) -> Result<Json> {
    let out = aws
        .iam
        .get_role_policy()
        .role_name(role)
        .policy_name("flywheel-pipeline-access")
        .send()
        .await
        .context("GetRolePolicy")?;
    let text = out.policy_document();
    serde_json::from_str(text)
        .or_else(|_| serde_json::from_str(&percent_decode(text)))
        .context("policy JSON")
}

pub(crate) fn percent_decode(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() + 1 {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..(i + 3).min(s.len())], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) async fn database_description(
    aws: &Clients,
    db: &str,
) -> Result<Option<Option<String>>> {
    match aws.glue.get_database().name(db).send().await {
        Ok(o) => Ok(Some(
            o.database()
                .and_then(|d| d.description())
                .map(str::to_string),
        )),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_entity_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(anyhow!("GetDatabase {db}: {e:?}")),
    }
}

async fn create_bucket_with_data(aws: &Clients, b: &str) -> Result<()> {
    aws.s3
        .create_bucket()
        .bucket(b)
        .send()
        .await
        .context("CreateBucket")?;
    aws.s3
        .put_object()
        .bucket(b)
        .key("opus/raw/part-0000.csv")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(
            b"id,value\n1,a\n",
        ))
        .send()
        .await
        .context("PutObject")?;
    Ok(())
}

async fn object_exists(aws: &Clients, b: &str, key: &str) -> Result<bool> {
    let out = aws
        .s3
        .list_objects_v2()
        .bucket(b)
        .prefix(key)
        .send()
        .await?;
    Ok(out.contents().iter().any(|o| o.key() == Some(key)))
}

/// Puts an object into a bucket that has the pipeline's TLS-only policy. The emulator
/// evaluates that guard as AWS does over TLS, so the Deny does not apply.
async fn put_object(aws: &Clients, b: &str, key: &str) -> Result<()> {
    aws.s3
        .put_object()
        .bucket(b)
        .key(key)
        .body(aws_sdk_s3::primitives::ByteStream::from_static(b"data"))
        .send()
        .await
        .with_context(|| format!("PutObject {b}/{key}"))?;
    Ok(())
}

/// Removes a bucket the test made itself (the adopted one), with its objects.
async fn remove_bucket(aws: &Clients, b: &str) -> Result<()> {
    let listed = aws.s3.list_objects_v2().bucket(b).send().await?;
    for o in listed.contents() {
        if let Some(k) = o.key() {
            aws.s3.delete_object().bucket(b).key(k).send().await?;
        }
    }
    aws.s3.delete_bucket().bucket(b).send().await?;
    Ok(())
}

/// A plain HTTP call to the emulator's control API; returns the body.
pub(crate) fn control(method: &str, path: &str, body: &str) -> Result<String> {
    let settings = emulator_settings();
    let (host, port) = crate::harness::emulator::host_port(&settings.endpoint)?;
    let mut s = TcpStream::connect((host.as_str(), port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    let (head, rest) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    if !head.contains(" 200") && !head.contains(" 201") && !head.contains(" 204") {
        bail!("{method} {path}: {head}");
    }
    Ok(rest.to_string())
}

/// Arms a fault that never fails (status 0) and only counts the requests it matches.
fn arm_counter(service: &str, operation: &str, matching: &str) -> Result<()> {
    let spec = serde_json::json!({
        "service": service, "operation": operation, "status": 0, "count": -1,
        "match": matching,
    });
    control("POST", "/_flywheel/faults", &spec.to_string()).map(|_| ())
}

/// How many requests the counter armed with these values matched; removes it.
fn take_counter(service: &str, operation: &str, matching: &str) -> Result<u64> {
    let listed: Json = serde_json::from_str(&control("GET", "/_flywheel/faults", "")?)?;
    let fault = listed["faults"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["service"] == service && f["operation"] == operation && f["match"] == matching)
        .cloned()
        .ok_or_else(|| anyhow!("no counter for {service}:{operation} {matching:?}"))?;
    control("DELETE", &format!("/_flywheel/faults/{}", fault["id"]), "")?;
    fault["fired"]
        .as_u64()
        .ok_or_else(|| anyhow!("counter without `fired`: {fault}"))
}

/// Everything the pipeline created is gone; the adopted bucket (if any) is still there
/// with its data, released (no ownership tags, rules or statement of ours), then removed.
pub(crate) async fn check_nothing_left(aws: &Clients, n: &Names, adopted: bool) -> Result<()> {
    ensure!(!role_exists(aws, &n.role).await?, "role {} left", n.role);
    ensure!(
        database_description(aws, &n.database).await?.is_none(),
        "database {} left",
        n.database
    );
    for b in [&n.assets, &n.analysis] {
        ensure!(!bucket_exists(aws, b).await?, "bucket {b} left");
    }
    if adopted {
        ensure!(
            bucket_exists(aws, &n.data).await?,
            "adopted bucket {} deleted",
            n.data
        );
        ensure!(
            object_exists(aws, &n.data, "opus/raw/part-0000.csv").await?,
            "adopted bucket's data deleted"
        );
        let tags = bucket_tags(aws, &n.data).await?;
        ensure!(
            tags.iter()
                .all(|(k, _)| !k.starts_with("flywheel:") && k != "team"),
            "tags left on the adopted bucket: {tags:?}"
        );
        let rules = lifecycle(aws, &n.data).await?;
        ensure!(rules.is_empty(), "lifecycle rules left: {rules:?}");
        ensure!(
            bucket_policy(aws, &n.data).await?.is_none(),
            "policy statement left"
        );
        remove_bucket(aws, &n.data).await?;
    } else {
        ensure!(
            !bucket_exists(aws, &n.data).await?,
            "bucket {} left",
            n.data
        );
    }
    Ok(())
}

fn child(kind: &str, id: &str) -> String {
    regex::escape(&format!("\"{kind}.{id}\""))
}

// ---------------------------------------------------------------------------------------
// Tests

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_lifecycle() {
    if !acceptance_enabled("pipeline_lifecycle") {
        return;
    }
    let aws = clients().await;
    let n = Names::new("fw-life");
    create_bucket_with_data(&aws, &n.data)
        .await
        .expect("adopted bucket");
    let cfg = Cfg::default();
    let account = emulator_account_id().await.expect("account");

    let nx = n.clone();
    let step_create = Step::config(config(&n, &cfg))
        .expect_plan_text(r"managed_objects")
        .checks([
            check_attr(
                ADDR,
                "role_arn",
                format!("arn:aws:iam::{account}:role/{}", n.role),
            ),
            check_attr(ADDR, "database_name", &n.database),
            check_attr(ADDR, "data_bucket_arn", format!("arn:aws:s3:::{}", n.data)),
            check_attr(
                ADDR,
                "assets_bucket_arn",
                format!("arn:aws:s3:::{}", n.assets),
            ),
            check_attr(
                ADDR,
                "context.temp_dir",
                format!("s3://{}/temporary/", n.assets),
            ),
            check_attr(ADDR, "context.scripts_prefix", "scripts/"),
            check_attr(ADDR, "context.tags.flywheel:pipeline", &n.name),
            check_attr(
                ADDR,
                "tags_all.flywheel:managed-by",
                "terraform-provider-flywheel",
            ),
            // 19, and Object Ownership on the two created buckets.
            check_attr(ADDR, "managed_objects.#", "21"),
            check_attr(ADDR, "children.%", "21"),
            check_attr(ADDR, "data_bucket.create", "false"),
            check_attr(ADDR, "assets_bucket.create", "true"),
        ])
        .emulator_check(move |ctx| {
            let n = nx.clone();
            async move {
                let aws = &ctx.aws;
                for b in n.buckets() {
                    ensure!(bucket_exists(aws, b).await?, "bucket {b} missing");
                    ensure!(
                        encryption(aws, b).await?.as_deref() == Some("AES256"),
                        "{b}: encryption"
                    );
                    ensure!(
                        public_access_block(aws, b).await? == Some([true; 4]),
                        "{b}: PAB"
                    );
                    let pol = bucket_policy(aws, b)
                        .await?
                        .ok_or_else(|| anyhow!("{b}: no policy"))?;
                    let text = pol.to_string();
                    ensure!(
                        text.contains("aws:SecureTransport") && text.contains("Deny"),
                        "{b}: {text}"
                    );
                    let tags = bucket_tags(aws, b).await?;
                    ensure!(
                        tags.contains(&("flywheel:pipeline".into(), n.name.clone())),
                        "{b}: {tags:?}"
                    );
                    ensure!(
                        tags.contains(&("team".into(), "data".into())),
                        "{b}: {tags:?}"
                    );
                    let rules = lifecycle(aws, b).await?;
                    ensure!(
                        rules
                            .iter()
                            .any(|r| r.0 == "flywheel-abort-incomplete-multipart-uploads"),
                        "{b}: {rules:?}"
                    );
                }
                let rules = lifecycle(aws, &n.analysis).await?;
                ensure!(
                    rules.contains(&("flywheel-expire-temp".into(), "temp/".into(), Some(7))),
                    "{rules:?}"
                );
                let rules = lifecycle(aws, &n.assets).await?;
                ensure!(
                    rules.contains(&(
                        "flywheel-expire-temporary".into(),
                        "temporary/".into(),
                        Some(7)
                    )),
                    "{rules:?}"
                );
                // A created assets bucket expires its Spark UI logs by default.
                ensure!(
                    rules.contains(&(
                        "flywheel-expire-sparkHistoryLogs".into(),
                        "sparkHistoryLogs/".into(),
                        Some(30)
                    )),
                    "{rules:?}"
                );
                // Adopted: no Intelligent-Tiering unless asked (pipeline_buckets.rs).
                ensure!(
                    !lifecycle(aws, &n.data)
                        .await?
                        .iter()
                        .any(|r| r.0 == "flywheel-intelligent-tiering"),
                    "intelligent tiering rule on the adopted data bucket"
                );
                // The adopted bucket's data is untouched.
                ensure!(object_exists(aws, &n.data, "opus/raw/part-0000.csv").await?);
                // Role: trust, inline policy, attachment, tags.
                let role = aws.iam.get_role().role_name(&n.role).send().await?;
                let trust = role
                    .role()
                    .and_then(|r| r.assume_role_policy_document())
                    .unwrap_or("");
                let trust = percent_decode(trust);
                // The trust policy AWS documents: no condition Glue may not send (see
                // pipeline_role.rs for the conditions on request).
                ensure!(
                    trust.contains("glue.amazonaws.com") && !trust.contains("Condition"),
                    "{trust}"
                );
                let doc = inline_policy(aws, &n.role).await?.to_string();
                ensure!(
                    doc.contains(&format!("arn:aws:s3:::{}/opus/*", n.data)),
                    "{doc}"
                );
                ensure!(!doc.contains("\"s3:*\""), "{doc}");
                let attached = aws
                    .iam
                    .list_attached_role_policies()
                    .role_name(&n.role)
                    .send()
                    .await?;
                let arns: Vec<&str> = attached
                    .attached_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn())
                    .collect();
                ensure!(
                    arns == ["arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"],
                    "{arns:?}"
                );
                ensure!(
                    database_description(aws, &n.database).await?
                        == Some(Some("flywheel acceptance catalog".into())),
                    "database"
                );
                Ok(())
            }
        });

    let step_import = Step::import_state_verify(ImportStateVerify::new(ADDR));
    let step_import_block = Step::import_state_verify(ImportStateVerify::new(ADDR).import_block());

    // In place: tags, lifecycle days, description.
    let updated = Cfg {
        team: "analytics",
        temp_days: 3,
        description: "updated catalog",
        ..cfg.clone()
    };
    let nx = n.clone();
    let db_arn = format!(":database/{}", n.database);
    let db_arn_check = db_arn.clone();
    let step_update = Step::config(config(&n, &updated))
        // Count the database's tag reads from the refresh on: the plan's refresh has them
        // from the tagging batch (they are what the state recorded), the apply reads them
        // from Glue (a stale index must not hide a change), and the update uses what it
        // read.
        .pre_apply(move |_| {
            let m = db_arn.clone();
            async move {
                arm_counter("glue", "GetTags", &m)?;
                arm_counter("tagging", "GetResources", &m)
            }
        })
        .expect_resource_action(ADDR, &["update"])
        .check(check_attr(ADDR, "tags_all.team", "analytics"))
        .emulator_check(move |_| {
            let m = db_arn_check.clone();
            async move {
                let reads = take_counter("glue", "GetTags", &m)?;
                let batched = take_counter("tagging", "GetResources", &m)?;
                ensure!(
                    reads == 1 && batched == 1,
                    "the database's tags: {reads} GetTags (want 1: apply), {batched} in GetResources (want 1: the plan's refresh)"
                );
                Ok(())
            }
        })
        .emulator_check(move |ctx| {
            let n = nx.clone();
            async move {
                let aws = &ctx.aws;
                let rules = lifecycle(aws, &n.analysis).await?;
                ensure!(
                    rules.contains(&("flywheel-expire-temp".into(), "temp/".into(), Some(3))),
                    "{rules:?}"
                );
                ensure!(
                    database_description(aws, &n.database).await?
                        == Some(Some("updated catalog".into())),
                    "description not updated"
                );
                let tags = aws.iam.get_role().role_name(&n.role).send().await?;
                let team = tags
                    .role()
                    .map(|r| r.tags())
                    .unwrap_or_default()
                    .iter()
                    .find(|t| t.key() == "team")
                    .map(|t| t.value().to_string());
                ensure!(team.as_deref() == Some("analytics"), "role tag {team:?}");
                ensure!(bucket_tags(aws, &n.data)
                    .await?
                    .contains(&("team".into(), "analytics".into())));
                Ok(())
            }
        });

    let hcl = config(&n, &updated);
    let drift = |label: &'static str, text: String, f: DriftFn, check: DriftFn| {
        let _ = label;
        Step::config(hcl.clone())
            .pre_apply(move |ctx| f(ctx))
            .expect_resource_action(ADDR, &["update"])
            .expect_plan_text(&text)
            .emulator_check(move |ctx| check(ctx))
    };

    let (nx, ny) = (n.clone(), n.clone());
    let drift_encryption = drift(
        "encryption removed",
        child(
            "aws_s3_bucket_server_side_encryption_configuration",
            &n.assets,
        ),
        boxed(move |ctx| {
            let b = nx.assets.clone();
            async move {
                ctx.aws
                    .s3
                    .delete_bucket_encryption()
                    .bucket(&b)
                    .send()
                    .await?;
                Ok(())
            }
        }),
        boxed(move |ctx| {
            let b = ny.assets.clone();
            async move {
                ensure!(
                    encryption(&ctx.aws, &b).await?.as_deref() == Some("AES256"),
                    "not repaired"
                );
                Ok(())
            }
        }),
    );
    let (nx, ny) = (n.clone(), n.clone());
    let drift_pab = drift(
        "public access block relaxed",
        child("aws_s3_bucket_public_access_block", &n.analysis),
        boxed(move |ctx| {
            let b = nx.analysis.clone();
            async move {
                let c = aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(false)
                    .restrict_public_buckets(false)
                    .build();
                ctx.aws
                    .s3
                    .put_public_access_block()
                    .bucket(&b)
                    .public_access_block_configuration(c)
                    .send()
                    .await?;
                Ok(())
            }
        }),
        boxed(move |ctx| {
            let b = ny.analysis.clone();
            async move {
                ensure!(
                    public_access_block(&ctx.aws, &b).await? == Some([true; 4]),
                    "not repaired"
                );
                Ok(())
            }
        }),
    );
    let (nx, ny) = (n.clone(), n.clone());
    let drift_lifecycle = drift(
        "lifecycle rule deleted",
        child("aws_s3_bucket_lifecycle_configuration", &n.analysis),
        boxed(move |ctx| {
            let b = nx.analysis.clone();
            async move {
                ctx.aws
                    .s3
                    .delete_bucket_lifecycle()
                    .bucket(&b)
                    .send()
                    .await?;
                Ok(())
            }
        }),
        boxed(move |ctx| {
            let b = ny.analysis.clone();
            async move {
                let rules = lifecycle(&ctx.aws, &b).await?;
                ensure!(
                    rules.contains(&("flywheel-expire-temp".into(), "temp/".into(), Some(3))),
                    "{rules:?}"
                );
                Ok(())
            }
        }),
    );
    let (nx, ny) = (n.clone(), n.clone());
    let drift_policy = drift(
        "inline policy edited",
        child(
            "aws_iam_role_policy",
            &format!("{}:flywheel-pipeline-access", n.role),
        ),
        boxed(move |ctx| {
            let r = nx.role.clone();
            async move {
                let wide = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
                ctx.aws
                    .iam
                    .put_role_policy()
                    .role_name(&r)
                    .policy_name("flywheel-pipeline-access")
                    .policy_document(wide)
                    .send()
                    .await?;
                Ok(())
            }
        }),
        boxed(move |ctx| {
            let r = ny.role.clone();
            async move {
                let doc = inline_policy(&ctx.aws, &r).await?.to_string();
                ensure!(
                    !doc.contains("\"s3:*\"") && doc.contains("GlueMetrics"),
                    "not repaired: {doc}"
                );
                Ok(())
            }
        }),
    );
    let (nx, ny, nz) = (n.clone(), n.clone(), n.clone());
    let drift_database = drift(
        "database deleted",
        child("aws_glue_catalog_database", &n.database),
        boxed(move |ctx| {
            let d = nx.database.clone();
            async move {
                ctx.aws.glue.delete_database().name(&d).send().await?;
                Ok(())
            }
        }),
        boxed(move |ctx| {
            let d = ny.database.clone();
            async move {
                ensure!(
                    database_description(&ctx.aws, &d).await?
                        == Some(Some("updated catalog".into())),
                    "database not recreated"
                );
                Ok(())
            }
        }),
    )
    // From here until the destroy, nothing but the release of the adopted bucket asks
    // HeadBucket about it.
    .emulator_check(move |_| {
        let b = nz.data.clone();
        async move { arm_counter("s3", "HeadBucket", &b) }
    });

    let nx = n.clone();
    TestCase::new()
        .step(step_create)
        .step(step_import)
        .step(step_import_block)
        .step(step_update)
        .step(drift_encryption)
        .step(drift_pab)
        .step(drift_lifecycle)
        .step(drift_policy)
        .step(drift_database)
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move {
                // Releasing the adopted bucket checks that it exists with one HeadBucket
                // rather than a full five-call read.
                let heads = take_counter("s3", "HeadBucket", &n.data)?;
                ensure!(heads == 1, "HeadBucket on the adopted bucket: {heads}");
                check_nothing_left(&ctx.aws, &n, true).await
            }
        })
        .run()
        .await;
}

pub(crate) type DriftFn =
    std::rc::Rc<dyn Fn(Ctx) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>>>>>;

pub(crate) fn boxed<F, Fut>(f: F) -> DriftFn
where
    F: Fn(Ctx) -> Fut + 'static,
    Fut: std::future::Future<Output = Result<()>> + 'static,
{
    std::rc::Rc::new(move |ctx| Box::pin(f(ctx)))
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_force_destroy() {
    if !acceptance_enabled("pipeline_force_destroy") {
        return;
    }
    let n = Names::new("fw-force");
    let cfg = Cfg {
        adopt_data: false,
        ..Cfg::default()
    };
    let nx = n.clone();
    let put_object = move |ctx: Ctx| {
        let b = nx.analysis.clone();
        async move { put_object(&ctx.aws, &b, "temp/result.parquet").await }
    };
    let nx = n.clone();
    let still_there = move |ctx: Ctx| {
        let n = nx.clone();
        async move {
            ensure!(
                role_exists(&ctx.aws, &n.role).await?,
                "refused destroy deleted the role"
            );
            ensure!(object_exists(&ctx.aws, &n.analysis, "temp/result.parquet").await?);
            Ok(())
        }
    };
    let nx = n.clone();
    TestCase::new()
        .step(Step::config(config(&n, &cfg)))
        // Removing the resource from the configuration destroys it: refused, nothing deleted.
        .step(
            Step::config("# no resources\n")
                .pre_apply(put_object)
                .expect_error(&format!(
                    r"force_destroy: the pipeline created .*{}.* still holds objects",
                    regex::escape(&n.analysis)
                )),
        )
        .step(
            Step::config(config(
                &n,
                &Cfg {
                    force_destroy: true,
                    ..cfg.clone()
                },
            ))
            .pre_apply(still_there)
            .expect_resource_action(ADDR, &["update"]),
        )
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move { check_nothing_left(&ctx.aws, &n, false).await }
        })
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_partial_failure_converges() {
    if !acceptance_enabled("pipeline_partial_failure_converges") {
        return;
    }
    let n = Names::new("fw-part");
    let cfg = Cfg {
        adopt_data: false,
        ..Cfg::default()
    };
    // The assets bucket's policy is refused once (AccessDenied is not retried).
    let fault = serde_json::json!({
        "service": "s3", "operation": "PutBucketPolicy", "status": 403,
        "code": "AccessDenied", "count": 1, "match": n.assets,
    })
    .to_string();
    let arm = move |_ctx: Ctx| {
        let fault = fault.clone();
        async move {
            control("POST", "/_flywheel/faults", &fault)?;
            Ok(())
        }
    };
    let nx = n.clone();
    let recorded = move |ctx: Ctx| {
        let n = nx.clone();
        async move {
            // The failed apply recorded the pipeline with what it reached.
            let policy = format!("aws_s3_bucket_policy.{}", n.assets);
            let children = ctx
                .state
                .attr(ADDR, "children")?
                .ok_or_else(|| anyhow!("no state after the failed apply"))?;
            let status = &children[&policy];
            ensure!(status == "missing", "{policy}: {status}");
            let role = &children[&format!("aws_iam_role.{}", n.role)];
            ensure!(role == "ok", "role: {role}");
            ensure!(role_exists(&ctx.aws, &n.role).await?, "role not created");
            ensure!(
                bucket_policy(&ctx.aws, &n.assets).await?.is_none(),
                "policy exists"
            );
            Ok(())
        }
    };
    let nx = n.clone();
    let converged = move |ctx: Ctx| {
        let n = nx.clone();
        async move {
            let listed = ctx.aws.s3.list_buckets().send().await?;
            let ours: Vec<&str> = listed
                .buckets()
                .iter()
                .filter_map(|b| b.name())
                .filter(|b| b.starts_with(&n.name))
                .collect();
            ensure!(ours.len() == 3, "buckets: {ours:?}");
            ensure!(
                bucket_policy(&ctx.aws, &n.assets).await?.is_some(),
                "policy not created"
            );
            let roles = ctx.aws.iam.list_roles().send().await?;
            let count = roles
                .roles()
                .iter()
                .filter(|r| r.role_name().starts_with(&n.name))
                .count();
            ensure!(count == 1, "{count} roles");
            Ok(())
        }
    };
    let nx = n.clone();
    TestCase::new()
        .step(
            Step::config(config(&n, &cfg))
                .pre_apply(arm)
                .expect_error(&format!(
                    r"aws_s3_bucket_policy\.{}",
                    regex::escape(&n.assets)
                )),
        )
        .step(
            Step::config(config(&n, &cfg))
                .pre_apply(recorded)
                .emulator_check(converged),
        )
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move { check_nothing_left(&ctx.aws, &n, false).await }
        })
        .run()
        .await;
}

/// A pipeline whose tags and description depend on a value unknown at plan time (a
/// `terraform_data` output whose input changes) plans an update in place: its children's
/// names, and the `context` jobs and crawlers take, stay known, so nothing is replaced.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_unknown_values_update_in_place() {
    if !acceptance_enabled("pipeline_unknown_values_update_in_place") {
        return;
    }
    let n = Names::new("fw-unk");
    let cfg = Cfg {
        adopt_data: false,
        ..Cfg::default()
    };
    let plain = config(&n, &cfg);
    let with_rev = |rev: &str| {
        let tags = "tags = { team = \"data\" }";
        let desc = format!("description = \"{}\"", cfg.description);
        assert!(plain.contains(tags) && plain.contains(&desc), "{plain}");
        format!(
            "resource \"terraform_data\" \"rev\" {{\n  input = \"{rev}\"\n}}\n{}",
            plain
                .replace(
                    tags,
                    "tags = { team = \"data\", rev = terraform_data.rev.output }"
                )
                .replace(&desc, "description = \"rev ${terraform_data.rev.output}\"")
        )
    };
    let account = emulator_account_id().await.expect("account");
    let role_arn = format!("arn:aws:iam::{account}:role/{}", n.role);
    let temp_dir = format!("s3://{}/temporary/", n.assets);
    let (nx, want_role) = (n.clone(), role_arn.clone());
    let step_unknown = Step::config(with_rev("r2"))
        .expect_resource_action(ADDR, &["update"])
        .plan_check(move |p| {
            let change = p
                .resource_change(ADDR)
                .and_then(|rc| rc.get("change"))
                .ok_or_else(|| anyhow!("{ADDR} not in the plan"))?;
            ensure!(
                change.pointer("/after_unknown/tags/rev") == Some(&Json::Bool(true)),
                "the tag is not unknown in this plan, so it tests nothing: {change}"
            );
            let after = &change["after"];
            ensure!(
                after["role_arn"] == want_role.as_str(),
                "role_arn: {}",
                after["role_arn"]
            );
            ensure!(
                after["database_name"] == nx.database.as_str(),
                "database_name"
            );
            for (block, name) in [
                ("data_bucket", &nx.data),
                ("assets_bucket", &nx.assets),
                ("analysis_bucket", &nx.analysis),
            ] {
                ensure!(
                    after[block][0]["name"] == name.as_str()
                        || after[block]["name"] == name.as_str(),
                    "{block}.name: {}",
                    after[block]
                );
            }
            // The context jobs and crawlers take is known but for its tags.
            let ctx = &after["context"];
            ensure!(
                ctx["role_arn"] == want_role.as_str(),
                "context.role_arn: {ctx}"
            );
            ensure!(
                ctx["database"] == nx.database.as_str(),
                "context.database: {ctx}"
            );
            ensure!(
                ctx["temp_dir"] == temp_dir.as_str(),
                "context.temp_dir: {ctx}"
            );
            ensure!(
                ctx["data_bucket"] == nx.data.as_str(),
                "context.data_bucket: {ctx}"
            );
            Ok(())
        })
        .check(check_attr(ADDR, "tags_all.rev", "r2"))
        .check(check_attr(ADDR, "context.tags.rev", "r2"))
        .emulator_check({
            let n = n.clone();
            move |ctx| {
                let n = n.clone();
                async move {
                    ensure!(
                        database_description(&ctx.aws, &n.database).await?
                            == Some(Some("rev r2".into())),
                        "description not updated"
                    );
                    ensure!(
                        bucket_tags(&ctx.aws, &n.analysis)
                            .await?
                            .contains(&("rev".into(), "r2".into())),
                        "tag not updated"
                    );
                    Ok(())
                }
            }
        });
    let nx = n.clone();
    TestCase::new()
        .step(Step::config(with_rev("r1")).check(check_attr(ADDR, "tags_all.rev", "r1")))
        .step(step_unknown)
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move { check_nothing_left(&ctx.aws, &n, false).await }
        })
        .run()
        .await;
}

/// A forced destroy that stopped partway (here the role's deletion is refused, after the
/// buckets are gone) finishes on the next destroy: buckets already deleted are done.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_destroy_resumes_after_partial_destroy() {
    if !acceptance_enabled("pipeline_destroy_resumes_after_partial_destroy") {
        return;
    }
    let n = Names::new("fw-resume");
    let cfg = Cfg {
        adopt_data: false,
        force_destroy: true,
        ..Cfg::default()
    };
    let fault = serde_json::json!({
        "service": "iam", "operation": "DeleteRole", "status": 403,
        "code": "AccessDenied", "count": 1, "match": n.role,
    })
    .to_string();
    let nx = n.clone();
    let arm = move |ctx: Ctx| {
        let (fault, n) = (fault.clone(), nx.clone());
        async move {
            // Data in a bucket, so the forced destroy has objects to delete.
            put_object(&ctx.aws, &n.analysis, "temp/result.parquet").await?;
            control("POST", "/_flywheel/faults", &fault)?;
            Ok(())
        }
    };
    let nx = n.clone();
    let partly_destroyed = move |ctx: Ctx| {
        let n = nx.clone();
        async move {
            for b in n.buckets() {
                ensure!(!bucket_exists(&ctx.aws, b).await?, "bucket {b} not deleted");
            }
            ensure!(role_exists(&ctx.aws, &n.role).await?, "the role is gone");
            ensure!(
                ctx.state.attr(ADDR, "id")?.is_some(),
                "the pipeline left the state"
            );
            Ok(())
        }
    };
    let nx = n.clone();
    TestCase::new()
        .step(Step::config(config(&n, &cfg)))
        .step(
            Step::config("# no resources\n")
                .pre_apply(arm)
                .expect_error(&format!(r"aws_iam_role\.{}", regex::escape(&n.role))),
        )
        .step(Step::config("# no resources\n").pre_apply(partly_destroyed))
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move { check_nothing_left(&ctx.aws, &n, false).await }
        })
        .run()
        .await;
}

/// Every create fails: the buckets are made but their tagging is refused, and the role and
/// database are refused. The state still records the pipeline, with each bucket
/// `differs: tags`, so the next apply takes the untagged buckets on (no ownership refusal,
/// no orphans) and converges.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_half_created_buckets_are_recorded() {
    if !acceptance_enabled("pipeline_half_created_buckets_are_recorded") {
        return;
    }
    let n = Names::new("fw-half");
    let cfg = Cfg {
        adopt_data: false,
        ..Cfg::default()
    };
    let faults = serde_json::json!([
        {"service": "s3", "operation": "PutBucketTagging", "status": 403,
         "code": "AccessDenied", "count": 3, "match": n.name},
        {"service": "iam", "operation": "CreateRole", "status": 403,
         "code": "AccessDenied", "count": 1, "match": n.role},
        {"service": "glue", "operation": "CreateDatabase", "status": 403,
         "code": "AccessDeniedException", "count": 1, "match": n.database},
    ])
    .to_string();
    let arm = move |_ctx: Ctx| {
        let faults = faults.clone();
        async move {
            control("POST", "/_flywheel/faults", &faults)?;
            Ok(())
        }
    };
    let nx = n.clone();
    let recorded = move |ctx: Ctx| {
        let n = nx.clone();
        async move {
            let children = ctx.state.attr(ADDR, "children")?.ok_or_else(|| {
                anyhow!("no state after the failed apply: the buckets are orphans")
            })?;
            for b in n.buckets() {
                let status = &children[&format!("aws_s3_bucket.{b}")];
                ensure!(status == "differs: tags", "{b}: {status}");
                ensure!(bucket_exists(&ctx.aws, b).await?, "bucket {b} not created");
                ensure!(
                    bucket_tags(&ctx.aws, b).await?.is_empty(),
                    "bucket {b} tagged"
                );
            }
            let role = &children[&format!("aws_iam_role.{}", n.role)];
            ensure!(role == "missing", "role: {role}");
            Ok(())
        }
    };
    let nx = n.clone();
    let converged = move |ctx: Ctx| {
        let n = nx.clone();
        async move {
            for b in n.buckets() {
                let tags = bucket_tags(&ctx.aws, b).await?;
                ensure!(
                    tags.contains(&("flywheel:pipeline".into(), n.name.clone())),
                    "{b}: {tags:?}"
                );
            }
            ensure!(role_exists(&ctx.aws, &n.role).await?, "role not created");
            ensure!(
                database_description(&ctx.aws, &n.database).await?.is_some(),
                "database not created"
            );
            Ok(())
        }
    };
    let nx = n.clone();
    TestCase::new()
        .step(
            Step::config(config(&n, &cfg))
                .pre_apply(arm)
                .expect_error(r"(?s)Creating aws_s3_bucket\..*AccessDenied"),
        )
        .step(
            Step::config(config(&n, &cfg))
                .pre_apply(recorded)
                .emulator_check(converged),
        )
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move { check_nothing_left(&ctx.aws, &n, false).await }
        })
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_refresh_call_count() {
    if !acceptance_enabled("pipeline_refresh_call_count") {
        return;
    }
    let aws = clients().await;
    let n = Names::new("fw-calls");
    create_bucket_with_data(&aws, &n.data)
        .await
        .expect("adopted bucket");
    let cfg = Cfg::default();
    let nx = n.clone();
    // The log is shared: count from a mark, only the calls naming this test's objects.
    let mark = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mark_set = mark.clone();
    TestCase::new()
        .step(Step::config(config(&n, &cfg)))
        .step(Step::config(config(&n, &cfg)).plan_only().pre_apply(move |_| {
            let mark = mark_set.clone();
            async move {
                mark.store(log_mark()?, std::sync::atomic::Ordering::SeqCst);
                Ok(())
            }
        }))
        .step(Step::config(config(&n, &cfg)).plan_only().pre_apply(move |_| {
            let (n, mark) = (nx.clone(), mark.clone());
            async move {
                let reqs = requests_since(mark.load(std::sync::atomic::Ordering::SeqCst), &n.name)?;
                let mut per_op = std::collections::BTreeMap::<String, usize>::new();
                let mut s3_ours = 0;
                for r in &reqs {
                    *per_op.entry(crate::harness::requests::operation(r)).or_default() += 1;
                    let path = r["path"].as_str().unwrap_or("");
                    if r["service"] == "s3" && n.buckets().iter().any(|b| path.contains(b)) {
                        s3_ours += 1;
                    }
                }
                eprintln!("refresh calls naming this pipeline ({} in all, {s3_ours} S3 on its buckets): {per_op:?}", reqs.len());
                // Tags come from the one tagging-API batch (`tagging:GetResources`), which
                // names no bucket in its path.
                ensure!(s3_ours == 14, "S3 calls on the three buckets: {s3_ours} (want 4 per bucket: encryption, lifecycle, policy, public access block; and GetBucketOwnershipControls on the two created ones)");
                Ok(())
            }
        }))
        .check_destroy(move |ctx| {
            let n = n.clone();
            async move { check_nothing_left(&ctx.aws, &n, true).await }
        })
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_validation_names_the_attribute() {
    if !acceptance_enabled("pipeline_validation_names_the_attribute") {
        return;
    }
    let cases = [
        (
            "database {\n    name = \"Omc_Flywheel\"\n  }",
            r"database\.name.*uppercase",
        ),
        (
            "data_bucket {\n    name = \"ab\"\n  }",
            r"data_bucket\.name.*3 to 63",
        ),
        (
            "analysis_bucket {\n    expire_prefixes = { \"temp/\" = 0 }\n  }",
            r"lifecycle days must be between 1",
        ),
        (
            "analysis_bucket {\n    kms_key_arn = \"alias/mine\"\n  }",
            r"not a KMS key ARN",
        ),
        (
            "analysis_bucket {\n    kms_key_arn = \"arn:aws:kms:us-east-1:123456789012:alias/mine\"\n  }",
            r"analysis_bucket\.kms_key_arn.*alias ARN; use the key ARN",
        ),
        (
            "data_bucket {\n    prefixes = [\"/opus\"]\n  }",
            r"data_bucket\.prefixes.*must not start",
        ),
        (
            "analysis_bucket {\n    name = \"acme-val-data\"\n  }",
            r"already the data_bucket",
        ),
        ("role {\n    name = \"a/b\"\n  }", r"role\.name.*1 to 64"),
    ];
    for (block, want) in cases {
        let hcl = format!(
            "resource \"flywheel_pipeline\" \"test\" {{\n  name = \"acme\"\n  environment = \"val\"\n  {block}\n}}\n"
        );
        TestCase::new()
            .step(Step::config(hcl).validate_only().expect_error(want))
            .run()
            .await;
    }
}
