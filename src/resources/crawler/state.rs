//! The crawler's state: its types, the conversions between Terraform values and plain
//! ones, and AWS read into state (through the crawler's backend), keeping the prior
//! state's spelling of equivalent values.

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;
use tf_provider::Diagnostics;

use crate::aws::AwsContext;
use crate::model::crawler::{self as model, ObservedCrawler};
use crate::model::crawler_run::WhenRunning;
use crate::model::crawler_settings::{CrawlerSettings, LakeFormation};
use crate::model::managed;
use crate::model::ownership;
use crate::model::tags::Tags;
use crate::model::trigger::{ObservedTrigger, TriggerAction, TriggerStart};
use crate::reconcile::crawler_backend::CrawlerBackend;
use crate::resources::context::PipelineContextValue;
use crate::resources::identity;
use crate::resources::managed::ManagedObject;
use crate::values::{known_map, to_map, Number, StringMap};

use super::read_back::*;
use super::targets::{self, *};

pub(super) type StringList = Vec<Value<String>>;

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct SchemaChangePolicyBlock {
    #[serde(default)]
    pub update_behavior: Value<String>,
    #[serde(default)]
    pub delete_behavior: Value<String>,
}

/// `lake_formation_configuration { }`: an optional block, null when absent.
#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct LakeFormationBlock {
    #[serde(default)]
    pub use_lake_formation_credentials: Value<bool>,
    #[serde(default)]
    pub account_id: Value<String>,
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
    #[serde(default, with = "crate::values::list_block")]
    pub s3_target: Value<Vec<S3TargetBlock>>,
    #[serde(default, with = "crate::values::list_block")]
    pub catalog_target: Value<Vec<CatalogTargetBlock>>,
    #[serde(default, with = "crate::values::list_block")]
    pub jdbc_target: Value<Vec<JdbcTargetBlock>>,
    #[serde(default, with = "crate::values::list_block")]
    pub dynamodb_target: Value<Vec<DynamoDbTargetBlock>>,
    #[serde(default, with = "crate::values::list_block")]
    pub mongodb_target: Value<Vec<MongoDbTargetBlock>>,
    #[serde(default, with = "crate::values::list_block")]
    pub delta_target: Value<Vec<DeltaTargetBlock>>,
    #[serde(default, with = "crate::values::list_block")]
    pub iceberg_target: Value<Vec<TableFormatBlock>>,
    #[serde(default, with = "crate::values::list_block")]
    pub hudi_target: Value<Vec<TableFormatBlock>>,
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
    /// A set; null without `run_after_job`.
    #[serde(default)]
    pub run_after_job_states: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub configuration: Value<String>,
    #[serde(default)]
    pub sample_size: Value<Number>,
    #[serde(default)]
    pub event_queue_arn: Value<String>,
    #[serde(default)]
    pub dlq_event_queue_arn: Value<String>,
    #[serde(default)]
    pub description: Value<String>,
    #[serde(default)]
    pub classifiers: Value<StringList>,
    #[serde(default)]
    pub lineage: Value<bool>,
    #[serde(default)]
    pub security_configuration: Value<String>,
    #[serde(default, with = "crate::values::optional_block")]
    pub lake_formation_configuration: Value<LakeFormationBlock>,
    /// Apply-time behaviour, not read from AWS (null: the default).
    #[serde(default)]
    pub running_crawler_timeout: Value<String>,
    #[serde(default)]
    pub stop_running_crawler: Value<bool>,
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

impl State {
    /// The target blocks, together.
    pub(super) fn target_blocks(&self) -> TargetBlocks {
        TargetBlocks {
            s3: self.s3_target.clone(),
            catalog: self.catalog_target.clone(),
            jdbc: self.jdbc_target.clone(),
            dynamodb: self.dynamodb_target.clone(),
            mongodb: self.mongodb_target.clone(),
            delta: self.delta_target.clone(),
            iceberg: self.iceberg_target.clone(),
            hudi: self.hudi_target.clone(),
        }
    }

    pub(super) fn set_target_blocks(&mut self, t: TargetBlocks) {
        self.s3_target = t.s3;
        self.catalog_target = t.catalog;
        self.jdbc_target = t.jdbc;
        self.dynamodb_target = t.dynamodb;
        self.mongodb_target = t.mongodb;
        self.delta_target = t.delta;
        self.iceberg_target = t.iceberg;
        self.hudi_target = t.hudi;
    }
}

// ---------------------------------------------------------------------------------------
// Value conversions
// ---------------------------------------------------------------------------------------

/// `Some(Some(v))` known, `Some(None)` null, `None` unknown.
pub(super) fn known(v: &Value<String>) -> Option<Option<&str>> {
    match v {
        Value::Value(s) => Some(Some(s.as_str())),
        Value::Null => Some(None),
        Value::Unknown => None,
    }
}

/// The literal value, when known and set.
pub(super) fn lit(v: &Value<String>) -> Option<&str> {
    v.as_ref_option().map(String::as_str)
}

pub(super) fn lit_list(v: &Value<StringList>) -> Option<Vec<Option<&str>>> {
    v.as_ref_option().map(|l| {
        l.iter()
            .map(|e| e.as_ref_option().map(String::as_str))
            .collect()
    })
}

/// Every element known.
pub(super) fn known_list(v: &Value<StringList>) -> Option<Vec<String>> {
    match v {
        Value::Value(l) => l.iter().map(|e| e.as_ref_option().cloned()).collect(),
        Value::Null => Some(Vec::new()),
        Value::Unknown => None,
    }
}

/// Every element known (null elements left out); a null map is empty.
pub(super) fn known_tags(v: &Value<StringMap>) -> Option<Tags> {
    known_map(v).ok().map(Option::unwrap_or_default)
}

pub(super) fn to_list(l: &[String]) -> Value<StringList> {
    Value::Value(l.iter().cloned().map(Value::Value).collect())
}

pub(super) fn same_set(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}

/// A pipeline context field: null without a pipeline, unknown while the pipeline is.
pub(super) fn from_pipeline(
    p: &Value<PipelineContextValue>,
    f: impl Fn(&PipelineContextValue) -> &Value<String>,
) -> Value<String> {
    match p {
        Value::Value(c) => f(c).clone(),
        Value::Null => Value::Null,
        Value::Unknown => Value::Unknown,
    }
}

pub(super) fn context_tags(p: &Value<PipelineContextValue>) -> Option<Tags> {
    match p {
        Value::Value(c) => known_tags(&c.tags),
        Value::Null => Some(Tags::new()),
        Value::Unknown => None,
    }
}

pub(super) fn account(ctx: &AwsContext) -> Option<&str> {
    ctx.identity.as_ref().map(|i| i.account_id.as_str())
}

pub(super) fn policy_block(update: &str, delete: &str) -> Value<SchemaChangePolicyBlock> {
    Value::Value(SchemaChangePolicyBlock {
        update_behavior: Value::Value(update.into()),
        delete_behavior: Value::Value(delete.into()),
    })
}

pub(super) fn managed_objects(
    ctx: &AwsContext,
    name: &str,
    with_trigger: bool,
) -> Value<Vec<ManagedObject>> {
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

/// Fills what only apply can know (the account, when the provider skipped learning it).
pub(super) async fn finish_state(
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
pub(super) fn after_job(
    crawler: &str,
    trigger: Option<&(ObservedTrigger, Tags)>,
    owner: Option<&str>,
    recorded: bool,
) -> Option<(String, Vec<String>)> {
    let (t, tags) = trigger?;
    if !ownership::trigger_is_managed(owner, recorded, tags) {
        return None;
    }
    match (&t.start, t.actions.as_slice(), t.activated) {
        (Some(TriggerStart::AfterJob { job, states }), [TriggerAction::StartCrawler(c)], true)
            if c == crawler =>
        {
            Some((job.clone(), states.clone()))
        }
        _ => None,
    }
}

/// `role_arn` from the role GetCrawler reports (by name, see `model::same_role`): the prior
/// ARN when it names that role, otherwise the ARN built from the name in `account` (the
/// bare name when the account is not known, which then plans as a difference).
pub(super) fn role_state(
    prior: &Value<String>,
    reported: Option<&str>,
    partition: &str,
    account: Option<&str>,
) -> Value<String> {
    let Some(reported) = reported else {
        return Value::Null;
    };
    match prior {
        Value::Value(p) if model::same_role(p, reported) => prior.clone(),
        _ => Value::Value(
            model::role_arn_from_reported(reported, partition, account)
                .unwrap_or_else(|| reported.to_string()),
        ),
    }
}

/// State as AWS holds it, keeping the prior state's spelling of equivalent values.
pub(super) fn observed_state(
    ctx: &AwsContext,
    prior: &State,
    seen: &ObservedCrawler,
    after_job: Option<(String, Vec<String>)>,
    aws_tags: Tags,
    role_account: Option<&str>,
) -> State {
    let mut s = prior.clone();
    s.id = Value::Value(seen.name.clone());
    s.name = Value::Value(seen.name.clone());
    s.role_arn = role_state(
        &prior.role_arn,
        seen.role.as_deref(),
        ctx.partition,
        role_account,
    );
    s.database = seen.database.clone().into();
    let paths: Vec<String> = seen.targets.iter().map(|t| t.path.clone()).collect();
    let block_form = s3_block_form(prior, &seen.targets);
    if seen.targets.is_empty() {
        // No S3 target: the list as the configuration wrote it (null or empty).
        if !known_list(&prior.s3_targets).is_some_and(|p| p.is_empty()) || block_form {
            s.s3_targets = Value::Null;
        }
    } else if block_form {
        s.s3_targets = Value::Null;
    } else if !known_list(&prior.s3_targets).is_some_and(|p| same_set(&p, &paths))
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
    let configuration = model::reported_configuration(seen);
    let prior_configuration = model::configuration_as_glue_reads(seen, lit(&prior.configuration));
    if !model::configuration_equivalent(prior_configuration.as_deref(), configuration.as_deref()) {
        // Glue re-serialises the JSON and adds its defaults; the canonical form (keys
        // sorted, defaults dropped) is what `jsonencode` writes, so an import of a crawler
        // configured with `jsonencode` reads back as written.
        s.configuration = model::canonical_configuration(configuration.as_deref()).into();
    } else if prior.configuration.is_unknown() {
        s.configuration = Value::Null;
    }
    read_settings(&mut s, prior, seen);
    let mut blocks = targets::read_other(&prior.target_blocks(), &seen.other_targets);
    blocks.s3 = Value::Value(Vec::new());
    if block_form {
        blocks.s3 = read_s3_blocks(&prior.s3_target, &seen.targets);
        // The crawler-wide options are the short form's; the blocks carry their own.
        s.exclusions = Value::Value(Vec::new());
        s.sample_size = Value::Null;
        s.event_queue_arn = Value::Null;
        s.dlq_event_queue_arn = Value::Null;
    } else if seen.targets.is_empty() {
        s.sample_size = Value::Null;
        s.event_queue_arn = Value::Null;
        s.dlq_event_queue_arn = Value::Null;
    }
    s.set_target_blocks(blocks);
    s.run_after_job = after_job.as_ref().map(|(j, _)| j.clone()).into();
    s.run_after_job_states = match &after_job {
        Some((_, states)) => Value::Value(states.iter().cloned().map(Value::Value).collect()),
        None => Value::Null,
    };
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

/// The settings a state holds, when every one is known.
pub(super) fn settings_of(s: &State) -> Option<CrawlerSettings> {
    let lake_formation = match &s.lake_formation_configuration {
        Value::Unknown => return None,
        Value::Null => None,
        Value::Value(b) => Some(LakeFormation {
            use_credentials: match &b.use_lake_formation_credentials {
                Value::Unknown => return None,
                v => v.as_ref_option().copied().unwrap_or(false),
            },
            account_id: match &b.account_id {
                Value::Unknown => return None,
                v => v.as_ref_option().cloned(),
            },
        }),
    };
    let unknown = |v: &Value<String>| v.is_unknown();
    if unknown(&s.description) || unknown(&s.security_configuration) || s.lineage.is_unknown() {
        return None;
    }
    Some(CrawlerSettings {
        description: s.description.as_ref_option().cloned(),
        classifiers: known_list(&s.classifiers)?,
        lineage: s.lineage.as_ref_option().copied().unwrap_or(false),
        security_configuration: s.security_configuration.as_ref_option().cloned(),
        lake_formation,
    })
}

/// Reads the crawler (and, when asked, its trigger); `None` when the crawler is gone.
/// GetCrawler, GetTags and GetTrigger go out together: one round trip.
pub(super) async fn refresh(
    ctx: &AwsContext,
    prior: &State,
    check_trigger: bool,
    diags: &mut Diagnostics,
) -> Option<State> {
    let name = prior.name.as_ref_option()?.clone();
    let b = CrawlerBackend {
        expected_tags: known_map(&prior.tags_all).ok().flatten(),
        ..backend(ctx, &name)
    };
    let seen = match b.read(check_trigger).await {
        Ok(o) => o,
        Err(e) => {
            diags.add_error(e.to_diagnostic());
            return Some(prior.clone());
        }
    };
    let owner = identity::state_owner(&prior.owner_id);
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
    // A role reported by name needs the account for its ARN (unless state names it).
    let role_account = match (account(ctx), crawler.role.as_deref()) {
        (Some(a), _) => Some(a.to_string()),
        (None, Some(r))
            if !lit(&prior.role_arn).is_some_and(|p| model::same_role(p, r))
                && model::role_arn_from_reported(r, ctx.partition, None).is_none() =>
        {
            match b.account_id().await {
                Ok(a) => Some(a),
                Err(e) => {
                    diags.add_warning(e.to_diagnostic());
                    None
                }
            }
        }
        _ => None,
    };
    Some(observed_state(
        ctx,
        prior,
        &crawler,
        job,
        aws_tags,
        role_account.as_deref(),
    ))
}

/// What an update or delete of the crawler in state `s` does while the crawler runs.
pub(super) fn when_running(s: &State) -> WhenRunning {
    WhenRunning::from_settings(
        lit(&s.running_crawler_timeout),
        s.stop_running_crawler.as_ref_option().copied(),
    )
}

/// The backend for writes, with the state's policy for a running crawler.
pub(super) fn writer<'a>(ctx: &'a AwsContext, name: &'a str, s: &State) -> CrawlerBackend<'a> {
    CrawlerBackend {
        when_running: when_running(s),
        ..backend(ctx, name)
    }
}

pub(super) fn backend<'a>(ctx: &'a AwsContext, name: &'a str) -> CrawlerBackend<'a> {
    CrawlerBackend {
        ctx,
        crawler: name,
        when_running: WhenRunning::default(),
        expected_tags: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_reported_by_name_keeps_the_configured_arn() {
        let arn = "arn:aws:iam::239083076653:role/service-role/glue";
        let prior = Value::Value(arn.to_string());
        let acct = Some("239083076653");
        assert_eq!(
            role_state(&prior, Some("service-role/glue"), "aws", acct),
            prior
        );
        assert_eq!(role_state(&prior, Some(arn), "aws", None), prior);
        // Import (no prior) or another role: the ARN of what Glue names.
        assert_eq!(
            role_state(&Value::Null, Some("service-role/glue"), "aws", acct),
            prior
        );
        assert_eq!(
            role_state(&prior, Some("other"), "aws", acct),
            Value::Value("arn:aws:iam::239083076653:role/other".to_string())
        );
        assert_eq!(
            role_state(&Value::Null, Some("other"), "aws", None),
            Value::Value("other".to_string())
        );
        assert_eq!(role_state(&prior, None, "aws", acct), Value::Null);
    }

    fn target(path: &str, exclusions: &[&str], connection: Option<&str>) -> model::S3Target {
        model::S3Target {
            path: path.into(),
            exclusions: exclusions.iter().map(|x| x.to_string()).collect(),
            connection_name: connection.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn s3_targets_fit_the_list_form_when_they_share_their_options() {
        assert!(fits_short_form(&[]));
        assert!(fits_short_form(&[
            target("s3://b/a/", &["x", "y"], None),
            target("s3://b/b/", &["y", "x"], Some("")),
        ]));
        assert!(!fits_short_form(&[target("s3://b/a/", &[], Some("vpc"))]));
        assert!(!fits_short_form(&[
            target("s3://b/a/", &["x"], None),
            target("s3://b/b/", &[], None),
        ]));
        let mut sampled = target("s3://b/b/", &[], None);
        sampled.sample_size = Some(5);
        assert!(!fits_short_form(&[target("s3://b/a/", &[], None), sampled]));
    }

    #[test]
    fn the_s3_form_follows_the_prior_state_then_what_fits() {
        let plain = [target("s3://b/a/", &[], None)];
        let vpc = [target("s3://b/a/", &[], Some("vpc"))];
        // Import (no prior form): the list when it fits.
        assert!(!s3_block_form(&State::default(), &plain));
        assert!(s3_block_form(&State::default(), &vpc));
        // Blocks stay blocks, even when the targets would fit the list.
        let blocks = State {
            s3_target: Value::Value(vec![targets::s3_block(&plain[0])]),
            ..State::default()
        };
        assert!(s3_block_form(&blocks, &plain));
        // The list stays the list while it can hold the targets.
        let short = State {
            s3_targets: to_list(&["s3://b/a/".to_string()]),
            ..State::default()
        };
        assert!(!s3_block_form(&short, &plain));
        assert!(
            s3_block_form(&short, &vpc),
            "drift the list cannot hold shows as blocks"
        );
    }

    #[test]
    fn s3_blocks_keep_the_prior_spelling_of_the_same_targets() {
        let seen = [
            target("s3://b/a/", &["x", "y"], Some("vpc")),
            target("s3://b/b/", &[], None),
        ];
        let mut prior: Vec<S3TargetBlock> = seen.iter().rev().map(targets::s3_block).collect();
        prior[1].exclusions = to_list(&["y".to_string(), "x".to_string()]);
        let prior = Value::Value(prior);
        assert_eq!(read_s3_blocks(&prior, &seen), prior);
        let moved = [target("s3://b/c/", &[], None)];
        assert_eq!(
            read_s3_blocks(&prior, &moved),
            Value::Value(vec![targets::s3_block(&moved[0])])
        );
    }

    /// A state provider 0.1.0 wrote: every attribute reads back as written, and `owner_id`
    /// is null, which the next plan turns into "known after apply".
    #[test]
    fn state_from_0_1_0_deserializes_without_an_identity() {
        let file: serde_json::Value = serde_json::from_str(include_str!(
            "../../../tests/fixtures/state-0.1.0/glue.tfstate.json"
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
        for added in [
            "owner_id",
            "running_crawler_timeout",
            "stop_running_crawler",
            "sample_size",
            "event_queue_arn",
            "dlq_event_queue_arn",
            "description",
            "classifiers",
            "lineage",
            "security_configuration",
            "lake_formation_configuration",
            "run_after_job_states",
            // No blocks: written as empty lists, as Terraform wants them.
            "s3_target",
            "catalog_target",
            "jdbc_target",
            "dynamodb_target",
            "mongodb_target",
            "delta_target",
            "iceberg_target",
            "hudi_target",
        ] {
            back.as_object_mut().expect("object").remove(added);
        }
        assert_eq!(back, attributes);
    }
}
