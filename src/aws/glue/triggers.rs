//! Glue triggers: read, create and delete one trigger. Whether a trigger may be changed is
//! decided by the caller (`model::ownership`).

use aws_sdk_glue::types::{
    Action, Condition, JobRunState, Logical, LogicalOperator, Predicate, Trigger, TriggerState,
    TriggerType,
};

use crate::aws::coalesce::Answer;
use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError};
use crate::model::trigger::{ObservedTrigger, TriggerAction, TriggerSpec, TriggerStart};

/// The trigger, or `None` when it does not exist.
pub async fn get(ctx: &AwsContext, name: &str) -> Result<Option<ObservedTrigger>, AwsError> {
    // Usually answered by a batch shared with concurrent reads (`glue::batch`).
    match ctx.glue_reads.trigger(ctx, name).await {
        Answer::Found(t) => return Ok(Some(observed(&t, name))),
        Answer::Missing => return Ok(None),
        Answer::Failed(e) => return Err(e),
        Answer::Unbatched => {}
    }
    let out = call(&ctx.retry, Op::new("glue", "GetTrigger", name), || {
        ctx.glue.get_trigger().name(name).send()
    })
    .await;
    let trigger = match out {
        Ok(out) => out.trigger,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(trigger.as_ref().map(|t| observed(t, name)))
}

/// GetTrigger's answer in model form; every field may be missing, as the SDK allows.
pub(crate) fn observed(t: &Trigger, name: &str) -> ObservedTrigger {
    let start = match t.r#type() {
        Some(TriggerType::Scheduled) => t.schedule().map(|s| TriggerStart::Schedule(s.into())),
        Some(TriggerType::Conditional) => after_job_conditions(t.predicate()),
        _ => None,
    };
    // GetTrigger answers each action with whatever it holds (`Arguments`, `Timeout` and
    // such, which this provider never sets); only the started job or crawler matters, and
    // an empty name is no name.
    let actions = t
        .actions()
        .iter()
        .filter_map(|a| match (named(a.job_name()), named(a.crawler_name())) {
            (Some(j), None) => Some(TriggerAction::StartJob(j.into())),
            (None, Some(c)) => Some(TriggerAction::StartCrawler(c.into())),
            _ => None,
        })
        .collect();
    ObservedTrigger {
        name: t.name().unwrap_or(name).to_string(),
        start,
        actions,
        // Glue reports CREATED (never started) and DEACTIVATED triggers as inactive.
        activated: matches!(
            t.state(),
            Some(TriggerState::Activated | TriggerState::Activating)
        ),
    }
}

fn named(n: Option<&str>) -> Option<&str> {
    n.filter(|n| !n.is_empty())
}

/// The shape this provider makes: conditions on one job's run states, `ANY` of them (or
/// a single one). Anything else (several jobs, crawler conditions, `AND` of several) is
/// not its trigger's shape.
fn after_job_conditions(p: Option<&Predicate>) -> Option<TriggerStart> {
    let p = p?;
    let conditions = p.conditions();
    if conditions.len() > 1 && p.logical() != Some(&Logical::Any) {
        return None;
    }
    let job = conditions.first()?.job_name()?;
    let mut states = Vec::new();
    for c in conditions {
        if c.job_name() != Some(job) || c.crawler_name().is_some_and(|n| !n.is_empty()) {
            return None;
        }
        states.push(c.state()?.as_str().to_string());
    }
    Some(TriggerStart::after_job(job, &states))
}

pub async fn create(ctx: &AwsContext, spec: &TriggerSpec) -> Result<(), AwsError> {
    let action = match &spec.action {
        TriggerAction::StartJob(j) => Action::builder().job_name(j).build(),
        TriggerAction::StartCrawler(c) => Action::builder().crawler_name(c).build(),
    };
    let mut req = ctx
        .glue
        .create_trigger()
        .name(&spec.name)
        .description(spec.description())
        .actions(action)
        .start_on_creation(spec.enabled)
        .set_tags(Some(spec.tags.clone().into_iter().collect()));
    req = match &spec.start {
        TriggerStart::Schedule(cron) => req.r#type(TriggerType::Scheduled).schedule(cron),
        TriggerStart::AfterJob { job, states } => req.r#type(TriggerType::Conditional).predicate(
            // One condition per state, ANY of which fires. `Logical` is optional on AWS for
            // one condition (AND is implied), but the emulator (moto 5.2.5) fails with HTTP
            // 500 without it; sending AND for one suits both.
            Predicate::builder()
                .logical(if states.len() > 1 {
                    Logical::Any
                } else {
                    Logical::And
                })
                .set_conditions(Some(
                    states
                        .iter()
                        .map(|state| {
                            Condition::builder()
                                .logical_operator(LogicalOperator::Equals)
                                .job_name(job)
                                .state(JobRunState::from(state.as_str()))
                                .build()
                        })
                        .collect(),
                ))
                .build(),
        ),
    };
    call(
        &ctx.retry,
        Op::new("glue", "CreateTrigger", &spec.name),
        || req.clone().send(),
    )
    .await
    .map(|_| ())
}

/// Activates (StartTrigger) or deactivates (StopTrigger) the trigger: a paused schedule
/// keeps its trigger.
pub async fn set_active(ctx: &AwsContext, name: &str, active: bool) -> Result<(), AwsError> {
    if active {
        call(&ctx.retry, Op::new("glue", "StartTrigger", name), || {
            ctx.glue.start_trigger().name(name).send()
        })
        .await
        .map(|_| ())
    } else {
        call(&ctx.retry, Op::new("glue", "StopTrigger", name), || {
            ctx.glue.stop_trigger().name(name).send()
        })
        .await
        .map(|_| ())
    }
}

/// Deletes the trigger; one that is already gone is fine.
pub async fn delete(ctx: &AwsContext, name: &str) -> Result<(), AwsError> {
    match call(&ctx.retry, Op::new("glue", "DeleteTrigger", name), || {
        ctx.glue.delete_trigger().name(name).send()
    })
    .await
    {
        Err(e) if !e.is_not_found() => Err(e),
        _ => Ok(()),
    }
}
