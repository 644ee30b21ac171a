//! `flywheel_crawler`: a Glue crawler over S3 prefixes, with its schema change and recrawl
//! policies, an optional schedule (the crawler's own Glue schedule, see `model::crawler`)
//! and an optional conditional trigger that starts it when a job succeeds.
//!
//! This file holds the schema, the offline validation, the planning of every computed value,
//! and the mapping between Terraform values and `model::crawler`. It makes no AWS call:
//! create, update, destroy and read go through the engine (`reconcile::converge_with`,
//! `reconcile::destroy_with`) and the crawler's backend (`reconcile::crawler_backend`),
//! which decide whose each object is; this file turns their results into state and into
//! diagnostics that name the child.
//!
//! Spellings the user chose are kept: when AWS holds an equivalent `configuration` JSON,
//! schedule or target order, state keeps the user's text and plans show no diff.
//! `name` and `database` changes replace the crawler; everything else updates in place.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{NestedBlock, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostic, Diagnostics, Resource};

use crate::aws::{AwsContext, SharedContext};
use crate::model::children::{ChildKey, Kind, Status};
use crate::model::context::{self, PipelineContextValue};
use crate::model::crawler::{
    self as model, CrawlerConfig, Literals, ObservedCrawler, DEFAULT_DELETE_BEHAVIOR,
    DEFAULT_RECRAWL_BEHAVIOR, DEFAULT_UPDATE_BEHAVIOR,
};
use crate::model::managed::{self, ManagedObject};
use crate::model::ownership::{self, Verdict};
use crate::model::tags::{self as tag_model, Tags};
use crate::model::trigger::{ObservedTrigger, TriggerAction, TriggerStart};
use crate::reconcile::crawler_backend::CrawlerBackend;
use crate::reconcile::engine::Backend;
use crate::reconcile::{self, Converged, Failure, Ownership, Refusal};
use crate::resources::children;
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
        None => match backend(ctx, &name).account_id().await {
            Ok(a) => Some(a),
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

/// The job the trigger named after the crawler starts it after, when that trigger exists,
/// is the one this instance manages (see `model::ownership`), has the shape this resource
/// creates, and is active.
fn after_job(
    crawler: &str,
    trigger: Option<&(ObservedTrigger, Tags)>,
    owner: Option<&str>,
    recorded: bool,
) -> Option<String> {
    let (t, tags) = trigger?;
    if !ownership::trigger_is_managed(owner, recorded, tags) {
        return None;
    }
    match (&t.start, t.actions.as_slice(), t.activated) {
        (Some(TriggerStart::AfterJobSucceeded(job)), [TriggerAction::StartCrawler(c)], true)
            if c == crawler =>
        {
            Some(job.clone())
        }
        _ => None,
    }
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
    let b = backend(ctx, &name);
    let seen = match b.read(check_trigger).await {
        Ok(o) => o,
        Err(e) => {
            diags.add_error(e.to_diagnostic());
            return Some(prior.clone());
        }
    };
    let owner = children::state_owner(&prior.owner_id);
    let Some((crawler, aws_tags)) = seen.crawler else {
        // Gone; kept (marked gone) while a trigger this instance would delete is left, so
        // the plan replaces it: the destroy removes the trigger and the identity is not lost
        // with the state. Forgetting it instead would leave a trigger no state can prove it
        // owns, and the re-create would refuse it.
        let trigger = if check_trigger {
            seen.trigger
        } else {
            match b.read(true).await {
                Ok(o) => o.trigger,
                Err(e) => {
                    diags.add_error(e.to_diagnostic());
                    return Some(prior.clone());
                }
            }
        };
        let recorded = !prior.run_after_job.is_null() && !prior.run_after_job.is_unknown();
        return match trigger {
            Some((_, tags)) if ownership::may_delete_trigger(owner, recorded, &tags) => {
                let mut s = prior.clone();
                s.id = Value::Null;
                Some(s)
            }
            _ => None,
        };
    };
    let job = after_job(
        &name,
        seen.trigger.as_ref(),
        owner,
        !prior.run_after_job.is_null(),
    );
    Some(observed_state(ctx, prior, &crawler, job, aws_tags))
}

fn backend<'a>(ctx: &'a AwsContext, name: &'a str) -> CrawlerBackend<'a> {
    CrawlerBackend { ctx, crawler: name }
}

/// The trigger keys the prior state recorded (its `run_after_job` was set, or is unknown
/// after an import, which claims the trigger).
fn recorded(name: &str, run_after_job: &Value<String>) -> BTreeSet<ChildKey> {
    (!run_after_job.is_null())
        .then(|| model::trigger_key(name))
        .into_iter()
        .collect()
}

/// The engine's failures as diagnostics, each naming its child at the attribute it comes
/// from: `name` for the crawler (with the import command when it was refused),
/// `run_after_job` for its trigger (with what to rename or delete).
fn diagnostics(region: &str, name: &str, failures: &[Failure]) -> Vec<Diagnostic> {
    failures
        .iter()
        .map(|f| diagnostic(region, name, f))
        .collect()
}

fn diagnostic(region: &str, name: &str, f: &Failure) -> Diagnostic {
    let (summary, detail) = f.text();
    let Some(key) = f.key() else {
        return Diagnostic::root(summary, detail);
    };
    let at = AttributePath::new;
    let advice = || ownership::import_advice("flywheel_crawler", name, "name");
    if key.kind == Kind::GlueCrawlerTrigger {
        let label = format!("Glue trigger {:?}", key.name);
        return match f {
            Failure::NotOurs { verdict, why, .. } => {
                // A trigger without an identity that this state cannot prove it made.
                let v = match verdict {
                    Verdict::Ours => &Verdict::Untagged,
                    v => v,
                };
                let refusal = ownership::refusal(&label, v);
                if *why == Refusal::Undeletable {
                    Diagnostic::new(
                        format!("{label} was not deleted"),
                        format!("{refusal} This resource no longer manages it; delete it yourself if nothing else uses it."),
                        at("run_after_job"),
                    )
                } else {
                    Diagnostic::new(
                        format!("{label} already exists"),
                        format!(
                            "{refusal} It has the name this flywheel_crawler gives its trigger. Rename the crawler (`name`), or delete the trigger {:?} if nothing uses it, then apply again.",
                            key.name
                        ),
                        at("run_after_job"),
                    )
                }
            }
            _ => Diagnostic::new(summary, detail, at("run_after_job")),
        };
    }
    let label = format!("Glue crawler {:?}", key.name);
    match f {
        Failure::NotOurs {
            verdict,
            why: Refusal::Exists,
            ..
        } => Diagnostic::new(
            format!("{label} already exists"),
            format!(
                "A Glue crawler named {name:?} already exists in {region}. {}\n\n{}",
                ownership::refusal(&label, verdict),
                advice()
            ),
            at("name"),
        ),
        Failure::NotOurs { verdict, .. } => Diagnostic::new(
            format!("{label} is not this resource's"),
            format!(
                "{} Nothing was changed. If this configuration should manage it, remove it from the other state first, then import it here:\n\n{}",
                ownership::refusal(&label, verdict),
                advice()
            ),
            at("name"),
        ),
        Failure::Op { found: Some(_), .. } => {
            Diagnostic::new(summary, format!("{detail}\n\n{}", advice()), at("name"))
        }
        _ => Diagnostic::root(summary, detail),
    }
}

/// Whether the trigger is where the configuration wants it after a converge: wanted and
/// `ok`, or not wanted and gone (or left as someone else's).
fn trigger_done(statuses: &BTreeMap<ChildKey, Status>, name: &str, wanted: bool) -> bool {
    match statuses.get(&model::trigger_key(name)) {
        Some(s) => wanted && *s == Status::Ok,
        None => !wanted,
    }
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
        cfg.tags
            .extend(ownership::owner_tags(&owner, pipeline_owner.as_deref()));
        let (crawler, trigger) = model::expand(&cfg);
        // An existing crawler or trigger is taken only when it is this apply's own (a lost
        // answer) or its pipeline's (a killed apply); anything else fails before any write.
        let own = Ownership {
            creating: true,
            owner: None,
            writing: Some(owner.clone()),
            pipeline_owner,
            ..Ownership::default()
        };
        let Converged {
            statuses,
            failures,
            ran,
        } = reconcile::converge_with(
            &backend(&ctx, &cfg.name),
            &model::children(&crawler, trigger.as_ref()),
            &own,
            &BTreeSet::new(),
        )
        .await;
        for d in diagnostics(&ctx.region, &cfg.name, &failures) {
            diags.add_error(d);
        }
        let crawler_status = statuses.get(&model::crawler_key(&cfg.name));
        if (!ran && !failures.is_empty()) || matches!(crawler_status, None | Some(Status::Missing))
        {
            // Refused before any write, or the crawler was not made: nothing to record.
            return None;
        }
        // From here the crawler exists with this identity (or is being taken): the state
        // records it, with the error when something failed.
        state.owner_id = Value::Value(owner);
        if crawler_status == Some(&Status::Ok) {
            state.tags_all = to_map(&cfg.tags);
        }
        let with_trigger = trigger.is_some() && trigger_done(&statuses, &cfg.name, true);
        if !with_trigger {
            state.run_after_job = Value::Null;
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
        cfg.tags
            .extend(ownership::owner_tags(&owner, pipeline_owner.as_deref()));
        let (crawler, trigger) = model::expand(&cfg);
        let own = Ownership {
            creating: false,
            owner: state_owner,
            writing: Some(owner.clone()),
            pipeline_owner,
            ..Ownership::default()
        };
        let Converged {
            statuses,
            failures,
            ran,
        } = reconcile::converge_with(
            &backend(&ctx, &cfg.name),
            &model::children(&crawler, trigger.as_ref()),
            &own,
            &recorded(&cfg.name, &prior.run_after_job),
        )
        .await;
        for d in diagnostics(&ctx.region, &cfg.name, &failures) {
            diags.add_error(d);
        }
        if statuses.get(&model::crawler_key(&cfg.name)) != Some(&Status::Ok) {
            // Refused (nothing changed), or the crawler's change failed: the state keeps
            // what it had, and the identity once owner tags may have been written.
            let mut kept = prior;
            if ran {
                kept.owner_id = Value::Value(owner);
            }
            return Some((kept, ValueEmpty::default()));
        }
        state.owner_id = Value::Value(owner);
        state.tags_all = to_map(&cfg.tags);
        let mut with_trigger = trigger.is_some();
        if !trigger_done(&statuses, &cfg.name, with_trigger) {
            state.run_after_job = prior.run_after_job.clone();
            with_trigger = !prior.run_after_job.is_null();
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
        let state_owner = children::state_owner(&prior.owner_id).map(str::to_string);
        let context = context_tags(&prior.pipeline).unwrap_or_default();
        let own = Ownership {
            owner: state_owner.clone(),
            writing: state_owner,
            pipeline_owner: ownership::pipeline_owner(&context).map(str::to_string),
            ..Ownership::default()
        };
        // Each child is deleted only when this state can prove it is its own; otherwise
        // nothing is deleted and the refused child is named.
        let failures = reconcile::destroy_with(
            &backend(&ctx, &name),
            &[model::existing(&name)],
            &own,
            false,
            &recorded(&name, &prior.run_after_job),
        )
        .await;
        if failures.is_empty() {
            return Some(());
        }
        for d in diagnostics(&ctx.region, &name, &failures) {
            diags.add_error(d);
        }
        None
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
        let found = match backend(&ctx, &id).tags(&model::crawler_key(&id)).await {
            Ok(t) => t,
            Err(e) => {
                diags.add_error(e.to_diagnostic());
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
            Some(s) if diags.errors.is_empty() && s.id.is_value() => {
                Some((s, ValueEmpty::default()))
            }
            Some(_) if !diags.errors.is_empty() => None,
            _ => {
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

    #[test]
    fn engine_failures_name_the_child_at_its_attribute() {
        let crawler = model::crawler_key("crw");
        let trigger = model::trigger_key("crw");
        let d = |f: Failure| diagnostic("us-east-1", "crw", &f);
        let refused = d(Failure::NotOurs {
            key: crawler.clone(),
            verdict: Verdict::Untagged,
            why: Refusal::Exists,
        });
        assert_eq!(refused.summary, "Glue crawler \"crw\" already exists");
        assert!(refused
            .detail
            .contains("terraform import flywheel_crawler.<name> 'crw'"));
        assert_eq!(refused.attribute, AttributePath::new("name"));
        let foreign = d(Failure::NotOurs {
            key: crawler,
            verdict: Verdict::Foreign { owner: "x".into() },
            why: Refusal::Foreign,
        });
        assert!(foreign.summary.contains("is not this resource's"));
        let kept = d(Failure::NotOurs {
            key: trigger.clone(),
            verdict: Verdict::Untagged,
            why: Refusal::Undeletable,
        });
        assert_eq!(
            kept.summary,
            "Glue trigger \"crw-after-job\" was not deleted"
        );
        assert_eq!(kept.attribute, AttributePath::new("run_after_job"));
        let taken = d(Failure::NotOurs {
            key: trigger,
            verdict: Verdict::Untagged,
            why: Refusal::Exists,
        });
        assert!(
            taken.detail.contains("Rename the crawler"),
            "{}",
            taken.detail
        );
    }

    #[test]
    fn the_trigger_is_recorded_only_where_the_configuration_wants_it() {
        let mut st = BTreeMap::new();
        assert!(trigger_done(&st, "crw", false));
        assert!(!trigger_done(&st, "crw", true));
        st.insert(model::trigger_key("crw"), Status::Ok);
        assert!(trigger_done(&st, "crw", true));
        st.insert(model::trigger_key("crw"), Status::Extra);
        assert!(!trigger_done(&st, "crw", false));
        assert!(recorded("crw", &Value::Null).is_empty());
        assert!(recorded("crw", &Value::Unknown).contains(&model::trigger_key("crw")));
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
