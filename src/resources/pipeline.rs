//! `flywheel_pipeline`: an environment's buckets, Glue catalog database and Glue role,
//! expanded with the organisation's defaults, and the `context` jobs and crawlers take.
//!
//! This file holds the schema, offline validation, and the mapping between Terraform values
//! and `crate::model::pipeline`; changes are planned by `crate::reconcile`, and every AWS
//! call is in `crate::aws` (`s3::buckets`, `iam`, `glue::databases`).
//!
//! State shape: the configuration as written, with each block's `name` (and a bucket's
//! `create`) filled with its effective value; computed `id`, ARNs, `context`,
//! `managed_objects`, `tags_all`; and `children`, every child object's address with its
//! status as last read (`ok`, `missing`, `differs: ...`). Plans propose `ok` for every
//! child, so out-of-band drift in any child shows as a change on that child's entry, and
//! apply repairs exactly the children that are not `ok`. A failed apply returns the state
//! with the statuses it reached, so what was created is recorded.
//!
//! Import ID: see [`model::import_id`]; it is also the resource's `id`.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use tf_provider::schema::{NestedBlock, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostic, Diagnostics, Resource};

use crate::aws::{AwsContext, SharedContext};
use crate::model::context::{self, PipelineContextValue};
use crate::model::managed::{self, ManagedObject};
use crate::model::ownership;
use crate::model::pipeline::{
    self as model, BucketRole, BucketSettings, ChildKey, Desired, Env, Kind, Observed, Settings,
    Status,
};
use crate::model::tags::{self, Tags};
use crate::reconcile::pipeline_backend::PipelineBackend;
use crate::reconcile::{self, Converged, Failure, Ownership, Refusal};
use crate::schema::*;
use crate::values::{
    attr_error, known_map, known_str, opt_value, to_map, Number, StringMap, Unknown,
};

type Map = StringMap;

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct DatabaseBlock {
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub description: Value<String>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct RoleBlock {
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub managed_policy_arns: Value<Vec<Value<String>>>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct BucketBlock {
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub create: Value<bool>,
    #[serde(default)]
    pub prefixes: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub expire_prefixes: Value<BTreeMap<String, Value<Number>>>,
    #[serde(default)]
    pub kms_key_arn: Value<String>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub environment: Value<String>,
    #[serde(default)]
    pub force_destroy: Value<bool>,
    #[serde(default)]
    pub tags: Value<Map>,
    #[serde(default)]
    pub tags_all: Value<Map>,
    #[serde(default)]
    pub database: Value<DatabaseBlock>,
    #[serde(default)]
    pub role: Value<RoleBlock>,
    #[serde(default)]
    pub data_bucket: Value<BucketBlock>,
    #[serde(default)]
    pub assets_bucket: Value<BucketBlock>,
    #[serde(default)]
    pub analysis_bucket: Value<BucketBlock>,
    #[serde(default)]
    pub role_arn: Value<String>,
    #[serde(default)]
    pub database_name: Value<String>,
    #[serde(default)]
    pub data_bucket_arn: Value<String>,
    #[serde(default)]
    pub assets_bucket_arn: Value<String>,
    #[serde(default)]
    pub analysis_bucket_arn: Value<String>,
    #[serde(default)]
    pub context: Value<PipelineContextValue>,
    #[serde(default)]
    pub managed_objects: Value<Vec<ManagedObject>>,
    #[serde(default)]
    pub children: Value<Map>,
    #[serde(default)]
    pub owner_id: Value<String>,
}

/// The identity in `s`, when it has one (a state from 0.1.0, or a plan for a create,
/// has none).
fn owner_of(s: &State) -> Option<String> {
    known_str(&s.owner_id).ok().flatten()
}

/// Marks the identity as known after apply: in `owner_id`, in `tags_all` and in the
/// `context` tags (jobs and crawlers then plan their own tags as unknown).
fn owner_unknown(s: &mut State) {
    s.owner_id = Value::Unknown;
    if let Value::Value(t) = &mut s.tags_all {
        t.insert(ownership::OWNER_TAG.into(), Value::Unknown);
    }
    if let Value::Value(c) = &mut s.context {
        if let Value::Value(t) = &mut c.tags {
            t.insert(ownership::PIPELINE_OWNER_TAG.into(), Value::Unknown);
        }
    }
}

impl State {
    fn bucket_block(&self, role: BucketRole) -> &Value<BucketBlock> {
        match role {
            BucketRole::Data => &self.data_bucket,
            BucketRole::Assets => &self.assets_bucket,
            BucketRole::Analysis => &self.analysis_bucket,
        }
    }

    fn bucket_block_mut(&mut self, role: BucketRole) -> &mut Value<BucketBlock> {
        match role {
            BucketRole::Data => &mut self.data_bucket,
            BucketRole::Assets => &mut self.assets_bucket,
            BucketRole::Analysis => &mut self.analysis_bucket,
        }
    }
}

pub struct PipelineResource {
    ctx: SharedContext,
}

impl PipelineResource {
    pub fn new(ctx: SharedContext) -> Self {
        PipelineResource { ctx }
    }
}

// ---------------------------------------------------------------------------------------
// Value conversions

// Kept: a null element is left out, as `known_map` does (crawler.rs's copy calls it unknown).
fn known_list(v: &Value<Vec<Value<String>>>) -> Result<Vec<String>, Unknown> {
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

fn env_of(ctx: &AwsContext) -> Result<Env, Diagnostic> {
    let account = ctx.identity.as_ref().map(|i| i.account_id.clone()).ok_or_else(|| {
        Diagnostic::root(
            "flywheel_pipeline needs the AWS account ID",
            "The role's trust policy (aws:SourceAccount), its ARN and the CloudWatch Logs ARNs name the account, and the provider learns it from STS at configure time. Remove `skip_requesting_account_id = true` from the provider block.",
        )
    })?;
    Ok(Env {
        partition: ctx.partition.to_string(),
        region: ctx.region.clone(),
        account,
        default_tags: ctx.default_tags.clone(),
    })
}

// ---------------------------------------------------------------------------------------
// Validation (offline)

fn path_of(parts: &[&'static str]) -> AttributePath {
    let mut p = AttributePath::new(parts[0]);
    for part in &parts[1..] {
        p = p.attribute(*part);
    }
    p
}

pub fn validate_config(config: &State, diags: &mut Diagnostics) {
    if let Value::Value(n) = &config.name {
        if let Err(e) = model::check_pipeline_name(n) {
            attr_error(
                diags,
                AttributePath::new("name"),
                "Invalid pipeline name",
                e,
            );
        }
    }
    if let Value::Value(e) = &config.environment {
        if let Err(m) = model::check_environment(e) {
            attr_error(
                diags,
                AttributePath::new("environment"),
                "Invalid environment",
                m,
            );
        }
    }
    if let Value::Value(db) = &config.database {
        if let Value::Value(n) = &db.name {
            if let Err(e) = model::check_database_name(n) {
                attr_error(
                    diags,
                    path_of(&["database", "name"]),
                    "Invalid database name",
                    e,
                );
            }
        }
    }
    if let Value::Value(r) = &config.role {
        if let Value::Value(n) = &r.name {
            if let Err(e) = model::check_role_name(n) {
                attr_error(diags, path_of(&["role", "name"]), "Invalid role name", e);
            }
        }
        if let Value::Value(arns) = &r.managed_policy_arns {
            for arn in arns.iter().filter_map(|a| a.as_ref_option()) {
                if let Err(e) = model::check_policy_arn(arn) {
                    attr_error(
                        diags,
                        path_of(&["role", "managed_policy_arns"]),
                        "Invalid policy ARN",
                        e,
                    );
                }
            }
        }
    }
    for role in BucketRole::ALL {
        let Value::Value(b) = config.bucket_block(role) else {
            continue;
        };
        let block = role.block();
        if let Value::Value(n) = &b.name {
            if let Err(e) = crate::validate::bucket_name(n) {
                attr_error(diags, path_of(&[block, "name"]), "Invalid bucket name", e);
            }
        }
        if let Value::Value(prefixes) = &b.prefixes {
            if role == BucketRole::Assets && !prefixes.is_empty() {
                attr_error(
                    diags,
                    path_of(&[block, "prefixes"]),
                    "Prefixes are fixed on the assets bucket",
                    "the assets bucket's prefixes are scripts/, temporary/ and sparkHistoryLogs/; remove `prefixes`",
                );
            }
            for p in prefixes.iter().filter_map(|p| p.as_ref_option()) {
                if let Err(e) = model::check_prefix(p) {
                    attr_error(diags, path_of(&[block, "prefixes"]), "Invalid prefix", e);
                }
            }
        }
        if let Value::Value(expire) = &b.expire_prefixes {
            for (p, days) in expire {
                let at = path_of(&[block, "expire_prefixes"]).key(p.clone());
                if let Err(e) = model::check_prefix(p) {
                    attr_error(diags, at.clone(), "Invalid prefix", e);
                }
                if let Value::Value(n) = days {
                    match n.as_i64() {
                        Some(d) => {
                            if let Err(e) = model::check_days(d) {
                                attr_error(diags, at, "Invalid lifecycle days", e);
                            }
                        }
                        None => attr_error(
                            diags,
                            at,
                            "Invalid lifecycle days",
                            format!("days must be a whole number, not {}", n.0),
                        ),
                    }
                }
            }
        }
        if let Value::Value(k) = &b.kms_key_arn {
            if let Err(e) = model::check_kms_key_arn(k) {
                attr_error(
                    diags,
                    path_of(&[block, "kms_key_arn"]),
                    "Invalid KMS key ARN",
                    e,
                );
            }
        }
    }
    if let Ok(Some(t)) = known_map(&config.tags) {
        for (k, msg) in tags::problems(&t) {
            attr_error(diags, AttributePath::new("tags").key(k), "Invalid tag", msg);
        }
    }
    // Names as a whole (derived defaults, duplicates), when everything is known and valid.
    if diags.errors.is_empty() {
        if let Ok(Some(s)) = settings(config) {
            for (parts, msg) in model::check_names(&s) {
                attr_error(diags, path_of(&parts), "Invalid name", msg);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Configuration -> settings -> planned state

fn bucket_settings(b: &Value<BucketBlock>) -> Result<BucketSettings, Unknown> {
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
    })
}

/// The configuration attributes that are unknown (for error messages).
fn unknown_paths(c: &State) -> Vec<String> {
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
            check(
                "role.managed_policy_arns".into(),
                known_list(&r.managed_policy_arns).is_err(),
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
            }
            Value::Null => {}
        }
    }
    out
}

/// The settings, `Ok(None)` while any of them is unknown.
fn settings(c: &State) -> Result<Option<Settings>, Diagnostic> {
    let s = (|| -> Result<Settings, Unknown> {
        let (db_name, db_desc) = match &c.database {
            Value::Value(d) => (known_str(&d.name)?, known_str(&d.description)?),
            Value::Null => (None, None),
            Value::Unknown => return Err(Unknown),
        };
        let (role_name, arns) = match &c.role {
            Value::Value(r) => (known_str(&r.name)?, known_list(&r.managed_policy_arns)?),
            Value::Null => (None, Vec::new()),
            Value::Unknown => return Err(Unknown),
        };
        Ok(Settings {
            name: known_str(&c.name)?.ok_or(Unknown)?,
            environment: known_str(&c.environment)?,
            database_name: db_name,
            database_description: db_desc,
            role_name,
            managed_policy_arns: arns,
            data: bucket_settings(&c.data_bucket)?,
            assets: bucket_settings(&c.assets_bucket)?,
            analysis: bucket_settings(&c.analysis_bucket)?,
            tags: known_map(&c.tags)?.unwrap_or_default(),
            owner_id: None,
        })
    })();
    Ok(s.ok())
}

fn context_value(c: &model::Context) -> PipelineContextValue {
    let s = |v: &str| Value::Value(v.to_string());
    PipelineContextValue {
        role_arn: s(&c.role_arn),
        database: s(&c.database),
        data_bucket: s(&c.data_bucket),
        assets_bucket: s(&c.assets_bucket),
        analysis_bucket: s(&c.analysis_bucket),
        scripts_prefix: s(&c.scripts_prefix),
        temp_dir: s(&c.temp_dir),
        spark_event_logs_path: s(&c.spark_event_logs_path),
        tags: to_map(&c.tags),
    }
}

fn children_value(statuses: &BTreeMap<ChildKey, Status>) -> Value<Map> {
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
fn plan(
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

fn plan_known_owner(
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
    s.context = Value::Value(context_value(&model::context(&settings, env)));
    s.managed_objects = Value::Value(model::managed_objects(&desired, env));
    let all_ok: BTreeMap<ChildKey, Status> = desired
        .children
        .iter()
        .map(|c| (c.key.clone(), Status::Ok))
        .collect();
    s.children = children_value(&all_ok);
    Ok((s, Some((settings, desired))))
}

/// Each child's name as far as it is known at plan time. A name depends only on `name`,
/// `environment` and its own block's `name`, so an unknown tag, description or policy ARN
/// never makes a name (and with it the whole pipeline) unknown.
#[derive(Debug, Default, PartialEq)]
struct PlannedNames {
    database: Option<String>,
    role: Option<String>,
    buckets: BTreeMap<BucketRole, Option<String>>,
}

fn planned_names(c: &State) -> PlannedNames {
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
fn plan_partly_known(env: &Env, config: &State, owner: Option<&str>, s: &mut State) {
    let names = planned_names(config);
    let known = |n: &Option<String>| n.clone().map(Value::Value).unwrap_or(Value::Unknown);
    s.id = Value::Unknown;
    s.tags_all = Value::Unknown;
    s.managed_objects = Value::Unknown;
    s.children = Value::Unknown;
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
        }
        let arn = known(&bucket(role).map(|n| model::bucket_arn(&env.partition, &n)));
        match role {
            BucketRole::Data => s.data_bucket_arn = arn,
            BucketRole::Assets => s.assets_bucket_arn = arn,
            BucketRole::Analysis => s.analysis_bucket_arn = arn,
        }
    }
    let role_arn = names
        .role
        .as_ref()
        .map(|r| model::role_arn(&env.partition, &env.account, r));
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
/// the role cannot be renamed). Everything else is updated in place.
///
/// A planned name that is known replaces only when it differs. A planned name that is
/// unknown is unknown because `name`, `environment` or the block's own `name` is (never
/// because of another setting, see [`planned_names`]), so it may well change at apply;
/// it replaces, as a ForceNew attribute does in terraform-provider-aws: updating in place
/// would create the renamed children and leave the old ones behind.
fn replace_paths(prior: &State, planned: &State) -> Vec<AttributePath> {
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
    let mut replace = Vec::new();
    for block in [
        "database",
        "role",
        "data_bucket",
        "assets_bucket",
        "analysis_bucket",
    ] {
        let (before, after) = (name_of(prior, block), name_of(planned, block));
        let renamed = match (&before, &after) {
            (Value::Value(b), Value::Value(a)) => a != b,
            (Value::Value(_), Value::Unknown) => true,
            _ => false,
        };
        if renamed {
            replace.push(AttributePath::new(block).attribute("name"));
        }
    }
    replace
}

// ---------------------------------------------------------------------------------------
// Observing and applying, through the engine

fn backend<'a>(ctx: &'a AwsContext, desired: &'a Desired) -> PipelineBackend<'a> {
    PipelineBackend { ctx, desired }
}

/// Whether nothing the pipeline created exists any more (adopted buckets do not count).
fn all_gone(d: &Desired, o: &Observed) -> bool {
    o.role.is_none()
        && o.database.is_none()
        && d.buckets
            .iter()
            .filter(|b| b.create)
            .all(|b| !matches!(o.buckets.get(&b.name), Some(Some(_))))
}

/// The configuration attribute a child comes from: its block's `name`, or the role's
/// `managed_policy_arns` for an extra attachment.
fn child_path(d: &Desired, key: &ChildKey) -> AttributePath {
    match key.kind {
        Kind::GlueDatabase => path_of(&["database", "name"]),
        Kind::IamRole | Kind::IamRolePolicy => path_of(&["role", "name"]),
        Kind::IamRolePolicyAttachment
            if !key
                .name
                .ends_with(":policy/service-role/AWSGlueServiceRole") =>
        {
            path_of(&["role", "managed_policy_arns"])
        }
        Kind::IamRolePolicyAttachment => path_of(&["role", "name"]),
        _ => {
            let block = d
                .buckets
                .iter()
                .find(|b| b.name == key.owner)
                .map(|b| b.role.block())
                .unwrap_or("id");
            if block == "id" {
                AttributePath::new("id")
            } else {
                path_of(&[block, "name"])
            }
        }
    }
}

/// The engine's failures as diagnostics, each at the attribute its child comes from; when
/// a create met objects it may not take, the import advice follows once.
fn diagnostics(d: &Desired, failures: &[Failure]) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = failures
        .iter()
        .map(|f| {
            let (summary, detail) = f.text();
            match (f, f.key()) {
                (Failure::HoldsData { .. }, _) => {
                    Diagnostic::new(summary, detail, AttributePath::new("force_destroy"))
                }
                (_, Some(k)) => Diagnostic::new(summary, detail, child_path(d, k)),
                (_, None) => Diagnostic::root(summary, detail),
            }
        })
        .collect();
    let refused_existing = failures.iter().any(|f| {
        matches!(
            f,
            Failure::NotOurs {
                why: Refusal::Exists,
                ..
            }
        )
    });
    if refused_existing {
        out.push(Diagnostic::root(
            "Existing objects were not taken over",
            format!(
                "Nothing was changed. A bucket may instead be adopted (configured, never deleted) with `create = false` in its block. {}",
                ownership::import_advice("flywheel_pipeline", &d.import_id, "name")
            ),
        ));
    }
    out
}

/// Buckets adopted in `prior` (`create = false`) that `desired` creates.
fn flipped_buckets(prior: &State, desired: &Desired) -> BTreeSet<ChildKey> {
    desired
        .buckets
        .iter()
        .filter(|b| {
            b.create
                && matches!(prior.bucket_block(b.role), Value::Value(p)
                    if p.create == Value::Value(false))
        })
        .map(|b| ChildKey::top(Kind::Bucket, &b.name))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Import

/// The identity an imported pipeline takes: the one on its role, else its database, else
/// a created bucket; a new one when none carries one.
fn imported_owner(d: &Desired, o: &Observed) -> String {
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
/// extra managed policies, the data/analysis buckets' `prefixes` (from the inline policy),
/// `expire_prefixes` and KMS keys (from each bucket).
fn imported_settings(mut s: Settings, env: &Env, o: &Observed) -> Settings {
    if let Some(r) = &o.role {
        s.tags = r
            .tags
            .iter()
            .filter(|(k, v)| !k.starts_with("flywheel:") && env.default_tags.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let glue = model::glue_service_role_arn(&env.partition);
        s.managed_policy_arns = r.attached.iter().filter(|a| **a != glue).cloned().collect();
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
    for role in BucketRole::ALL {
        let name = model::bucket_name(&s, role);
        let Some(Some(b)) = o.buckets.get(&name) else {
            continue;
        };
        let mut expire = BTreeMap::new();
        for r in b.lifecycle_rules.iter().flatten() {
            if let (Some(days), true) = (r.expiration_days, r.id.starts_with("flywheel-expire-")) {
                let default_temp = role == BucketRole::Assets
                    && r.prefix == model::TEMP_PREFIX
                    && days == model::DEFAULT_TEMP_EXPIRY_DAYS;
                if !default_temp {
                    expire.insert(r.prefix.clone(), days);
                }
            }
        }
        let kms = b
            .encryption
            .as_ref()
            .filter(|(sse, _)| sse == model::SSE_KMS)
            .and_then(|(_, k)| k.clone());
        let bs = match role {
            BucketRole::Data => &mut s.data,
            BucketRole::Assets => &mut s.assets,
            BucketRole::Analysis => &mut s.analysis,
        };
        bs.expire_prefixes = expire;
        bs.kms_key_arn = kms;
    }
    s
}

/// A configuration-shaped state for `s`, as a user would write it.
fn state_from_settings(s: &Settings) -> State {
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
        }),
        data_bucket: bucket(&s.data),
        assets_bucket: bucket(&s.assets),
        analysis_bucket: bucket(&s.analysis),
        ..Default::default()
    }
}

// ---------------------------------------------------------------------------------------
// Schema

fn bucket_block(description: &str) -> NestedBlock {
    NestedBlock::Group(block(
        description,
        [
            ("name", attr(string(), OptionalComputed, "Bucket name (S3 rules: 3 to 63 lowercase letters, digits, dots and hyphens). Defaults to `<name>-<environment>-data`, `-assets` or `-analysis` (without `-<environment>` when `environment` is not set). Changing it replaces the pipeline.")),
            ("create", attr(bool(), OptionalComputed, "`true` (default): the pipeline creates the bucket and deletes it on destroy (refusing while it holds objects, unless `force_destroy`). `false`: adopt an existing bucket; the pipeline configures it and on destroy removes only its lifecycle rules, policy statement and tags, never the bucket or its data.")),
            ("prefixes", attr(string_set(), Optional, "Key prefixes (each ending in `/`) the Glue role may read and write. Empty: the whole bucket. Not allowed on the assets bucket, whose prefixes are fixed (`scripts/` read-only, `temporary/`, `sparkHistoryLogs/`).")),
            ("expire_prefixes", attr(tf_provider::schema::AttributeType::Map(Box::new(number())), Optional, "Lifecycle expiry: prefix (ending in `/`) to days (1 or more). The assets bucket always expires `temporary/` (7 days unless set here).")),
            ("kms_key_arn", attr(string(), Optional, "KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`; not an alias ARN, which IAM does not match for `kms:Decrypt`) for SSE-KMS default encryption (with S3 Bucket Keys). Default: SSE-S3 (AES256). The Glue role is granted `kms:Decrypt` and `kms:GenerateDataKey` on this key only.")),
        ],
        [],
    ))
}

fn schema_block() -> tf_provider::schema::Block {
    block(
        "The shared foundation of a data flywheel environment: three S3 buckets (data, Glue assets, analysis), each with default encryption, a public access block with all four flags on, a bucket policy denying non-TLS requests, lifecycle rules (incomplete multipart uploads aborted after 7 days; temporary prefixes expire; the data bucket moves objects to Intelligent-Tiering) and ownership tags; a Glue catalog database; and the IAM role Glue runs as, trusted only by glue.amazonaws.com for this account, with a least-privilege inline policy and the AWSGlueServiceRole attachment. Export `context` to `flywheel_job` and `flywheel_crawler`.\n\nImport with `name=<name>[,environment=<env>],role=<role>,database=<database>,data_bucket=<bucket>,assets_bucket=<bucket>,analysis_bucket=<bucket>[,adopted=data_bucket+...]` (the `id`); names left out take their defaults.",
        [
            ("id", attr(string(), Computed, "Names every child: `name=...,environment=...,role=...,database=...,data_bucket=...,assets_bucket=...,analysis_bucket=...[,adopted=...]`; also the import ID.")),
            ("name", attr(string(), Required, "Pipeline name: 1 to 40 lowercase letters, digits and hyphens. Tags every child (`flywheel:pipeline`) and is the base of default names.")),
            ("environment", attr(string(), Optional, "Environment (`prod`, `dev`, ...): 1 to 16 lowercase letters, digits and hyphens, part of default names.")),
            ("force_destroy", attr(bool(), OptionalComputed, "Allow destroy to delete every object (and version) in the buckets the pipeline created, and every table in its catalog database. Default `false`: destroy refuses, before deleting anything, while any of those buckets holds objects or the database holds tables (tables Terraform never made, such as Athena CTAS results and views, included). Adopted buckets are never emptied. Apply a change to it before destroying.")),
            ("tags", attr(string_map(), Optional, "Tags for every child that takes tags (buckets, database, role), over the provider's `default_tags`; passed to jobs and crawlers through `context`.")),
            ("tags_all", attr(string_map(), Computed, "Every tag the children carry: `default_tags`, `tags`, `flywheel:pipeline`, `flywheel:managed-by`, and `flywheel:owner` (the `owner_id`; not on adopted buckets).")),
            ("role_arn", attr(string(), Computed, "ARN of the Glue role.")),
            ("database_name", attr(string(), Computed, "Name of the Glue catalog database.")),
            ("data_bucket_arn", attr(string(), Computed, "ARN of the data bucket.")),
            ("assets_bucket_arn", attr(string(), Computed, "ARN of the Glue assets bucket.")),
            ("analysis_bucket_arn", attr(string(), Computed, "ARN of the analysis bucket.")),
            ("context", attr(context::attribute_type(), Computed, "What jobs and crawlers need from the environment, for their `pipeline` argument: `role_arn`, `database`, `data_bucket`, `assets_bucket`, `analysis_bucket`, `scripts_prefix` (`scripts/`), `temp_dir` (`s3://<assets>/temporary/`), `spark_event_logs_path` (`s3://<assets>/sparkHistoryLogs/`) and `tags`.")),
            ("managed_objects", attr(managed::attribute_type(), Computed, managed::DESCRIPTION)),
            ("owner_id", attr(string(), Computed, "This pipeline's identity: made at its first apply (or import), kept in state, and written as the tag `flywheel:owner` on the role, the database and the buckets it created, and as `flywheel:pipeline-owner` on its jobs and crawlers (through `context`). The pipeline changes or deletes only objects that carry it (or, for objects in its state, no identity at all); another Terraform state cannot reproduce it by copying configuration. See the ownership guide.")),
            ("children", attr(string_map(), Computed, "Every child object, by terraform-provider-aws address (`aws_s3_bucket_policy.<bucket>`, `aws_iam_role_policy.<role>:<policy>`, ...), with its status as last read: `ok`, `missing`, `differs: <how>` or `not in the configuration`. Plans propose `ok` for each, so drift shows as a change naming the child, and apply repairs it.")),
        ],
        [
            ("database", NestedBlock::Group(block(
                "The Glue catalog database.",
                [
                    ("name", attr(string(), OptionalComputed, "Database name: lowercase letters, digits, `_` and `-` (Glue lowercases names, so uppercase is rejected). Defaults to `<name>_<environment>` with hyphens as underscores. Changing it replaces the pipeline.")),
                    ("description", attr(string(), Optional, "Database description.")),
                ],
                [],
            ))),
            ("role", NestedBlock::Group(block(
                "The IAM role Glue jobs and crawlers run as.",
                [
                    ("name", attr(string(), OptionalComputed, "Role name (1 to 64 letters, digits and `+=,.@_-`). Defaults to `<name>-<environment>-glue-role`. Changing it replaces the pipeline.")),
                    ("managed_policy_arns", attr(string_set(), Optional, "Managed policies to attach beyond AWSGlueServiceRole, which is always attached. Attachments not listed are detached.")),
                ],
                [],
            ))),
            ("data_bucket", bucket_block("The data bucket: raw inputs and cleanroom outputs. Its objects move to the Intelligent-Tiering storage class (no archive tiers, which would need restores before Glue can read).")),
            ("assets_bucket", bucket_block("The Glue assets bucket: `scripts/`, `temporary/` and `sparkHistoryLogs/`.")),
            ("analysis_bucket", bucket_block("The analysis bucket.")),
        ],
    )
}

// ---------------------------------------------------------------------------------------
// The resource

/// Still 0: 0.1.0's states lack only `owner_id`, which Terraform reads as null (it fills
/// attributes a state lacks with null). A version bump would need `Resource::upgrade`,
/// whose `RawValue` argument tf-provider 0.2.2 does not export.
const SCHEMA_VERSION: i64 = 0;

#[async_trait]
impl Resource for PipelineResource {
    type State<'a> = State;
    type PrivateState<'a> = ValueEmpty;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: SCHEMA_VERSION,
            block: schema_block(),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: State) -> Option<()> {
        validate_config(&config, diags);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: State,
        private_state: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty)> {
        let Some(ctx) = self.ctx.get_or_diag(diags) else {
            return Some((state, private_state));
        };
        let env = match env_of(&ctx) {
            Ok(e) => e,
            Err(d) => {
                diags.add_error(d);
                return Some((state, private_state));
            }
        };
        let desired = match plan(&env, &state, owner_of(&state).as_deref()) {
            Ok((_, Some((_, d)))) => d,
            Ok(_) => return Some((state, private_state)),
            Err(d) => {
                diags.add_error(d);
                return Some((state, private_state));
            }
        };
        let observed = match backend(&ctx, &desired).read().await {
            Ok(o) => o,
            Err(e) => {
                diags.add_error(e.to_diagnostic());
                return Some((state, private_state));
            }
        };
        if all_gone(&desired, &observed) {
            tracing::info!(
                pipeline = desired.name.as_str(),
                "pipeline no longer exists; removing it from state"
            );
            return None;
        }
        let specs = model::observed_children(&desired, &observed);
        let statuses = model::statuses(&desired.children, &specs);
        let mut s = state;
        s.children = children_value(&statuses);
        if let Some(r) = &observed.role {
            s.role_arn = Value::Value(r.arn.clone());
        }
        Some((s, private_state))
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        _proposed: State,
        config: State,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty)> {
        let ctx = self.ctx.get_or_diag(diags)?;
        // The identity is made at apply (see `crate::model::ownership`).
        let planned = env_of(&ctx).and_then(|env| plan(&env, &config, None));
        match planned {
            Ok((s, _)) => Some((s, ValueEmpty::default())),
            Err(d) => {
                diags.add_error(d);
                None
            }
        }
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        _proposed: State,
        config: State,
        _private: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty, Vec<AttributePath>)> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let owner = owner_of(&prior);
        let planned = match env_of(&ctx).and_then(|env| plan(&env, &config, owner.as_deref())) {
            Ok((s, _)) => s,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        let replace = replace_paths(&prior, &planned);
        Some((planned, ValueEmpty::default(), replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: State,
        _private: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<ValueEmpty> {
        Some(ValueEmpty::default())
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: State,
        config: State,
        _private: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty)> {
        self.apply(diags, None, planned, config).await
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        planned: State,
        config: State,
        _private: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty)> {
        self.apply(diags, Some(&prior), planned, config).await
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        _private: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<()> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let owner = owner_of(&prior);
        let desired = match env_of(&ctx).and_then(|env| plan(&env, &prior, owner.as_deref())) {
            Ok((_, Some((_, d)))) => d,
            Ok(_) => {
                diags.root_error(
                    "Pipeline state is incomplete",
                    "The state of this flywheel_pipeline lacks the names of its children; remove it from the state and import it.",
                );
                return None;
            }
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        let force = prior
            .force_destroy
            .as_ref_option()
            .copied()
            .unwrap_or(false);
        let own = Ownership {
            owner,
            ..Ownership::default()
        };
        let failures =
            reconcile::destroy(&backend(&ctx, &desired), &desired.children, &own, force).await;
        if failures.is_empty() {
            return Some(());
        }
        for d in diagnostics(&desired, &failures) {
            diags.add_error(d);
        }
        None
    }

    async fn import<'a>(&self, diags: &mut Diagnostics, id: String) -> Option<(State, ValueEmpty)> {
        let parsed = match model::parse_import_id(&id) {
            Ok(p) => p,
            Err(e) => {
                diags.root_error(
                    "Invalid import ID",
                    format!("Import a flywheel_pipeline with name=<name>[,environment=<env>],role=<role>,database=<database>,data_bucket=<bucket>,assets_bucket=<bucket>,analysis_bucket=<bucket>[,adopted=data_bucket+...] (names left out take their defaults): {e}"),
                );
                return None;
            }
        };
        let ctx = self.ctx.get_or_diag(diags)?;
        let env = match env_of(&ctx) {
            Ok(e) => e,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        let base = parsed.settings();
        let desired = model::expand(&base, &env);
        let observed = match backend(&ctx, &desired).read().await {
            Ok(o) => o,
            Err(e) => {
                diags.add_error(e.to_diagnostic());
                return None;
            }
        };
        if all_gone(&desired, &observed) {
            diags.root_error(
                "Cannot import a pipeline that does not exist",
                format!(
                    "Neither the role {:?}, the database {:?} nor any created bucket exists in {}.",
                    desired.role, desired.database, ctx.region
                ),
            );
            return None;
        }
        // Import is an explicit claim: the identity the children carry, or a new one that
        // the first apply writes. Buckets not named in `adopted=` are the pipeline's only
        // when they carry that identity; others are adopted (configured, never deleted).
        let owner = imported_owner(&desired, &observed);
        let mut settings = imported_settings(base, &env, &observed);
        for b in &desired.buckets {
            if parsed.adopted.contains(&b.role) {
                continue;
            }
            let ours = matches!(observed.buckets.get(&b.name), Some(Some(ob))
                if ob.tags.get(ownership::OWNER_TAG) == Some(&owner));
            match b.role {
                BucketRole::Data => settings.data.create = Some(ours),
                BucketRole::Assets => settings.assets.create = Some(ours),
                BucketRole::Analysis => settings.analysis.create = Some(ours),
            }
        }
        let config = state_from_settings(&settings);
        let (mut s, full) = match plan(&env, &config, Some(&owner)) {
            Ok(p) => p,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        if let Some((_, d)) = full {
            let specs = model::observed_children(&d, &observed);
            s.children = children_value(&model::statuses(&d.children, &specs));
        }
        Some((s, ValueEmpty::default()))
    }
}

impl PipelineResource {
    /// Create (`prior` is `None`) or update. The identity is the prior state's, or made
    /// now: on create, and on the first apply over a state from 0.1.0.
    async fn apply(
        &self,
        diags: &mut Diagnostics,
        prior: Option<&State>,
        planned: State,
        config: State,
    ) -> Option<(State, ValueEmpty)> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let creating = prior.is_none();
        let prior_owner = prior.and_then(owner_of);
        let owner = prior_owner
            .clone()
            .unwrap_or_else(|| ownership::new_owner_id(rand::random()));
        let (mut state, desired) = match env_of(&ctx)
            .and_then(|env| plan(&env, &config, Some(&owner)))
        {
            Ok((s, Some((_, d)))) => (s, d),
            Ok(_) => {
                diags.root_error(
                    "Configuration not fully known at apply",
                    format!(
                        "Terraform sent values that are still unknown at apply time ({}); this is a bug in Terraform or the provider.",
                        unknown_paths(&config).join(", ")
                    ),
                );
                return None;
            }
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        // An id unknown at plan may be anything now; a known one must not have changed.
        if planned.id.is_value() && state.id != planned.id {
            diags.root_error(
                "Plan and apply disagree",
                format!(
                    "The configuration expanded differently at apply than at plan; this is a bug in the provider.\n\nplanned: {}\napply:   {}",
                    planned.id.as_ref_option().map(String::as_str).unwrap_or("(unknown)"),
                    state.id.as_ref_option().map(String::as_str).unwrap_or("(null)"),
                ),
            );
            return None;
        }
        let own = Ownership {
            creating,
            owner: prior_owner,
            writing: Some(owner.clone()),
            pipeline_owner: None,
            needs_proof: prior
                .map(|p| flipped_buckets(p, &desired))
                .unwrap_or_default(),
        };
        let Converged {
            statuses,
            failures,
            ran,
        } = reconcile::converge(&backend(&ctx, &desired), &desired.children, &own).await;
        let errors = diagnostics(&desired, &failures);
        state.children = children_value(
            &statuses
                .into_iter()
                .filter(|(k, _)| desired.child(k).is_some())
                .collect(),
        );
        let failed = !errors.is_empty();
        for e in errors {
            diags.add_error(e);
        }
        if failed && creating && !ran {
            // Nothing was sent to AWS, so nothing was created: no state to record. Once
            // any operation ran, the state is returned even if every one failed: a create
            // may have half-succeeded (a bucket made but not tagged), and the next
            // refresh drops the pipeline from state if nothing exists after all.
            return None;
        }
        Some((state, ValueEmpty::default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: &str = "0123456789abcdef0123456789abcdef";

    fn base() -> State {
        State {
            name: Value::Value("acme".into()),
            environment: Value::Value("dev".into()),
            ..Default::default()
        }
    }

    fn errors_at(config: &State) -> Vec<String> {
        let mut d = Diagnostics::default();
        validate_config(config, &mut d);
        d.errors
            .iter()
            .map(|e| format!("{:?}", e.attribute))
            .collect()
    }

    fn bucket(f: impl FnOnce(&mut BucketBlock)) -> Value<BucketBlock> {
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
                Box::new(|c| {
                    c.data_bucket = bucket(|b| b.name = Value::Value("Bad_Bucket".into()))
                }),
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

    fn env() -> Env {
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
        assert_eq!(children.len(), 19);
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
                        b.expire_prefixes =
                            Value::Value([("temp/".to_string(), Value::Unknown)].into())
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
            b.expire_prefixes =
                Value::Value([("temp/".to_string(), Value::Value(Number(3.0)))].into())
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
}
