//! The planned state: defaults filled, every computed value known when it can be, and
//! equivalent spellings kept from the prior state so they never diff; and the model's
//! configuration from a planned state at apply.

use std::collections::BTreeMap;

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostic, Diagnostics};

use super::state::*;
use crate::aws::AwsContext;
use crate::model::crawler::{
    self as model, CrawlerConfig, DEFAULT_DELETE_BEHAVIOR, DEFAULT_RECRAWL_BEHAVIOR,
    DEFAULT_UPDATE_BEHAVIOR,
};
use crate::model::managed;
use crate::model::ownership;
use crate::model::tags as tag_model;
use crate::resources::identity;

/// The planned state for `config`: defaults filled, every computed value known when it can
/// be. With a prior state, equivalent spellings keep the prior value so they never diff.
pub(super) fn plan_state(
    ctx: &AwsContext,
    config: &State,
    proposed: State,
    prior: Option<&State>,
    diags: &mut Diagnostics,
) -> State {
    let mut p = proposed;
    // Optional+Computed only so that generated configuration leaves them out when null
    // (see `resources::generate`): the configuration decides them, never the prior state
    // Terraform proposes for a null one.
    p.pipeline = config.pipeline.clone();
    p.table_prefix = config.table_prefix.clone();
    p.schedule = config.schedule.clone();
    p.run_after_job = config.run_after_job.clone();
    p.run_after_job_states = match (&config.run_after_job, &config.run_after_job_states) {
        (Value::Null, states) => states.clone(),
        (_, Value::Null) => Value::Value(vec![Value::Value(
            crate::model::trigger::DEFAULT_AFTER_JOB_STATE.to_string(),
        )]),
        (_, states) => states.clone(),
    };
    p.configuration = config.configuration.clone();
    p.running_crawler_timeout = config.running_crawler_timeout.clone();
    p.stop_running_crawler = config.stop_running_crawler;
    p.sample_size = config.sample_size;
    p.event_queue_arn = config.event_queue_arn.clone();
    p.dlq_event_queue_arn = config.dlq_event_queue_arn.clone();
    p.description = config.description.clone();
    p.classifiers = config.classifiers.clone();
    p.security_configuration = config.security_configuration.clone();
    p.s3_targets = config.s3_targets.clone();
    // The target blocks as configured, with Glue's defaults where a value is left out.
    let mut blocks = config.target_blocks();
    super::targets::fill_defaults(&mut blocks);
    p.set_target_blocks(blocks);
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
    if config.lineage.is_null() {
        p.lineage = Value::Value(false);
    }
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
        (Some(t), Some(c)) => identity::planned_tags_all(
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
pub(super) fn to_config(ctx: &AwsContext, s: &State) -> Result<CrawlerConfig, Diagnostic> {
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
        s3_blocks: s
            .target_blocks()
            .s3_model()
            .ok_or_else(|| unknown("s3_target"))?,
        other_targets: s
            .target_blocks()
            .other_model()
            .ok_or_else(|| unknown("the target blocks"))?,
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
        run_after_job_states: match &s.run_after_job_states {
            Value::Value(l) => l
                .iter()
                .map(|v| v.as_ref_option().cloned())
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| unknown("run_after_job_states"))?,
            Value::Null => Vec::new(),
            Value::Unknown => return Err(unknown("run_after_job_states")),
        },
        configuration: s.configuration.as_ref_option().cloned(),
        sample_size: s.sample_size.as_ref_option().and_then(|n| n.as_i64()),
        event_queue_arn: s.event_queue_arn.as_ref_option().cloned(),
        dlq_event_queue_arn: s.dlq_event_queue_arn.as_ref_option().cloned(),
        settings: settings_of(s).ok_or_else(|| unknown("the crawler's settings"))?,
        tags: tag_model::effective(&ctx.default_tags, &context, &tags),
    })
}
