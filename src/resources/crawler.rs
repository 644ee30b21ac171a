//! `flywheel_crawler`: a Glue crawler over S3 prefixes, with its schema change and recrawl
//! policies, an optional schedule (the crawler's own Glue schedule, see `model::crawler`)
//! and an optional conditional trigger that starts it when a job succeeds.
//!
//! This file holds the schema, the offline validation, the planning of every computed value,
//! and the mapping between Terraform values and `model::crawler`. AWS calls live in
//! `aws::glue::{crawlers, triggers, tags}`.
//!
//! Spellings the user chose are kept: when AWS holds an equivalent `configuration` JSON,
//! schedule or target order, state keeps the user's text and plans show no diff.
//! `name` and `database` changes replace the crawler; everything else updates in place.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{NestedBlock, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostic, Diagnostics, Resource};

use crate::aws::glue::{crawlers, tags as glue_tags, triggers};
use crate::aws::{AwsContext, ErrorKind, SharedContext};
use crate::model::context::{self, PipelineContextValue};
use crate::model::crawler::{
    self as model, CrawlerConfig, Literals, ObservedCrawler, DEFAULT_DELETE_BEHAVIOR,
    DEFAULT_RECRAWL_BEHAVIOR, DEFAULT_UPDATE_BEHAVIOR,
};
use crate::model::managed::{self, ManagedObject};
use crate::model::ownership;
use crate::model::tags::{self as tag_model, Tags};
use crate::model::trigger::{TriggerAction, TriggerStart};
use crate::resources::children::{self, Owners};
use crate::schema::*;
use crate::values::{known_map, to_map, StringMap};

type StringList = Vec<Value<String>>;

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct SchemaChangePolicyBlock {
    #[serde(default)]
    pub update_behavior: Value<String>,
    #[serde(default)]
    pub delete_behavior: Value<String>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub pipeline: Value<PipelineContextValue>,
    #[serde(default)]
    pub role_arn: Value<String>,
    #[serde(default)]
    pub database: Value<String>,
    #[serde(default)]
    pub s3_targets: Value<StringList>,
    #[serde(default)]
    pub exclusions: Value<StringList>,
    #[serde(default)]
    pub table_prefix: Value<String>,
    /// A group block: always an object, its attributes null when not configured.
    #[serde(default)]
    pub schema_change_policy: Value<SchemaChangePolicyBlock>,
    #[serde(default)]
    pub recrawl_policy: Value<String>,
    #[serde(default)]
    pub schedule: Value<String>,
    #[serde(default)]
    pub run_after_job: Value<String>,
    #[serde(default)]
    pub configuration: Value<String>,
    #[serde(default)]
    pub tags: Value<StringMap>,
    #[serde(default)]
    pub tags_all: Value<StringMap>,
    #[serde(default)]
    pub arn: Value<String>,
    #[serde(default)]
    pub managed_objects: Value<Vec<ManagedObject>>,
    /// This instance's identity (see `model::ownership`); null in a state written by 0.1.0.
    #[serde(default)]
    pub owner_id: Value<String>,
}

pub struct CrawlerResource {
    ctx: SharedContext,
}

impl CrawlerResource {
    pub fn new(ctx: SharedContext) -> Self {
        CrawlerResource { ctx }
    }

    fn ctx(&self, diags: &mut Diagnostics) -> Option<Arc<AwsContext>> {
        self.ctx.get_or_diag(diags)
    }
}

// ---------------------------------------------------------------------------------------
// Value conversions
// ---------------------------------------------------------------------------------------

/// `Some(Some(v))` known, `Some(None)` null, `None` unknown.
fn known(v: &Value<String>) -> Option<Option<&str>> {
    match v {
        Value::Value(s) => Some(Some(s.as_str())),
        Value::Null => Some(None),
        Value::Unknown => None,
    }
}

/// The literal value, when known and set.
fn lit(v: &Value<String>) -> Option<&str> {
    v.as_ref_option().map(String::as_str)
}

fn lit_list(v: &Value<StringList>) -> Option<Vec<Option<&str>>> {
    v.as_ref_option().map(|l| {
        l.iter()
            .map(|e| e.as_ref_option().map(String::as_str))
            .collect()
    })
}

/// Every element known.
fn known_list(v: &Value<StringList>) -> Option<Vec<String>> {
    match v {
        Value::Value(l) => l.iter().map(|e| e.as_ref_option().cloned()).collect(),
        Value::Null => Some(Vec::new()),
        Value::Unknown => None,
    }
}

/// Every element known (null elements left out); a null map is empty.
fn known_tags(v: &Value<StringMap>) -> Option<Tags> {
    known_map(v).ok().map(Option::unwrap_or_default)
}

fn to_list(l: &[String]) -> Value<StringList> {
    Value::Value(l.iter().cloned().map(Value::Value).collect())
}

fn same_set(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}

/// A pipeline context field: null without a pipeline, unknown while the pipeline is.
fn from_pipeline(
    p: &Value<PipelineContextValue>,
    f: impl Fn(&PipelineContextValue) -> &Value<String>,
) -> Value<String> {
    match p {
        Value::Value(c) => f(c).clone(),
        Value::Null => Value::Null,
        Value::Unknown => Value::Unknown,
    }
}

fn context_tags(p: &Value<PipelineContextValue>) -> Option<Tags> {
    match p {
        Value::Value(c) => known_tags(&c.tags),
        Value::Null => Some(Tags::new()),
        Value::Unknown => None,
    }
}

fn account(ctx: &AwsContext) -> Option<&str> {
    ctx.identity.as_ref().map(|i| i.account_id.as_str())
}

fn policy_block(update: &str, delete: &str) -> Value<SchemaChangePolicyBlock> {
    Value::Value(SchemaChangePolicyBlock {
        update_behavior: Value::Value(update.into()),
        delete_behavior: Value::Value(delete.into()),
    })
}

fn managed_objects(ctx: &AwsContext, name: &str, with_trigger: bool) -> Value<Vec<ManagedObject>> {
    let arn =
        |kind: &str, n: &str| managed::glue_arn(ctx.partition, &ctx.region, account(ctx), kind, n);
    let mut out = vec![ManagedObject::new(
        "aws_glue_crawler",
        name,
        arn("crawler", name),
    )];
    if with_trigger {
        let t = model::after_job_trigger_name(name);
        out.push(ManagedObject::new(
            "aws_glue_trigger",
            &t,
            arn("trigger", &t),
        ));
    }
    Value::Value(out)
}

// ---------------------------------------------------------------------------------------
// Validation and planning
// ---------------------------------------------------------------------------------------

fn literals(c: &State) -> Literals<'_> {
    let policy = c.schema_change_policy.as_ref_option();
    let nested = |f: fn(&SchemaChangePolicyBlock) -> &Value<String>| match &c.schema_change_policy {
        Value::Unknown => None,
        _ => policy.map_or(Some(None), |p| known(f(p))),
    };
    Literals {
        name: lit(&c.name),
        role_arn: lit(&c.role_arn),
        database: lit(&c.database),
        s3_targets: lit_list(&c.s3_targets),
        exclusions: lit_list(&c.exclusions),
        table_prefix: lit(&c.table_prefix),
        update_behavior: nested(|p| &p.update_behavior),
        delete_behavior: nested(|p| &p.delete_behavior),
        recrawl_behavior: known(&c.recrawl_policy),
        schedule: lit(&c.schedule),
        run_after_job: lit(&c.run_after_job),
        configuration: lit(&c.configuration),
    }
}

fn validate_config(c: &State, diags: &mut Diagnostics) {
    for p in model::problems(&literals(c)) {
        let mut path = AttributePath::new(p.attribute);
        if let Some(i) = p.index {
            path = path.index(i as i64);
        }
        if let Some(n) = p.nested {
            path = path.attribute(n);
        }
        diags.error(format!("Invalid {}", p.path()), p.message, path);
    }
    if c.role_arn.is_null() && c.pipeline.is_null() {
        diags.error(
            "Missing role",
            "Set `pipeline = flywheel_pipeline.<name>.context` (which carries the Glue role) or `role_arn`.",
            AttributePath::new("role_arn"),
        );
    }
    if c.database.is_null() && c.pipeline.is_null() {
        diags.error(
            "Missing database",
            "Set `pipeline = flywheel_pipeline.<name>.context` (which carries the catalog database) or `database`.",
            AttributePath::new("database"),
        );
    }
    if let Value::Value(p) = &c.pipeline {
        if c.role_arn.is_null() {
            if let Some(role) = lit(&p.role_arn) {
                if let Err(e) = crate::validate::role_arn(role) {
                    diags.error(
                        "Invalid pipeline.role_arn",
                        e,
                        AttributePath::new("pipeline").attribute("role_arn"),
                    );
                }
            }
        }
    }
    if let Some(tags) = known_tags(&c.tags) {
        for (k, msg) in tag_model::problems(&tags) {
            diags.error("Invalid tag", msg, AttributePath::new("tags").key(k));
        }
    }
}

/// The planned state for `config`: defaults filled, every computed value known when it can
/// be. With a prior state, equivalent spellings keep the prior value so they never diff.
fn plan_state(
    ctx: &AwsContext,
    config: &State,
    proposed: State,
    prior: Option<&State>,
    diags: &mut Diagnostics,
) -> State {
    let mut p = proposed;
    p.id = config.name.clone();
    p.role_arn = match &config.role_arn {
        Value::Null => from_pipeline(&config.pipeline, |c| &c.role_arn),
        v => v.clone(),
    };
    p.database = match &config.database {
        Value::Null => from_pipeline(&config.pipeline, |c| &c.database),
        v => v.clone(),
    };
    for (v, attr) in [(&p.role_arn, "role_arn"), (&p.database, "database")] {
        if v.is_null() {
            diags.error(
                format!("Missing {attr}"),
                format!("Neither `{attr}` nor the pipeline context gives the crawler's {attr}."),
                AttributePath::new(attr),
            );
        }
    }
    if config.exclusions.is_null() {
        p.exclusions = Value::Value(Vec::new());
    }
    if config.tags.is_null() {
        p.tags = Value::Value(BTreeMap::new());
    }
    p.schema_change_policy = match &config.schema_change_policy {
        Value::Unknown => Value::Unknown,
        v => {
            let c = v.as_ref_option().cloned().unwrap_or_default();
            let or = |v: Value<String>, d: &str| {
                if v.is_null() {
                    Value::Value(d.to_string())
                } else {
                    v
                }
            };
            Value::Value(SchemaChangePolicyBlock {
                update_behavior: or(c.update_behavior, DEFAULT_UPDATE_BEHAVIOR),
                delete_behavior: or(c.delete_behavior, DEFAULT_DELETE_BEHAVIOR),
            })
        }
    };
    if config.recrawl_policy.is_null() {
        p.recrawl_policy = Value::Value(DEFAULT_RECRAWL_BEHAVIOR.into());
    }
    // The identity: kept from the prior state; made by the apply when there is none (a
    // create, or a state written by 0.1.0).
    p.owner_id = match prior.map(|p| &p.owner_id) {
        Some(Value::Value(o)) if !o.is_empty() => Value::Value(o.clone()),
        _ => Value::Unknown,
    };
    p.tags_all = match (known_tags(&p.tags), context_tags(&config.pipeline)) {
        (Some(t), Some(c)) => children::planned_tags_all(
            &tag_model::effective(&ctx.default_tags, &c, &t),
            &p.owner_id,
            ownership::pipeline_owner(&c),
        ),
        _ => Value::Unknown,
    };
    match (&config.name, known(&config.run_after_job)) {
        (Value::Value(name), Some(job)) => {
            p.arn = managed::glue_arn(ctx.partition, &ctx.region, account(ctx), "crawler", name)
                .map(Value::Value)
                .unwrap_or(Value::Unknown);
            p.managed_objects = managed_objects(ctx, name, job.is_some());
        }
        (Value::Value(name), None) => {
            p.arn = managed::glue_arn(ctx.partition, &ctx.region, account(ctx), "crawler", name)
                .map(Value::Value)
                .unwrap_or(Value::Unknown);
            p.managed_objects = Value::Unknown;
        }
        _ => {
            p.arn = Value::Unknown;
            p.managed_objects = Value::Unknown;
        }
    }
    if let Some(prior) = prior {
        if let (Value::Value(a), Value::Value(b)) = (&p.configuration, &prior.configuration) {
            if model::configuration_equivalent(Some(a), Some(b)) {
                p.configuration = prior.configuration.clone();
            }
        }
        if let (Value::Value(a), Value::Value(b)) = (&p.schedule, &prior.schedule) {
            if model::same_schedule(Some(a), Some(b)) {
                p.schedule = prior.schedule.clone();
            }
        }
        for (planned, before) in [
            (&mut p.s3_targets, &prior.s3_targets),
            (&mut p.exclusions, &prior.exclusions),
        ] {
            if let (Some(a), Some(b), false) =
                (known_list(planned), known_list(before), before.is_null())
            {
                if same_set(&a, &b) {
                    *planned = before.clone();
                }
            }
        }
        // The account cannot change under a configured provider: keep a known ARN.
        if p.arn.is_unknown() && prior.name == p.name {
            p.arn = prior.arn.clone();
        }
    }
    p
}

/// The model's configuration from a state whose values are all known (at apply).
fn to_config(ctx: &AwsContext, s: &State) -> Result<CrawlerConfig, Diagnostic> {
    let unknown = |what: &str| {
        Diagnostic::root(
            "Value not known at apply time",
            format!("flywheel_crawler: `{what}` is still unknown while applying; this is a bug in the provider."),
        )
    };
    let need =
        |v: &Value<String>, what: &str| v.as_ref_option().cloned().ok_or_else(|| unknown(what));
    let policy = s
        .schema_change_policy
        .as_ref_option()
        .cloned()
        .unwrap_or_default();
    let tags = known_tags(&s.tags).ok_or_else(|| unknown("tags"))?;
    let context = context_tags(&s.pipeline).ok_or_else(|| unknown("pipeline.tags"))?;
    Ok(CrawlerConfig {
        name: need(&s.name, "name")?,
        role_arn: need(&s.role_arn, "role_arn")?,
        database: need(&s.database, "database")?,
        s3_targets: known_list(&s.s3_targets).ok_or_else(|| unknown("s3_targets"))?,
        exclusions: known_list(&s.exclusions).ok_or_else(|| unknown("exclusions"))?,
        table_prefix: s.table_prefix.as_ref_option().cloned(),
        update_behavior: policy
            .update_behavior
            .as_ref_option()
            .cloned()
            .unwrap_or_else(|| DEFAULT_UPDATE_BEHAVIOR.into()),
        delete_behavior: policy
            .delete_behavior
            .as_ref_option()
            .cloned()
            .unwrap_or_else(|| DEFAULT_DELETE_BEHAVIOR.into()),
        recrawl_behavior: s
            .recrawl_policy
            .as_ref_option()
            .cloned()
            .unwrap_or_else(|| DEFAULT_RECRAWL_BEHAVIOR.into()),
        schedule: s.schedule.as_ref_option().cloned(),
        run_after_job: s.run_after_job.as_ref_option().cloned(),
        configuration: s.configuration.as_ref_option().cloned(),
        tags: tag_model::effective(&ctx.default_tags, &context, &tags),
    })
}

/// Fills what only apply can know (the account, when the provider skipped learning it).
async fn finish_state(
    ctx: &AwsContext,
    s: &mut State,
    with_trigger: bool,
    diags: &mut Diagnostics,
) {
    let Some(name) = s.name.as_ref_option().cloned() else {
        return;
    };
    if s.tags_all.is_unknown() {
        s.tags_all = Value::Null;
    }
    let account_id = match account(ctx) {
        Some(a) => Some(a.to_string()),
        None => match crate::aws::sts::get_caller_identity(&ctx.sts, &ctx.retry).await {
            Ok(i) => Some(i.account_id),
            Err(e) => {
                diags.add_warning(e.to_diagnostic());
                None
            }
        },
    };
    let arn = |kind: &str, n: &str| {
        managed::glue_arn(ctx.partition, &ctx.region, account_id.as_deref(), kind, n)
    };
    s.arn = arn("crawler", &name)
        .map(Value::Value)
        .unwrap_or(Value::Null);
    let mut objects = vec![ManagedObject::new(
        "aws_glue_crawler",
        &name,
        arn("crawler", &name),
    )];
    if with_trigger {
        let t = model::after_job_trigger_name(&name);
        objects.push(ManagedObject::new(
            "aws_glue_trigger",
            &t,
            arn("trigger", &t),
        ));
    }
    for o in &mut objects {
        if o.arn.is_unknown() {
            o.arn = Value::Null;
        }
    }
    s.managed_objects = Value::Value(objects);
}

// ---------------------------------------------------------------------------------------
// Reading AWS into state
// ---------------------------------------------------------------------------------------

/// The job a trigger named after the crawler starts it after, when that trigger exists,
/// has the shape this resource creates, and is active.
async fn observed_after_job(
    ctx: &AwsContext,
    crawler: &str,
    owner: Option<&str>,
    recorded: bool,
) -> Result<Option<String>, crate::aws::AwsError> {
    let name = model::after_job_trigger_name(crawler);
    let seen = triggers::get(ctx, &name).await?;
    // Only a trigger this instance manages is its `run_after_job` (see `model::ownership`).
    let seen = match seen {
        Some(t) => {
            let tags = glue_tags::get(ctx, &glue_tags::arn(ctx, "trigger", &name)).await?;
            ownership::trigger_is_managed(owner, recorded, &tags).then_some(t)
        }
        None => None,
    };
    Ok(
        seen.and_then(|t| match (&t.start, t.actions.as_slice(), t.activated) {
            (
                Some(TriggerStart::AfterJobSucceeded(job)),
                [TriggerAction::StartCrawler(c)],
                true,
            ) if c == crawler => Some(job.clone()),
            _ => None,
        }),
    )
}

/// State as AWS holds it, keeping the prior state's spelling of equivalent values.
fn observed_state(
    ctx: &AwsContext,
    prior: &State,
    seen: &ObservedCrawler,
    after_job: Option<String>,
    aws_tags: Tags,
) -> State {
    let mut s = prior.clone();
    s.id = Value::Value(seen.name.clone());
    s.name = Value::Value(seen.name.clone());
    s.role_arn = seen.role.clone().into();
    s.database = seen.database.clone().into();
    let paths: Vec<String> = seen.targets.iter().map(|t| t.path.clone()).collect();
    if !known_list(&prior.s3_targets).is_some_and(|p| same_set(&p, &paths))
        || prior.s3_targets.is_null()
    {
        s.s3_targets = to_list(&paths);
    }
    let exclusions = match seen.targets.split_first() {
        None => Some(Vec::new()),
        Some((first, rest)) => {
            let all_same = rest
                .iter()
                .all(|t| same_set(&t.exclusions, &first.exclusions));
            all_same.then(|| first.exclusions.clone())
        }
    };
    s.exclusions = match exclusions {
        // Exclusions that differ between targets cannot be written as one list: null makes
        // the next plan set them again.
        None => Value::Null,
        Some(x)
            if known_list(&prior.exclusions).is_some_and(|p| same_set(&p, &x))
                && !prior.exclusions.is_null() =>
        {
            prior.exclusions.clone()
        }
        Some(x) => to_list(&x),
    };
    if !model::same_prefix(lit(&prior.table_prefix), seen.table_prefix.as_deref()) {
        s.table_prefix = seen.table_prefix.clone().filter(|p| !p.is_empty()).into();
    }
    let (update, delete, recrawl) = model::observed_policies(seen);
    s.schema_change_policy = policy_block(&update, &delete);
    s.recrawl_policy = Value::Value(recrawl);
    if !model::same_schedule(lit(&prior.schedule), seen.schedule.as_deref()) {
        s.schedule = seen.schedule.clone().into();
    }
    if !model::configuration_equivalent(lit(&prior.configuration), seen.configuration.as_deref()) {
        s.configuration = seen.configuration.clone().into();
    } else if prior.configuration.is_unknown() {
        s.configuration = Value::Null;
    }
    s.run_after_job = after_job.clone().into();
    s.tags_all = to_map(&aws_tags);
    if s.tags.is_null() || s.tags.is_unknown() {
        // Import: the user's tags are what AWS holds minus what the provider adds itself.
        let user: Tags = aws_tags
            .into_iter()
            .filter(|(k, v)| !k.starts_with("flywheel:") && ctx.default_tags.get(k) != Some(v))
            .collect();
        s.tags = to_map(&user);
    }
    if s.exclusions.is_unknown() {
        s.exclusions = Value::Value(Vec::new());
    }
    s.managed_objects = managed_objects(ctx, &seen.name, after_job.is_some());
    s.arn = managed::glue_arn(
        ctx.partition,
        &ctx.region,
        account(ctx),
        "crawler",
        &seen.name,
    )
    .map(Value::Value)
    .unwrap_or_else(|| prior.arn.clone());
    if s.arn.is_unknown() {
        s.arn = Value::Null;
    }
    s
}

/// Reads the crawler (and, when asked, its trigger); `None` when the crawler is gone.
/// GetCrawler, GetTags and GetTrigger go out together: one round trip.
async fn refresh(
    ctx: &AwsContext,
    prior: &State,
    check_trigger: bool,
    diags: &mut Diagnostics,
) -> Option<State> {
    let name = prior.name.as_ref_option()?.clone();
    let arn = glue_tags::arn(ctx, "crawler", &name);
    let (seen, aws_tags, after_job) = futures::join!(
        crawlers::get(ctx, &name),
        glue_tags::get(ctx, &arn),
        async {
            if check_trigger {
                observed_after_job(
                    ctx,
                    &name,
                    children::state_owner(&prior.owner_id),
                    !prior.run_after_job.is_null(),
                )
                .await
            } else {
                Ok(None)
            }
        },
    );
    // A crawler that is gone makes the other answers moot.
    let seen = match seen {
        Ok(Some(c)) => c,
        Ok(None) => {
            // Gone; kept (marked gone) while its trigger is left, so the plan replaces it.
            return match children::leftover_trigger(
                ctx,
                &model::after_job_trigger_name(&name),
                children::state_owner(&prior.owner_id),
                !prior.run_after_job.is_null() && !prior.run_after_job.is_unknown(),
            )
            .await
            {
                Ok(true) => {
                    let mut s = prior.clone();
                    s.id = Value::Null;
                    Some(s)
                }
                Ok(false) => None,
                Err(d) => {
                    diags.add_error(d);
                    Some(prior.clone())
                }
            };
        }
        Err(e) => {
            diags.add_error(e.to_diagnostic());
            return Some(prior.clone());
        }
    };
    let (after_job, aws_tags) = match (after_job, aws_tags) {
        (Ok(j), Ok(t)) => (j, t),
        (Err(e), _) | (_, Err(e)) => {
            diags.add_error(e.to_diagnostic());
            return Some(prior.clone());
        }
    };
    Some(observed_state(ctx, prior, &seen, after_job, aws_tags))
}

/// What a refusal names and advises for this crawler.
fn resource(name: &str) -> children::Resource<'_> {
    children::Resource {
        type_name: "flywheel_crawler",
        kind: "crawler",
        name,
    }
}

/// CreateCrawler found the name taken by a crawler this instance may take (`found` its
/// tags): it is brought to the desired definition and tags.
async fn converge_adopted(
    ctx: &AwsContext,
    crawler: &model::DesiredCrawler,
    found: &Tags,
) -> Result<(), Diagnostic> {
    let name = &crawler.name;
    match crawlers::get(ctx, name)
        .await
        .map_err(|e| e.to_diagnostic())?
    {
        Some(seen) if model::differences(crawler, &seen).is_empty() => {}
        Some(_) => crawlers::update(ctx, crawler)
            .await
            .map_err(|e| e.to_diagnostic())?,
        None => {
            return crawlers::create(ctx, crawler)
                .await
                .map_err(|e| e.to_diagnostic())
        }
    }
    children::set_glue_tags(ctx, "crawler", name, found, &crawler.tags).await
}

#[async_trait]
impl Resource for CrawlerResource {
    type State<'a> = State;
    type PrivateState<'a> = ValueEmpty;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            // Still 0, although 0.2 added `owner_id`: tf-provider 0.2.2 calls
            // `Resource::upgrade` only for another version, and that method takes a `RawValue` the
            // crate does not export, so no resource can implement it. A 0.1.0 state deserializes
            // as it is (every attribute has a default; `owner_id` is null), the plan makes
            // `owner_id` unknown and the first apply writes the owner tags: that is the upgrade.
            version: 0,
            block: block(
                "A Glue crawler over S3 prefixes that catalogs what it finds into a Glue database, with the organisation's defaults (schema changes update the catalog, deletions are only logged). It can run on a schedule and, through a conditional Glue trigger, whenever a job succeeds, so a job's output is catalogued as soon as it is written. It creates, changes and deletes only objects it can prove are its own (see `owner_id`): a crawler or trigger that already exists under its names and does not carry its identity is left untouched and the apply fails, naming it and the import command; a `<name>-after-job` trigger it did not create is never deleted, even when `run_after_job` is not set. Import with the crawler's name: importing claims the crawler (and its `<name>-after-job` trigger, unless another instance's identity is on it), so import only a crawler no other Terraform state manages, or both states will manage it.",
                [
                    ("id", attr(string(), Computed, "The crawler's name.")),
                    ("name", attr(string(), Required, "Name of the Glue crawler: 1 to 245 characters on one line (room is left for the derived trigger name). Changing it replaces the crawler.")),
                    ("pipeline", attr(context::attribute_type(), Optional, context::DESCRIPTION)),
                    ("role_arn", attr(string(), OptionalComputed, "ARN of the IAM role the crawler runs as. Defaults to the pipeline's `role_arn`. The provider waits for a freshly created role to become assumable by Glue.")),
                    ("database", attr(string(), OptionalComputed, "Glue catalog database the crawler writes tables into. Defaults to the pipeline's `database`. Changing it replaces the crawler.")),
                    ("s3_targets", attr(string_list(), Required, "S3 locations to crawl, each `s3://bucket/prefix/`. At least one. Order does not matter.")),
                    ("exclusions", attr(string_list(), OptionalComputed, "Glob patterns excluded from every S3 target, such as `**/_temporary/**`. Default: none.")),
                    ("table_prefix", attr(string(), Optional, "Prefix added to the names of the tables the crawler creates, up to 128 characters.")),
                    ("recrawl_policy", attr(string(), OptionalComputed, "`CRAWL_EVERYTHING` (default) or `CRAWL_NEW_FOLDERS_ONLY` (incremental; requires both schema change behaviours to be `LOG`).")),
                    ("schedule", attr(string(), Optional, "When the crawler runs by itself: AWS `cron(Minutes Hours Day-of-month Month Day-of-week Year)` such as `cron(0 4 * * ? *)`, or `rate(N unit)` with an exact cron equivalent. Set as the crawler's own Glue schedule.")),
                    ("run_after_job", attr(string(), Optional, "Name of a Glue job: the crawler starts whenever a run of that job SUCCEEDED, through a conditional Glue trigger named `<name>-after-job`.")),
                    ("configuration", attr(string(), Optional, "Crawler configuration JSON (version 1.0), usually written with `jsonencode`, for example `jsonencode({ Version = 1.0, Grouping = { TableGroupingPolicy = \"CombineCompatibleSchemas\" } })`. Key order, whitespace, number formatting and the defaults Glue adds never show as a diff. Keys Glue does not accept are rejected by `terraform validate`.")),
                    ("tags", attr(string_map(), OptionalComputed, "Tags for the crawler and its trigger, on top of the provider's `default_tags` and the pipeline's tags. Keys starting `aws:` or `flywheel:` are reserved.")),
                    ("tags_all", attr(string_map(), Computed, "Every tag on the crawler: provider `default_tags`, the pipeline's tags, `tags`, the informational `flywheel:managed-by`, and the ownership tags `flywheel:owner` (this instance's `owner_id`) and, with a pipeline, `flywheel:pipeline-owner`. An ownership tag removed outside Terraform shows as a diff here, and apply restores it.")),
                    ("owner_id", attr(string(), Computed, "This instance's identity: a random value made when the resource is created or imported, kept in state, and written as the tag `flywheel:owner` on the crawler and its trigger. The provider changes or deletes an existing object only when it carries this identity (or, for objects created by provider 0.1.0, none), so another Terraform state with the same configuration, or an object with copied tags, is never taken over. Another state cannot reproduce it. Unknown until the first apply.")),
                    ("arn", attr(string(), Computed, "ARN of the Glue crawler.")),
                    ("managed_objects", attr(managed::attribute_type(), Computed, managed::DESCRIPTION)),
                ],
                [(
                    "schema_change_policy",
                    NestedBlock::Group(block(
                        "What the crawler does when it finds schema changes or deleted objects. Omitted: update in the database, log deletions.",
                        [
                            ("update_behavior", attr(string(), OptionalComputed, "`UPDATE_IN_DATABASE` (default) or `LOG`.")),
                            ("delete_behavior", attr(string(), OptionalComputed, "`LOG` (default), `DELETE_FROM_DATABASE` or `DEPRECATE_IN_DATABASE`.")),
                        ],
                        [],
                    )),
                )],
            ),
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
        let ctx = self.ctx(diags)?;
        let check_trigger = !state.run_after_job.is_null();
        let s = refresh(&ctx, &state, check_trigger, diags).await?;
        Some((s, private_state))
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: State,
        config: State,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty)> {
        let ctx = self.ctx(diags)?;
        Some((
            plan_state(&ctx, &config, proposed, None, diags),
            ValueEmpty::default(),
        ))
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        proposed: State,
        config: State,
        private_state: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty, Vec<AttributePath>)> {
        let ctx = self.ctx(diags)?;
        let planned = plan_state(&ctx, &config, proposed, Some(&prior), diags);
        let mut replace = Vec::new();
        if planned.name != prior.name {
            replace.push(AttributePath::new("name"));
        }
        if planned.database != prior.database {
            replace.push(AttributePath::new("database"));
        }
        // The crawler is gone and its trigger is left (see `refresh`): replace it.
        if prior.id.is_null() {
            replace.push(AttributePath::new("id"));
        }
        Some((planned, private_state, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: State,
        private_state: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<ValueEmpty> {
        Some(private_state)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: State,
        config: State,
        _private: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty)> {
        let ctx = self.ctx(diags)?;
        let mut state = plan_state(&ctx, &config, planned, None, diags);
        let mut cfg = match to_config(&ctx, &state) {
            Ok(c) => c,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        // This instance's identity, made now (see `model::ownership` for why not at plan).
        let owner = children::new_owner_id();
        let pipeline_owner = ownership::pipeline_owner(&cfg.tags).map(str::to_string);
        let who = Owners {
            owner: &owner,
            state_owner: Some(&owner),
            pipeline: pipeline_owner.as_deref(),
        };
        cfg.tags.extend(who.tags());
        let res = resource(&cfg.name);
        let (crawler, trigger) = model::expand(&cfg);
        match crawlers::create(&ctx, &crawler).await {
            Ok(()) => {}
            Err(e) if e.kind == ErrorKind::Conflict => {
                // Fails before anything is changed unless this instance may take it.
                let found = match children::check_create_conflict(&ctx, res, who).await {
                    Ok(t) => t,
                    Err(d) => {
                        diags.add_error(d);
                        return None;
                    }
                };
                if let Err(d) = converge_adopted(&ctx, &crawler, &found).await {
                    diags.add_error(d);
                    state.owner_id = Value::Value(owner.clone());
                    finish_state(&ctx, &mut state, false, diags).await;
                    return Some((state, ValueEmpty::default()));
                }
            }
            Err(e) => {
                diags.add_error(e.to_diagnostic());
                return None;
            }
        }
        state.owner_id = Value::Value(owner.clone());
        state.tags_all = to_map(&cfg.tags);
        let mut with_trigger = trigger.is_some();
        let name = model::after_job_trigger_name(&cfg.name);
        if let Err(d) = children::converge_trigger(
            &ctx,
            res,
            who,
            &name,
            trigger.as_ref(),
            false,
            "run_after_job",
        )
        .await
        {
            diags.add_error(d);
            state.run_after_job = Value::Null;
            with_trigger = false;
        }
        finish_state(&ctx, &mut state, with_trigger, diags).await;
        Some((state, ValueEmpty::default()))
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
        let ctx = self.ctx(diags)?;
        let mut state = plan_state(&ctx, &config, planned, Some(&prior), diags);
        let mut cfg = match to_config(&ctx, &state) {
            Ok(c) => c,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        // The identity: the prior state's, or made now for a state written by 0.1.0.
        let state_owner = children::state_owner(&prior.owner_id).map(str::to_string);
        let owner = state_owner.clone().unwrap_or_else(children::new_owner_id);
        let pipeline_owner = ownership::pipeline_owner(&cfg.tags).map(str::to_string);
        let who = Owners {
            owner: &owner,
            state_owner: state_owner.as_deref(),
            pipeline: pipeline_owner.as_deref(),
        };
        cfg.tags.extend(who.tags());
        let res = resource(&cfg.name);
        let (crawler, trigger) = model::expand(&cfg);
        // Before any write: the crawler must still be this instance's.
        let crawler_tags = match children::check_change(&ctx, res, who).await {
            Ok(t) => t,
            Err(d) => {
                diags.add_error(d);
                return Some((prior, ValueEmpty::default()));
            }
        };
        let seen = match crawlers::get(&ctx, &cfg.name).await {
            Ok(s) => s,
            Err(e) => {
                diags.add_error(e.to_diagnostic());
                return None;
            }
        };
        match seen {
            None => {
                diags.root_error(
                    format!("Glue crawler {:?} disappeared", cfg.name),
                    "The crawler was deleted while Terraform was applying. Run `terraform apply` again to recreate it.",
                );
                return None;
            }
            Some(seen) if !model::differences(&crawler, &seen).is_empty() => {
                if let Err(e) = crawlers::update(&ctx, &crawler).await {
                    diags.add_error(e.to_diagnostic());
                    return None;
                }
            }
            Some(_) => {}
        }
        // Owner tags may be written from here on: the state must know the identity.
        state.owner_id = Value::Value(owner.clone());
        let recorded = !prior.run_after_job.is_null();
        let mut with_trigger = trigger.is_some();
        if let Err(d) = children::converge_trigger(
            &ctx,
            res,
            who,
            &model::after_job_trigger_name(&cfg.name),
            trigger.as_ref(),
            recorded,
            "run_after_job",
        )
        .await
        {
            diags.add_error(d);
            state.run_after_job = prior.run_after_job.clone();
            with_trigger = recorded;
        }
        if let Err(d) =
            children::set_glue_tags(&ctx, "crawler", &cfg.name, &crawler_tags, &cfg.tags).await
        {
            diags.add_error(d);
            state.tags_all = prior.tags_all.clone();
        } else {
            state.tags_all = to_map(&cfg.tags);
        }
        finish_state(&ctx, &mut state, with_trigger, diags).await;
        Some((state, ValueEmpty::default()))
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        _private: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<()> {
        let ctx = self.ctx(diags)?;
        let name = prior.name.as_ref_option()?.clone();
        let state_owner = children::state_owner(&prior.owner_id);
        let context = context_tags(&prior.pipeline).unwrap_or_default();
        let who = Owners {
            owner: state_owner.unwrap_or_default(),
            state_owner,
            pipeline: ownership::pipeline_owner(&context),
        };
        let res = resource(&name);
        // Each child is deleted only when this state can prove it is its own; a refused one
        // is named in an error and left.
        let mut failed = false;
        if let Err(d) = children::converge_trigger(
            &ctx,
            res,
            who,
            &model::after_job_trigger_name(&name),
            None,
            !prior.run_after_job.is_null(),
            "run_after_job",
        )
        .await
        {
            diags.add_error(d);
            failed = true;
        }
        if let Err(d) = children::check_change(&ctx, res, who).await {
            diags.add_error(d);
            return None;
        }
        if let Err(e) = crawlers::delete(&ctx, &name).await {
            diags.add_error(e.to_diagnostic());
            return None;
        }
        (!failed).then_some(())
    }

    async fn import<'a>(&self, diags: &mut Diagnostics, id: String) -> Option<(State, ValueEmpty)> {
        let ctx = self.ctx(diags)?;
        if let Err(e) = crate::validate::glue_name(&id, model::GLUE_NAME_MAX) {
            diags.root_error(
                "Invalid import ID",
                format!("The import ID is the crawler's name: {e}"),
            );
            return None;
        }
        // Import is an explicit claim: the crawler's own identity if this provider made
        // one, otherwise a new one that the first apply writes. A trigger under the derived
        // name is claimed with it unless it carries another identity (`run_after_job`
        // unknown marks it as recorded for the read).
        let found = match children::glue_tags_of(&ctx, "crawler", &id).await {
            Ok(t) => t,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        let prior = State {
            name: Value::Value(id.clone()),
            owner_id: Value::Value(children::imported_owner_id(&found)),
            run_after_job: Value::Unknown,
            ..State::default()
        };
        match refresh(&ctx, &prior, true, diags).await {
            Some(s) if diags.errors.is_empty() => Some((s, ValueEmpty::default())),
            Some(_) => None,
            None => {
                diags.root_error(
                    format!("Glue crawler {id:?} not found"),
                    "Check the crawler's name and the provider's region.",
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value<String> {
        Value::Value(v.into())
    }

    fn config() -> State {
        State {
            name: s("crw-x"),
            role_arn: s("arn:aws:iam::239083076653:role/r"),
            database: s("db"),
            s3_targets: Value::Value(vec![s("s3://bucket-a/x/")]),
            ..State::default()
        }
    }

    fn paths(c: &State) -> Vec<String> {
        let mut d = Diagnostics::default();
        validate_config(c, &mut d);
        d.errors
            .iter()
            .map(|e| format!("{:?}", e.attribute))
            .collect()
    }

    #[test]
    fn validation_names_attribute_paths() {
        assert!(paths(&config()).is_empty());
        let mut c = config();
        c.s3_targets = Value::Value(vec![s("s3://bucket-a/x/"), s("bucket")]);
        c.schema_change_policy = Value::Value(SchemaChangePolicyBlock {
            update_behavior: s("NOPE"),
            delete_behavior: Value::Null,
        });
        let p = paths(&c).join("\n");
        assert!(p.contains("s3_targets") && p.contains("Index(1)"), "{p}");
        assert!(
            p.contains("schema_change_policy") && p.contains("update_behavior"),
            "{p}"
        );
        let mut c = config();
        c.role_arn = Value::Null;
        c.database = Value::Null;
        let p = paths(&c).join("\n");
        assert!(p.contains("role_arn") && p.contains("database"), "{p}");
    }

    #[test]
    fn unknown_values_are_not_validated() {
        let mut c = config();
        c.s3_targets = Value::Unknown;
        c.configuration = Value::Unknown;
        c.schema_change_policy = Value::Unknown;
        c.role_arn = Value::Unknown;
        assert!(paths(&c).is_empty());
    }

    /// A state provider 0.1.0 wrote: every attribute reads back as written, and `owner_id`
    /// is null, which the next plan turns into "known after apply".
    #[test]
    fn state_from_0_1_0_deserializes_without_an_identity() {
        let file: serde_json::Value = serde_json::from_str(include_str!(
            "../../tests/fixtures/state-0.1.0/glue.tfstate.json"
        ))
        .expect("fixture JSON");
        let instance = file["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .find(|r| r["type"] == "flywheel_crawler")
            .expect("the resource")["instances"][0]
            .clone();
        assert_eq!(instance["schema_version"], 0);
        let attributes = instance["attributes"].clone();
        let state: State = serde_json::from_value(attributes.clone()).expect("a 0.1.0 state");
        assert_eq!(state.owner_id, Value::Null);
        assert!(state.name.is_value());
        // Nothing else is lost: it serializes back to the same attributes plus `owner_id`.
        let mut back = serde_json::to_value(&state).expect("serializes");
        back.as_object_mut().expect("object").remove("owner_id");
        assert_eq!(back, attributes);
    }
}
