//! The `alerts` block: its Terraform shape, schema, validation and settings
//! (`crate::model::pipeline::AlertSettings`).

use super::*;
use crate::model::pipeline::{AlertSettings, BucketRole, TopicChoice};
use crate::validators::Checks;

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct AlertsBlock {
    /// Null: true unless `sns_topic_arn` is set.
    #[serde(default)]
    pub create_topic: Value<bool>,
    #[serde(default)]
    pub sns_topic_arn: Value<String>,
    #[serde(default)]
    pub email_subscriptions: Value<Vec<Value<String>>>,
    /// Null: true.
    #[serde(default)]
    pub on_job_failure: Value<bool>,
    /// Null: false.
    #[serde(default)]
    pub on_job_stopped: Value<bool>,
    /// Null: true.
    #[serde(default)]
    pub on_crawler_failure: Value<bool>,
    #[serde(default)]
    pub long_running_minutes: Value<Number>,
    #[serde(default)]
    pub name_pattern: Value<String>,
    /// Bucket key (`data`, `assets`, `analysis`) to GiB.
    #[serde(default)]
    pub storage_threshold_gb: Value<BTreeMap<String, Value<Number>>>,
    #[serde(default)]
    pub monthly_budget_usd: Value<Number>,
    /// Null: false.
    #[serde(default)]
    pub dashboard: Value<bool>,
}

pub(super) fn alerts_block() -> NestedBlock {
    NestedBlock::Optional(block(
        "Alerts from the production runbook: an SNS topic (created, or an existing one) with email subscriptions, and EventBridge rules that send a one-line message to it when a job of this pipeline fails, runs long, or a crawler fails. Each object is a child in `managed_objects` and `children`, checked for drift. Rules find the pipeline's jobs and crawlers by name (`name_pattern`), so adding or removing a job changes no rule. See the monitoring guide. Leaving the block out creates nothing; removing it deletes only the alert objects.",
        [
            ("create_topic", attr(bool(), OptionalComputed, "`true` (default unless `sns_topic_arn` is set): create the topic `<name>-<environment>-alerts`, tagged like the pipeline's other children, and delete it on destroy. `false` needs `sns_topic_arn`.")),
            ("sns_topic_arn", attr(string(), Optional, "An existing SNS topic to publish to instead (`arn:aws:sns:<region>:<account>:<name>`): the pipeline adds its statements (Sid `Flywheel...`) to the topic policy and its email subscriptions, keeps the owner's, and never deletes the topic. Conflicts with `create_topic = true`.")),
            ("email_subscriptions", attr(string_set(), Optional, "Email addresses subscribed to the topic. SNS mails each a confirmation link; until it is followed the subscription is pending (`PendingConfirmation`), which is not drift. Removing an address unsubscribes it once confirmed (SNS cannot cancel a pending one; it lapses after 3 days).")),
            ("on_job_failure", attr(bool(), OptionalComputed, "Alert when a job run ends `FAILED`, `TIMEOUT` or `ERROR` (EventBridge `Glue Job State Change`). Default `true`.")),
            ("on_job_stopped", attr(bool(), OptionalComputed, "Also alert when a job run is `STOPPED`. Default `false`.")),
            ("on_crawler_failure", attr(bool(), OptionalComputed, "Alert when a crawl ends `Failed` (`Glue Crawler State Change`) or a scheduled crawl cannot start (`Glue Scheduled Crawler Invocation Failure`). Default `true`.")),
            ("long_running_minutes", attr(number(), Optional, "Alert on Glue's `Glue Job Run Status` event for the pipeline's jobs: minutes (1 to 2880) after which a run still going is reported. Glue sends that event only for jobs with NotifyDelayAfter, which `long_running_minutes` on `flywheel_job` sets: pass this value to each job (`long_running_minutes = flywheel_pipeline.<name>.alerts[0].long_running_minutes`; the `context` cannot carry it, see the monitoring guide).")),
            ("storage_threshold_gb", attr(number_map(), Optional, "A CloudWatch alarm per bucket on its size, keyed by `data`, `assets` or `analysis`, in GiB (1024³ bytes) above 0: `{ data = 5000 }`. The alarm (`<name>-<environment>-<key>-size`) watches S3's daily `BucketSizeBytes` summed over every storage type the bucket uses (Standard, and the Intelligent-Tiering tiers when the bucket moves objects there), and publishes to the topic when a day's size is above the threshold. A missing day is not a breach: S3 reports the metric once a day, late.")),
            ("monthly_budget_usd", attr(number(), Optional, "An AWS Budget (`<name>-<environment>-monthly`) on the pipeline's monthly cost, in USD (at least 1): it notifies the topic when actual cost passes 80% of the limit and when the month's forecast passes 100%. It counts the cost of what carries the pipeline's identity: `flywheel:owner` (its buckets, database, role) or `flywheel:pipeline-owner` (its jobs and crawlers). Both tag keys must be activated as cost allocation tags in the Billing console, or the budget sees no cost; see the monitoring guide. The topic policy lets `budgets.amazonaws.com` publish for this account's budgets.")),
            ("dashboard", attr(bool(), OptionalComputed, "`true`: a CloudWatch dashboard `<name>-<environment>` with, per job, runs succeeded and failed, elapsed time and data read and written (Glue job metrics, found by `name_pattern` with metric search expressions, so new jobs appear without a change), each crawler's last log line (how its last run ended), and each bucket's size. Runs succeeded and failed are Glue observability metrics: set `observability_metrics = true` on the jobs (Glue 4.0 and later). Dashboards take no tags: the pipeline's identity is written in its first (text) widget. Default `false`.")),
            ("name_pattern", attr(string(), Optional, "EventBridge `wildcard` on job and crawler names that selects this pipeline's: `*` matches any characters. Default `*<name>-<environment>*` (`*<name>*` without `environment`), which matches jobs named after the pipeline such as `etl-<name>-<environment>-compaction`. A job or crawler whose name does not match is not watched.")),
        ],
        [],
    ))
}

/// `alerts[0].<attr>`: the block is a list of at most one.
fn at(attr: &'static str) -> AttributePath {
    AttributePath::new("alerts").index(0).attribute(attr)
}

pub(super) fn validate_alerts(c: &mut Checks<'_>, a: &AlertsBlock) {
    let p = at;
    c.string(
        p("sns_topic_arn"),
        &a.sns_topic_arn,
        "Invalid SNS topic ARN",
        &model::check_topic_arn,
    );
    if a.create_topic == Value::Value(true) && a.sns_topic_arn.is_value() {
        c.fail(
            p("create_topic"),
            "Conflicting alert topic settings",
            "`create_topic = true` creates the pipeline's own topic, and `sns_topic_arn` names an existing one; set one of them",
        );
    }
    if a.create_topic == Value::Value(false) && a.sns_topic_arn.is_null() {
        c.fail(
            p("create_topic"),
            "No alert topic",
            "`create_topic = false` needs `sns_topic_arn`, the existing topic to publish to",
        );
    }
    c.each(
        p("email_subscriptions"),
        &a.email_subscriptions,
        "Invalid email address",
        &model::check_email,
    );
    c.string(
        p("name_pattern"),
        &a.name_pattern,
        "Invalid name pattern",
        &model::check_name_pattern,
    );
    if let Value::Value(m) = &a.storage_threshold_gb {
        for (k, v) in m {
            let at = AttributePath::new("alerts")
                .index(0)
                .attribute("storage_threshold_gb")
                .key(k.clone());
            if BucketRole::from_key(k).is_none() {
                c.fail(
                    at,
                    "Unknown bucket",
                    format!(
                        "{k:?} is not one of the pipeline's buckets; use data, assets or analysis"
                    ),
                );
                continue;
            }
            if let Value::Value(n) = v {
                if let Err(e) = crate::model::alarm::check_threshold_gib(n.0) {
                    c.fail(at, "Invalid storage threshold", e);
                }
            }
        }
    }
    if let Value::Value(n) = &a.monthly_budget_usd {
        if let Err(e) = crate::model::budget::check_limit_usd(n.0) {
            c.fail(p("monthly_budget_usd"), "Invalid monthly budget", e);
        }
    }
    if let Value::Value(n) = &a.long_running_minutes {
        let r = n
            .as_i64()
            .ok_or_else(|| format!("must be a whole number of minutes, not {}", n.0))
            .and_then(model::check_minutes);
        if let Err(e) = r {
            c.fail(p("long_running_minutes"), "Invalid minutes", e);
        }
    }
}

fn known_bool(v: &Value<bool>, default: bool) -> Result<bool, Unknown> {
    match v {
        Value::Value(b) => Ok(*b),
        Value::Null => Ok(default),
        Value::Unknown => Err(Unknown),
    }
}

/// The block's settings (`Err` while any is unknown).
pub(super) fn alert_settings(a: &AlertsBlock) -> Result<AlertSettings, Unknown> {
    let d = AlertSettings::default();
    let existing = known_str(&a.sns_topic_arn)?;
    let create = known_bool(&a.create_topic, existing.is_none())?;
    let minutes = match &a.long_running_minutes {
        Value::Value(n) => Some(n.as_i64().ok_or(Unknown)?),
        Value::Null => None,
        Value::Unknown => return Err(Unknown),
    };
    Ok(AlertSettings {
        topic: match existing {
            Some(arn) if !create => TopicChoice::Existing(arn),
            _ => TopicChoice::Create,
        },
        emails: known_list(&a.email_subscriptions)?,
        on_job_failure: known_bool(&a.on_job_failure, d.on_job_failure)?,
        on_job_stopped: known_bool(&a.on_job_stopped, d.on_job_stopped)?,
        on_crawler_failure: known_bool(&a.on_crawler_failure, d.on_crawler_failure)?,
        long_running_minutes: minutes,
        name_pattern: known_str(&a.name_pattern)?,
        storage_threshold_gib: match &a.storage_threshold_gb {
            Value::Value(m) => m
                .iter()
                .filter_map(|(k, v)| Some((BucketRole::from_key(k)?, v)))
                .map(|(r, v)| match v {
                    Value::Value(n) => Ok((r, n.0)),
                    _ => Err(Unknown),
                })
                .collect::<Result<_, _>>()?,
            Value::Null => BTreeMap::new(),
            Value::Unknown => return Err(Unknown),
        },
        dashboard: known_bool(&a.dashboard, d.dashboard)?,
        monthly_budget_usd: match &a.monthly_budget_usd {
            Value::Value(n) => Some(n.0),
            Value::Null => None,
            Value::Unknown => return Err(Unknown),
        },
    })
}

/// The flags' defaults, filled in where the configuration leaves them out, so that a
/// configuration that spells a default and one that leaves it out plan alike, and import
/// (which cannot tell them apart) matches both.
pub(super) fn fill_alert_defaults(b: &mut AlertsBlock) {
    let fill = |v: &mut Value<bool>, default: bool| {
        if v.is_null() {
            *v = Value::Value(default);
        }
    };
    let d = AlertSettings::default();
    fill(&mut b.on_job_failure, d.on_job_failure);
    fill(&mut b.on_job_stopped, d.on_job_stopped);
    fill(&mut b.on_crawler_failure, d.on_crawler_failure);
    fill(&mut b.dashboard, d.dashboard);
    if b.create_topic.is_null() {
        b.create_topic = match &b.sns_topic_arn {
            Value::Null => Value::Value(true),
            Value::Value(_) => Value::Value(false),
            Value::Unknown => Value::Unknown,
        };
    }
}

/// The block as a user would write `a`: values equal to their defaults null (import).
pub(super) fn alerts_block_of(a: &AlertSettings) -> AlertsBlock {
    let d = AlertSettings::default();
    let flag = |v: bool, default: bool| opt_value((v != default).then_some(v));
    let existing = match &a.topic {
        TopicChoice::Existing(arn) => Some(arn.clone()),
        TopicChoice::Create => None,
    };
    AlertsBlock {
        create_topic: Value::Null,
        sns_topic_arn: opt_value(existing),
        email_subscriptions: if a.emails.is_empty() {
            Value::Null
        } else {
            Value::Value(a.emails.iter().cloned().map(Value::Value).collect())
        },
        on_job_failure: flag(a.on_job_failure, d.on_job_failure),
        on_job_stopped: flag(a.on_job_stopped, d.on_job_stopped),
        on_crawler_failure: flag(a.on_crawler_failure, d.on_crawler_failure),
        long_running_minutes: opt_value(a.long_running_minutes.map(Number::from)),
        name_pattern: opt_value(a.name_pattern.clone()),
        storage_threshold_gb: if a.storage_threshold_gib.is_empty() {
            Value::Null
        } else {
            Value::Value(
                a.storage_threshold_gib
                    .iter()
                    .map(|(r, g)| (r.key().to_string(), Value::Value(Number(*g))))
                    .collect(),
            )
        },
        monthly_budget_usd: opt_value(a.monthly_budget_usd.map(Number)),
        dashboard: flag(a.dashboard, d.dashboard),
    }
}

/// The paths under `alerts` that are unknown.
pub(super) fn unknown_alert_paths(a: &Value<AlertsBlock>, check: &mut dyn FnMut(String, bool)) {
    match a {
        Value::Unknown => check("alerts".into(), true),
        Value::Value(a) => {
            check("alerts.create_topic".into(), a.create_topic.is_unknown());
            check("alerts.sns_topic_arn".into(), a.sns_topic_arn.is_unknown());
            check(
                "alerts.email_subscriptions".into(),
                known_list(&a.email_subscriptions).is_err(),
            );
            check(
                "alerts.on_job_failure".into(),
                a.on_job_failure.is_unknown(),
            );
            check(
                "alerts.on_job_stopped".into(),
                a.on_job_stopped.is_unknown(),
            );
            check(
                "alerts.on_crawler_failure".into(),
                a.on_crawler_failure.is_unknown(),
            );
            check(
                "alerts.long_running_minutes".into(),
                a.long_running_minutes.is_unknown(),
            );
            check("alerts.name_pattern".into(), a.name_pattern.is_unknown());
            check(
                "alerts.monthly_budget_usd".into(),
                a.monthly_budget_usd.is_unknown(),
            );
            check("alerts.dashboard".into(), a.dashboard.is_unknown());
            check(
                "alerts.storage_threshold_gb".into(),
                match &a.storage_threshold_gb {
                    Value::Unknown => true,
                    Value::Value(m) => m.values().any(|v| v.is_unknown()),
                    Value::Null => false,
                },
            );
        }
        Value::Null => {}
    }
}

/// The configuration attribute an alert child comes from.
pub(super) fn alert_path(key: &ChildKey, created_topic: bool) -> AttributePath {
    match key.kind {
        Kind::SnsSubscription => at("email_subscriptions"),
        Kind::MetricAlarm => at("storage_threshold_gb"),
        Kind::Budget => at("monthly_budget_usd"),
        Kind::Dashboard => at("dashboard"),
        Kind::SnsTopic | Kind::SnsTopicPolicy if !created_topic => at("sns_topic_arn"),
        _ => AttributePath::new("alerts"),
    }
}
