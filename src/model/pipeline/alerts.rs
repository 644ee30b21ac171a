//! The pipeline's `alerts`: an SNS topic (created, or an existing one) with its policy and
//! email subscriptions, and EventBridge rules on Glue's job and crawler events, each with
//! a target that sends a one-line message to the topic.
//!
//! How rules find the pipeline's jobs and crawlers: by an EventBridge `wildcard` on the
//! name, `*<name>-<environment>*` unless `name_pattern` says otherwise. A job or crawler
//! named after its pipeline matches without the rule knowing it, so adding or removing a
//! job never changes a rule, and the rule needs no job's name at plan time. The cost: a
//! job whose name does not contain the pattern is not watched, and a job of another
//! pipeline whose name does is (see the monitoring guide).

use super::*;

/// Sids of the statements the pipeline writes into the topic's policy. On an existing
/// topic only these are compared and replaced; the topic owner's own are kept.
pub const TOPIC_SID_PREFIX: &str = "Flywheel";
/// The one target each rule has.
pub const TARGET_ID: &str = "flywheel-sns";
/// Glue job states that mean a run did not succeed (the job state change event's
/// `detail.state`; SUCCEEDED and STOPPED are the others, STOPPED only when asked).
pub const JOB_FAILURE_STATES: [&str; 3] = ["FAILED", "TIMEOUT", "ERROR"];
pub const JOB_STOPPED_STATE: &str = "STOPPED";
/// The crawler state change event's failed state: capitalised, unlike the job states.
pub const CRAWLER_FAILED_STATE: &str = "Failed";
/// EventBridge rule names: 1 to 64 of `.`, `-`, `_`, letters and digits.
pub const MAX_RULE_NAME_LEN: usize = 64;

/// Where alerts are published.
#[derive(Clone, Debug, PartialEq)]
pub enum TopicChoice {
    /// The pipeline creates `<name>-<environment>-alerts` (and deletes it on destroy).
    Create,
    /// An existing topic, given by ARN: the pipeline adds its policy statements and
    /// subscriptions, and never deletes the topic.
    Existing(String),
}

/// The `alerts` block after validation.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertSettings {
    pub topic: TopicChoice,
    pub emails: Vec<String>,
    pub on_job_failure: bool,
    /// Also alert on STOPPED (a run someone stopped).
    pub on_job_stopped: bool,
    pub on_crawler_failure: bool,
    /// Alert on Glue's "Glue Job Run Status" event, which Glue sends only for jobs with
    /// NotifyDelayAfter set (`long_running_minutes` on `flywheel_job`).
    pub long_running_minutes: Option<i64>,
    /// EventBridge wildcard on job and crawler names; `None`: [`default_name_pattern`].
    pub name_pattern: Option<String>,
    /// A size alarm per bucket, in GiB, keyed by the bucket's role.
    pub storage_threshold_gib: BTreeMap<BucketRole, f64>,
    /// A monthly AWS Budget on the pipeline's tagged cost, in USD.
    pub monthly_budget_usd: Option<f64>,
    /// A CloudWatch dashboard for the pipeline.
    pub dashboard: bool,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            topic: TopicChoice::Create,
            emails: Vec::new(),
            on_job_failure: true,
            on_job_stopped: false,
            on_crawler_failure: true,
            long_running_minutes: None,
            name_pattern: None,
            storage_threshold_gib: BTreeMap::new(),
            monthly_budget_usd: None,
            dashboard: false,
        }
    }
}

/// One of the pipeline's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RuleKind {
    JobFailure,
    JobLongRunning,
    CrawlerFailure,
    ScheduledCrawlerFailure,
}

impl RuleKind {
    pub const ALL: [RuleKind; 4] = [
        RuleKind::JobFailure,
        RuleKind::JobLongRunning,
        RuleKind::CrawlerFailure,
        RuleKind::ScheduledCrawlerFailure,
    ];

    fn suffix(self) -> &'static str {
        match self {
            RuleKind::JobFailure => "job-failed",
            RuleKind::JobLongRunning => "job-long-run",
            RuleKind::CrawlerFailure => "crawler-failed",
            RuleKind::ScheduledCrawlerFailure => "crawler-sched",
        }
    }

    fn detail_type(self) -> &'static str {
        match self {
            RuleKind::JobFailure => "Glue Job State Change",
            RuleKind::JobLongRunning => "Glue Job Run Status",
            RuleKind::CrawlerFailure => "Glue Crawler State Change",
            RuleKind::ScheduledCrawlerFailure => "Glue Scheduled Crawler Invocation Failure",
        }
    }

    /// The long-run rule's description carries the pipeline's minutes: nothing else in
    /// AWS records them, and import reads them back from it ([`long_run_minutes_of`]).
    fn description(self, a: &AlertSettings) -> String {
        match self {
            RuleKind::JobFailure => {
                "Glue job runs of this pipeline that failed, timed out or errored".into()
            }
            RuleKind::JobLongRunning => format!(
                "Glue job runs of this pipeline past their NotifyDelayAfter ({LONG_RUN_MARK}{})",
                a.long_running_minutes.unwrap_or_default()
            ),
            RuleKind::CrawlerFailure => "Glue crawls of this pipeline that failed".into(),
            RuleKind::ScheduledCrawlerFailure => {
                "Scheduled Glue crawls of this pipeline that could not start".into()
            }
        }
    }

    fn wanted(self, a: &AlertSettings) -> bool {
        match self {
            RuleKind::JobFailure => a.on_job_failure || a.on_job_stopped,
            RuleKind::JobLongRunning => a.long_running_minutes.is_some(),
            RuleKind::CrawlerFailure | RuleKind::ScheduledCrawlerFailure => a.on_crawler_failure,
        }
    }
}

/// Before the minutes in the long-run rule's description.
const LONG_RUN_MARK: &str = "long_running_minutes = ";

/// The minutes a long-run rule's description records (`None`: a description written
/// before it carried them, or edited by hand).
pub fn long_run_minutes_of(description: &str) -> Option<i64> {
    let rest = &description[description.find(LONG_RUN_MARK)? + LONG_RUN_MARK.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// `<name>-<environment>`, the base of every alert object's name.
pub fn alert_base(s: &Settings) -> String {
    match &s.environment {
        Some(e) => format!("{}-{e}", s.name),
        None => s.name.clone(),
    }
}

pub fn default_name_pattern(s: &Settings) -> String {
    format!("*{}*", alert_base(s))
}

pub fn topic_name(s: &Settings) -> String {
    format!("{}-alerts", alert_base(s))
}

pub fn sns_arn(env: &Env, name: &str) -> String {
    format!(
        "arn:{}:sns:{}:{}:{name}",
        env.partition, env.region, env.account
    )
}

pub fn rule_name(s: &Settings, kind: RuleKind) -> String {
    format!("{}-{}", alert_base(s), kind.suffix())
}

/// `<name>-<environment>-<data|assets|analysis>-size`.
pub fn alarm_name(s: &Settings, role: BucketRole) -> String {
    format!("{}-{}-size", alert_base(s), role.key())
}

/// `<name>-<environment>`, the dashboard's name.
pub fn dashboard_name(s: &Settings) -> String {
    alert_base(s)
}

/// `<name>-<environment>-monthly`.
pub fn budget_name(s: &Settings) -> String {
    format!("{}-monthly", alert_base(s))
}

pub fn rule_arn(env: &Env, rule: &str) -> String {
    format!(
        "arn:{}:events:{}:{}:rule/{rule}",
        env.partition, env.region, env.account
    )
}

/// The ARN of the topic alerts go to.
pub fn topic_arn(s: &Settings, a: &AlertSettings, env: &Env) -> String {
    match &a.topic {
        TopicChoice::Create => sns_arn(env, &topic_name(s)),
        TopicChoice::Existing(arn) => arn.clone(),
    }
}

/// The event pattern of a rule: Glue's events for the pipeline's jobs or crawlers.
pub fn event_pattern(kind: RuleKind, a: &AlertSettings, pattern: &str) -> Value {
    let name = json!([{ "wildcard": pattern }]);
    let detail = match kind {
        RuleKind::JobFailure => {
            let mut states: Vec<&str> = if a.on_job_failure {
                JOB_FAILURE_STATES.to_vec()
            } else {
                Vec::new()
            };
            if a.on_job_stopped {
                states.push(JOB_STOPPED_STATE);
            }
            json!({ "jobName": name, "state": states })
        }
        RuleKind::JobLongRunning => json!({ "jobName": name }),
        RuleKind::CrawlerFailure => {
            json!({ "crawlerName": name, "state": [CRAWLER_FAILED_STATE] })
        }
        RuleKind::ScheduledCrawlerFailure => json!({ "crawlerName": name }),
    };
    json!({
        "source": ["aws.glue"],
        "detail-type": [kind.detail_type()],
        "detail": detail,
    })
}

/// The input transformer of a rule's target: event fields to variables, and a one-line
/// message naming the job or crawler, its state, the run and where to look.
pub fn input_transformer(kind: RuleKind) -> (BTreeMap<String, String>, String) {
    let paths = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>()
    };
    match kind {
        RuleKind::JobFailure | RuleKind::JobLongRunning => (
            paths(&[
                ("job", "$.detail.jobName"),
                ("state", "$.detail.state"),
                ("run", "$.detail.jobRunId"),
                ("message", "$.detail.message"),
                ("region", "$.region"),
            ]),
            format!(
                "\"Glue job <job> {} (run <run>): <message> https://<region>.console.aws.amazon.com/gluestudio/home?region=<region>#/job/<job>/run/<run>\"",
                if kind == RuleKind::JobLongRunning {
                    "is still running past its NotifyDelayAfter, state <state>"
                } else {
                    "<state>"
                }
            ),
        ),
        RuleKind::CrawlerFailure | RuleKind::ScheduledCrawlerFailure => (
            paths(&[
                ("crawler", "$.detail.crawlerName"),
                ("message", "$.detail.message"),
                ("region", "$.region"),
            ]),
            format!(
                "\"Glue crawler <crawler> {}: <message> https://<region>.console.aws.amazon.com/glue/home?region=<region>#/v2/data-catalog/crawlers/view/<crawler>\"",
                if kind == RuleKind::CrawlerFailure {
                    "failed"
                } else {
                    "could not start on schedule"
                }
            ),
        ),
    }
}

/// The topic policy's statements (normalised): EventBridge may publish for this
/// pipeline's rules only, and, with a budget, AWS Budgets for this account's budgets; on a
/// topic the pipeline creates, the account keeps the rights SNS's default policy gives it
/// (the policy replaces the default).
pub fn topic_statements(
    env: &Env,
    topic_arn: &str,
    rules: &[String],
    created: bool,
    budget: bool,
) -> Vec<Value> {
    let mut out = Vec::new();
    if created {
        out.push(json!({
            "Sid": "FlywheelAccountOwner",
            "Effect": "Allow",
            "Principal": { "AWS": format!("arn:{}:iam::{}:root", env.partition, env.account) },
            "Action": [
                "sns:AddPermission", "sns:DeleteTopic", "sns:GetTopicAttributes",
                "sns:ListSubscriptionsByTopic", "sns:Publish", "sns:RemovePermission",
                "sns:SetTopicAttributes", "sns:Subscribe",
            ],
            "Resource": topic_arn,
        }));
    }
    if !rules.is_empty() {
        out.push(json!({
            "Sid": "FlywheelEventBridgePublish",
            "Effect": "Allow",
            "Principal": { "Service": "events.amazonaws.com" },
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": { "ArnEquals": { "aws:SourceArn": rules.iter().map(|r| rule_arn(env, r)).collect::<Vec<_>>() } },
        }));
    }
    if budget {
        // AWS's documented statement for Budgets: its notifications carry the account's
        // budgets as source (`arn:<partition>:budgets::<account>:*`), not one budget's ARN.
        out.push(json!({
            "Sid": "FlywheelBudgetsPublish",
            "Effect": "Allow",
            "Principal": { "Service": "budgets.amazonaws.com" },
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {
                "StringEquals": { "aws:SourceAccount": env.account },
                "ArnLike": { "aws:SourceArn": format!("arn:{}:budgets::{}:*", env.partition, env.account) },
            },
        }));
    }
    out.iter().map(policy::normalize).collect()
}

/// The alert children: the topic, its policy and subscriptions, and each wanted rule with
/// its target. `tags`: the pipeline's effective tags (ownership included).
pub fn alert_children(s: &Settings, a: &AlertSettings, env: &Env, tags: &Tags) -> Vec<Child> {
    let topic = topic_arn(s, a, env);
    let created = a.topic == TopicChoice::Create;
    let mut out = Vec::new();
    // An existing topic is configured, not owned: it never carries the identity.
    let mut topic_tags = tags.clone();
    if !created {
        topic_tags.remove(ownership::OWNER_TAG);
    }
    out.push(Child {
        key: ChildKey::top(Kind::SnsTopic, &topic),
        spec: Spec::SnsTopic {
            create: created,
            tags: topic_tags,
        },
    });
    let pattern = a
        .name_pattern
        .clone()
        .unwrap_or_else(|| default_name_pattern(s));
    let rules: Vec<(RuleKind, String)> = RuleKind::ALL
        .into_iter()
        .filter(|k| k.wanted(a))
        .map(|k| (k, rule_name(s, k)))
        .collect();
    let names: Vec<String> = rules.iter().map(|(_, n)| n.clone()).collect();
    out.push(Child {
        key: ChildKey::new(Kind::SnsTopicPolicy, &topic, &topic),
        spec: Spec::TopicPolicy {
            statements: topic_statements(
                env,
                &topic,
                &names,
                created,
                a.monthly_budget_usd.is_some(),
            ),
        },
    });
    let mut emails: Vec<String> = a.emails.iter().map(|e| e.to_ascii_lowercase()).collect();
    emails.sort();
    emails.dedup();
    for e in emails {
        out.push(Child {
            key: ChildKey::new(Kind::SnsSubscription, &topic, &e),
            spec: Spec::Subscription { arn: None },
        });
    }
    for (role, gib) in &a.storage_threshold_gib {
        let bucket = bucket_name(s, *role);
        let tiering = intelligent_tiering(s.bucket(*role), *role);
        out.push(Child {
            key: ChildKey::top(Kind::MetricAlarm, &alarm_name(s, *role)),
            spec: Spec::MetricAlarm(crate::model::alarm::desired(
                &bucket, tiering, *gib, &topic, tags,
            )),
        });
    }
    if a.dashboard {
        let buckets: Vec<crate::model::dashboard::BucketSeries> = BucketRole::ALL
            .into_iter()
            .map(|role| crate::model::dashboard::BucketSeries {
                name: bucket_name(s, role),
                storage_types: crate::model::alarm::storage_types(intelligent_tiering(
                    s.bucket(role),
                    role,
                )),
            })
            .collect();
        let base = alert_base(s);
        out.push(Child {
            key: ChildKey::top(Kind::Dashboard, &dashboard_name(s)),
            spec: Spec::Dashboard(crate::model::dashboard::desired(
                &crate::model::dashboard::Inputs {
                    base: &base,
                    region: &env.region,
                    name_pattern: &pattern,
                    buckets: &buckets,
                    owner_id: s.owner_id.as_deref(),
                },
            )),
        });
    }
    if let Some(usd) = a.monthly_budget_usd {
        out.push(Child {
            key: ChildKey::new(Kind::Budget, &env.account, &budget_name(s)),
            spec: Spec::Budget(crate::model::budget::desired(
                usd,
                s.owner_id.as_deref(),
                &topic,
                tags,
            )),
        });
    }
    for (kind, name) in rules {
        out.push(Child {
            key: ChildKey::top(Kind::EventRule, &name),
            spec: Spec::EventRule {
                pattern: event_pattern(kind, a, &pattern),
                description: kind.description(a),
                enabled: true,
                tags: tags.clone(),
            },
        });
        let (input_paths, input_template) = input_transformer(kind);
        out.push(Child {
            key: ChildKey::new(Kind::EventTarget, &name, TARGET_ID),
            spec: Spec::EventTarget {
                arn: topic.clone(),
                input_paths,
                input_template,
            },
        });
    }
    out
}

/// An email address SNS accepts: one `@`, a local part and a domain with a dot, no spaces.
pub fn check_email(e: &str) -> Result<(), String> {
    let ok = e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && match e.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if ok {
        Ok(())
    } else {
        Err(format!("{e:?} is not an email address (name@example.com)"))
    }
}

/// An SNS topic ARN: `arn:<partition>:sns:<region>:<account>:<name>`.
pub fn check_topic_arn(arn: &str) -> Result<(), String> {
    let parts: Vec<&str> = arn.split(':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "sns"
        && !parts[3].is_empty()
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && !parts[5].is_empty()
        && parts[5].len() <= 256
        && parts[5]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{arn:?} is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)"
        ))
    }
}

/// An EventBridge wildcard pattern on names: 1 to 256 characters with at least one `*`
/// or none; no wildcard of only `*` (it would watch every job in the account).
pub fn check_name_pattern(p: &str) -> Result<(), String> {
    if p.is_empty() || p.len() > 256 {
        return Err("must be 1 to 256 characters".into());
    }
    if p.chars().all(|c| c == '*') {
        return Err(format!(
            "{p:?} matches every job and crawler in the account and region; name the pipeline's part, for example \"*etl-prod*\""
        ));
    }
    if p.contains("**") {
        return Err(format!(
            "{p:?} has consecutive wildcards, which EventBridge rejects"
        ));
    }
    Ok(())
}

/// Minutes after which a still-running job is reported: 1 or more (Glue's
/// NotifyDelayAfter), and below the job's timeout to be useful (checked on the job).
pub fn check_minutes(m: i64) -> Result<(), String> {
    if (1..=super::super::job::TIMEOUT_RANGE.1).contains(&m) {
        Ok(())
    } else {
        Err(format!(
            "must be between 1 and {} minutes (the longest Glue job timeout), not {m}",
            super::super::job::TIMEOUT_RANGE.1
        ))
    }
}

/// Problems with the derived alert names: every rule name must fit EventBridge's 64, and
/// the budget's name AWS Budgets' rules.
pub fn check_alert_names(s: &Settings) -> Vec<String> {
    RuleKind::ALL
        .into_iter()
        .map(|k| rule_name(s, k))
        .filter(|n| n.len() > MAX_RULE_NAME_LEN)
        .map(|n| {
            format!(
                "the alert rule name {n:?} is longer than EventBridge's {MAX_RULE_NAME_LEN} characters; shorten `name` or `environment`"
            )
        })
        .chain(crate::model::budget::check_name(&budget_name(s)).err())
        .chain(crate::model::dashboard::check_name(&dashboard_name(s)).err())
        .collect()
}
