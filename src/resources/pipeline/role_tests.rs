//! Unit tests of the role block at the resource layer: validation at the attribute, the
//! path in the ARNs (and the replacement it forces), in-place settings, import read-back,
//! and failures pointed at the setting behind them.

use super::tests::{base, env, errors_at, OWNER};
use super::*;

fn role(f: impl FnOnce(&mut RoleBlock)) -> Value<RoleBlock> {
    let mut r = RoleBlock::default();
    f(&mut r);
    Value::Value(r)
}

/// Each new `role` setting is checked offline, and the error names its attribute.
#[test]
fn role_settings_are_validated_at_their_attribute() {
    type Mutation = Box<dyn Fn(&mut RoleBlock)>;
    let s = |v: &str| Value::Value(v.to_string());
    let cases: Vec<(&str, Mutation)> = vec![
        ("path", Box::new(move |r| r.path = s("flywheel"))),
        ("path", Box::new(move |r| r.path = s("/fly wheel/"))),
        (
            "permissions_boundary",
            Box::new(move |r| r.permissions_boundary = s("flywheel-boundary")),
        ),
        (
            "permissions_boundary",
            Box::new(move |r| {
                r.permissions_boundary = s("arn:aws:iam::239083076653:role/not-a-policy")
            }),
        ),
        (
            "managed_policy_arns",
            Box::new(move |r| {
                r.attach_glue_service_role = Value::Value(false);
                r.managed_policy_arns = Value::Value(vec![s(
                    "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole",
                )]);
            }),
        ),
    ];
    for (attr, mutate) in cases {
        let mut c = base();
        let mut r = RoleBlock::default();
        mutate(&mut r);
        c.role = Value::Value(r);
        let mut d = Diagnostics::default();
        validate_config(&c, &mut d);
        assert_eq!(d.errors.len(), 1, "{attr}: {:?}", d.errors);
        let at = format!("{:?}", d.errors[0].attribute);
        assert!(
            at.contains("\"role\"") && at.contains(&format!("\"{attr}\"")),
            "{attr}: {at}"
        );
        assert!(
            d.errors[0].detail.starts_with(&format!("role.{attr}: ")),
            "{attr}: {}",
            d.errors[0].detail
        );
    }
    // Valid values, and AWSGlueServiceRole listed while it is attached anyway, pass.
    let mut c = base();
    c.role = role(|r| {
        r.path = s("/flywheel/");
        r.permissions_boundary = s("arn:aws:iam::239083076653:policy/flywheel-boundary");
        r.confused_deputy_conditions = Value::Value(true);
        r.managed_policy_arns = Value::Value(vec![s(
            "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole",
        )]);
    });
    assert!(errors_at(&c).is_empty(), "{:?}", errors_at(&c));
}

/// The path is in `role_arn` and `context.role_arn`, also while other settings are
/// unknown; null and "/" are one path; another path replaces the pipeline.
#[test]
fn the_role_path_is_in_the_arns_and_replaces_when_changed() {
    let (prior, _) = plan(&env(), &base(), Some(OWNER)).unwrap();
    let with_path = |p: Value<String>| {
        let mut c = base();
        c.role = role(|r| r.path = p);
        c
    };
    let (planned, _) = plan(&env(), &with_path(Value::Value("/".into())), Some(OWNER)).unwrap();
    assert!(replace_paths(&prior, &planned).is_empty());
    assert_eq!(planned.role_arn, prior.role_arn);

    let (planned, full) = plan(
        &env(),
        &with_path(Value::Value("/flywheel/".into())),
        Some(OWNER),
    )
    .unwrap();
    let want = "arn:aws:iam::123456789012:role/flywheel/acme-dev-glue-role";
    assert_eq!(planned.role_arn, Value::Value(want.into()));
    assert_eq!(
        planned.context.as_ref_option().unwrap().role_arn,
        Value::Value(want.into())
    );
    assert_eq!(full.unwrap().1.role_arn, want);
    let paths: Vec<String> = replace_paths(&prior, &planned)
        .iter()
        .map(|p| format!("{p:?}"))
        .collect();
    assert_eq!(paths.len(), 1, "{paths:?}");
    assert!(paths[0].contains("path"), "{paths:?}");
    // And back: from "/flywheel/" to null (the default "/") replaces too.
    assert_eq!(replace_paths(&planned, &prior).len(), 1);

    // An unknown path: the role's ARN is unknown, and the path may change: replace.
    let mut c = with_path(Value::Unknown);
    c.tags = Value::Value([("rev".to_string(), Value::Unknown)].into());
    let (planned, full) = plan(&env(), &c, Some(OWNER)).unwrap();
    assert!(full.is_none());
    assert!(planned.role_arn.is_unknown());
    assert!(planned
        .context
        .as_ref_option()
        .unwrap()
        .role_arn
        .is_unknown());
    assert_eq!(replace_paths(&prior, &planned).len(), 1);
    // A known path with another unknown setting keeps the ARN known.
    let mut c = with_path(Value::Value("/flywheel/".into()));
    c.tags = Value::Value([("rev".to_string(), Value::Unknown)].into());
    let (planned, _) = plan(&env(), &c, Some(OWNER)).unwrap();
    assert_eq!(planned.role_arn, Value::Value(want.into()));
}

/// The new settings are updated in place (not replaced), and a state from before them
/// (every new attribute null) plans them as null: no change but what the role needs.
#[test]
fn the_other_role_settings_update_in_place() {
    let (prior, _) = plan(&env(), &base(), Some(OWNER)).unwrap();
    let s = |v: &str| Value::Value(v.to_string());
    let mut c = base();
    c.role = role(|r| {
        r.permissions_boundary = s("arn:aws:iam::123456789012:policy/boundary");
        r.confused_deputy_conditions = Value::Value(true);
        r.attach_glue_service_role = Value::Value(false);
    });
    let (planned, full) = plan(&env(), &c, Some(OWNER)).unwrap();
    assert!(replace_paths(&prior, &planned).is_empty());
    let (settings, d) = full.unwrap();
    assert_eq!(
        settings.permissions_boundary.as_deref(),
        Some("arn:aws:iam::123456789012:policy/boundary")
    );
    assert!(settings.confused_deputy_conditions);
    assert!(!settings.attaches_glue_service_role());
    assert!(!d
        .children
        .iter()
        .any(|c| c.key.kind == Kind::IamRolePolicyAttachment));
    // Planned as configured; null stays null (the defaults are not written into state).
    let r = prior.role.as_ref_option().unwrap();
    assert!(r.path.is_null() && r.permissions_boundary.is_null());
    assert!(r.confused_deputy_conditions.is_null() && r.attach_glue_service_role.is_null());
    // Unknown values name their attribute.
    let mut c = base();
    c.role = role(|r| {
        r.path = Value::Unknown;
        r.attach_glue_service_role = Value::Unknown;
    });
    assert_eq!(
        unknown_paths(&c),
        ["role.path", "role.attach_glue_service_role"]
    );
}

#[test]
fn imported_role_settings_plan_like_the_config() {
    let s = |v: &str| Value::Value(v.to_string());
    let mut c = base();
    c.role = role(|r| {
        r.path = s("/flywheel/");
        r.permissions_boundary = s("arn:aws:iam::123456789012:policy/boundary");
        r.confused_deputy_conditions = Value::Value(true);
        r.attach_glue_service_role = Value::Value(false);
    });
    let (planned, full) = plan(&env(), &c, Some(OWNER)).unwrap();
    let (settings, d) = full.unwrap();
    // What import reads back from a role made by this configuration ...
    let Some(crate::model::pipeline::Spec::RolePolicy { document }) = d
        .child(&ChildKey::new(
            Kind::IamRolePolicy,
            &d.role,
            model::INLINE_POLICY_NAME,
        ))
        .map(|c| c.spec.clone())
    else {
        panic!("no inline policy")
    };
    let observed = Observed {
        role: Some(crate::model::pipeline::ObservedRole {
            arn: d.role_arn.clone(),
            path: "/flywheel/".into(),
            trust_policy: crate::model::policy::glue_trust_policy_confused_deputy(
                "aws",
                "us-east-1",
                "123456789012",
            ),
            permissions_boundary: Some("arn:aws:iam::123456789012:policy/boundary".into()),
            tags: d.tags.clone(),
            inline_policy: Some(document),
            ..Default::default()
        }),
        ..Default::default()
    };
    let base_settings = Settings {
        name: settings.name.clone(),
        environment: settings.environment.clone(),
        ..Default::default()
    };
    let imported = imported_settings(base_settings, &env(), &observed);
    // ... plans what the configuration plans.
    let (replanned, _) = plan(&env(), &state_from_settings(&imported), Some(OWNER)).unwrap();
    assert_eq!(replanned.role, planned.role);
    assert_eq!(replanned.role_arn, planned.role_arn);
    assert_eq!(replanned.children, planned.children);
    // A role that merely lost the attachment (its inline policy is the default kind) is
    // imported with the default, and the plan attaches it again.
    let mut lost = observed.clone();
    if let Some(r) = &mut lost.role {
        r.inline_policy = Some(serde_json::json!({"Version": "2012-10-17", "Statement": []}));
    }
    let imported = imported_settings(Settings::default(), &env(), &lost);
    assert_eq!(imported.attach_glue_service_role, None);
}

#[test]
fn a_failure_on_the_left_out_glue_service_role_points_at_its_setting() {
    let mut c = base();
    c.role = role(|r| r.attach_glue_service_role = Value::Value(false));
    let (_, full) = plan(&env(), &c, Some(OWNER)).unwrap();
    let (_, d) = full.unwrap();
    let glue = ChildKey::new(
        Kind::IamRolePolicyAttachment,
        &d.role,
        "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole",
    );
    assert_eq!(
        format!("{:?}", child_path(&d, &glue)),
        format!("{:?}", path_of(&["role", "attach_glue_service_role"]))
    );
    // An inline policy the configuration does not want: the role.
    let extra = ChildKey::new(Kind::IamRolePolicy, &d.role, "backdoor");
    assert_eq!(
        format!("{:?}", child_path(&d, &extra)),
        format!("{:?}", path_of(&["role", "name"]))
    );
}
