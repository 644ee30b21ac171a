//! Unit tests of the pipeline model: the production expansion, names, validation, import
//! IDs, observation and comparison.

use super::*;

/// A readable listing of the expansion, one child per line: the snapshot the unit tests
/// compare.
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
            Spec::EncryptionKept => "kept (AES256 when none)".into(),
            Spec::OwnershipControls { object_ownership } => object_ownership.clone(),
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
            Spec::Role {
                path,
                permissions_boundary,
                ..
            } => match permissions_boundary {
                Some(b) => format!("trust glue.amazonaws.com path {path} boundary {b}"),
                None => format!("trust glue.amazonaws.com path {path}"),
            },
            Spec::RolePolicy { .. } => "inline".into(),
            Spec::UnwantedRolePolicy => "unwanted".into(),
            Spec::Attachment => String::new(),
            // Another resource's kind: never in a pipeline's expansion.
            other => format!("{other:?}"),
        };
        out.push_str(&format!("{} {}\n", c.key.address(), detail).replace(" \n", "\n"));
    }
    out
}

pub(super) fn prod() -> (Settings, Env) {
    let s = Settings {
        name: "omc-flywheel".into(),
        environment: Some("prod".into()),
        database_name: Some("omc_flywheel_prod".into()),
        database_description: Some("OMC flywheel production catalog".into()),
        role_name: Some("omc_flywheel-prod-glue-role".into()),
        role_path: None,
        permissions_boundary: None,
        confused_deputy_conditions: false,
        attach_glue_service_role: None,
        managed_policy_arns: vec![],
        inline_policies: BTreeMap::new(),
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
        alerts: None,
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
aws_s3_bucket_server_side_encryption_configuration.omc-flywheel-data-us-east-1-prod kept (AES256 when none)
aws_s3_bucket_public_access_block.omc-flywheel-data-us-east-1-prod [true, true, true, true]
aws_s3_bucket_policy.omc-flywheel-data-us-east-1-prod FlywheelDenyInsecureTransport
aws_s3_bucket_lifecycle_configuration.omc-flywheel-data-us-east-1-prod [\"\" abort-mpu 7d]
aws_s3_bucket.aws-glue-assets-239083076653-us-east-1 create tags={owned}
aws_s3_bucket_server_side_encryption_configuration.aws-glue-assets-239083076653-us-east-1 AES256
aws_s3_bucket_public_access_block.aws-glue-assets-239083076653-us-east-1 [true, true, true, true]
aws_s3_bucket_policy.aws-glue-assets-239083076653-us-east-1 FlywheelDenyInsecureTransport
aws_s3_bucket_ownership_controls.aws-glue-assets-239083076653-us-east-1 BucketOwnerEnforced
aws_s3_bucket_lifecycle_configuration.aws-glue-assets-239083076653-us-east-1 [\"\" abort-mpu 7d] [\"sparkHistoryLogs/\" expire 30d] [\"temporary/\" expire 7d]
aws_s3_bucket.omc-flywheel-prod-analysis-data create tags={owned}
aws_s3_bucket_server_side_encryption_configuration.omc-flywheel-prod-analysis-data AES256
aws_s3_bucket_public_access_block.omc-flywheel-prod-analysis-data [true, true, true, true]
aws_s3_bucket_policy.omc-flywheel-prod-analysis-data FlywheelDenyInsecureTransport
aws_s3_bucket_ownership_controls.omc-flywheel-prod-analysis-data BucketOwnerEnforced
aws_s3_bucket_lifecycle_configuration.omc-flywheel-prod-analysis-data [\"\" abort-mpu 7d] [\"spark-logs/\" expire 30d] [\"temp/\" expire 7d]
aws_glue_catalog_database.omc_flywheel_prod Some(\"OMC flywheel production catalog\")
aws_iam_role.omc_flywheel-prod-glue-role trust glue.amazonaws.com path /
aws_iam_role_policy.omc_flywheel-prod-glue-role:flywheel-pipeline-access inline
aws_iam_role_policy_attachment.omc_flywheel-prod-glue-role/arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole
"
        );
    assert_eq!(render(&d), want, "\n{}", render(&d));
    assert_eq!(d.children.len(), 21);
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

pub(super) fn statement<'a>(doc: &'a Value, sid: &str) -> &'a Value {
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
    let doc = inline_policy(&env, &d.buckets, &BTreeSet::new(), None);
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
    let doc = inline_policy(&env, &d.buckets, &[key.to_string()].into(), None);
    let kms = statement(&doc, "KmsKeys");
    assert_eq!(kms["Action"], json!(["kms:Decrypt", "kms:GenerateDataKey"]));
    assert_eq!(kms["Resource"], json!([key]));
}

#[test]
fn trust_and_bucket_policies() {
    // The default trust policy is the one AWS documents: no condition Glue may not send.
    let (s, env) = prod();
    let d = expand(&s, &env);
    let role_spec = |d: &Desired| {
        d.child(&ChildKey::top(Kind::IamRole, &d.role))
            .map(|c| c.spec.clone())
            .expect("a role")
    };
    let Spec::Role { trust_policy, .. } = role_spec(&d) else {
        panic!("not a role")
    };
    assert_eq!(
        trust_policy,
        policy::normalize(&policy::glue_trust_policy())
    );
    let st = &policy::statements(&trust_policy)[0];
    assert_eq!(st["Effect"], "Allow");
    assert_eq!(st["Principal"], json!({"Service": ["glue.amazonaws.com"]}));
    assert_eq!(st["Action"], json!(["sts:AssumeRole"]));
    assert!(st.get("Condition").is_none(), "{st}");

    // confused_deputy_conditions adds today's guards, with the environment's partition,
    // region and account.
    let guarded = Settings {
        confused_deputy_conditions: true,
        ..s.clone()
    };
    let Spec::Role { trust_policy, .. } = role_spec(&expand(&guarded, &env)) else {
        panic!("not a role")
    };
    let st = &policy::statements(&trust_policy)[0];
    assert_eq!(
        st["Condition"],
        json!({
            "StringEquals": {"aws:SourceAccount": ["239083076653"]},
            "ArnLike": {"aws:SourceArn": ["arn:aws:glue:us-east-1:239083076653:*"]}
        })
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
    assert!(check_policy_arn("arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole").is_ok());
    assert!(check_policy_arn("arn:aws:iam::239083076653:policy/x").is_ok());
    assert!(check_policy_arn("arn:aws:iam::x:policy/y").is_err());
    for good in [
        "/",
        "/flywheel/",
        "/a/b-c_d/",
        &format!("/{}/", "p".repeat(510)),
    ] {
        assert!(check_role_path(good).is_ok(), "{good}");
    }
    for bad in [
        "",
        "flywheel",
        "/flywheel",
        "flywheel/",
        "/fly wheel/",
        "/fly\twheel/",
        "/flywhéel/",
        &format!("/{}/", "p".repeat(511)),
    ] {
        let e = check_role_path(bad).unwrap_err();
        assert!(e.contains("role path"), "{bad}: {e}");
    }
    assert!(check_not_glue_service_role("arn:aws:iam::aws:policy/AmazonAthenaFullAccess").is_ok());
    let e = check_not_glue_service_role("arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole")
        .unwrap_err();
    assert!(e.contains("attach_glue_service_role"), "{e}");
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

/// What a bucket just as `d` wants would read as (an adopted bucket's kept encryption
/// reads as SSE-S3).
fn as_observed(d: &Desired) -> BTreeMap<ChildKey, Spec> {
    d.children
        .iter()
        .map(|c| {
            let spec = match &c.spec {
                Spec::EncryptionKept => Spec::Encryption {
                    sse: SSE_S3.into(),
                    kms_key_arn: None,
                },
                other => other.clone(),
            };
            (c.key.clone(), spec)
        })
        .collect()
}

#[test]
fn comparison_names_the_difference() {
    let (s, env) = prod();
    let d = expand(&s, &env);
    let mut observed = as_observed(&d);
    assert!(statuses(&d.children, &observed)
        .values()
        .all(|s| *s == Status::Ok));

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
    let st = statuses(&d.children, &observed);
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
    assert!(m
        .iter()
        .all(|o| o.arn != Arn::NotYetKnown && !o.name.is_empty()));
    assert_eq!(
        m.iter()
            .find(|o| o.kind == "aws_glue_catalog_database")
            .map(|o| o.arn.clone()),
        Some(Arn::Known(
            "arn:aws:glue:us-east-1:239083076653:database/omc_flywheel_prod".into()
        ))
    );
}
