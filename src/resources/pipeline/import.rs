//! Import: the configuration an existing pipeline implies, read back from AWS, and the
//! identity it takes.

use super::*;

/// The identity an imported pipeline takes: the one on its role, else its database, else
/// a created bucket; a new one when none carries one.
pub(super) fn imported_owner(d: &Desired, o: &Observed) -> String {
    let found = |t: &Tags| {
        t.get(ownership::OWNER_TAG)
            .filter(|v| ownership::is_owner_id(v))
            .cloned()
    };
    o.role
        .as_ref()
        .and_then(|r| found(&r.tags))
        .or_else(|| o.database.as_ref().and_then(|db| found(&db.tags)))
        .or_else(|| {
            d.buckets.iter().find_map(|b| match o.buckets.get(&b.name) {
                Some(Some(ob)) => found(&ob.tags),
                _ => None,
            })
        })
        .unwrap_or_else(|| ownership::new_owner_id(rand::random()))
}

/// The configuration an existing pipeline implies, read back from AWS: `tags` from the
/// role's tags (without ownership and provider default tags), the database description,
/// extra managed policies, the role's path, permissions boundary, confused-deputy
/// conditions and whether AWSGlueServiceRole is left out, its other inline policies (a catalog-scoped inline policy
/// without the attachment), the data/analysis buckets' `prefixes` (from the inline policy),
/// and from each bucket `expire_prefixes`, `intelligent_tiering`, `allowed_principal_arns`
/// and (unless adopted) its encryption.
pub(super) fn imported_settings(mut s: Settings, env: &Env, o: &Observed) -> Settings {
    if let Some(r) = &o.role {
        s.tags = model::pipeline_tags_of(&r.tags, env);
        let glue = model::glue_service_role_arn(&env.partition);
        s.managed_policy_arns = r.attached.iter().filter(|a| **a != glue).cloned().collect();
        // The role's other inline policies, which its jobs may rely on: kept, not removed.
        s.inline_policies = r.other_policies.clone();
        s.role_path = Some(r.path.clone()).filter(|p| p != model::DEFAULT_ROLE_PATH);
        s.permissions_boundary = r.permissions_boundary.clone();
        let has_conditions = crate::model::policy::condition_keys(&r.trust_policy)
            .iter()
            .any(|k| crate::model::policy::CONFUSED_DEPUTY_KEYS.contains(&k.as_str()));
        s.confused_deputy_conditions = has_conditions;
        // Without the attachment, the role is the catalog-scoped kind when its inline
        // policy says so; a role that merely lost the attachment gets it back.
        let catalog_scoped = r.inline_policy.as_ref().is_some_and(|doc| {
            crate::model::policy::statements(doc)
                .iter()
                .any(|st| st.get("Sid").and_then(Json::as_str) == Some(model::CATALOG_READ_SID))
        });
        if !r.attached.contains(&glue) && catalog_scoped {
            s.attach_glue_service_role = Some(false);
        }
        if let Some(doc) = &r.inline_policy {
            for role in [BucketRole::Data, BucketRole::Analysis] {
                let name = model::bucket_name(&s, role);
                let arn = format!("{}/", model::bucket_arn(&env.partition, &name));
                let prefixes: Vec<String> = crate::model::policy::statements(doc)
                    .iter()
                    .filter(|st| st.get("Sid").and_then(Json::as_str) == Some("ReadWriteObjects"))
                    .flat_map(|st| match st.get("Resource") {
                        Some(Json::Array(a)) => a.clone(),
                        Some(v) => vec![v.clone()],
                        None => vec![],
                    })
                    .filter_map(|r| r.as_str().map(str::to_string))
                    .filter_map(|r| r.strip_prefix(&arn).map(str::to_string))
                    .filter(|p| p != "*")
                    .filter_map(|p| p.strip_suffix('*').map(str::to_string))
                    .collect();
                match role {
                    BucketRole::Data => s.data.prefixes = prefixes,
                    _ => s.analysis.prefixes = prefixes,
                }
            }
        }
    }
    if let Some(db) = &o.database {
        s.database_description = db.description.clone().filter(|d| !d.is_empty());
    }
    let role_arn = model::role_arn(
        &env.partition,
        &env.account,
        &model::role_path(&s),
        &model::role_name(&s),
    );
    for role in BucketRole::ALL {
        let name = model::bucket_name(&s, role);
        let Some(Some(b)) = o.buckets.get(&name) else {
            continue;
        };
        let mut read = BTreeMap::new();
        for r in b.lifecycle_rules.iter().flatten() {
            if let (Some(days), true) = (r.expiration_days, r.id.starts_with("flywheel-expire-")) {
                read.insert(r.prefix.clone(), days);
            }
        }
        let created = s.bucket(role).create != Some(false);
        let expire = model::expire_prefixes_of(&read, role, created);
        let tiering = b
            .lifecycle_rules
            .iter()
            .flatten()
            .any(|r| r.intelligent_tiering_days.is_some());
        let bs = match role {
            BucketRole::Data => &mut s.data,
            BucketRole::Assets => &mut s.assets,
            BucketRole::Analysis => &mut s.analysis,
        };
        // An adopted bucket keeps its encryption without a setting; a created one is
        // described exactly (SSE-KMS with a key needs only `kms_key_arn`).
        let adopted = bs.create == Some(false);
        if let Some((sse, key)) = b.encryption.as_ref().filter(|_| !adopted) {
            bs.kms_key_arn = key.clone().filter(|_| sse != model::SSE_S3);
            let implied = if bs.kms_key_arn.is_some() {
                model::SSE_KMS
            } else {
                model::SSE_S3
            };
            bs.sse_algorithm = (sse != implied).then(|| sse.clone());
        }
        bs.expire_prefixes = expire;
        bs.intelligent_tiering = Some(tiering);
        bs.allowed_principal_arns = b
            .policy_statements
            .iter()
            .flatten()
            .find(|st| st.get("Sid").and_then(Json::as_str) == Some(model::RESTRICT_SID))
            .and_then(|st| st.pointer("/Condition/ArnNotLike/aws:PrincipalArn"))
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Json::as_str)
                    .filter(|p| *p != role_arn)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
    }
    s
}

/// A configuration-shaped state for `s`, as a user would write it.
pub(super) fn state_from_settings(s: &Settings) -> State {
    let list = |v: &[String]| {
        if v.is_empty() {
            Value::Null
        } else {
            Value::Value(v.iter().cloned().map(Value::Value).collect())
        }
    };
    let bucket = |b: &BucketSettings| {
        Value::Value(BucketBlock {
            name: opt_value(b.name.clone()),
            create: opt_value(b.create),
            prefixes: list(&b.prefixes),
            expire_prefixes: if b.expire_prefixes.is_empty() {
                Value::Null
            } else {
                Value::Value(
                    b.expire_prefixes
                        .iter()
                        .map(|(k, d)| (k.clone(), Value::Value(Number::from(*d))))
                        .collect(),
                )
            },
            kms_key_arn: opt_value(b.kms_key_arn.clone()),
            sse_algorithm: opt_value(b.sse_algorithm.clone()),
            intelligent_tiering: opt_value(b.intelligent_tiering),
            allowed_principal_arns: list(&b.allowed_principal_arns),
        })
    };
    State {
        name: Value::Value(s.name.clone()),
        environment: opt_value(s.environment.clone()),
        force_destroy: Value::Value(false),
        tags: if s.tags.is_empty() {
            Value::Null
        } else {
            to_map(&s.tags)
        },
        database: Value::Value(DatabaseBlock {
            name: opt_value(s.database_name.clone()),
            description: opt_value(s.database_description.clone()),
        }),
        role: Value::Value(RoleBlock {
            name: opt_value(s.role_name.clone()),
            managed_policy_arns: list(&s.managed_policy_arns),
            path: opt_value(s.role_path.clone()),
            permissions_boundary: opt_value(s.permissions_boundary.clone()),
            confused_deputy_conditions: opt_value(s.confused_deputy_conditions.then_some(true)),
            attach_glue_service_role: opt_value(s.attach_glue_service_role),
            inline_policies: if s.inline_policies.is_empty() {
                Value::Null
            } else {
                to_map(
                    &s.inline_policies
                        .iter()
                        .map(|(k, v)| (k.clone(), crate::model::policy::canonical_json(v)))
                        .collect(),
                )
            },
        }),
        data_bucket: bucket(&s.data),
        assets_bucket: bucket(&s.assets),
        analysis_bucket: bucket(&s.analysis),
        alerts: opt_value(s.alerts.as_ref().map(alerts_block_of)),
        ..Default::default()
    }
}
