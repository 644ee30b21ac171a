//! Configuration to settings to the planned state: effective names, computed values, the
//! identity (unknown until the first apply), and which changes replace.

use super::*;

// Kept: a null element is left out, as `known_map` does (crawler.rs's copy calls it unknown).
pub(super) fn known_list(v: &Value<Vec<Value<String>>>) -> Result<Vec<String>, Unknown> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Unknown => Err(Unknown),
        Value::Value(items) => items
            .iter()
            .filter(|i| !i.is_null())
            .map(|i| i.as_ref_option().cloned().ok_or(Unknown))
            .collect(),
    }
}

pub(crate) fn env_of(ctx: &AwsContext) -> Result<Env, Diagnostic> {
    let account = ctx.identity.as_ref().map(|i| i.account_id.clone()).ok_or_else(|| {
        Diagnostic::root(
            "flywheel_pipeline needs the AWS account ID",
            "The role's ARN, the CloudWatch Logs and Data Catalog ARNs of its policy and the trust policy's confused-deputy conditions name the account, and the provider learns it from STS at configure time. Remove `skip_requesting_account_id = true` from the provider block.",
        )
    })?;
    Ok(Env {
        partition: ctx.partition.to_string(),
        region: ctx.region.clone(),
        account,
        default_tags: ctx.default_tags.clone(),
    })
}

pub(super) fn bucket_settings(b: &Value<BucketBlock>) -> Result<BucketSettings, Unknown> {
    let Value::Value(b) = b else {
        return if b.is_unknown() {
            Err(Unknown)
        } else {
            Ok(BucketSettings::default())
        };
    };
    let create = match &b.create {
        Value::Value(c) => Some(*c),
        Value::Null => None,
        Value::Unknown => return Err(Unknown),
    };
    let expire_prefixes = match &b.expire_prefixes {
        Value::Null => BTreeMap::new(),
        Value::Unknown => return Err(Unknown),
        Value::Value(m) => {
            let mut out = BTreeMap::new();
            for (k, v) in m {
                match v {
                    Value::Value(n) => {
                        // Fractional days fail validation; no settings meanwhile.
                        out.insert(k.clone(), n.as_i64().ok_or(Unknown)?);
                    }
                    Value::Null => {}
                    Value::Unknown => return Err(Unknown),
                }
            }
            out
        }
    };
    Ok(BucketSettings {
        name: known_str(&b.name)?,
        create,
        prefixes: known_list(&b.prefixes)?,
        expire_prefixes,
        kms_key_arn: known_str(&b.kms_key_arn)?,
        sse_algorithm: known_str(&b.sse_algorithm)?,
        intelligent_tiering: match &b.intelligent_tiering {
            Value::Value(t) => Some(*t),
            Value::Null => None,
            Value::Unknown => return Err(Unknown),
        },
        allowed_principal_arns: known_list(&b.allowed_principal_arns)?,
    })
}

/// The configuration attributes that are unknown (for error messages).
pub(super) fn unknown_paths(c: &State) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |path: String, unknown: bool| {
        if unknown {
            out.push(path);
        }
    };
    check("name".into(), known_str(&c.name).is_err());
    check("environment".into(), known_str(&c.environment).is_err());
    check("force_destroy".into(), c.force_destroy.is_unknown());
    check("tags".into(), known_map(&c.tags).is_err());
    unknown_alert_paths(&c.alerts, &mut check);
    match &c.database {
        Value::Unknown => check("database".into(), true),
        Value::Value(d) => {
            check("database.name".into(), d.name.is_unknown());
            check("database.description".into(), d.description.is_unknown());
        }
        Value::Null => {}
    }
    match &c.role {
        Value::Unknown => check("role".into(), true),
        Value::Value(r) => {
            check("role.name".into(), r.name.is_unknown());
            check("role.path".into(), r.path.is_unknown());
            check(
                "role.permissions_boundary".into(),
                r.permissions_boundary.is_unknown(),
            );
            check(
                "role.confused_deputy_conditions".into(),
                r.confused_deputy_conditions.is_unknown(),
            );
            check(
                "role.attach_glue_service_role".into(),
                r.attach_glue_service_role.is_unknown(),
            );
            check(
                "role.managed_policy_arns".into(),
                known_list(&r.managed_policy_arns).is_err(),
            );
            check(
                "role.inline_policies".into(),
                known_map(&r.inline_policies).is_err(),
            );
        }
        Value::Null => {}
    }
    for role in BucketRole::ALL {
        let block = role.block();
        match c.bucket_block(role) {
            Value::Unknown => check(block.into(), true),
            Value::Value(b) => {
                check(format!("{block}.name"), b.name.is_unknown());
                check(format!("{block}.create"), b.create.is_unknown());
                check(
                    format!("{block}.prefixes"),
                    known_list(&b.prefixes).is_err(),
                );
                check(
                    format!("{block}.expire_prefixes"),
                    match &b.expire_prefixes {
                        Value::Unknown => true,
                        Value::Value(m) => m.values().any(|v| v.is_unknown()),
                        Value::Null => false,
                    },
                );
                check(format!("{block}.kms_key_arn"), b.kms_key_arn.is_unknown());
                check(
                    format!("{block}.sse_algorithm"),
                    b.sse_algorithm.is_unknown(),
                );
                check(
                    format!("{block}.intelligent_tiering"),
                    b.intelligent_tiering.is_unknown(),
                );
                check(
                    format!("{block}.allowed_principal_arns"),
                    known_list(&b.allowed_principal_arns).is_err(),
                );
            }
            Value::Null => {}
        }
    }
    out
}

/// The `role` block's settings as written (`None`: not set).
#[derive(Default)]
struct RoleSettings {
    name: Option<String>,
    path: Option<String>,
    permissions_boundary: Option<String>,
    confused_deputy_conditions: Option<bool>,
    attach_glue_service_role: Option<bool>,
    managed_policy_arns: Vec<String>,
    inline_policies: BTreeMap<String, Json>,
}

fn known_bool(v: &Value<bool>) -> Result<Option<bool>, Unknown> {
    match v {
        Value::Value(b) => Ok(Some(*b)),
        Value::Null => Ok(None),
        Value::Unknown => Err(Unknown),
    }
}

/// The settings, `Ok(None)` while any of them is unknown.
pub(super) fn settings(c: &State) -> Result<Option<Settings>, Diagnostic> {
    let s = (|| -> Result<Settings, Unknown> {
        let (db_name, db_desc) = match &c.database {
            Value::Value(d) => (known_str(&d.name)?, known_str(&d.description)?),
            Value::Null => (None, None),
            Value::Unknown => return Err(Unknown),
        };
        let role = match &c.role {
            Value::Value(r) => RoleSettings {
                name: known_str(&r.name)?,
                path: known_str(&r.path)?,
                permissions_boundary: known_str(&r.permissions_boundary)?,
                confused_deputy_conditions: known_bool(&r.confused_deputy_conditions)?,
                attach_glue_service_role: known_bool(&r.attach_glue_service_role)?,
                managed_policy_arns: known_list(&r.managed_policy_arns)?,
                // Validation has refused documents that are not JSON.
                inline_policies: known_map(&r.inline_policies)?
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| Ok((k, crate::model::policy::parse(&v).ok_or(Unknown)?)))
                    .collect::<Result<_, Unknown>>()?,
            },
            Value::Null => RoleSettings::default(),
            Value::Unknown => return Err(Unknown),
        };
        Ok(Settings {
            name: known_str(&c.name)?.ok_or(Unknown)?,
            environment: known_str(&c.environment)?,
            database_name: db_name,
            database_description: db_desc,
            role_name: role.name,
            role_path: role.path,
            permissions_boundary: role.permissions_boundary,
            confused_deputy_conditions: role.confused_deputy_conditions.unwrap_or(false),
            attach_glue_service_role: role.attach_glue_service_role,
            managed_policy_arns: role.managed_policy_arns,
            inline_policies: role.inline_policies,
            data: bucket_settings(&c.data_bucket)?,
            assets: bucket_settings(&c.assets_bucket)?,
            analysis: bucket_settings(&c.analysis_bucket)?,
            tags: known_map(&c.tags)?.unwrap_or_default(),
            owner_id: None,
            alerts: match &c.alerts {
                Value::Value(a) => Some(alert_settings(a)?),
                Value::Null => None,
                Value::Unknown => return Err(Unknown),
            },
        })
    })();
    Ok(s.ok())
}

pub(super) fn children_value(statuses: &BTreeMap<ChildKey, Status>) -> Value<Map> {
    Value::Value(
        statuses
            .iter()
            .map(|(k, s)| (k.address(), Value::Value(s.text())))
            .collect(),
    )
}

/// The planned state: configuration with effective names, and every computed value.
/// Also the desired expansion when everything is known. `owner`: the identity, or `None`
/// while it is not made yet (then it and the tags that carry it are unknown).
pub(super) fn plan(
    env: &Env,
    config: &State,
    owner: Option<&str>,
) -> Result<(State, Option<(Settings, Desired)>), Diagnostic> {
    let (mut s, full) = plan_known_owner(env, config, owner)?;
    match owner {
        Some(o) => s.owner_id = Value::Value(o.to_string()),
        None => owner_unknown(&mut s),
    }
    Ok((s, full))
}

pub(super) fn plan_known_owner(
    env: &Env,
    config: &State,
    owner: Option<&str>,
) -> Result<(State, Option<(Settings, Desired)>), Diagnostic> {
    let mut s = config.clone();
    if s.force_destroy.is_null() {
        s.force_destroy = Value::Value(false);
    }
    for v in [&mut s.database] {
        if v.is_null() {
            *v = Value::Value(DatabaseBlock::default());
        }
    }
    if s.role.is_null() {
        s.role = Value::Value(RoleBlock::default());
    }
    for role in BucketRole::ALL {
        let b = s.bucket_block_mut(role);
        if b.is_null() {
            *b = Value::Value(BucketBlock::default());
        }
    }
    let Some(mut settings) = settings(config)? else {
        plan_partly_known(env, config, owner, &mut s);
        return Ok((s, None));
    };
    settings.owner_id = owner.map(str::to_string);
    let desired = model::expand(&settings, env);
    if let Value::Value(d) = &mut s.database {
        d.name = Value::Value(desired.database.clone());
    }
    if let Value::Value(r) = &mut s.role {
        r.name = Value::Value(desired.role.clone());
    }
    for b in &desired.buckets {
        if let Value::Value(block) = s.bucket_block_mut(b.role) {
            block.name = Value::Value(b.name.clone());
            block.create = Value::Value(b.create);
            block.intelligent_tiering =
                Value::Value(model::intelligent_tiering(settings.bucket(b.role), b.role));
            if b.role == BucketRole::Analysis && block.expire_prefixes.is_null() {
                block.expire_prefixes =
                    expiry_value(&model::expiry(settings.bucket(b.role), b.role));
            }
        }
        let arn = Value::Value(b.arn.clone());
        match b.role {
            BucketRole::Data => s.data_bucket_arn = arn,
            BucketRole::Assets => s.assets_bucket_arn = arn,
            BucketRole::Analysis => s.analysis_bucket_arn = arn,
        }
    }
    s.id = Value::Value(model::import_id(&settings));
    s.role_arn = Value::Value(desired.role_arn.clone());
    s.database_name = Value::Value(desired.database.clone());
    s.tags_all = to_map(&desired.tags);
    s.context = Value::Value(crate::resources::context::value_of(&model::context(
        &settings, env,
    )));
    s.managed_objects = Value::Value(tf_managed::values(&model::managed_objects(&desired, env)));
    if let Value::Value(a) = &mut s.alerts {
        fill_alert_defaults(a);
    }
    s.alerts_topic_arn = opt_value(
        settings
            .alerts
            .as_ref()
            .map(|a| model::topic_arn(&settings, a, env)),
    );
    let all_ok: BTreeMap<ChildKey, Status> = desired
        .children
        .iter()
        .map(|c| (c.key.clone(), Status::Ok))
        .collect();
    s.children = children_value(&all_ok);
    Ok((s, Some((settings, desired))))
}

/// The analysis bucket's `expire_prefixes` when the configuration leaves it out: its
/// defaults, which any entry replaces. Filled in so that a configuration spelling them out
/// and one relying on them plan alike, and import (which reads every rule) matches both.
fn expiry_value(m: &BTreeMap<String, i64>) -> Value<BTreeMap<String, Value<Number>>> {
    if m.is_empty() {
        return Value::Null;
    }
    Value::Value(
        m.iter()
            .map(|(k, d)| (k.clone(), Value::Value(Number::from(*d))))
            .collect(),
    )
}

/// Each child's name as far as it is known at plan time. A name depends only on `name`,
/// `environment` and its own block's `name`, so an unknown tag, description or policy ARN
/// never makes a name (and with it the whole pipeline) unknown.
#[derive(Debug, Default, PartialEq)]
pub(super) struct PlannedNames {
    database: Option<String>,
    role: Option<String>,
    /// The role's path (`/` when not set); `None` while it is unknown.
    role_path: Option<String>,
    buckets: BTreeMap<BucketRole, Option<String>>,
}

pub(super) fn planned_names(c: &State) -> PlannedNames {
    // The settings every default name derives from, when they are known.
    let base = match (known_str(&c.name), known_str(&c.environment)) {
        (Ok(Some(name)), Ok(environment)) => Some(Settings {
            name,
            environment,
            ..Default::default()
        }),
        _ => None,
    };
    // `Err`: the block or its `name` is unknown; `Ok(None)`: not set, the default applies.
    fn block_name<B>(
        block: &Value<B>,
        name: impl Fn(&B) -> &Value<String>,
    ) -> Result<Option<String>, Unknown> {
        match block {
            Value::Value(b) => known_str(name(b)),
            Value::Null => Ok(None),
            Value::Unknown => Err(Unknown),
        }
    }
    let resolve = |explicit: Result<Option<String>, Unknown>,
                   derive: &dyn Fn(&Settings) -> String| match explicit {
        Ok(Some(n)) => Some(n),
        Ok(None) => base.as_ref().map(derive),
        Err(Unknown) => None,
    };
    PlannedNames {
        database: resolve(block_name(&c.database, |d| &d.name), &model::database_name),
        role: resolve(block_name(&c.role, |r| &r.name), &model::role_name),
        role_path: match block_name(&c.role, |r| &r.path) {
            Ok(p) => Some(p.unwrap_or_else(|| model::DEFAULT_ROLE_PATH.to_string())),
            Err(Unknown) => None,
        },
        buckets: BucketRole::ALL
            .into_iter()
            .map(|role| {
                let name = resolve(block_name(c.bucket_block(role), |b| &b.name), &|s| {
                    model::bucket_name(s, role)
                });
                (role, name)
            })
            .collect(),
    }
}

/// The planned state while some setting is unknown: every value that depends only on known
/// settings is known (child names, ARNs, `database_name`, and each `context` field but
/// `tags` while tags are unknown), so jobs and crawlers that take `context` keep their
/// plans, and only a name that is itself unknown can force a replacement. The id, the
/// expansion (`managed_objects`, `children`) and `tags_all` wait for the whole
/// configuration.
pub(super) fn plan_partly_known(env: &Env, config: &State, owner: Option<&str>, s: &mut State) {
    let names = planned_names(config);
    let known = |n: &Option<String>| n.clone().map(Value::Value).unwrap_or(Value::Unknown);
    s.id = Value::Unknown;
    s.tags_all = Value::Unknown;
    s.managed_objects = Value::Unknown;
    s.children = Value::Unknown;
    s.alerts_topic_arn = if config.alerts.is_null() {
        Value::Null
    } else {
        Value::Unknown
    };
    if let Value::Value(a) = &mut s.alerts {
        fill_alert_defaults(a);
    }
    if let Value::Value(d) = &mut s.database {
        d.name = known(&names.database);
    }
    if let Value::Value(r) = &mut s.role {
        r.name = known(&names.role);
    }
    let bucket = |role: BucketRole| names.buckets.get(&role).cloned().flatten();
    for role in BucketRole::ALL {
        if let Value::Value(b) = s.bucket_block_mut(role) {
            b.name = known(&bucket(role));
            if b.create.is_null() {
                b.create = Value::Value(true);
            }
            if b.intelligent_tiering.is_null() {
                b.intelligent_tiering = match &b.create {
                    Value::Value(create) => Value::Value(role == BucketRole::Data && *create),
                    _ => Value::Unknown,
                };
            }
            if role == BucketRole::Analysis && b.expire_prefixes.is_null() {
                b.expire_prefixes = match &b.create {
                    Value::Value(create) => expiry_value(&model::default_expiry(role, *create)),
                    _ => Value::Unknown,
                };
            }
        }
        let arn = known(&bucket(role).map(|n| model::bucket_arn(&env.partition, &n)));
        match role {
            BucketRole::Data => s.data_bucket_arn = arn,
            BucketRole::Assets => s.assets_bucket_arn = arn,
            BucketRole::Analysis => s.analysis_bucket_arn = arn,
        }
    }
    let role_arn = match (&names.role, &names.role_path) {
        (Some(r), Some(path)) => Some(model::role_arn(&env.partition, &env.account, path, r)),
        _ => None,
    };
    s.role_arn = known(&role_arn);
    s.database_name = known(&names.database);
    // The context's tags: the resource's tags and the pipeline tag, as in the full plan.
    let context_tags = match (known_str(&config.name), known_map(&config.tags)) {
        (Ok(Some(name)), Ok(tags)) => to_map(&model::context_tags(&Settings {
            name,
            tags: tags.unwrap_or_default(),
            owner_id: owner.map(str::to_string),
            ..Default::default()
        })),
        _ => Value::Unknown,
    };
    let assets = bucket(BucketRole::Assets);
    s.context = Value::Value(PipelineContextValue {
        role_arn: known(&role_arn),
        database: known(&names.database),
        data_bucket: known(&bucket(BucketRole::Data)),
        assets_bucket: known(&assets),
        analysis_bucket: known(&bucket(BucketRole::Analysis)),
        scripts_prefix: Value::Value(model::SCRIPTS_PREFIX.to_string()),
        temp_dir: known(&assets.as_deref().map(model::temp_dir)),
        spark_event_logs_path: known(&assets.as_deref().map(model::spark_event_logs_path)),
        tags: context_tags,
    });
}

/// The attributes that force a replacement: only a child's name (a bucket, the database or
/// the role cannot be renamed), and the role's path (IAM cannot move a role). Everything
/// else is updated in place.
///
/// A planned name that is known replaces only when it differs. A planned name that is
/// unknown is unknown because `name`, `environment` or the block's own `name` is (never
/// because of another setting, see [`planned_names`]), so it may well change at apply;
/// it replaces, as a ForceNew attribute does in terraform-provider-aws: updating in place
/// would create the renamed children and leave the old ones behind. The path is compared
/// by its effect: null and `/` are the same path.
pub(super) fn replace_paths(prior: &State, planned: &State) -> Vec<AttributePath> {
    let name_of = |s: &State, block: &str| -> Value<String> {
        match block {
            "database" => s.database.as_ref_option().map(|d| d.name.clone()),
            "role" => s.role.as_ref_option().map(|r| r.name.clone()),
            _ => BucketRole::ALL
                .into_iter()
                .find(|r| r.block() == block)
                .and_then(|r| s.bucket_block(r).as_ref_option().map(|b| b.name.clone())),
        }
        .unwrap_or(Value::Null)
    };
    let changed = |before: &Value<String>, after: &Value<String>| match (before, after) {
        (Value::Value(b), Value::Value(a)) => a != b,
        (Value::Value(_), Value::Unknown) => true,
        _ => false,
    };
    let mut replace = Vec::new();
    for block in [
        "database",
        "role",
        "data_bucket",
        "assets_bucket",
        "analysis_bucket",
    ] {
        if changed(&name_of(prior, block), &name_of(planned, block)) {
            replace.push(AttributePath::new(block).attribute("name"));
        }
    }
    // A state with a role (its name known) has a path: null there is `/`.
    let path_of_role = |s: &State| -> Value<String> {
        match s.role.as_ref_option() {
            Some(r) if r.name.is_value() => match &r.path {
                Value::Null => Value::Value(model::DEFAULT_ROLE_PATH.to_string()),
                other => other.clone(),
            },
            _ => Value::Null,
        }
    };
    let (before, after) = (path_of_role(prior), path_of_role(planned));
    let path_unknown = planned
        .role
        .as_ref_option()
        .is_some_and(|r| r.path.is_unknown());
    let after = if path_unknown { Value::Unknown } else { after };
    if changed(&before, &after) {
        replace.push(AttributePath::new("role").attribute("path"));
    }
    replace
}
