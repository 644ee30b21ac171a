//! The Glue role's expansion: trust policy conditions, path and permissions boundary,
//! inline policies it does not want, and the mode without AWSGlueServiceRole.

use super::tests::{prod, statement};
use super::*;

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

/// `inline_policies`: each is a child compared by its document (read only for the names
/// the configuration gives); one missing is created, one edited differs, one dropped is
/// extra again.
#[test]
fn named_inline_policies_are_compared_by_document() {
    let (mut s, env) = prod();
    let legacy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]});
    s.inline_policies = [("legacy".to_string(), legacy.clone())].into();
    let d = expand(&s, &env);
    assert_eq!(d.other_inline_policies(), ["legacy"]);
    let key = ChildKey::new(Kind::IamRolePolicy, &d.role, "legacy");
    let ours = |d: &Desired| match d.child(&ChildKey::new(
        Kind::IamRolePolicy,
        &d.role,
        INLINE_POLICY_NAME,
    )) {
        Some(Child {
            spec: Spec::RolePolicy { document },
            ..
        }) => document.clone(),
        _ => panic!("no inline policy"),
    };
    let observed = |others: BTreeMap<String, Value>| Observed {
        role: Some(ObservedRole {
            path: "/".into(),
            trust_policy: policy::glue_trust_policy(),
            tags: d.tags.clone(),
            inline_policy: Some(ours(&d)),
            inline_policy_names: std::iter::once(INLINE_POLICY_NAME.to_string())
                .chain(others.keys().cloned())
                .collect(),
            other_policies: others,
            attached: [glue_service_role_arn("aws")].into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    // As written (IAM's order of keys does not matter).
    let st = statuses(
        &d.children,
        &observed_children(
            &d,
            &observed([("legacy".to_string(), legacy.clone())].into()),
        ),
    );
    assert_eq!(st[&key], Status::Ok);
    // Missing, then edited.
    let st = statuses(
        &d.children,
        &observed_children(&d, &observed(BTreeMap::new())),
    );
    assert_eq!(st[&key], Status::Missing);
    let narrow = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
    let st = statuses(
        &d.children,
        &observed_children(
            &d,
            &observed([("legacy".to_string(), narrow.clone())].into()),
        ),
    );
    assert!(matches!(st[&key], Status::Differs(_)), "{:?}", st[&key]);
    // Dropped from the configuration: not in it any more, so deleted.
    s.inline_policies.clear();
    let d2 = expand(&s, &env);
    let mut o = observed(BTreeMap::new());
    if let Some(r) = o.role.as_mut() {
        r.inline_policy_names.insert("legacy".into());
    }
    let st = statuses(&d2.children, &observed_children(&d2, &o));
    assert_eq!(st[&key], Status::Extra);
}

#[test]
fn inline_policy_names_and_documents_are_checked() {
    assert!(check_inline_policy_name("legacy-s3_access.v2@x").is_ok());
    assert!(check_inline_policy_name(INLINE_POLICY_NAME)
        .unwrap_err()
        .contains("pipeline's own"));
    assert!(check_inline_policy_name("a b").is_err());
    assert!(check_inline_policy_name("").is_err());
    assert!(check_inline_policy_name(&"x".repeat(129)).is_err());
    assert!(check_policy_document(
        r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#
    )
    .is_ok());
    assert!(check_policy_document("{")
        .unwrap_err()
        .starts_with("not JSON"));
    assert!(check_policy_document("{}")
        .unwrap_err()
        .contains("Statement"));
    assert!(check_policy_document(r#"{"Statement":[{"Action":"*"}]}"#)
        .unwrap_err()
        .contains("statement 0"));
    assert_eq!(policy_size("{ \"a\" : 1 }"), 7);
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
