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

fn prod() -> (Settings, Env) {
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
aws_s3_bucket_server_side_encryption_configuration.omc-flywheel-data-us-east-1-prod kept (AES256 when none)
aws_s3_bucket_public_access_block.omc-flywheel-data-us-east-1-prod [true, true, true, true]
aws_s3_bucket_policy.omc-flywheel-data-us-east-1-prod FlywheelDenyInsecureTransport
aws_s3_bucket_lifecycle_configuration.omc-flywheel-data-us-east-1-prod [\"\" abort-mpu 7d]
aws_s3_bucket.aws-glue-assets-239083076653-us-east-1 create tags={owned}
aws_s3_bucket_server_side_encryption_configuration.aws-glue-assets-239083076653-us-east-1 AES256
aws_s3_bucket_public_access_block.aws-glue-assets-239083076653-us-east-1 [true, true, true, true]
aws_s3_bucket_policy.aws-glue-assets-239083076653-us-east-1 FlywheelDenyInsecureTransport
aws_s3_bucket_ownership_controls.aws-glue-assets-239083076653-us-east-1 BucketOwnerEnforced
aws_s3_bucket_lifecycle_configuration.aws-glue-assets-239083076653-us-east-1 [\"\" abort-mpu 7d] [\"temporary/\" expire 7d]
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

/// A role made by an earlier version (trust policy with the conditions) differs from the
/// default configuration, and the status names the trust policy's conditions; so does a
/// role without them when the configuration asks for them.
#[test]
fn a_role_with_the_old_conditions_differs_by_its_trust_policy() {
    let (s, env) = prod();
    let d = expand(&s, &env);
    let old = ObservedRole {
        arn: d.role_arn.clone(),
        path: "/".into(),
        trust_policy: policy::glue_trust_policy_confused_deputy("aws", "us-east-1", "239083076653"),
        tags: d.tags.clone(),
        ..Default::default()
    };
    let o = Observed {
        role: Some(old.clone()),
        ..Default::default()
    };
    let st = statuses(&d.children, &observed_children(&d, &o));
    let role = ChildKey::top(Kind::IamRole, &d.role);
    assert_eq!(
        st[&role],
        Status::Differs(
            "the trust policy has conditions the configuration does not ask for (aws:SourceAccount, aws:SourceArn)".into()
        )
    );
    assert_eq!(role.address(), "aws_iam_role.omc_flywheel-prod-glue-role");
    // With the flag the same role is as wanted ...
    let guarded = Settings {
        confused_deputy_conditions: true,
        ..s.clone()
    };
    let dg = expand(&guarded, &env);
    let st = statuses(&dg.children, &observed_children(&dg, &o));
    assert_eq!(st[&role], Status::Ok);
    // ... and a role without the conditions lacks them.
    let plain = Observed {
        role: Some(ObservedRole {
            trust_policy: policy::glue_trust_policy(),
            ..old
        }),
        ..Default::default()
    };
    let st = statuses(&dg.children, &observed_children(&dg, &plain));
    assert!(
        matches!(&st[&role], Status::Differs(w) if w.starts_with("the trust policy lacks conditions")),
        "{:?}",
        st[&role]
    );
}

#[test]
fn the_role_path_is_in_every_arn() {
    let (mut s, env) = prod();
    s.role_path = Some("/flywheel/".into());
    let d = expand(&s, &env);
    let want = "arn:aws:iam::239083076653:role/flywheel/omc_flywheel-prod-glue-role";
    assert_eq!(d.role_arn, want);
    assert_eq!(context(&s, &env).role_arn, want);
    let m = managed_objects(&d, &env);
    assert_eq!(
        m.iter()
            .find(|o| o.kind == "aws_iam_role")
            .map(|o| o.arn.clone()),
        Some(Arn::Known(want.into()))
    );
    assert!(matches!(
        d.child(&ChildKey::top(Kind::IamRole, &d.role)).map(|c| &c.spec),
        Some(Spec::Role { path, .. }) if path == "/flywheel/"
    ));
    // The default path is IAM's, "/": the ARN has none.
    assert_eq!(
        role_arn("aws", "1", DEFAULT_ROLE_PATH, "r"),
        "arn:aws:iam::1:role/r"
    );
}

#[test]
fn path_and_permissions_boundary_drift_name_the_role() {
    let boundary = "arn:aws:iam::239083076653:policy/flywheel-boundary";
    let (mut s, env) = prod();
    s.permissions_boundary = Some(boundary.into());
    let d = expand(&s, &env);
    let role = ChildKey::top(Kind::IamRole, &d.role);
    let want = d.child(&role).map(|c| c.spec.clone()).unwrap();
    let Spec::Role {
        trust_policy, tags, ..
    } = want.clone()
    else {
        panic!("not a role")
    };
    let seen = |path: &str, b: Option<&str>| Spec::Role {
        trust_policy: trust_policy.clone(),
        path: path.into(),
        permissions_boundary: b.map(str::to_string),
        tags: tags.clone(),
    };
    assert_eq!(compare(&want, Some(&seen("/", Some(boundary)))), Status::Ok);
    assert_eq!(
        compare(&want, Some(&seen("/", None))),
        Status::Differs(format!("permissions boundary is none, want {boundary}"))
    );
    assert_eq!(
        compare(
            &want,
            Some(&seen("/", Some("arn:aws:iam::aws:policy/Other")))
        ),
        Status::Differs(format!(
            "permissions boundary is arn:aws:iam::aws:policy/Other, want {boundary}"
        ))
    );
    assert!(matches!(
        compare(&want, Some(&seen("/other/", Some(boundary)))),
        Status::Differs(w) if w.starts_with("path is \"/other/\", want \"/\"")
    ));
    // Observed the way the backend reads it.
    let o = Observed {
        role: Some(ObservedRole {
            path: "/".into(),
            trust_policy: policy::glue_trust_policy(),
            permissions_boundary: None,
            tags: d.tags.clone(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let st = statuses(&d.children, &observed_children(&d, &o));
    assert!(
        matches!(&st[&role], Status::Differs(w) if w.contains("permissions boundary")),
        "{:?}",
        st[&role]
    );
}

/// Inline policies the configuration does not name are children it does not want, named as
/// terraform-provider-aws names them; the pipeline's own is compared by its document.
#[test]
fn unwanted_inline_policies_are_extra_children() {
    let (s, env) = prod();
    let d = expand(&s, &env);
    let ours = d
        .child(&ChildKey::new(
            Kind::IamRolePolicy,
            &d.role,
            INLINE_POLICY_NAME,
        ))
        .map(|c| c.spec.clone());
    let Some(Spec::RolePolicy { document }) = ours else {
        panic!("no inline policy")
    };
    let o = Observed {
        role: Some(ObservedRole {
            path: "/".into(),
            trust_policy: policy::glue_trust_policy(),
            tags: d.tags.clone(),
            inline_policy: Some(document),
            inline_policy_names: [INLINE_POLICY_NAME.to_string(), "backdoor".to_string()].into(),
            attached: [glue_service_role_arn("aws")].into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let obs = observed_children(&d, &o);
    let extra = ChildKey::new(Kind::IamRolePolicy, &d.role, "backdoor");
    assert_eq!(obs.get(&extra), Some(&Spec::UnwantedRolePolicy));
    let st = statuses(&d.children, &obs);
    assert_eq!(st[&extra], Status::Extra);
    assert_eq!(st[&extra].text(), "not in the configuration");
    assert_eq!(
        extra.address(),
        "aws_iam_role_policy.omc_flywheel-prod-glue-role:backdoor"
    );
    // Everything else is as wanted: the listing adds nothing for the pipeline's own.
    assert_eq!(
        st.iter()
            .filter(|(k, s)| **s != Status::Ok && **k != extra)
            .filter(|(k, _)| k.kind == Kind::IamRolePolicy || k.kind == Kind::IamRole)
            .count(),
        0,
        "{st:?}"
    );
    // The extra one is deleted; it is the role's child.
    let ops = crate::reconcile::plan::diff(&d.children, &st);
    assert!(ops.iter().any(|op| op.key == extra
        && op.action == crate::reconcile::plan::Action::Delete
        && op.reason == "not in the configuration"));
    assert_eq!(extra.parent(), Some(ChildKey::top(Kind::IamRole, &d.role)));
}

/// `attach_glue_service_role = false`: no AWSGlueServiceRole attachment (one that is there
/// is extra, so apply detaches it), and the inline policy grants the Data Catalog actions
/// on this pipeline's catalog, database and tables instead, statement by statement.
#[test]
fn without_glue_service_role_the_inline_policy_grants_the_catalog() {
    let (mut s, env) = prod();
    s.attach_glue_service_role = Some(false);
    let d = expand(&s, &env);
    assert!(!d
        .children
        .iter()
        .any(|c| c.key.kind == Kind::IamRolePolicyAttachment));
    let glue = ChildKey::new(
        Kind::IamRolePolicyAttachment,
        &d.role,
        &glue_service_role_arn("aws"),
    );
    let observed: BTreeMap<ChildKey, Spec> = [(glue.clone(), Spec::Attachment)].into();
    assert_eq!(statuses(&d.children, &observed)[&glue], Status::Extra);

    let doc = inline_policy(&env, &d.buckets, &BTreeSet::new(), Some(&d.database));
    let sids: Vec<&str> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["Sid"].as_str())
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
            "CatalogRead",
            "CatalogWrite",
            "GlueLogs",
            "GlueMetrics"
        ]
    );
    let scope = json!([
        "arn:aws:glue:us-east-1:239083076653:catalog",
        "arn:aws:glue:us-east-1:239083076653:database/omc_flywheel_prod",
        "arn:aws:glue:us-east-1:239083076653:table/omc_flywheel_prod/*"
    ]);
    let read = statement(&doc, "CatalogRead");
    assert_eq!(read["Effect"], "Allow");
    assert_eq!(
        read["Action"],
        json!([
            "glue:BatchGetPartition",
            "glue:GetDatabase",
            "glue:GetDatabases",
            "glue:GetPartition",
            "glue:GetPartitions",
            "glue:GetTable",
            "glue:GetTables"
        ])
    );
    assert_eq!(read["Resource"], scope);
    assert!(read.get("Condition").is_none());
    let write = statement(&doc, "CatalogWrite");
    assert_eq!(write["Effect"], "Allow");
    assert_eq!(
        write["Action"],
        json!([
            "glue:BatchCreatePartition",
            "glue:BatchDeletePartition",
            "glue:BatchUpdatePartition",
            "glue:CreatePartition",
            "glue:CreateTable",
            "glue:DeletePartition",
            "glue:DeleteTable",
            "glue:UpdatePartition",
            "glue:UpdateTable"
        ])
    );
    assert_eq!(write["Resource"], scope);
    // Least privilege: no wildcard action, nothing on the database itself, no other
    // database, and the S3, logs and metrics statements are those of the default mode.
    for st in policy::statements(&doc) {
        let text = st.to_string();
        assert!(!text.contains(":*\""), "{text}");
        for verb in ["Create", "Update", "Delete"] {
            assert!(!text.contains(&format!("glue:{verb}Database")), "{text}");
        }
        assert!(!text.contains("database/*"), "{text}");
    }
    let default_doc = inline_policy(&env, &d.buckets, &BTreeSet::new(), None);
    for sid in [
        "ReadWriteObjects",
        "DenyScriptWrites",
        "GlueLogs",
        "GlueMetrics",
    ] {
        assert_eq!(statement(&doc, sid), statement(&default_doc, sid), "{sid}");
    }
    // The expansion's inline policy is this document.
    let spec = d
        .child(&ChildKey::new(
            Kind::IamRolePolicy,
            &d.role,
            INLINE_POLICY_NAME,
        ))
        .map(|c| c.spec.clone());
    assert_eq!(
        spec,
        Some(Spec::RolePolicy {
            document: policy::normalize(&doc)
        })
    );
    // Extra managed policies are still attached.
    s.managed_policy_arns = vec!["arn:aws:iam::aws:policy/AmazonAthenaFullAccess".into()];
    let d = expand(&s, &env);
    let attached: Vec<&str> = d
        .children
        .iter()
        .filter(|c| c.key.kind == Kind::IamRolePolicyAttachment)
        .map(|c| c.key.name.as_str())
        .collect();
    assert_eq!(attached, ["arn:aws:iam::aws:policy/AmazonAthenaFullAccess"]);
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
