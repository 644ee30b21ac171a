//! Unit tests of the bucket settings: encryption kept on adoption, Intelligent-Tiering
//! defaults, the bucket policy statement by statement, whole-policy drift on created
//! buckets, Object Ownership, and the offline checks.

use super::*;

const ACCOUNT: &str = "239083076653";
const KEY: &str = "arn:aws:kms:us-east-1:239083076653:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const GLUE_ROLE: &str = "arn:aws:iam::239083076653:role/omc_flywheel-prod-glue-role";

fn env() -> Env {
    Env {
        partition: "aws".into(),
        region: "us-east-1".into(),
        account: ACCOUNT.into(),
        default_tags: Tags::new(),
    }
}

/// Production's names; the data bucket adopted, the others created.
fn settings() -> Settings {
    Settings {
        name: "omc-flywheel".into(),
        environment: Some("prod".into()),
        role_name: Some("omc_flywheel-prod-glue-role".into()),
        data: BucketSettings {
            name: Some("data".into()),
            create: Some(false),
            ..Default::default()
        },
        assets: BucketSettings {
            name: Some("assets".into()),
            ..Default::default()
        },
        analysis: BucketSettings {
            name: Some("analysis".into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn spec(d: &Desired, kind: Kind, bucket: &str) -> Option<Spec> {
    d.child(&ChildKey::new(kind, bucket, bucket))
        .map(|c| c.spec.clone())
}

fn enc(sse: &str, key: Option<&str>) -> Spec {
    Spec::Encryption {
        sse: sse.into(),
        kms_key_arn: key.map(str::to_string),
    }
}

#[test]
fn adopted_bucket_keeps_kms_and_dsse_encryption() {
    let d = expand(&settings(), &env());
    let want = spec(&d, Kind::BucketEncryption, "data").expect("encryption child");
    assert_eq!(want, Spec::EncryptionKept);
    for have in [
        enc(SSE_S3, None),
        enc(SSE_KMS, None),
        enc(SSE_KMS, Some(KEY)),
        enc(SSE_DSSE, None),
        enc(SSE_DSSE, Some(KEY)),
    ] {
        assert_eq!(compare(&want, Some(&have)), Status::Ok, "{have:?}");
    }
    // No default encryption at all (only before 2023 on AWS): SSE-S3 is written.
    assert_eq!(compare(&want, None), Status::Missing);
    assert!(matches!(
        compare(&want, Some(&enc("aws:unknown", None))),
        Status::Differs(w) if w.contains("want one of AES256, aws:kms, aws:kms:dsse")
    ));
}

#[test]
fn created_buckets_keep_sse_s3() {
    let d = expand(&settings(), &env());
    let want = spec(&d, Kind::BucketEncryption, "assets").expect("encryption child");
    assert_eq!(want, enc(SSE_S3, None));
    assert_eq!(
        compare(&want, Some(&enc(SSE_KMS, Some(KEY)))),
        Status::Differs(format!(
            "encryption is aws:kms with KMS key {KEY}, want AES256"
        ))
    );
}

#[test]
fn explicit_encryption_is_exact_on_adopted_buckets() {
    let mut s = settings();
    // SSE-S3 asked for explicitly: a KMS bucket is rewritten, and the status says how.
    s.data.sse_algorithm = Some(SSE_S3.into());
    let d = expand(&s, &env());
    let want = spec(&d, Kind::BucketEncryption, "data").expect("encryption child");
    assert_eq!(want, enc(SSE_S3, None));
    assert_eq!(
        compare(&want, Some(&enc(SSE_DSSE, None))),
        Status::Differs(
            "encryption is aws:kms:dsse with the AWS managed key aws/s3, want AES256".into()
        )
    );
    // A key alone means SSE-KMS with it; with DSSE, DSSE-KMS with it.
    s.data.sse_algorithm = None;
    s.data.kms_key_arn = Some(KEY.into());
    let d = expand(&s, &env());
    let want = spec(&d, Kind::BucketEncryption, "data").expect("encryption child");
    assert_eq!(want, enc(SSE_KMS, Some(KEY)));
    assert_eq!(
        compare(&want, Some(&enc(SSE_KMS, None))),
        Status::Differs(format!(
            "aws:kms uses the AWS managed key aws/s3, want KMS key {KEY}"
        ))
    );
    s.data.sse_algorithm = Some(SSE_DSSE.into());
    let d = expand(&s, &env());
    assert_eq!(
        spec(&d, Kind::BucketEncryption, "data"),
        Some(enc(SSE_DSSE, Some(KEY)))
    );
    // The key is granted to the Glue role whatever the algorithm.
    let doc = policy::normalize(&inline_policy(
        &env(),
        &d.buckets,
        &[KEY.to_string()].into(),
        None,
    ));
    assert!(doc.to_string().contains(KEY));
    // DSSE with the AWS managed key.
    s.data.kms_key_arn = None;
    let d = expand(&s, &env());
    let want = spec(&d, Kind::BucketEncryption, "data").expect("encryption child");
    assert_eq!(want, enc(SSE_DSSE, None));
    assert_eq!(compare(&want, Some(&enc(SSE_DSSE, None))), Status::Ok);
}

#[test]
fn intelligent_tiering_defaults() {
    let s = settings();
    let has_tiering = |s: &Settings, bucket: &str| {
        let d = expand(s, &env());
        match spec(&d, Kind::BucketLifecycle, bucket) {
            Some(Spec::Lifecycle { rules }) => rules.iter().any(|r| {
                r.id == "flywheel-intelligent-tiering" && r.intelligent_tiering_days == Some(0)
            }),
            other => panic!("{other:?}"),
        }
    };
    // Adopted data bucket: off; created assets and analysis: off.
    assert!(!has_tiering(&s, "data"));
    assert!(!has_tiering(&s, "assets"));
    assert!(!has_tiering(&s, "analysis"));
    assert!(!intelligent_tiering(&s.data, BucketRole::Data));
    // Created data bucket: on (as before).
    let mut created = s.clone();
    created.data.create = None;
    assert!(has_tiering(&created, "data"));
    assert!(intelligent_tiering(&created.data, BucketRole::Data));
    // Asked for: on anywhere; refused: off.
    let mut asked = s.clone();
    asked.data.intelligent_tiering = Some(true);
    asked.analysis.intelligent_tiering = Some(true);
    assert!(has_tiering(&asked, "data"));
    assert!(has_tiering(&asked, "analysis"));
    created.data.intelligent_tiering = Some(false);
    assert!(!has_tiering(&created, "data"));
}

#[test]
fn bucket_policy_statement_by_statement() {
    let allowed = vec![
        "arn:aws:iam::239083076653:role/admin".to_string(),
        "arn:aws:iam::239083076653:user/deployer".to_string(),
    ];
    let st = bucket_policy_statements("aws", "assets", GLUE_ROLE, &allowed);
    assert_eq!(st.len(), 2);
    // 1. TLS only: every action, every caller, when not over TLS.
    assert_eq!(
        st[0],
        policy::normalize(&json!({
            "Sid": "FlywheelDenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::assets", "arn:aws:s3:::assets/*"],
            "Condition": { "Bool": { "aws:SecureTransport": "false" } },
        }))
    );
    // 2. Object reads and writes only for the Glue role and the list.
    assert_eq!(
        st[1],
        policy::normalize(&json!({
            "Sid": "FlywheelRestrictObjectAccess",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            "Resource": ["arn:aws:s3:::assets/*"],
            "Condition": { "ArnNotLike": { "aws:PrincipalArn": [
                "arn:aws:iam::239083076653:role/admin",
                GLUE_ROLE,
                "arn:aws:iam::239083076653:user/deployer",
            ] } },
        }))
    );
    // No list: no restriction.
    let st = bucket_policy_statements("aws", "assets", GLUE_ROLE, &[]);
    assert_eq!(st.len(), 1);
    // In the expansion, on the bucket whose block has the list only.
    let mut s = settings();
    s.assets.allowed_principal_arns = allowed;
    let d = expand(&s, &env());
    let sids = |b: &str| match spec(&d, Kind::BucketPolicy, b) {
        Some(Spec::BucketPolicy { statements }) => statements
            .iter()
            .filter_map(|s| s["Sid"].as_str().map(str::to_string))
            .collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        sids("assets"),
        [
            "FlywheelDenyInsecureTransport",
            "FlywheelRestrictObjectAccess"
        ]
    );
    assert_eq!(sids("data"), ["FlywheelDenyInsecureTransport"]);
}

fn observed_policy(d: &Desired, bucket: &str, statements: Vec<Value>) -> Option<Spec> {
    let o = Observed {
        buckets: [(
            bucket.to_string(),
            Some(ObservedBucket {
                policy_statements: Some(statements.iter().map(policy::normalize).collect()),
                ..Default::default()
            }),
        )]
        .into(),
        ..Default::default()
    };
    observed_children(d, &o)
        .get(&ChildKey::new(Kind::BucketPolicy, bucket, bucket))
        .cloned()
}

#[test]
fn created_bucket_policy_is_compared_whole_adopted_only_ours() {
    let d = expand(&settings(), &env());
    let theirs = json!({"Sid": "PartnerRead", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::assets/*"});
    // Created: a foreign statement is drift, named.
    let want = spec(&d, Kind::BucketPolicy, "assets").expect("policy");
    let have = observed_policy(
        &d,
        "assets",
        vec![policy::tls_only_statement("aws", "assets"), theirs.clone()],
    );
    assert_eq!(
        compare(&want, have.as_ref()),
        Status::Differs("unexpected statements: \"PartnerRead\"".into())
    );
    // Only a foreign statement: ours is missing, theirs unexpected.
    let have = observed_policy(&d, "assets", vec![theirs.clone()]);
    assert_eq!(
        compare(&want, have.as_ref()),
        Status::Differs(
            "statements missing or changed: \"FlywheelDenyInsecureTransport\"; unexpected statements: \"PartnerRead\"".into()
        )
    );
    // Adopted: the owner's statements are not compared.
    let want = spec(&d, Kind::BucketPolicy, "data").expect("policy");
    let mut data_theirs = theirs.clone();
    data_theirs["Resource"] = json!("arn:aws:s3:::data/*");
    let have = observed_policy(
        &d,
        "data",
        vec![
            policy::tls_only_statement("aws", "data"),
            data_theirs.clone(),
        ],
    );
    assert_eq!(compare(&want, have.as_ref()), Status::Ok);
    // ... but a changed statement of ours is.
    let mut tls = policy::tls_only_statement("aws", "data");
    tls["Condition"] = json!({"Bool": {"aws:SecureTransport": "true"}});
    let have = observed_policy(&d, "data", vec![tls, data_theirs]);
    assert_eq!(
        compare(&want, have.as_ref()),
        Status::Differs("statements missing or changed: \"FlywheelDenyInsecureTransport\"".into())
    );
}

#[test]
fn ownership_controls_only_on_created_buckets() {
    let d = expand(&settings(), &env());
    assert_eq!(spec(&d, Kind::BucketOwnershipControls, "data"), None);
    let want = spec(&d, Kind::BucketOwnershipControls, "assets").expect("ownership child");
    assert_eq!(
        want,
        Spec::OwnershipControls {
            object_ownership: BUCKET_OWNER_ENFORCED.into()
        }
    );
    let key = ChildKey::new(Kind::BucketOwnershipControls, "assets", "assets");
    assert_eq!(key.address(), "aws_s3_bucket_ownership_controls.assets");
    assert_eq!(key.parent(), Some(ChildKey::top(Kind::Bucket, "assets")));
    assert_eq!(compare(&want, None), Status::Missing);
    let have = Spec::OwnershipControls {
        object_ownership: "ObjectWriter".into(),
    };
    assert_eq!(
        compare(&want, Some(&have)),
        Status::Differs("object ownership is ObjectWriter, want BucketOwnerEnforced".into())
    );
    // Read back from S3 as an observation.
    let o = Observed {
        buckets: [(
            "assets".to_string(),
            Some(ObservedBucket {
                object_ownership: Some(BUCKET_OWNER_ENFORCED.into()),
                ..Default::default()
            }),
        )]
        .into(),
        ..Default::default()
    };
    assert_eq!(
        compare(&want, observed_children(&d, &o).get(&key)),
        Status::Ok
    );
}

#[test]
fn principal_arns_are_checked_offline() {
    for ok in [
        "arn:aws:iam::239083076653:role/admin",
        "arn:aws:iam::239083076653:role/service-role/etl",
        "arn:aws:iam::239083076653:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_*",
        "arn:aws:iam::239083076653:user/deployer",
        "arn:aws-us-gov:iam::239083076653:user/ci/deployer",
    ] {
        assert_eq!(check_principal_arn(ok), Ok(()), "{ok}");
    }
    for bad in [
        "admin",
        "arn:aws:iam::2390830766:role/admin",
        "arn:aws:iam::*:role/admin",
        "arn:aws:iam::239083076653:policy/x",
        "arn:aws:iam::239083076653:role/",
        "arn:aws:iam::239083076653:root",
        "arn:aws:s3:::bucket",
        "arn:aws:iam::239083076653:role/${aws:username}",
    ] {
        assert!(check_principal_arn(bad).is_err(), "{bad}");
    }
    let session =
        check_principal_arn("arn:aws:sts::239083076653:assumed-role/deploy/ci-123").unwrap_err();
    assert!(
        session.contains("arn:aws:iam::239083076653:role/deploy"),
        "{session}"
    );
    assert_eq!(check_sse_algorithm("aws:kms:dsse"), Ok(()));
    assert!(check_sse_algorithm("aws:kms:DSSE").is_err());
    assert!(check_sse_algorithm("SSE-S3").is_err());
}

#[test]
fn caller_is_matched_as_aws_principal_arn_sees_it() {
    let allowed = vec![
        "arn:aws:iam::239083076653:role/platform/deploy".to_string(),
        "arn:aws:iam::239083076653:user/ci/*".to_string(),
    ];
    // A role session is its role; the path is unknown, so the name decides.
    assert!(caller_allowed(
        "arn:aws:sts::239083076653:assumed-role/deploy/session-1",
        &allowed
    ));
    assert!(!caller_allowed(
        "arn:aws:sts::239083076653:assumed-role/other/session-1",
        &allowed
    ));
    assert!(!caller_allowed(
        "arn:aws:sts::111122223333:assumed-role/deploy/session-1",
        &allowed
    ));
    // Users as written, with ArnLike's wildcards.
    assert!(caller_allowed(
        "arn:aws:iam::239083076653:user/ci/runner",
        &allowed
    ));
    assert!(!caller_allowed(
        "arn:aws:iam::239083076653:user/deployer",
        &allowed
    ));
    assert!(!caller_allowed("arn:aws:iam::239083076653:root", &allowed));
    assert!(caller_allowed(
        "arn:aws:sts::239083076653:assumed-role/AWSReservedSSO_Admin_12ab/me@example.com",
        &[
            "arn:aws:iam::239083076653:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_*"
                .to_string()
        ]
    ));
}

#[test]
fn prefixes_with_iam_wildcards_are_refused() {
    for bad in ["opus*/", "op?s/", "a/${aws:username}/", "*/"] {
        let e = check_prefix(bad).unwrap_err();
        assert!(e.contains("widen"), "{bad}: {e}");
    }
    assert_eq!(check_prefix("opus/raw_input/"), Ok(()));
    assert_eq!(check_prefix("a$b/"), Ok(()));
}

#[test]
fn created_buckets_expire_temporary_files_and_logs_by_default() {
    let expiries = |s: &Settings, bucket: &str| -> Vec<(String, i64)> {
        match spec(&expand(s, &env()), Kind::BucketLifecycle, bucket) {
            Some(Spec::Lifecycle { rules }) => rules
                .iter()
                .filter_map(|r| Some((r.prefix.clone(), r.expiration_days?)))
                .collect(),
            other => panic!("{other:?}"),
        }
    };
    let pair = |p: &str, d: i64| (p.to_string(), d);
    let s = settings();
    // Created assets and analysis buckets: the runbook's clean-up.
    assert_eq!(
        expiries(&s, "assets"),
        [pair("sparkHistoryLogs/", 30), pair("temporary/", 7)]
    );
    assert_eq!(
        expiries(&s, "analysis"),
        [pair("spark-logs/", 30), pair("temp/", 7)]
    );
    // Each can be changed; any analysis entry replaces both of its defaults.
    let mut set = s.clone();
    set.assets.expire_prefixes = [("sparkHistoryLogs/".to_string(), 90)].into();
    set.analysis.expire_prefixes = [("scratch/".to_string(), 3)].into();
    assert_eq!(
        expiries(&set, "assets"),
        [pair("sparkHistoryLogs/", 90), pair("temporary/", 7)]
    );
    assert_eq!(expiries(&set, "analysis"), [pair("scratch/", 3)]);
    // Adopted buckets: no default deletes their data (Glue's temporary/ aside).
    let mut adopted = s.clone();
    adopted.assets.create = Some(false);
    adopted.analysis.create = Some(false);
    assert_eq!(expiries(&adopted, "assets"), [pair("temporary/", 7)]);
    assert!(expiries(&adopted, "analysis").is_empty());
}

#[test]
fn import_reads_back_only_the_expiries_the_defaults_do_not_explain() {
    let m = |pairs: &[(&str, i64)]| -> BTreeMap<String, i64> {
        pairs.iter().map(|(p, d)| (p.to_string(), *d)).collect()
    };
    let assets = m(&[("sparkHistoryLogs/", 30), ("temporary/", 7), ("x/", 2)]);
    assert_eq!(
        expire_prefixes_of(&assets, BucketRole::Assets, true),
        m(&[("x/", 2)])
    );
    // Adopted: the Spark logs expiry is not a default there, so it is the configuration's.
    assert_eq!(
        expire_prefixes_of(&assets, BucketRole::Assets, false),
        m(&[("sparkHistoryLogs/", 30), ("x/", 2)])
    );
    let analysis = m(&[("spark-logs/", 30), ("temp/", 7)]);
    assert_eq!(
        expire_prefixes_of(&analysis, BucketRole::Analysis, true),
        analysis
    );
    assert_eq!(
        expire_prefixes_of(&analysis, BucketRole::Analysis, false),
        analysis
    );
    // Whatever reads back plans the same rules.
    for (read, role, created) in [
        (assets.clone(), BucketRole::Assets, true),
        (analysis.clone(), BucketRole::Analysis, true),
        (m(&[("temp/", 3)]), BucketRole::Analysis, true),
    ] {
        let cfg = BucketSettings {
            create: Some(created),
            expire_prefixes: expire_prefixes_of(&read, role, created),
            ..Default::default()
        };
        let mut want = read.clone();
        if role == BucketRole::Assets {
            want.extend(default_expiry(role, created));
        }
        assert_eq!(expiry(&cfg, role), want, "{role:?} {read:?}");
    }
}
