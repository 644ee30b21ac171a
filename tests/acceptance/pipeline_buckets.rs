//! `flywheel_pipeline`'s buckets, checked in the emulator: adopting a bucket keeps its
//! SSE-KMS or DSSE-KMS encryption and adds no Intelligent-Tiering, and only an explicit
//! `sse_algorithm` changes it (named in the plan); created buckets get Object Ownership
//! `BucketOwnerEnforced` (drift repaired); `allowed_principal_arns` writes the object-access
//! restriction (read back with GetBucketPolicy) and warns about the deployer; a created
//! bucket's whole policy is compared, an adopted bucket's owner statements are kept, and an
//! unparseable policy stops the provider without being replaced; IAM wildcards in prefixes
//! fail `terraform validate`.

use anyhow::{anyhow, ensure, Context as _, Result};
use aws_sdk_s3::types::{
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule,
};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde_json::{json, Value as Json};

use crate::harness::*;
use crate::pipeline::{
    bucket_exists, check_nothing_left, database_description, role_exists, Names,
};

const ADDR: &str = "flywheel_pipeline.test";

fn hcl(n: &Names, data: &str, assets: &str) -> String {
    format!(
        r#"
resource "flywheel_pipeline" "test" {{
  name          = "{name}"
  environment   = "acc"
  force_destroy = true

  data_bucket {{
    {data}
  }}

  assets_bucket {{
    {assets}
  }}
}}
"#,
        name = n.name
    )
}

fn child(kind: &str, id: &str) -> String {
    regex::escape(&format!("\"{kind}.{id}\""))
}

/// The plan proposes the child's status as unknown: it names the child the apply rewrites.
fn rewrites(kind: &str, id: &str) -> String {
    format!(r#"{} += "ok" -> \(known after apply\)"#, child(kind, id))
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
        .body(aws_sdk_s3::primitives::ByteStream::from_static(b"id\n1\n"))
        .send()
        .await
        .context("PutObject")?;
    Ok(())
}

async fn put_encryption(aws: &Clients, b: &str, sse: &str, key: Option<&str>) -> Result<()> {
    let by_default = ServerSideEncryptionByDefault::builder()
        .sse_algorithm(ServerSideEncryption::from(sse))
        .set_kms_master_key_id(key.map(str::to_string))
        .build()?;
    let config = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(by_default)
                .build(),
        )
        .build()?;
    aws.s3
        .put_bucket_encryption()
        .bucket(b)
        .server_side_encryption_configuration(config)
        .send()
        .await
        .with_context(|| format!("PutBucketEncryption {b}"))?;
    Ok(())
}

/// (algorithm, KMS key) of the bucket's default encryption.
async fn encryption(aws: &Clients, b: &str) -> Result<Option<(String, Option<String>)>> {
    match aws.s3.get_bucket_encryption().bucket(b).send().await {
        Ok(o) => Ok(o
            .server_side_encryption_configuration()
            .and_then(|c| c.rules().first())
            .and_then(|r| r.apply_server_side_encryption_by_default())
            .map(|d| {
                (
                    d.sse_algorithm().as_str().to_string(),
                    d.kms_master_key_id().map(str::to_string),
                )
            })),
        Err(e) if e.code() == Some("ServerSideEncryptionConfigurationNotFoundError") => Ok(None),
        Err(e) => Err(anyhow!("GetBucketEncryption {b}: {e:?}")),
    }
}

async fn object_ownership(aws: &Clients, b: &str) -> Result<Option<String>> {
    match aws
        .s3
        .get_bucket_ownership_controls()
        .bucket(b)
        .send()
        .await
    {
        Ok(o) => Ok(o
            .ownership_controls()
            .and_then(|c| c.rules().first())
            .map(|r| r.object_ownership().as_str().to_string())),
        Err(e) if e.code() == Some("OwnershipControlsNotFoundError") => Ok(None),
        Err(e) => Err(anyhow!("GetBucketOwnershipControls {b}: {e:?}")),
    }
}

async fn lifecycle_ids(aws: &Clients, b: &str) -> Result<Vec<String>> {
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
            .filter_map(|r| r.id().map(str::to_string))
            .collect()),
        Err(e) if e.code() == Some("NoSuchLifecycleConfiguration") => Ok(vec![]),
        Err(e) => Err(anyhow!("GetBucketLifecycleConfiguration {b}: {e:?}")),
    }
}

/// The bucket policy's text as S3 holds it.
async fn policy_text(aws: &Clients, b: &str) -> Result<Option<String>> {
    match aws.s3.get_bucket_policy().bucket(b).send().await {
        Ok(o) => Ok(o.policy().map(str::to_string)),
        Err(e) if e.code() == Some("NoSuchBucketPolicy") => Ok(None),
        Err(e) => Err(anyhow!("GetBucketPolicy {b}: {e:?}")),
    }
}

/// The bucket policy's statements by Sid.
async fn statements(aws: &Clients, b: &str) -> Result<Vec<(String, Json)>> {
    let Some(text) = policy_text(aws, b).await? else {
        return Ok(vec![]);
    };
    let doc: Json = serde_json::from_str(&text).with_context(|| format!("policy of {b}"))?;
    Ok(doc["Statement"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|s| (s["Sid"].as_str().unwrap_or("").to_string(), s))
        .collect())
}

async fn put_policy(aws: &Clients, b: &str, text: &str) -> Result<()> {
    aws.s3
        .put_bucket_policy()
        .bucket(b)
        .policy(text)
        .send()
        .await
        .with_context(|| format!("PutBucketPolicy {b}"))?;
    Ok(())
}

fn sorted(v: &Json) -> Vec<String> {
    let mut out: Vec<String> = match v {
        Json::Array(a) => a
            .iter()
            .filter_map(Json::as_str)
            .map(str::to_string)
            .collect(),
        Json::String(s) => vec![s.clone()],
        _ => vec![],
    };
    out.sort();
    out
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_buckets_adoption_keeps_encryption() {
    if !acceptance_enabled("pipeline_buckets_adoption_keeps_encryption") {
        return;
    }
    let aws = clients().await;
    let account = emulator_account_id().await.expect("account");
    let key = format!("arn:aws:kms:us-east-1:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    let n = Names::new("fw-enc");
    create_bucket_with_data(&aws, &n.data)
        .await
        .expect("adopted bucket");
    put_encryption(&aws, &n.data, "aws:kms:dsse", Some(&key))
        .await
        .expect("DSSE-KMS on the adopted bucket");
    let adopted = format!("name = \"{}\"\n    create = false", n.data);
    let config = hcl(&n, &adopted, "");

    let (nx, k) = (n.clone(), key.clone());
    let step_adopt = Step::config(config.clone())
        .checks([
            check_attr(ADDR, "data_bucket.intelligent_tiering", "false"),
            check_attr(ADDR, "assets_bucket.intelligent_tiering", "false"),
            check_attr(ADDR, "analysis_bucket.intelligent_tiering", "false"),
        ])
        .emulator_check(move |ctx| {
            let (n, key) = (nx.clone(), k.clone());
            async move {
                let aws = &ctx.aws;
                let enc = encryption(aws, &n.data).await?;
                ensure!(
                    enc == Some(("aws:kms:dsse".into(), Some(key))),
                    "adopted DSSE-KMS bucket rewritten: {enc:?}"
                );
                let ids = lifecycle_ids(aws, &n.data).await?;
                ensure!(
                    !ids.iter().any(|i| i == "flywheel-intelligent-tiering"),
                    "Intelligent-Tiering on the adopted bucket: {ids:?}"
                );
                // ACLs off on the created buckets; the adopted one left as it was.
                for b in [&n.assets, &n.analysis] {
                    let o = object_ownership(aws, b).await?;
                    ensure!(o.as_deref() == Some("BucketOwnerEnforced"), "{b}: {o:?}");
                    let e = encryption(aws, b).await?;
                    ensure!(e == Some(("AES256".into(), None)), "{b}: {e:?}");
                }
                let o = object_ownership(aws, &n.data).await?;
                ensure!(o.is_none(), "adopted bucket's ownership changed: {o:?}");
                Ok(())
            }
        });

    // SSE-KMS with the AWS managed key, out of band: still compliant, nothing planned.
    let nx = n.clone();
    let step_kms = Step::config(config.clone())
        .plan_only()
        .pre_apply(move |ctx| {
            let b = nx.data.clone();
            async move { put_encryption(&ctx.aws, &b, "aws:kms", None).await }
        });

    // Ownership controls removed from a created bucket: drift, named and repaired.
    let (nx, ny) = (n.clone(), n.clone());
    let step_ownership = Step::config(config.clone())
        .pre_apply(move |ctx| {
            let b = nx.assets.clone();
            async move {
                ctx.aws
                    .s3
                    .delete_bucket_ownership_controls()
                    .bucket(&b)
                    .send()
                    .await?;
                Ok(())
            }
        })
        .expect_resource_action(ADDR, &["update"])
        .expect_plan_text(&format!(
            r#"{} += "missing" -> "ok""#,
            child("aws_s3_bucket_ownership_controls", &n.assets)
        ))
        .emulator_check(move |ctx| {
            let b = ny.assets.clone();
            async move {
                let o = object_ownership(&ctx.aws, &b).await?;
                ensure!(
                    o.as_deref() == Some("BucketOwnerEnforced"),
                    "not repaired: {o:?}"
                );
                Ok(())
            }
        });

    // An explicit setting changes the adopted bucket's encryption, and the plan names it.
    let explicit = format!("{adopted}\n    sse_algorithm = \"AES256\"");
    let nx = n.clone();
    let step_explicit = Step::config(hcl(&n, &explicit, ""))
        .expect_resource_action(ADDR, &["update"])
        .expect_plan_text(&rewrites(
            "aws_s3_bucket_server_side_encryption_configuration",
            &n.data,
        ))
        .expect_plan_text(r#"\+ sse_algorithm += "AES256""#)
        .emulator_check(move |ctx| {
            let b = nx.data.clone();
            async move {
                let e = encryption(&ctx.aws, &b).await?;
                ensure!(e == Some(("AES256".into(), None)), "{e:?}");
                Ok(())
            }
        });

    // Intelligent-Tiering only when asked, named in the plan too.
    let tiering = format!("{explicit}\n    intelligent_tiering = true");
    let nx = n.clone();
    let step_tiering = Step::config(hcl(&n, &tiering, ""))
        .expect_plan_text(&rewrites("aws_s3_bucket_lifecycle_configuration", &n.data))
        .check(check_attr(ADDR, "data_bucket.intelligent_tiering", "true"))
        .emulator_check(move |ctx| {
            let b = nx.data.clone();
            async move {
                let ids = lifecycle_ids(&ctx.aws, &b).await?;
                ensure!(
                    ids.iter().any(|i| i == "flywheel-intelligent-tiering"),
                    "{ids:?}"
                );
                Ok(())
            }
        });

    let nx = n.clone();
    TestCase::new()
        .step(step_adopt)
        .step(step_kms)
        .step(step_ownership)
        .step(step_explicit)
        .step(step_tiering)
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move { check_nothing_left(&ctx.aws, &n, true).await }
        })
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_buckets_restricted_object_access() {
    if !acceptance_enabled("pipeline_buckets_restricted_object_access") {
        return;
    }
    let account = emulator_account_id().await.expect("account");
    let n = Names::new("fw-pol");
    let admin = format!("arn:aws:iam::{account}:role/admin");
    let glue = format!("arn:aws:iam::{account}:role/{}", n.role);
    let restricted = format!("allowed_principal_arns = [\"{admin}\"]");
    let config = hcl(&n, "", &restricted);

    let (nx, a, g) = (n.clone(), admin.clone(), glue.clone());
    let step_create = Step::config(config.clone())
        // The emulator's caller is not in the list: the plan warns, naming the attribute.
        .expect_plan_text(r"Warning: The deploying principal is not in allowed_principal_arns")
        .expect_plan_text(r"assets_bucket\.allowed_principal_arns")
        .emulator_check(move |ctx| {
            let (n, admin, glue) = (nx.clone(), a.clone(), g.clone());
            async move {
                let st = statements(&ctx.aws, &n.assets).await?;
                let sids: Vec<&str> = st.iter().map(|(s, _)| s.as_str()).collect();
                ensure!(
                    sids == [
                        "FlywheelDenyInsecureTransport",
                        "FlywheelRestrictObjectAccess"
                    ],
                    "{sids:?}"
                );
                let tls = &st[0].1;
                ensure!(tls["Effect"] == "Deny" && tls["Principal"] == "*", "{tls}");
                ensure!(sorted(&tls["Action"]) == ["s3:*"], "{tls}");
                ensure!(
                    tls["Condition"] == json!({"Bool": {"aws:SecureTransport": "false"}})
                        || tls["Condition"] == json!({"Bool": {"aws:SecureTransport": ["false"]}}),
                    "{tls}"
                );
                let r = &st[1].1;
                ensure!(r["Effect"] == "Deny" && r["Principal"] == "*", "{r}");
                ensure!(
                    sorted(&r["Action"]) == ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                    "{r}"
                );
                ensure!(
                    sorted(&r["Resource"]) == [format!("arn:aws:s3:::{}/*", n.assets)],
                    "{r}"
                );
                let mut want = vec![admin, glue];
                want.sort();
                ensure!(
                    sorted(&r["Condition"]["ArnNotLike"]["aws:PrincipalArn"]) == want,
                    "{r}"
                );
                ensure!(
                    r["Condition"].as_object().map(|c| c.len()) == Some(1),
                    "{r}"
                );
                // The other buckets have no restriction.
                let sids: Vec<String> = statements(&ctx.aws, &n.data)
                    .await?
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect();
                ensure!(sids == ["FlywheelDenyInsecureTransport"], "{sids:?}");
                Ok(())
            }
        });

    // A statement added to a created bucket's policy is drift, and apply removes it.
    let (nx, ny) = (n.clone(), n.clone());
    let step_drift = Step::config(config.clone())
        .pre_apply(move |ctx| {
            let b = nx.assets.clone();
            async move {
                let text = policy_text(&ctx.aws, &b).await?.unwrap_or_default();
                let mut doc: Json = serde_json::from_str(&text)?;
                let extra = json!({"Sid": "PartnerRead", "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                    "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{b}/*")});
                doc["Statement"]
                    .as_array_mut()
                    .ok_or_else(|| anyhow!("no statements"))?
                    .push(extra);
                put_policy(&ctx.aws, &b, &doc.to_string()).await
            }
        })
        .expect_resource_action(ADDR, &["update"])
        .expect_plan_text(&child("aws_s3_bucket_policy", &n.assets))
        .expect_plan_text(r#"unexpected statements: \\"PartnerRead\\""#)
        .emulator_check(move |ctx| {
            let b = ny.assets.clone();
            async move {
                let sids: Vec<String> = statements(&ctx.aws, &b)
                    .await?
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect();
                ensure!(
                    sids == [
                        "FlywheelDenyInsecureTransport",
                        "FlywheelRestrictObjectAccess"
                    ],
                    "not repaired: {sids:?}"
                );
                Ok(())
            }
        });

    // The list removed: the restriction goes, and the plan names the policy.
    let nx = n.clone();
    let step_open = Step::config(hcl(&n, "", ""))
        .expect_plan_text(&rewrites("aws_s3_bucket_policy", &n.assets))
        .emulator_check(move |ctx| {
            let b = nx.assets.clone();
            async move {
                let sids: Vec<String> = statements(&ctx.aws, &b)
                    .await?
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect();
                ensure!(sids == ["FlywheelDenyInsecureTransport"], "{sids:?}");
                Ok(())
            }
        });

    let nx = n.clone();
    TestCase::new()
        .step(step_create)
        .step(step_drift)
        .step(step_open)
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move { check_nothing_left(&ctx.aws, &n, false).await }
        })
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_buckets_adopted_policy_keeps_owner_statements() {
    if !acceptance_enabled("pipeline_buckets_adopted_policy_keeps_owner_statements") {
        return;
    }
    let aws = clients().await;
    let n = Names::new("fw-own");
    create_bucket_with_data(&aws, &n.data)
        .await
        .expect("adopted bucket");
    let owner = json!({"Version": "2012-10-17", "Statement": [{"Sid": "OwnerPartnerRead",
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{}/*", n.data)}]})
    .to_string();
    put_policy(&aws, &n.data, &owner)
        .await
        .expect("owner's policy");
    let config = hcl(
        &n,
        &format!("name = \"{}\"\n    create = false", n.data),
        "",
    );
    let sids_of = |n: &Names, ctx: Ctx| {
        let b = n.data.clone();
        async move {
            let mut sids: Vec<String> = statements(&ctx.aws, &b)
                .await?
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            sids.sort();
            Ok::<_, anyhow::Error>(sids)
        }
    };
    let nx = n.clone();
    let step_adopt = Step::config(config.clone()).emulator_check(move |ctx| {
        let n = nx.clone();
        async move {
            let sids = sids_of(&n, ctx).await?;
            ensure!(
                sids == ["FlywheelDenyInsecureTransport", "OwnerPartnerRead"],
                "{sids:?}"
            );
            Ok(())
        }
    });

    // A policy the provider cannot read: an error naming the bucket, and left as it is.
    let nx = n.clone();
    let step_garbled = Step::config(config.clone())
        .pre_apply(move |ctx| {
            let b = nx.data.clone();
            async move { put_policy(&ctx.aws, &b, "{not a policy").await }
        })
        .expect_error(&format!(
            r"(?s)GetBucketPolicy.*{}.*not a policy document",
            regex::escape(&n.data)
        ));
    let (nx, o) = (n.clone(), owner.clone());
    let step_repaired = Step::config(config.clone())
        .pre_apply(move |ctx| {
            let (b, owner) = (nx.data.clone(), o.clone());
            async move {
                let text = policy_text(&ctx.aws, &b).await?;
                ensure!(
                    text.as_deref() == Some("{not a policy"),
                    "the unreadable policy was replaced: {text:?}"
                );
                put_policy(&ctx.aws, &b, &owner).await
            }
        })
        .expect_plan_text(&child("aws_s3_bucket_policy", &n.data));
    let nx = n.clone();
    let step_after = Step::config(config.clone())
        .plan_only()
        .pre_apply(move |ctx| {
            let n = nx.clone();
            async move {
                let sids = sids_of(&n, ctx).await?;
                ensure!(
                    sids == ["FlywheelDenyInsecureTransport", "OwnerPartnerRead"],
                    "{sids:?}"
                );
                Ok(())
            }
        });

    let nx = n.clone();
    TestCase::new()
        .step(step_adopt)
        .step(step_garbled)
        .step(step_repaired)
        .step(step_after)
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move {
                let aws = &ctx.aws;
                ensure!(!role_exists(aws, &n.role).await?, "role left");
                ensure!(
                    database_description(aws, &n.database).await?.is_none(),
                    "database left"
                );
                for b in [&n.assets, &n.analysis] {
                    ensure!(!bucket_exists(aws, b).await?, "bucket {b} left");
                }
                // Released: the owner's statement stays, ours is gone.
                let sids = sids_of(&n, ctx.clone()).await?;
                ensure!(sids == ["OwnerPartnerRead"], "{sids:?}");
                let listed = aws.s3.list_objects_v2().bucket(&n.data).send().await?;
                for o in listed.contents() {
                    if let Some(k) = o.key() {
                        aws.s3.delete_object().bucket(&n.data).key(k).send().await?;
                    }
                }
                aws.s3.delete_bucket().bucket(&n.data).send().await?;
                Ok(())
            }
        })
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_buckets_validation_names_the_attribute() {
    if !acceptance_enabled("pipeline_buckets_validation_names_the_attribute") {
        return;
    }
    let cases = [
        (
            "data_bucket {\n    prefixes = [\"opus/*/\"]\n  }",
            r"(?s)data_bucket\.prefixes.*widen",
        ),
        (
            "analysis_bucket {\n    expire_prefixes = { \"tmp/$${aws:username}/\" = 1 }\n  }",
            r#"(?s)analysis_bucket\.expire_prefixes\["tmp/\$\{aws:username\}/"\].*widen"#,
        ),
        (
            "data_bucket {\n    sse_algorithm = \"aws:kms:DSSE\"\n  }",
            r"(?s)data_bucket\.sse_algorithm.*must be one of",
        ),
        (
            "data_bucket {\n    sse_algorithm = \"AES256\"\n    kms_key_arn = \"arn:aws:kms:us-east-1:123456789012:key/abc\"\n  }",
            r"(?s)data_bucket\.kms_key_arn.*SSE-S3",
        ),
        (
            "assets_bucket {\n    allowed_principal_arns = [\"arn:aws:sts::123456789012:assumed-role/deploy/s\"]\n  }",
            r"(?s)assets_bucket\.allowed_principal_arns.*session ARN",
        ),
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
