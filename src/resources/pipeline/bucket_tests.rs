//! Unit tests of the bucket blocks' new settings at the resource layer: validation at the
//! attribute, `intelligent_tiering` resolved at plan, the deployer warning, and plans that
//! name the children a change rewrites.

use super::*;

const OWNER: &str = "0123456789abcdef0123456789abcdef";

fn env() -> Env {
    Env {
        partition: "aws".into(),
        region: "us-east-1".into(),
        account: "123456789012".into(),
        default_tags: Tags::new(),
    }
}

fn config(f: impl Fn(&mut BucketBlock)) -> State {
    let mut b = BucketBlock::default();
    f(&mut b);
    State {
        name: Value::Value("acme".into()),
        environment: Value::Value("dev".into()),
        data_bucket: Value::Value(b),
        ..Default::default()
    }
}

fn strings(v: &[&str]) -> Value<Vec<Value<String>>> {
    Value::Value(v.iter().map(|s| Value::Value(s.to_string())).collect())
}

/// (attribute path, detail) of each error.
fn errors(c: &State) -> Vec<(String, String)> {
    let mut d = Diagnostics::default();
    validate_config(c, &mut d);
    d.errors
        .iter()
        .map(|e| (format!("{}", e.attribute), e.detail.to_string()))
        .collect()
}

#[test]
fn new_bucket_settings_fail_validate_at_their_attribute() {
    type Mutation = Box<dyn Fn(&mut BucketBlock)>;
    let cases: Vec<(Mutation, &str, &str)> = vec![
        (
            Box::new(|b| b.sse_algorithm = Value::Value("SSE-KMS".into())),
            "sse_algorithm",
            "must be one of",
        ),
        (
            Box::new(|b| {
                b.sse_algorithm = Value::Value("AES256".into());
                b.kms_key_arn = Value::Value("arn:aws:kms:us-east-1:123456789012:key/abc".into());
            }),
            "kms_key_arn",
            "SSE-S3",
        ),
        (
            Box::new(|b| {
                b.allowed_principal_arns = strings(&["arn:aws:iam::123456789012:group/admins"])
            }),
            "allowed_principal_arns",
            "not an IAM role or user ARN",
        ),
        (
            Box::new(|b| {
                b.allowed_principal_arns =
                    strings(&["arn:aws:sts::123456789012:assumed-role/deploy/s"])
            }),
            "allowed_principal_arns",
            "session ARN",
        ),
        (
            Box::new(|b| b.prefixes = strings(&["opus/*/"])),
            "prefixes",
            "widen",
        ),
        (
            Box::new(|b| {
                b.expire_prefixes = Value::Value(
                    [(
                        "tmp/${aws:username}/".to_string(),
                        Value::Value(Number::from(7)),
                    )]
                    .into(),
                )
            }),
            "expire_prefixes",
            "widen",
        ),
    ];
    for (f, attr, detail) in cases {
        let errs = errors(&config(f));
        assert_eq!(errs.len(), 1, "{attr}: {errs:?}");
        let (path, text) = &errs[0];
        assert!(
            path.contains("data_bucket") && path.contains(attr),
            "{path}"
        );
        assert!(text.contains(detail), "{attr}: {text}");
    }
    // Valid values pass.
    let ok = config(|b| {
        b.sse_algorithm = Value::Value("aws:kms:dsse".into());
        b.kms_key_arn = Value::Value("arn:aws:kms:us-east-1:123456789012:key/abc".into());
        b.intelligent_tiering = Value::Value(false);
        b.allowed_principal_arns = strings(&["arn:aws:iam::123456789012:role/deploy"]);
    });
    assert!(errors(&ok).is_empty(), "{:?}", errors(&ok));
}

fn tiering(s: &State, role: BucketRole) -> Value<bool> {
    s.bucket_block(role)
        .as_ref_option()
        .map(|b| b.intelligent_tiering)
        .unwrap_or(Value::Null)
}

#[test]
fn intelligent_tiering_is_resolved_at_plan() {
    let (s, _) = plan(&env(), &config(|_| {}), Some(OWNER)).unwrap();
    assert_eq!(tiering(&s, BucketRole::Data), Value::Value(true));
    assert_eq!(tiering(&s, BucketRole::Assets), Value::Value(false));
    assert_eq!(tiering(&s, BucketRole::Analysis), Value::Value(false));
    let (s, _) = plan(
        &env(),
        &config(|b| b.create = Value::Value(false)),
        Some(OWNER),
    )
    .unwrap();
    assert_eq!(tiering(&s, BucketRole::Data), Value::Value(false));
    let (s, _) = plan(
        &env(),
        &config(|b| {
            b.create = Value::Value(false);
            b.intelligent_tiering = Value::Value(true);
        }),
        Some(OWNER),
    )
    .unwrap();
    assert_eq!(tiering(&s, BucketRole::Data), Value::Value(true));
    // While `create` is unknown, so is the default.
    let mut c = config(|b| b.create = Value::Unknown);
    let (s, full) = plan(&env(), &c, Some(OWNER)).unwrap();
    assert!(full.is_none());
    assert_eq!(tiering(&s, BucketRole::Data), Value::Unknown);
    assert_eq!(tiering(&s, BucketRole::Assets), Value::Value(false));
    // Import reads it back: an imported state plans like the configuration.
    c = config(|b| {
        b.create = Value::Value(false);
        b.intelligent_tiering = Value::Value(true);
        b.sse_algorithm = Value::Value("aws:kms".into());
        b.allowed_principal_arns = strings(&["arn:aws:iam::123456789012:role/deploy"]);
    });
    let (planned, full) = plan(&env(), &c, Some(OWNER)).unwrap();
    let (settings, _) = full.unwrap();
    let (replanned, _) = plan(&env(), &state_from_settings(&settings), Some(OWNER)).unwrap();
    assert_eq!(replanned, planned);
}

#[test]
fn deployer_left_out_of_allowed_principals_is_warned() {
    let allowed = |list: &[&str]| {
        let c = config(|b| b.allowed_principal_arns = strings(list));
        let (_, full) = plan(&env(), &c, Some(OWNER)).unwrap();
        full.unwrap().0
    };
    let caller = "arn:aws:sts::123456789012:assumed-role/deploy/ci-1";
    let w = deployer_warnings(
        Some(caller),
        &allowed(&["arn:aws:iam::123456789012:role/admin"]),
    );
    assert_eq!(w.len(), 1);
    assert_eq!(
        format!("{}", w[0].attribute),
        "data_bucket.allowed_principal_arns"
    );
    assert!(w[0].detail.contains(caller), "{}", w[0].detail);
    // The role, with a path the session ARN does not show: no warning.
    let s = allowed(&["arn:aws:iam::123456789012:role/platform/deploy"]);
    assert!(deployer_warnings(Some(caller), &s).is_empty());
    // No list, or no caller known: nothing to warn about.
    assert!(deployer_warnings(Some(caller), &allowed(&[])).is_empty());
    assert!(
        deployer_warnings(None, &allowed(&["arn:aws:iam::123456789012:role/admin"])).is_empty()
    );
}

#[test]
fn plans_name_the_children_a_change_rewrites() {
    let prior = config(|b| b.create = Value::Value(false));
    let (prior_state, prior_full) = plan(&env(), &prior, Some(OWNER)).unwrap();
    let changed = config(|b| {
        b.create = Value::Value(false);
        b.sse_algorithm = Value::Value("AES256".into());
        b.intelligent_tiering = Value::Value(true);
    });
    let (mut s, full) = plan(&env(), &changed, Some(OWNER)).unwrap();
    mark_changed_children(&prior_full.unwrap().1, &full.unwrap().1, &mut s);
    let children = s.children.as_ref_option().unwrap();
    let unknown: Vec<&String> = children
        .iter()
        .filter(|(_, v)| v.is_unknown())
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        unknown,
        [
            "aws_s3_bucket_lifecycle_configuration.acme-dev-data",
            "aws_s3_bucket_server_side_encryption_configuration.acme-dev-data",
        ]
    );
    // Nothing changed: every child stays `ok`.
    let (mut same, full) = plan(&env(), &prior, Some(OWNER)).unwrap();
    let (_, again) = plan(&env(), &prior_state, Some(OWNER)).unwrap();
    mark_changed_children(&again.unwrap().1, &full.unwrap().1, &mut same);
    assert_eq!(same, prior_state);
}
