//! Import of the `alerts` block: every alert object a pipeline could have is looked for
//! under its name ([`probe_alerts`]), and the block that would make those that exist is
//! read back from them ([`imported_alerts`]).
//!
//! What the objects cannot say, and import therefore leaves out: email subscriptions on
//! an existing topic (the topic owner's own cannot be told apart from the pipeline's), and
//! `long_running_minutes` of a rule whose description predates the minutes in it.

use super::*;

/// Alert settings that want every alert object under its default name, for reading: with
/// these, `expand` lists each topic, rule, alarm, dashboard and budget a pipeline with
/// `s`'s names could have made.
pub fn probe_alerts() -> AlertSettings {
    AlertSettings {
        topic: TopicChoice::Create,
        emails: Vec::new(),
        on_job_failure: true,
        on_job_stopped: true,
        on_crawler_failure: true,
        long_running_minutes: Some(1),
        name_pattern: None,
        storage_threshold_gib: BucketRole::ALL.into_iter().map(|r| (r, 1.0)).collect(),
        monthly_budget_usd: Some(1.0),
        dashboard: true,
    }
}

/// The `alerts` block the pipeline's alert objects in `o` were made from (`None`: it has
/// none). Objects that carry another pipeline's identity are not this one's and are left
/// out; `owner` is the identity the import takes.
pub fn imported_alerts(
    s: &Settings,
    env: &Env,
    owner: &str,
    o: &ObservedAlerts,
) -> Option<AlertSettings> {
    let ours = |t: &Tags| t.get(ownership::OWNER_TAG).is_none_or(|v| v == owner);
    let rule = |k: RuleKind| {
        o.rules
            .get(&rule_name(s, k))
            .and_then(Option::as_ref)
            .filter(|r| ours(&r.tags))
    };
    let created_topic = o
        .topics
        .get(&sns_arn(env, &topic_name(s)))
        .and_then(Option::as_ref)
        .filter(|t| ours(&t.tags));
    let alarms: BTreeMap<BucketRole, &crate::model::alarm::SizeAlarm> = BucketRole::ALL
        .into_iter()
        .filter_map(|role| {
            let a = o.alarms.get(&alarm_name(s, role))?.as_ref()?;
            (a.bucket == bucket_name(s, role) && ours(&a.tags)).then_some((role, a))
        })
        .collect();
    let budget = o
        .budgets
        .get(&(env.account.clone(), budget_name(s)))
        .and_then(Option::as_ref)
        .filter(|b| ours(&b.tags));
    let dashboard = o
        .dashboards
        .get(&dashboard_name(s))
        .and_then(Option::as_ref)
        .filter(|d| ours(&d.tags));
    let job = rule(RuleKind::JobFailure);
    let long = rule(RuleKind::JobLongRunning);
    let crawler = rule(RuleKind::CrawlerFailure).or(rule(RuleKind::ScheduledCrawlerFailure));
    let rules = [job, long, crawler];
    if created_topic.is_none()
        && rules.iter().all(Option::is_none)
        && alarms.is_empty()
        && budget.is_none()
        && dashboard.is_none()
    {
        return None;
    }

    // Without the created topic, the one the rules' targets (or the alarms) publish to.
    let topic = match created_topic {
        Some(_) => TopicChoice::Create,
        None => rules
            .iter()
            .flatten()
            .find_map(|r| r.targets.get(TARGET_ID).map(|t| t.arn.clone()))
            .or_else(|| alarms.values().find_map(|a| a.actions.first().cloned()))
            .map_or(TopicChoice::Create, TopicChoice::Existing),
    };
    let emails = created_topic
        .map(|t| t.subscriptions.keys().cloned().collect())
        .unwrap_or_default();
    let states: Vec<&str> = job
        .and_then(|r| r.pattern.pointer("/detail/state"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let pattern = rules
        .iter()
        .flatten()
        .find_map(|r| {
            [
                "/detail/jobName/0/wildcard",
                "/detail/crawlerName/0/wildcard",
            ]
            .iter()
            .find_map(|p| r.pattern.pointer(p).and_then(Value::as_str))
        })
        .filter(|p| *p != default_name_pattern(s))
        .map(str::to_string);
    Some(AlertSettings {
        topic,
        emails,
        on_job_failure: JOB_FAILURE_STATES.iter().any(|st| states.contains(st)),
        on_job_stopped: states.contains(&JOB_STOPPED_STATE),
        on_crawler_failure: crawler.is_some(),
        long_running_minutes: long.and_then(|r| long_run_minutes_of(&r.description)),
        name_pattern: pattern,
        storage_threshold_gib: alarms
            .iter()
            .map(|(role, a)| (*role, a.threshold_bytes / crate::model::alarm::GIB))
            .collect(),
        monthly_budget_usd: budget.map(|b| b.limit_usd),
        dashboard: dashboard.is_some(),
    })
}
