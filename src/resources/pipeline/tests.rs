//! Unit tests of the pipeline resource: validation, plans, unknown values, attribute paths
//! of failures, import.

use super::*;

pub(super) const OWNER: &str = "0123456789abcdef0123456789abcdef";

pub(super) fn base() -> State {
    State {
        name: Value::Value("acme".into()),
        environment: Value::Value("dev".into()),
        ..Default::default()
    }
}

pub(super) fn errors_at(config: &State) -> Vec<String> {
    let mut d = Diagnostics::default();
    validate_config(config, &mut d);
    d.errors
        .iter()
        .map(|e| format!("{:?}", e.attribute))
        .collect()
}

pub(super) fn bucket(f: impl FnOnce(&mut BucketBlock)) -> Value<BucketBlock> {
    let mut b = BucketBlock::default();
    f(&mut b);
    Value::Value(b)
}

#[test]
fn a_minimal_config_is_valid() {
    assert!(errors_at(&base()).is_empty(), "{:?}", errors_at(&base()));
}

#[test]
fn each_mistake_names_its_attribute() {
    type Mutation = Box<dyn Fn(&mut State)>;
    let s = |v: &str| Value::Value(v.to_string());
    let cases: Vec<(&str, Mutation)> = vec![
        ("name", Box::new(|c| c.name = Value::Value("Acme".into()))),
        (
            "environment",
            Box::new(|c| c.environment = Value::Value("prod_1".into())),
        ),
        (
            "database",
            Box::new(|c| {
                c.database = Value::Value(DatabaseBlock {
                    name: Value::Value("Acme_DB".into()),
                    ..Default::default()
                })
            }),
        ),
        (
            "role",
            Box::new(|c| {
                c.role = Value::Value(RoleBlock {
                    name: Value::Value("a/b".into()),
                    ..Default::default()
                })
            }),
        ),
        (
            "role",
            Box::new(|c| {
                c.role = Value::Value(RoleBlock {
                    managed_policy_arns: Value::Value(vec![Value::Value(
                        "AdministratorAccess".into(),
                    )]),
                    ..Default::default()
                })
            }),
        ),
        (
            "data_bucket",
            Box::new(|c| c.data_bucket = bucket(|b| b.name = Value::Value("Bad_Bucket".into()))),
        ),
        (
            "data_bucket",
            Box::new(|c| {
                c.data_bucket =
                    bucket(|b| b.prefixes = Value::Value(vec![Value::Value("opus".into())]))
            }),
        ),
        (
            "assets_bucket",
            Box::new(|c| {
                c.assets_bucket =
                    bucket(|b| b.prefixes = Value::Value(vec![Value::Value("x/".into())]))
            }),
        ),
        (
            "analysis_bucket",
            Box::new(|c| {
                c.analysis_bucket = bucket(|b| {
                    b.expire_prefixes =
                        Value::Value([("temp/".to_string(), Value::Value(Number(0.0)))].into())
                })
            }),
        ),
        (
            "analysis_bucket",
            Box::new(|c| {
                c.analysis_bucket = bucket(|b| {
                    b.expire_prefixes =
                        Value::Value([("/temp".to_string(), Value::Value(Number(3.0)))].into())
                })
            }),
        ),
        (
            "analysis_bucket",
            Box::new(|c| {
                c.analysis_bucket = bucket(|b| b.kms_key_arn = Value::Value("alias/x".into()))
            }),
        ),
        (
            "analysis_bucket",
            Box::new(|c| {
                c.analysis_bucket = bucket(|b| b.name = Value::Value("acme-dev-data".into()))
            }),
        ),
        (
            "tags",
            Box::new(|c| {
                c.tags = Value::Value(
                    [(
                        "flywheel:pipeline".to_string(),
                        Value::Value("x".to_string()),
                    )]
                    .into(),
                )
            }),
        ),
    ];
    let _ = s;
    for (attr, mutate) in cases {
        let mut c = base();
        mutate(&mut c);
        let errs = errors_at(&c);
        assert!(
            errs.len() == 1 && errs[0].contains(&format!("\"{attr}\"")),
            "{attr}: {errs:?}"
        );
    }
}

#[test]
fn unknown_values_are_not_errors() {
    let mut c = base();
    c.name = Value::Unknown;
    c.data_bucket = bucket(|b| b.name = Value::Unknown);
    assert!(errors_at(&c).is_empty());
}

pub(super) fn env() -> Env {
    Env {
        partition: "aws".into(),
        region: "us-east-1".into(),
        account: "123456789012".into(),
        default_tags: Tags::new(),
    }
}

#[test]
fn plans_fill_names_and_computed_values() {
    let (s, full) = plan(&env(), &base(), Some(OWNER)).unwrap();
    assert!(full.is_some());
    assert_eq!(s.id, Value::Value("name=acme,environment=dev,role=acme-dev-glue-role,database=acme_dev,data_bucket=acme-dev-data,assets_bucket=acme-dev-assets,analysis_bucket=acme-dev-analysis".into()));
    assert_eq!(
        s.role_arn,
        Value::Value("arn:aws:iam::123456789012:role/acme-dev-glue-role".into())
    );
    assert_eq!(
        s.data_bucket_arn,
        Value::Value("arn:aws:s3:::acme-dev-data".into())
    );
    assert_eq!(s.force_destroy, Value::Value(false));
    let ctx = s.context.as_ref_option().unwrap();
    assert_eq!(
        ctx.temp_dir,
        Value::Value("s3://acme-dev-assets/temporary/".into())
    );
    let children = s.children.as_ref_option().unwrap();
    // Three created buckets of six children (with Object Ownership), database, role,
    // its policy and attachment.
    assert_eq!(children.len(), 22);
    assert!(children
        .values()
        .all(|v| v == &Value::Value("ok".to_string())));
    // Planning the planned state again changes nothing (plans are stable).
    let (again, _) = plan(&env(), &s, Some(OWNER)).unwrap();
    assert_eq!(again, s);
}

#[test]
fn unknown_config_plans_unknown_computed_values() {
    let mut c = base();
    c.environment = Value::Unknown;
    c.data_bucket = bucket(|b| b.name = Value::Value("explicit-data".into()));
    let (s, full) = plan(&env(), &c, Some(OWNER)).unwrap();
    assert!(full.is_none());
    assert!(s.id.is_unknown() && s.children.is_unknown() && s.managed_objects.is_unknown());
    assert_eq!(
        s.data_bucket.as_ref_option().unwrap().create,
        Value::Value(true)
    );
    // Names derived from the unknown environment are unknown; an explicit one is not.
    assert!(s.role.as_ref_option().unwrap().name.is_unknown());
    assert!(s.assets_bucket.as_ref_option().unwrap().name.is_unknown());
    assert_eq!(
        s.data_bucket.as_ref_option().unwrap().name,
        Value::Value("explicit-data".into())
    );
    assert_eq!(
        s.data_bucket_arn,
        Value::Value("arn:aws:s3:::explicit-data".into())
    );
    let ctx = s.context.as_ref_option().unwrap();
    assert!(ctx.role_arn.is_unknown() && ctx.temp_dir.is_unknown());
    assert_eq!(ctx.data_bucket, Value::Value("explicit-data".into()));
    assert_eq!(ctx.scripts_prefix, Value::Value("scripts/".into()));
    assert!(ctx.tags.is_value());
}

/// An unknown value in a setting that names nothing (tags, a description, a policy
/// ARN, lifecycle days) plans every name, ARN and `context` field (but `tags`) as
/// known and equal to what the known configuration plans, and replaces nothing.
#[test]
fn unknown_settings_keep_names_known_and_replace_nothing() {
    let (prior, _) = plan(&env(), &base(), Some(OWNER)).unwrap();
    type Mutation = Box<dyn Fn(&mut State)>;
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "tags value",
            Box::new(|c| c.tags = Value::Value([("rev".to_string(), Value::Unknown)].into())),
        ),
        ("tags", Box::new(|c| c.tags = Value::Unknown)),
        (
            "description",
            Box::new(|c| {
                c.database = Value::Value(DatabaseBlock {
                    description: Value::Unknown,
                    ..Default::default()
                })
            }),
        ),
        (
            "managed_policy_arns",
            Box::new(|c| {
                c.role = Value::Value(RoleBlock {
                    managed_policy_arns: Value::Value(vec![Value::Unknown]),
                    ..Default::default()
                })
            }),
        ),
        (
            "expire_prefixes",
            Box::new(|c| {
                c.analysis_bucket = bucket(|b| {
                    b.expire_prefixes = Value::Value([("temp/".to_string(), Value::Unknown)].into())
                })
            }),
        ),
        (
            "kms_key_arn",
            Box::new(|c| c.data_bucket = bucket(|b| b.kms_key_arn = Value::Unknown)),
        ),
    ];
    for (what, mutate) in cases {
        let mut c = base();
        mutate(&mut c);
        let (planned, full) = plan(&env(), &c, Some(OWNER)).unwrap();
        assert!(full.is_none(), "{what}");
        assert!(replace_paths(&prior, &planned).is_empty(), "{what}");
        assert_eq!(planned.role_arn, prior.role_arn, "{what}");
        assert_eq!(planned.database_name, prior.database_name, "{what}");
        for role in BucketRole::ALL {
            let name = |s: &State| s.bucket_block(role).as_ref_option().unwrap().name.clone();
            assert_eq!(name(&planned), name(&prior), "{what}");
        }
        assert_eq!(planned.data_bucket_arn, prior.data_bucket_arn, "{what}");
        assert_eq!(planned.assets_bucket_arn, prior.assets_bucket_arn, "{what}");
        assert_eq!(
            planned.analysis_bucket_arn, prior.analysis_bucket_arn,
            "{what}"
        );
        let (have, want) = (
            planned.context.as_ref_option().unwrap(),
            prior.context.as_ref_option().unwrap(),
        );
        let tags_unknown = what.starts_with("tags");
        assert_eq!(have.tags.is_unknown(), tags_unknown, "{what}");
        let mut known_part = have.clone();
        if tags_unknown {
            known_part.tags = want.tags.clone();
        }
        assert_eq!(&known_part, want, "{what}");
    }
}

#[test]
fn unknown_paths_name_the_attribute() {
    let mut c = base();
    assert!(unknown_paths(&c).is_empty());
    c.tags = Value::Value([("rev".to_string(), Value::Unknown)].into());
    c.role = Value::Value(RoleBlock {
        managed_policy_arns: Value::Unknown,
        ..Default::default()
    });
    c.analysis_bucket = bucket(|b| b.kms_key_arn = Value::Unknown);
    assert_eq!(
        unknown_paths(&c),
        [
            "tags",
            "role.managed_policy_arns",
            "analysis_bucket.kms_key_arn"
        ]
    );
}

#[test]
fn failures_point_at_the_childs_block() {
    let (_, full) = plan(&env(), &base(), Some(OWNER)).unwrap();
    let (_, d) = full.unwrap();
    let path = |kind, owner: &str, name: &str| {
        format!("{:?}", child_path(&d, &ChildKey::new(kind, owner, name)))
    };
    let data = "acme-dev-data";
    let want = format!("{:?}", path_of(&["data_bucket", "name"]));
    assert_eq!(path(Kind::Bucket, data, data), want);
    assert_eq!(path(Kind::BucketPolicy, data, data), want);
    let analysis = "acme-dev-analysis";
    assert_eq!(
        path(Kind::BucketLifecycle, analysis, analysis),
        format!("{:?}", path_of(&["analysis_bucket", "name"]))
    );
    assert_eq!(
        path(Kind::GlueDatabase, "acme_dev", "acme_dev"),
        format!("{:?}", path_of(&["database", "name"]))
    );
    let role = "acme-dev-glue-role";
    assert_eq!(
        path(Kind::IamRolePolicy, role, model::INLINE_POLICY_NAME),
        format!("{:?}", path_of(&["role", "name"]))
    );
    assert_eq!(
        path(
            Kind::IamRolePolicyAttachment,
            role,
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
        ),
        format!("{:?}", path_of(&["role", "managed_policy_arns"]))
    );
    let e = crate::aws::AwsError {
        service: "s3",
        operation: "PutBucketPolicy",
        target: data.into(),
        kind: crate::aws::ErrorKind::Fatal,
        code: Some("AccessDenied".into()),
        message: "denied".into(),
        status: Some(403),
    };
    let failure = Failure::Op {
        key: ChildKey::new(Kind::BucketPolicy, data, data),
        action: crate::reconcile::plan::Action::Update,
        error: e,
        found: None,
    };
    let diags = diagnostics(&d, &[failure]);
    assert_eq!(diags.len(), 1);
    let diag = &diags[0];
    assert!(diag
        .summary
        .contains("Updating aws_s3_bucket_policy.acme-dev-data failed"));
    assert_eq!(format!("{:?}", diag.attribute), want);
}

#[test]
fn only_name_changes_replace() {
    let (prior, _) = plan(&env(), &base(), Some(OWNER)).unwrap();
    let mut c = base();
    c.tags = Value::Value([("team".to_string(), Value::Value("x".to_string()))].into());
    c.database = Value::Value(DatabaseBlock {
        description: Value::Value("new".into()),
        ..Default::default()
    });
    c.analysis_bucket = bucket(|b| {
        b.expire_prefixes = Value::Value([("temp/".to_string(), Value::Value(Number(3.0)))].into())
    });
    c.force_destroy = Value::Value(true);
    let (planned, _) = plan(&env(), &c, Some(OWNER)).unwrap();
    assert!(replace_paths(&prior, &planned).is_empty());
    // A new environment renames every default-named child.
    c.environment = Value::Value("prod".into());
    let (planned, _) = plan(&env(), &c, Some(OWNER)).unwrap();
    let paths: Vec<String> = replace_paths(&prior, &planned)
        .iter()
        .map(|p| format!("{p}"))
        .collect();
    assert_eq!(paths.len(), 5, "{paths:?}");
    // One explicit bucket name change replaces on that name only.
    let mut c = base();
    c.data_bucket = bucket(|b| b.name = Value::Value("other-data".into()));
    let (planned, _) = plan(&env(), &c, Some(OWNER)).unwrap();
    let paths: Vec<String> = replace_paths(&prior, &planned)
        .iter()
        .map(|p| format!("{p}"))
        .collect();
    assert_eq!(paths.len(), 1);
    assert!(paths[0].contains("data_bucket"), "{paths:?}");
    // A name whose own inputs are unknown may change at apply: it replaces.
    let mut c = base();
    c.environment = Value::Unknown;
    c.data_bucket = bucket(|b| b.name = Value::Value("acme-dev-data".into()));
    let (planned, _) = plan(&env(), &c, Some(OWNER)).unwrap();
    let paths: Vec<String> = replace_paths(&prior, &planned)
        .iter()
        .map(|p| format!("{p}"))
        .collect();
    assert_eq!(paths.len(), 4, "{paths:?}");
    assert!(
        !paths.iter().any(|p| p.contains("data_bucket")),
        "{paths:?}"
    );
}

#[test]
fn imported_state_plans_like_the_config() {
    // A config that sets everything import can read back plans the same state.
    let mut c = base();
    c.tags = Value::Value([("team".to_string(), Value::Value("data".to_string()))].into());
    c.data_bucket = bucket(|b| {
        b.create = Value::Value(false);
        b.prefixes = Value::Value(vec![Value::Value("opus/".into())]);
    });
    let (planned, full) = plan(&env(), &c, Some(OWNER)).unwrap();
    let (settings, _) = full.unwrap();
    let round = state_from_settings(&settings);
    let (replanned, _) = plan(&env(), &round, Some(OWNER)).unwrap();
    assert_eq!(replanned, planned);
}

#[test]
fn defaults_spelled_out_and_left_out_plan_alike() {
    // The analysis bucket's expiries and the alerts' flags, which import reads back
    // whichever way the configuration wrote them.
    let days = |pairs: &[(&str, f64)]| {
        Value::Value(
            pairs
                .iter()
                .map(|(k, d)| (k.to_string(), Value::Value(Number(*d))))
                .collect(),
        )
    };
    let mut left_out = base();
    left_out.alerts = Value::Value(AlertsBlock::default());
    let mut spelled = base();
    spelled.analysis_bucket = bucket(|b| {
        b.expire_prefixes = days(&[("temp/", 7.0), ("spark-logs/", 30.0)]);
    });
    spelled.alerts = Value::Value(AlertsBlock {
        create_topic: Value::Value(true),
        on_job_failure: Value::Value(true),
        on_job_stopped: Value::Value(false),
        on_crawler_failure: Value::Value(true),
        dashboard: Value::Value(false),
        ..Default::default()
    });
    let (a, _) = plan(&env(), &left_out, Some(OWNER)).unwrap();
    let (b, _) = plan(&env(), &spelled, Some(OWNER)).unwrap();
    assert_eq!(a, b);
    // Other expiries replace the defaults; an adopted analysis bucket has none.
    let mut other = base();
    other.analysis_bucket = bucket(|b| b.expire_prefixes = days(&[("x/", 2.0)]));
    let (o, _) = plan(&env(), &other, Some(OWNER)).unwrap();
    let expiries = |s: &State| {
        s.analysis_bucket
            .as_ref_option()
            .unwrap()
            .expire_prefixes
            .clone()
    };
    assert_eq!(expiries(&o), days(&[("x/", 2.0)]));
    let mut adopted = base();
    adopted.analysis_bucket = bucket(|b| b.create = Value::Value(false));
    let (o, _) = plan(&env(), &adopted, Some(OWNER)).unwrap();
    assert_eq!(expiries(&o), Value::Null);
    // With an existing topic, create_topic is false.
    let mut existing = base();
    existing.alerts = Value::Value(AlertsBlock {
        sns_topic_arn: Value::Value("arn:aws:sns:us-east-1:123456789012:t".into()),
        ..Default::default()
    });
    let (o, _) = plan(&env(), &existing, Some(OWNER)).unwrap();
    assert_eq!(
        o.alerts.as_ref_option().unwrap().create_topic,
        Value::Value(false)
    );
}
