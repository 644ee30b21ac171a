//! `flywheel_crawler`: typed configuration in, the desired Glue crawler (and the trigger that
//! runs it after a job) out, plus the offline checks (the `configuration` JSON's are in
//! `crawler_configuration`). No I/O: everything here is unit-tested without AWS.
//!
//! Schedules map to the crawler's own Glue `Schedule`, not to a SCHEDULED trigger: Glue
//! crawlers have a native schedule, so it costs no extra object, is read back by the same
//! GetCrawler call that refreshes the crawler (drift in it is free to detect), is changed in
//! place by UpdateCrawler, and lets a crawler have a schedule *and* `run_after_job` at once
//! (each derived trigger name holds one trigger). `run_after_job` needs a CONDITIONAL trigger,
//! because Glue has no other way to chain a crawler after a job.

use super::children::{Child, ChildKey, Kind, Spec};
use super::crawler_settings::{CrawlerSettings, ObservedSettings};
use super::crawler_targets::{self as targets, KindLiterals, OtherTargets};
use super::schedule;
use super::tags::Tags;
use super::trigger::{TriggerAction, TriggerSpec, TriggerStart, LONGEST_SUFFIX};

/// Glue's limit on crawler, database and job names.
pub const GLUE_NAME_MAX: usize = 255;
/// Crawler names leave room for the derived trigger name (`<name>-after-job`).
pub const NAME_MAX: usize = GLUE_NAME_MAX - LONGEST_SUFFIX;
/// Glue's limit on `TablePrefix`.
pub const TABLE_PREFIX_MAX: usize = 128;

pub const UPDATE_BEHAVIORS: [&str; 2] = ["UPDATE_IN_DATABASE", "LOG"];
pub const DELETE_BEHAVIORS: [&str; 3] = ["LOG", "DELETE_FROM_DATABASE", "DEPRECATE_IN_DATABASE"];
/// `CRAWL_EVENT_MODE` crawls what the S3 event queue (`event_queue_arn`) names.
pub const RECRAWL_BEHAVIORS: [&str; 3] = [
    "CRAWL_EVERYTHING",
    "CRAWL_NEW_FOLDERS_ONLY",
    "CRAWL_EVENT_MODE",
];
pub const EVENT_MODE: &str = "CRAWL_EVENT_MODE";

pub const DEFAULT_UPDATE_BEHAVIOR: &str = "UPDATE_IN_DATABASE";
pub const DEFAULT_DELETE_BEHAVIOR: &str = "LOG";
pub const DEFAULT_RECRAWL_BEHAVIOR: &str = "CRAWL_EVERYTHING";

/// The crawler's configuration, every value known and already checked by [`problems`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrawlerConfig {
    pub name: String,
    pub role_arn: String,
    pub database: String,
    /// The short form: paths that share `exclusions`, `sample_size` and the event queues.
    pub s3_targets: Vec<String>,
    pub exclusions: Vec<String>,
    /// The block form (`s3_target { }`), each with its own options.
    pub s3_blocks: Vec<S3Target>,
    pub other_targets: OtherTargets,
    pub table_prefix: Option<String>,
    pub update_behavior: String,
    pub delete_behavior: String,
    pub recrawl_behavior: String,
    /// As the user wrote it (`cron(...)` or `rate(...)`).
    pub schedule: Option<String>,
    pub run_after_job: Option<String>,
    /// The job run states that start the crawler (`run_after_job_states`); empty for
    /// SUCCEEDED only.
    pub run_after_job_states: Vec<String>,
    /// As the user wrote it.
    pub configuration: Option<String>,
    /// Options of every S3 target.
    pub sample_size: Option<i64>,
    pub event_queue_arn: Option<String>,
    pub dlq_event_queue_arn: Option<String>,
    pub settings: CrawlerSettings,
    /// Effective tags (see `tags::effective`).
    pub tags: Tags,
}

/// The crawler as Glue should hold it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredCrawler {
    pub name: String,
    pub role: String,
    pub database: String,
    pub targets: Vec<S3Target>,
    pub other_targets: OtherTargets,
    /// `None` and `""` both mean no prefix.
    pub table_prefix: Option<String>,
    pub update_behavior: String,
    pub delete_behavior: String,
    pub recrawl_behavior: String,
    /// The Glue cron expression.
    pub schedule: Option<String>,
    /// The JSON sent to Glue.
    pub configuration: Option<String>,
    pub settings: CrawlerSettings,
    pub tags: Tags,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct S3Target {
    pub path: String,
    pub exclusions: Vec<String>,
    /// The Glue connection (a NETWORK one, for an S3 bucket reached through a VPC).
    pub connection_name: Option<String>,
    /// Files crawled per leaf folder; `None`: all.
    pub sample_size: Option<i64>,
    /// The SQS queue of S3 events that `CRAWL_EVENT_MODE` crawls, and its dead-letter queue.
    pub event_queue_arn: Option<String>,
    pub dlq_event_queue_arn: Option<String>,
}

/// The crawler as Glue reports it, reduced to what this resource manages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObservedCrawler {
    pub name: String,
    pub role: Option<String>,
    pub database: Option<String>,
    pub targets: Vec<S3Target>,
    pub other_targets: OtherTargets,
    pub table_prefix: Option<String>,
    pub update_behavior: Option<String>,
    pub delete_behavior: Option<String>,
    pub recrawl_behavior: Option<String>,
    pub schedule: Option<String>,
    pub configuration: Option<String>,
    pub settings: ObservedSettings,
}

/// The crawler and its optional after-job trigger.
pub fn expand(cfg: &CrawlerConfig) -> (DesiredCrawler, Option<TriggerSpec>) {
    let targets = cfg
        .s3_targets
        .iter()
        .map(|p| S3Target {
            path: p.clone(),
            exclusions: cfg.exclusions.clone(),
            connection_name: None,
            sample_size: cfg.sample_size,
            event_queue_arn: cfg.event_queue_arn.clone(),
            dlq_event_queue_arn: cfg.dlq_event_queue_arn.clone(),
        })
        .chain(cfg.s3_blocks.iter().cloned())
        .collect();
    // Invalid schedules never get here (validation rejects them); keep the text if one does.
    let schedule = cfg.schedule.as_deref().map(|s| {
        schedule::parse(s)
            .map(|s| s.glue_cron)
            .unwrap_or_else(|_| s.to_string())
    });
    let crawler = DesiredCrawler {
        name: cfg.name.clone(),
        role: cfg.role_arn.clone(),
        database: cfg.database.clone(),
        targets,
        other_targets: cfg.other_targets.clone(),
        table_prefix: cfg.table_prefix.clone().filter(|p| !p.is_empty()),
        update_behavior: cfg.update_behavior.clone(),
        delete_behavior: cfg.delete_behavior.clone(),
        recrawl_behavior: cfg.recrawl_behavior.clone(),
        schedule,
        configuration: cfg.configuration.clone(),
        settings: cfg.settings.clone(),
        tags: cfg.tags.clone(),
    };
    let trigger = cfg
        .run_after_job
        .as_ref()
        .map(|job| after_job_trigger(&cfg.name, job, &cfg.run_after_job_states, &cfg.tags));
    (crawler, trigger)
}

/// The conditional trigger that starts `crawler` when a run of `job` ends in one of
/// `states` (SUCCEEDED when empty).
pub fn after_job_trigger(crawler: &str, job: &str, states: &[String], tags: &Tags) -> TriggerSpec {
    let start = if states.is_empty() {
        TriggerStart::after_job_succeeded(job)
    } else {
        TriggerStart::after_job(job, states)
    };
    TriggerSpec::new(
        TriggerAction::StartCrawler(crawler.to_string()),
        start,
        tags.clone(),
    )
}

/// The derived name of the after-job trigger, known from the crawler name alone.
pub fn after_job_trigger_name(crawler: &str) -> String {
    after_job_trigger(crawler, "", &[], &Tags::new()).name
}

/// `run_after_job_states`: Glue job run states, at least one.
pub fn check_run_after_job_states(states: &[String]) -> Result<(), String> {
    if states.is_empty() {
        return Err("list at least one job run state, such as SUCCEEDED".into());
    }
    for s in states {
        if !super::trigger::JOB_RUN_STATES.contains(&s.as_str()) {
            return Err(format!(
                "{s:?} is not a job run state a Glue trigger can wait for; use {}",
                super::trigger::JOB_RUN_STATES.join(", ")
            ));
        }
    }
    Ok(())
}

/// The key of the crawler as a child of its resource.
pub fn crawler_key(crawler: &str) -> ChildKey {
    ChildKey::top(Kind::GlueCrawler, crawler)
}

/// The key of the crawler's after-job trigger (its parent is the crawler).
pub fn trigger_key(crawler: &str) -> ChildKey {
    ChildKey::new(
        Kind::GlueCrawlerTrigger,
        crawler,
        &after_job_trigger_name(crawler),
    )
}

/// The crawler as a destroy names it: only its key, and that it is owned (deleted, after
/// the ownership checks), matter; its definition is not read.
pub fn existing(crawler: &str) -> Child {
    Child {
        key: crawler_key(crawler),
        spec: Spec::Crawler(Box::new(DesiredCrawler {
            name: crawler.to_string(),
            role: String::new(),
            database: String::new(),
            targets: Vec::new(),
            other_targets: OtherTargets::default(),
            table_prefix: None,
            update_behavior: String::new(),
            delete_behavior: String::new(),
            recrawl_behavior: String::new(),
            schedule: None,
            configuration: None,
            settings: CrawlerSettings::default(),
            tags: Tags::new(),
        })),
    }
}

/// The children the engine converges: the crawler, and its trigger when it runs after a job.
pub fn children(crawler: &DesiredCrawler, trigger: Option<&TriggerSpec>) -> Vec<Child> {
    let mut out = vec![Child {
        key: crawler_key(&crawler.name),
        spec: Spec::Crawler(Box::new(crawler.clone())),
    }];
    if let Some(t) = trigger {
        out.push(Child {
            key: trigger_key(&crawler.name),
            spec: Spec::CrawlerTrigger(t.clone()),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------

/// A problem found across values (a list, or one attribute against another): where it is,
/// an attribute and optionally an element index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub attribute: &'static str,
    pub index: Option<usize>,
    /// An attribute of the block at `index` (`s3_target[0].event_queue_arn`).
    pub field: Option<&'static str>,
    pub message: String,
}

impl Problem {
    fn at(attribute: &'static str, message: impl Into<String>) -> Self {
        Problem {
            attribute,
            index: None,
            field: None,
            message: message.into(),
        }
    }

    fn index(attribute: &'static str, index: usize, message: impl Into<String>) -> Self {
        Problem {
            index: Some(index),
            ..Problem::at(attribute, message)
        }
    }

    fn nested(
        attribute: &'static str,
        index: usize,
        field: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            field: Some(field),
            ..Problem::index(attribute, index, message)
        }
    }

    /// `s3_targets[0]`, `recrawl_policy`, `s3_target[1].event_queue_arn`, ...
    pub fn path(&self) -> String {
        let mut p = match self.index {
            Some(i) => format!("{}[{i}]", self.attribute),
            None => self.attribute.to_string(),
        };
        if let Some(f) = self.field {
            p.push('.');
            p.push_str(f);
        }
        p
    }
}

// Rules on one value each: the resource applies them as `attribute: rule` lines
// (`validators::Checks`). The database rule is the pipeline's (`pipeline::check_database_name`).

pub fn check_name(name: &str) -> Result<(), String> {
    crate::validate::glue_name(name, NAME_MAX).map_err(|e| {
        format!("crawler name {e}; up to {NAME_MAX} characters leaves room for the derived trigger name")
    })
}

pub fn check_run_after_job(job: &str) -> Result<(), String> {
    crate::validate::glue_name(job, GLUE_NAME_MAX).map_err(|e| format!("job name {e}"))
}

pub fn check_schedule(s: &str) -> Result<(), String> {
    schedule::parse(s).map(|_| ())
}

pub fn check_table_prefix(prefix: &str) -> Result<(), String> {
    let n = prefix.chars().count();
    if n > TABLE_PREFIX_MAX {
        Err(format!(
            "{prefix:?} has {n} characters; Glue allows at most {TABLE_PREFIX_MAX}"
        ))
    } else if prefix.chars().any(char::is_control) {
        Err(format!("{prefix:?} must not contain control characters"))
    } else {
        Ok(())
    }
}

pub fn check_exclusion(x: &str) -> Result<(), String> {
    if x.trim().is_empty() || x.chars().any(char::is_control) {
        Err(format!(
            "{x:?} is not a glob pattern such as \"**/_temporary/**\""
        ))
    } else {
        Ok(())
    }
}

fn one_of(v: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&v) {
        Ok(())
    } else {
        Err(format!("{v:?} is not one of {}", allowed.join(", ")))
    }
}

pub fn check_update_behavior(v: &str) -> Result<(), String> {
    one_of(v, &UPDATE_BEHAVIORS)
}

pub fn check_delete_behavior(v: &str) -> Result<(), String> {
    one_of(v, &DELETE_BEHAVIORS)
}

pub fn check_recrawl_behavior(v: &str) -> Result<(), String> {
    one_of(v, &RECRAWL_BEHAVIORS)
}

/// What the checks across values need; `None` means unknown (or, for the behaviours,
/// `Some(None)` not set: the default applies). Unknown values are not checked.
#[derive(Clone, Debug, Default)]
pub struct Literals<'a> {
    /// `None`: the list is unknown. Elements that are unknown are `None`. Null is empty.
    pub s3_targets: Option<Vec<Option<&'a str>>>,
    /// How many `s3_target` blocks (`None`: unknown).
    pub s3_blocks: Option<usize>,
    /// The block names of the other target kinds present (`None`: unknown).
    pub other_kinds: Option<Vec<&'static str>>,
    /// The event queues of the `s3_target` and `catalog_target` blocks: (block, index,
    /// event queue set, dead-letter queue set); `None` when any is unknown.
    pub block_queues: Option<Vec<(&'static str, usize, bool, bool)>>,
    /// Whether `sample_size` is set (`None`: unknown).
    pub sample_size_set: Option<bool>,
    pub exclusions: Option<Vec<Option<&'a str>>>,
    pub update_behavior: Option<Option<&'a str>>,
    pub delete_behavior: Option<Option<&'a str>>,
    pub recrawl_behavior: Option<Option<&'a str>>,
    pub event_queue_arn: Option<Option<&'a str>>,
    pub dlq_event_queue_arn: Option<Option<&'a str>>,
}

/// The mistakes that only show across values: the S3 targets (each named by its index,
/// none listed twice, at least one), exclusions by index, and the recrawl policy against
/// the schema change policy.
pub fn problems(lit: &Literals<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    out.extend(target_form_problems(lit));
    if let Some(targets) = &lit.s3_targets {
        let mut seen = std::collections::BTreeSet::new();
        for (i, t) in targets.iter().enumerate() {
            let Some(t) = t else { continue };
            if let Err(e) = crate::validate::s3_uri(t, false) {
                out.push(Problem::index(
                    "s3_targets",
                    i,
                    format!("{e}; S3 targets look like s3://bucket/prefix/"),
                ));
            } else if !seen.insert(t.trim_end_matches('/')) {
                out.push(Problem::index(
                    "s3_targets",
                    i,
                    format!("{t:?} is listed more than once"),
                ));
            }
        }
    }
    if let Some(exclusions) = &lit.exclusions {
        for (i, x) in exclusions.iter().enumerate() {
            if let Some(Err(e)) = x.map(check_exclusion) {
                out.push(Problem::index("exclusions", i, e));
            }
        }
    }
    // Glue: incremental crawls (new folders only) must leave the catalog alone.
    if lit.recrawl_behavior == Some(Some("CRAWL_NEW_FOLDERS_ONLY")) {
        let update = lit
            .update_behavior
            .map(|u| u.unwrap_or(DEFAULT_UPDATE_BEHAVIOR));
        let delete = lit
            .delete_behavior
            .map(|d| d.unwrap_or(DEFAULT_DELETE_BEHAVIOR));
        if update.is_some_and(|u| u != "LOG") || delete.is_some_and(|d| d != "LOG") {
            out.push(Problem::at(
                "recrawl_policy",
                "CRAWL_NEW_FOLDERS_ONLY requires schema_change_policy { update_behavior = \"LOG\", delete_behavior = \"LOG\" } (Glue rejects any other combination)",
            ));
        }
    }
    // Event mode crawls what the S3 event queue reports: the two go together, and a
    // dead-letter queue belongs to an event queue.
    let recrawl = lit
        .recrawl_behavior
        .map(|r| r.unwrap_or(DEFAULT_RECRAWL_BEHAVIOR));
    let block_queue = lit
        .block_queues
        .as_ref()
        .map(|q| q.iter().any(|(_, _, event, _)| *event));
    if let (Some(r), Some(queues)) = (recrawl, &lit.block_queues) {
        for (block, i, event, dlq) in queues {
            if *event && r != EVENT_MODE {
                out.push(Problem::nested(
                    block,
                    *i,
                    "event_queue_arn",
                    format!("an event queue is used only with recrawl_policy = \"CRAWL_EVENT_MODE\", not {r}"),
                ));
            }
            if *dlq && !*event {
                out.push(Problem::nested(
                    block,
                    *i,
                    "dlq_event_queue_arn",
                    "a dead-letter queue needs the block's event_queue_arn",
                ));
            }
        }
    }
    match (recrawl, lit.event_queue_arn) {
        (Some(EVENT_MODE), Some(None)) if block_queue == Some(true) => {}
        (Some(EVENT_MODE), Some(None)) if block_queue.is_none() => {}
        (Some(EVENT_MODE), Some(None)) => out.push(Problem::at(
            "event_queue_arn",
            "recrawl_policy = \"CRAWL_EVENT_MODE\" needs event_queue_arn, the SQS queue that receives the S3 event notifications of the targets (or, with s3_target or catalog_target blocks, the event_queue_arn of at least one of them)",
        )),
        (Some(r), Some(Some(_))) if r != EVENT_MODE => out.push(Problem::at(
            "event_queue_arn",
            format!("an event queue is used only with recrawl_policy = \"CRAWL_EVENT_MODE\", not {r}"),
        )),
        _ => {}
    }
    if let (Some(None), Some(Some(_))) = (lit.event_queue_arn, lit.dlq_event_queue_arn) {
        out.push(Problem::at(
            "dlq_event_queue_arn",
            "a dead-letter queue needs event_queue_arn",
        ));
    }
    out
}

/// The two S3 forms are exclusive, the crawler-wide S3 options belong to the short form,
/// and Glue's rules across target kinds (`crawler_targets::kind_problems`).
fn target_form_problems(lit: &Literals<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    let short = lit.s3_targets.as_ref().map(|t| !t.is_empty());
    if short == Some(true) && lit.s3_blocks.is_some_and(|n| n > 0) {
        out.push(Problem::at(
            "s3_target",
            "write the S3 targets either as the list s3_targets or as s3_target blocks, not both: move each path of s3_targets into an s3_target block, or the reverse",
        ));
    }
    if short == Some(false) {
        let options = [
            ("exclusions", lit.exclusions.as_ref().map(|x| !x.is_empty())),
            ("sample_size", lit.sample_size_set),
            ("event_queue_arn", lit.event_queue_arn.map(|q| q.is_some())),
            (
                "dlq_event_queue_arn",
                lit.dlq_event_queue_arn.map(|q| q.is_some()),
            ),
        ];
        for (attr, set) in options {
            if set == Some(true) {
                out.push(Problem::at(
                    attr,
                    format!("{attr} applies to the paths of s3_targets, which this crawler has none of; set it in each s3_target (or catalog_target) block instead"),
                ));
            }
        }
    }
    let kinds = match (short, lit.s3_blocks, &lit.other_kinds) {
        (Some(short), Some(blocks), Some(other)) => {
            let mut k = Vec::new();
            if short || blocks > 0 {
                k.push("s3");
            }
            k.extend(other.iter().copied());
            Some(k)
        }
        _ => None,
    };
    let kl = KindLiterals {
        kinds,
        delete_behavior: lit.delete_behavior,
        recrawl_behavior: lit.recrawl_behavior,
    };
    out.extend(
        targets::kind_problems(&kl)
            .into_iter()
            .map(|(attr, msg)| Problem::at(attr, msg)),
    );
    out
}

// `configuration` JSON lives in `crawler_configuration`; its entry points are re-exported.
pub use super::crawler_configuration::{
    canonical_configuration, check_configuration, configuration_equivalent,
    without_catalog_grouping,
};

// Comparing a crawler with what Glue reports lives in `crawler_compare`.
pub use super::crawler_compare::*;

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> CrawlerConfig {
        CrawlerConfig {
            name: "crw-omc-flywheel-prod-raw-input-addressable".into(),
            role_arn: "arn:aws:iam::239083076653:role/omc_flywheel-prod-glue-role".into(),
            database: "omc_flywheel_prod".into(),
            s3_targets: vec![
                "s3://omc-flywheel-data-us-east-1-prod/opus/addressable_ids/raw_input/".into(),
            ],
            exclusions: vec!["**/_temporary/**".into()],
            s3_blocks: Vec::new(),
            other_targets: OtherTargets::default(),
            table_prefix: Some("addressable_".into()),
            update_behavior: DEFAULT_UPDATE_BEHAVIOR.into(),
            delete_behavior: DEFAULT_DELETE_BEHAVIOR.into(),
            recrawl_behavior: DEFAULT_RECRAWL_BEHAVIOR.into(),
            schedule: Some("rate(1 day)".into()),
            run_after_job: Some("etl-omc-flywheel-prod-addressable-ids-compaction".into()),
            run_after_job_states: Vec::new(),
            configuration: Some(r#"{"Version":1.0}"#.into()),
            sample_size: None,
            event_queue_arn: None,
            dlq_event_queue_arn: None,
            settings: CrawlerSettings::default(),
            tags: Tags::new(),
        }
    }

    fn observed(want: &DesiredCrawler) -> ObservedCrawler {
        ObservedCrawler {
            name: want.name.clone(),
            role: Some(want.role.clone()),
            database: Some(want.database.clone()),
            targets: want.targets.clone(),
            other_targets: want.other_targets.clone(),
            table_prefix: want.table_prefix.clone(),
            update_behavior: Some(want.update_behavior.clone()),
            delete_behavior: Some(want.delete_behavior.clone()),
            recrawl_behavior: Some(want.recrawl_behavior.clone()),
            schedule: want.schedule.clone(),
            configuration: want.configuration.clone(),
            settings: want.settings.as_observed(),
        }
    }

    #[test]
    fn expansion_of_the_production_crawler() {
        let (c, t) = expand(&cfg());
        assert_eq!(c.targets.len(), 1);
        assert_eq!(c.targets[0].exclusions, vec!["**/_temporary/**"]);
        assert_eq!(
            c.schedule.as_deref(),
            Some("cron(0 0 * * ? *)"),
            "rate is sent as Glue cron"
        );
        assert_eq!(c.update_behavior, "UPDATE_IN_DATABASE");
        assert_eq!(c.delete_behavior, "LOG");
        let t = t.expect("run_after_job expands into a trigger");
        assert_eq!(
            t.name,
            "crw-omc-flywheel-prod-raw-input-addressable-after-job"
        );
        assert_eq!(t.name, after_job_trigger_name(&c.name));
        assert_eq!(t.action, TriggerAction::StartCrawler(c.name.clone()));
        assert_eq!(
            t.start,
            TriggerStart::after_job_succeeded("etl-omc-flywheel-prod-addressable-ids-compaction")
        );
    }

    #[test]
    fn expansion_without_optional_parts() {
        let mut c = cfg();
        c.schedule = None;
        c.run_after_job = None;
        c.table_prefix = Some(String::new());
        c.exclusions.clear();
        let (d, t) = expand(&c);
        assert!(t.is_none());
        assert_eq!(d.schedule, None);
        assert_eq!(d.table_prefix, None, "an empty prefix is no prefix");
        assert!(d.targets[0].exclusions.is_empty());
    }

    #[test]
    fn nothing_differs_when_aws_holds_the_crawler() {
        let (want, _) = expand(&cfg());
        assert!(differences(&want, &observed(&want)).is_empty());
    }

    #[test]
    fn each_field_difference_is_named() {
        let (want, _) = expand(&cfg());
        type Change = Box<dyn Fn(&mut ObservedCrawler)>;
        let cases: Vec<(&str, Change)> = vec![
            (
                "role",
                Box::new(|o| o.role = Some("arn:aws:iam::1:role/x".into())),
            ),
            ("database", Box::new(|o| o.database = None)),
            ("targets", Box::new(|o| o.targets[0].path.push_str("x/"))),
            ("targets", Box::new(|o| o.targets[0].exclusions.clear())),
            (
                "table_prefix",
                Box::new(|o| o.table_prefix = Some("other_".into())),
            ),
            (
                "schema_change_policy",
                Box::new(|o| o.delete_behavior = Some("DELETE_FROM_DATABASE".into())),
            ),
            (
                "schema_change_policy",
                Box::new(|o| o.delete_behavior = None),
            ),
            (
                "recrawl_policy",
                Box::new(|o| o.recrawl_behavior = Some("CRAWL_NEW_FOLDERS_ONLY".into())),
            ),
            ("schedule", Box::new(|o| o.schedule = None)),
            (
                "schedule",
                Box::new(|o| o.schedule = Some("cron(0 5 * * ? *)".into())),
            ),
            (
                "configuration",
                Box::new(|o| {
                    o.configuration = Some(r#"{"Version":1.0,"CreatePartitionIndex":false}"#.into())
                }),
            ),
        ];
        for (field, change) in cases {
            let mut o = observed(&want);
            change(&mut o);
            assert_eq!(differences(&want, &o), vec![field], "{o:?}");
        }
    }

    #[test]
    fn aws_spellings_and_defaults_are_no_difference() {
        let (want, _) = expand(&cfg());
        let mut o = observed(&want);
        o.schedule = Some("cron(0 0 * * ? *)".into());
        o.configuration = Some(r#"{"CreatePartitionIndex":true,"Version":1}"#.into());
        o.recrawl_behavior = None;
        assert!(differences(&want, &o).is_empty());
        let mut no_prefix = want.clone();
        no_prefix.table_prefix = None;
        let mut o = observed(&no_prefix);
        o.table_prefix = Some(String::new());
        assert!(differences(&no_prefix, &o).is_empty());
    }

    #[test]
    fn roles_compare_by_path_and_name() {
        let arn = "arn:aws:iam::239083076653:role/omc_flywheel-prod-glue-role";
        let with_path = "arn:aws:iam::239083076653:role/service-role/AWSGlueServiceRole-x";
        let same = [
            (arn, arn),
            (arn, "omc_flywheel-prod-glue-role"),
            ("omc_flywheel-prod-glue-role", arn),
            (with_path, "service-role/AWSGlueServiceRole-x"),
            (with_path, "/service-role/AWSGlueServiceRole-x"),
            ("service-role/AWSGlueServiceRole-x", with_path),
            ("arn:aws:iam::1:role/a/b/r", "a/b/r"),
            ("r", "r"),
            ("p/r", "p/r"),
        ];
        for (a, b) in same {
            assert!(same_role(a, b), "{a} {b}");
        }
        let different = [
            (arn, "other-role"),
            (arn, "service-role/omc_flywheel-prod-glue-role"),
            (with_path, "AWSGlueServiceRole-x"),
            (with_path, "other-path/AWSGlueServiceRole-x"),
            (
                arn,
                "arn:aws:iam::111111111111:role/omc_flywheel-prod-glue-role",
            ),
            (
                arn,
                "arn:aws:iam::239083076653:role/x/omc_flywheel-prod-glue-role",
            ),
            ("r", "s"),
            ("a/r", "b/r"),
        ];
        for (a, b) in different {
            assert!(!same_role(a, b), "{a} {b}");
        }
    }

    #[test]
    fn a_reported_role_name_becomes_its_arn() {
        let acct = Some("239083076653");
        assert_eq!(
            role_arn_from_reported("glue-role", "aws", acct).as_deref(),
            Some("arn:aws:iam::239083076653:role/glue-role")
        );
        assert_eq!(
            role_arn_from_reported("service-role/glue-role", "aws-cn", acct).as_deref(),
            Some("arn:aws-cn:iam::239083076653:role/service-role/glue-role")
        );
        let arn = "arn:aws:iam::1:role/r";
        assert_eq!(
            role_arn_from_reported(arn, "aws", None).as_deref(),
            Some(arn)
        );
        assert_eq!(role_arn_from_reported("glue-role", "aws", None), None);
    }

    #[test]
    fn a_role_reported_by_name_is_no_difference() {
        let (want, _) = expand(&cfg());
        let mut o = observed(&want);
        o.role = Some("omc_flywheel-prod-glue-role".into());
        assert!(differences(&want, &o).is_empty());
        o.role = Some("service-role/omc_flywheel-prod-glue-role".into());
        assert_eq!(differences(&want, &o), vec!["role"]);
        o.role = None;
        assert_eq!(differences(&want, &o), vec!["role"]);
    }

    #[test]
    fn targets_compare_as_sets() {
        let t = |p: &str, x: &[&str]| S3Target {
            path: p.into(),
            exclusions: x.iter().map(|s| s.to_string()).collect(),
            ..S3Target::default()
        };
        assert!(same_targets(
            &[t("s3://a/1/", &["x", "y"]), t("s3://a/2/", &[])],
            &[t("s3://a/2/", &[]), t("s3://a/1/", &["y", "x"])]
        ));
        assert!(!same_targets(
            &[t("s3://a/1/", &[])],
            &[t("s3://a/1/", &[]), t("s3://a/2/", &[])]
        ));
    }

    #[test]
    fn configuration_normalisation_table() {
        let base =
            r#"{"Version":1.0,"Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas"}}"#;
        let equivalent = [
            // Terraform's jsonencode writes 1.0 as 1 and sorts keys.
            r#"{"Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas"},"Version":1}"#,
            // heredoc with indentation and line breaks
            "{\n  \"Version\": 1.0,\n  \"Grouping\": {\n    \"TableGroupingPolicy\": \"CombineCompatibleSchemas\"\n  }\n}\n",
            // exponent form
            r#"{"Version":10e-1,"Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas"}}"#,
            // AWS adds the partition index default
            r#"{"Version":1.0,"CreatePartitionIndex":true,"Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas"}}"#,
        ];
        for e in equivalent {
            assert!(configuration_equivalent(Some(base), Some(e)), "{e}");
        }
        let different = [
            r#"{"Version":1.0}"#,
            r#"{"Version":1.0,"CreatePartitionIndex":false,"Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas"}}"#,
            r#"{"Version":1.0,"Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas","TableLevelConfiguration":2}}"#,
            "not json",
        ];
        for d in different {
            assert!(!configuration_equivalent(Some(base), Some(d)), "{d}");
        }
        // No configuration, an empty string, and what Glue reports for it are the same.
        for none in [
            None,
            Some(""),
            Some(r#"{"Version":1.0}"#),
            Some(r#"{"Version":1,"CreatePartitionIndex":true}"#),
            Some("{}"),
        ] {
            assert!(configuration_equivalent(None, none), "{none:?}");
        }
        assert_eq!(
            canonical_configuration(Some(base)).as_deref(),
            Some(r#"{"Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas"},"Version":1}"#)
        );
    }

    #[test]
    fn a_catalog_crawler_reported_with_glue_grouping_is_no_difference() {
        let mut c = cfg();
        c.s3_targets.clear();
        c.exclusions.clear();
        c.configuration = None;
        c.other_targets.catalog = vec![crate::model::crawler_targets::CatalogTarget {
            database: "db".into(),
            tables: vec!["t".into()],
            ..Default::default()
        }];
        let (want, _) = expand(&c);
        let mut o = observed(&want);
        o.configuration = Some(
            r#"{"Version":1.0,"Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas"}}"#
                .into(),
        );
        assert!(differences(&want, &o).is_empty());
        assert_eq!(
            reported_configuration(&o),
            Some(r#"{"Version":1.0}"#.into())
        );
        // Not for an S3 crawler: there it is a setting like any other.
        let (s3, _) = expand(&cfg());
        let mut o = observed(&s3);
        o.configuration = Some(
            r#"{"Version":1.0,"Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas"}}"#
                .into(),
        );
        assert_eq!(differences(&s3, &o), vec!["configuration"]);
    }

    #[test]
    fn schedules_compare_by_meaning() {
        assert!(same_schedule(
            Some("rate(1 day)"),
            Some("cron(0 0 * * ? *)")
        ));
        assert!(same_schedule(None, Some("")));
        assert!(!same_schedule(None, Some("cron(0 0 * * ? *)")));
        assert!(!same_schedule(
            Some("cron(0 4 * * ? *)"),
            Some("cron(0 5 * * ? *)")
        ));
    }

    fn valid<'a>() -> Literals<'a> {
        Literals {
            s3_targets: Some(vec![Some("s3://omc-flywheel-data-us-east-1-prod/opus/")]),
            exclusions: Some(vec![Some("**/_temporary/**")]),
            s3_blocks: Some(0),
            other_kinds: Some(vec![]),
            block_queues: Some(vec![]),
            sample_size_set: Some(false),
            update_behavior: Some(None),
            delete_behavior: Some(None),
            recrawl_behavior: Some(None),
            event_queue_arn: Some(None),
            dlq_event_queue_arn: Some(None),
        }
    }

    #[test]
    fn a_valid_configuration_has_no_problems() {
        assert_eq!(problems(&valid()), vec![]);
        assert_eq!(
            problems(&Literals::default()),
            vec![],
            "unknown values are not checked"
        );
        let mut incremental = valid();
        incremental.recrawl_behavior = Some(Some("CRAWL_NEW_FOLDERS_ONLY"));
        incremental.update_behavior = Some(Some("LOG"));
        incremental.delete_behavior = Some(Some("LOG"));
        assert_eq!(problems(&incremental), vec![]);
        let mut events = valid();
        events.recrawl_behavior = Some(Some(EVENT_MODE));
        events.event_queue_arn = Some(Some("arn:aws:sqs:us-east-1:239083076653:q"));
        events.dlq_event_queue_arn = Some(Some("arn:aws:sqs:us-east-1:239083076653:dlq"));
        assert_eq!(problems(&events), vec![]);
        // Event mode with the queues in the blocks of a catalog crawler.
        let mut catalog = valid();
        catalog.s3_targets = Some(vec![]);
        catalog.exclusions = Some(vec![]);
        catalog.other_kinds = Some(vec!["catalog_target"]);
        catalog.recrawl_behavior = Some(Some(EVENT_MODE));
        catalog.block_queues = Some(vec![("catalog_target", 0, true, true)]);
        assert_eq!(problems(&catalog), vec![]);
        // The block form with options of its own, beside a JDBC target.
        let mut blocks = valid();
        blocks.s3_targets = Some(vec![]);
        blocks.exclusions = Some(vec![]);
        blocks.s3_blocks = Some(2);
        blocks.other_kinds = Some(vec!["jdbc_target"]);
        assert_eq!(problems(&blocks), vec![]);
    }

    #[test]
    fn problems_across_values_table() {
        type Edit = Box<dyn Fn(&mut Literals<'static>)>;
        let cases: Vec<(&str, &str, Edit)> = vec![
            (
                "s3_targets",
                "at least one target",
                Box::new(|l| {
                    l.s3_targets = Some(vec![]);
                    l.exclusions = Some(vec![]);
                }),
            ),
            (
                "s3_targets[0]",
                "not an S3 URI",
                Box::new(|l| l.s3_targets = Some(vec![Some("https://b/k")])),
            ),
            (
                "s3_targets[1]",
                "bucket name",
                Box::new(|l| {
                    l.s3_targets = Some(vec![Some("s3://ok-bucket/a/"), Some("s3://Bad_Bucket/a/")])
                }),
            ),
            (
                "s3_targets[1]",
                "more than once",
                Box::new(|l| {
                    l.s3_targets = Some(vec![Some("s3://ok-bucket/a/"), Some("s3://ok-bucket/a")])
                }),
            ),
            (
                "s3_targets[0]",
                "empty path segment",
                Box::new(|l| l.s3_targets = Some(vec![Some("s3://ok-bucket/a//b/")])),
            ),
            (
                "exclusions[0]",
                "glob",
                Box::new(|l| l.exclusions = Some(vec![Some(" ")])),
            ),
            (
                "event_queue_arn",
                "needs event_queue_arn",
                Box::new(|l| l.recrawl_behavior = Some(Some(EVENT_MODE))),
            ),
            (
                "event_queue_arn",
                "only with recrawl_policy",
                Box::new(|l| l.event_queue_arn = Some(Some("arn:aws:sqs:us-east-1:1:q"))),
            ),
            (
                "dlq_event_queue_arn",
                "needs event_queue_arn",
                Box::new(|l| l.dlq_event_queue_arn = Some(Some("arn:aws:sqs:us-east-1:1:d"))),
            ),
            (
                "recrawl_policy",
                "requires schema_change_policy",
                Box::new(|l| l.recrawl_behavior = Some(Some("CRAWL_NEW_FOLDERS_ONLY"))),
            ),
            ("s3_target", "not both", Box::new(|l| l.s3_blocks = Some(1))),
            (
                "exclusions",
                "set it in each s3_target",
                Box::new(|l| {
                    l.s3_targets = Some(vec![]);
                    l.s3_blocks = Some(1);
                }),
            ),
            (
                "sample_size",
                "set it in each s3_target",
                Box::new(|l| {
                    l.s3_targets = Some(vec![]);
                    l.exclusions = Some(vec![]);
                    l.s3_blocks = Some(1);
                    l.sample_size_set = Some(true);
                }),
            ),
            (
                "catalog_target",
                "no other kind of target",
                Box::new(|l| l.other_kinds = Some(vec!["catalog_target"])),
            ),
            (
                "s3_target[0].event_queue_arn",
                "only with recrawl_policy",
                Box::new(|l| l.block_queues = Some(vec![("s3_target", 0, true, false)])),
            ),
            (
                "catalog_target[2].dlq_event_queue_arn",
                "needs the block's event_queue_arn",
                Box::new(|l| l.block_queues = Some(vec![("catalog_target", 2, false, true)])),
            ),
        ];
        for (path, words, edit) in cases {
            let mut l = valid();
            edit(&mut l);
            let p = problems(&l);
            assert_eq!(p.len(), 1, "{path}: {p:?}");
            assert_eq!(p[0].path(), path, "{p:?}");
            assert!(
                p[0].message.contains(words),
                "{path}: {:?} lacks {words:?}",
                p[0].message
            );
        }
    }

    #[test]
    fn single_value_rules_table() {
        let long_name = "c".repeat(NAME_MAX + 1);
        let long_prefix = "p".repeat(TABLE_PREFIX_MAX + 1);
        type Rule = fn(&str) -> Result<(), String>;
        let db: Rule = crate::model::pipeline::check_database_name;
        let cases: Vec<(Rule, &str, &str)> = vec![
            (check_name, &long_name, "characters"),
            (check_name, " crw", "whitespace"),
            (db, "", "lowercase letters"),
            (db, "Bad Database!", "uppercase"),
            (
                db,
                "bad database!",
                "lowercase letters, digits, underscores and hyphens",
            ),
            (check_table_prefix, &long_prefix, "at most 128"),
            (check_update_behavior, "DELETE_FROM_DATABASE", "not one of"),
            (check_delete_behavior, "DROP", "not one of"),
            (check_recrawl_behavior, "CRAWL_SOMETIMES", "not one of"),
            (check_schedule, "cron(0 4 * * *)", "has 5 fields"),
            (check_schedule, "daily", "not a schedule"),
            (check_run_after_job, "", "characters"),
            (check_exclusion, " ", "glob"),
            (check_configuration, "{Version: 1", "not valid JSON"),
            (check_configuration, "[1]", "JSON object"),
            (check_configuration, r#"{"Grouping":{}}"#, "Version"),
            (
                check_configuration,
                r#"{"Version":2}"#,
                "Version must be 1.0",
            ),
            (
                check_configuration,
                r#"{"Version":1,"CrawlerOutput":{"Partitions":{"Mode":"x"}}}"#,
                "CrawlerOutput.Partitions.Mode is not a key",
            ),
            (
                check_configuration,
                r#"{"Version":1,"Colour":"blue"}"#,
                "Colour is not a key",
            ),
            (
                check_configuration,
                r#"{"Version":1,"CrawlerOutput":{"Partitions":{"AddOrUpdateBehavior":"Replace"}}}"#,
                "InheritFromTable",
            ),
            (
                check_configuration,
                r#"{"Version":1,"CrawlerOutput":{"Tables":{"AddOrUpdateBehavior":"Replace"}}}"#,
                "MergeNewColumns",
            ),
            (
                check_configuration,
                r#"{"Version":1,"CrawlerOutput":{"Tables":{"TableThreshold":0}}}"#,
                "TableThreshold",
            ),
            (
                check_configuration,
                r#"{"Version":1,"Grouping":{"TableGroupingPolicy":"Split"}}"#,
                "TableGroupingPolicy",
            ),
            (
                check_configuration,
                r#"{"Version":1,"Grouping":{"TableLevelConfiguration":1.5}}"#,
                "TableLevelConfiguration",
            ),
            (
                check_configuration,
                r#"{"Version":1,"CreatePartitionIndex":"yes"}"#,
                "CreatePartitionIndex",
            ),
        ];
        for (rule, value, words) in cases {
            let e = rule(value).expect_err(value);
            assert!(e.contains(words), "{value:?}: {e:?} lacks {words:?}");
        }
        let ok: Vec<(Rule, &str)> = vec![
            (check_name, "crw-x"),
            (db, "omc_flywheel_prod"),
            (check_table_prefix, "addressable_"),
            (check_update_behavior, "LOG"),
            (check_delete_behavior, "DEPRECATE_IN_DATABASE"),
            (check_recrawl_behavior, "CRAWL_NEW_FOLDERS_ONLY"),
            (check_schedule, "cron(0 4 * * ? *)"),
            (check_run_after_job, "etl-x"),
            (
                check_configuration,
                r#"{"Version":1.0,"Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas"}}"#,
            ),
        ];
        for (rule, value) in ok {
            assert_eq!(rule(value), Ok(()), "{value:?}");
        }
    }
}
