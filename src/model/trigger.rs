//! The Glue trigger a job or crawler expands into when it has a schedule or runs after a
//! job. Names are derived from the owner, so they are known at plan time.

use super::tags::Tags;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TriggerStart {
    /// A SCHEDULED trigger with this Glue cron expression.
    Schedule(String),
    /// A CONDITIONAL trigger that fires when a run of `job` ends in one of `states` (Glue
    /// job run states, sorted, no repeats; one condition each, any of which fires it).
    AfterJob { job: String, states: Vec<String> },
}

/// The job run states a conditional trigger can wait for (Glue's `Condition.State`).
pub const JOB_RUN_STATES: [&str; 5] = ["SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR"];
/// What `run_after_job` waits for by default.
pub const DEFAULT_AFTER_JOB_STATE: &str = "SUCCEEDED";

impl TriggerStart {
    /// After a run of `job` ended in one of `states` (sorted and deduplicated here, so the
    /// order written does not matter).
    pub fn after_job(job: &str, states: &[String]) -> Self {
        let mut states = states.to_vec();
        states.sort();
        states.dedup();
        TriggerStart::AfterJob {
            job: job.to_string(),
            states,
        }
    }

    /// After a run of `job` SUCCEEDED.
    pub fn after_job_succeeded(job: &str) -> Self {
        Self::after_job(job, &[DEFAULT_AFTER_JOB_STATE.to_string()])
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TriggerAction {
    StartJob(String),
    StartCrawler(String),
}

/// A desired trigger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TriggerSpec {
    pub name: String,
    pub start: TriggerStart,
    pub action: TriggerAction,
    pub tags: Tags,
    /// Activated (the default) or deactivated: a paused schedule keeps its trigger.
    pub enabled: bool,
}

/// Suffixes for derived trigger names; owners must leave room for the longest.
pub const SCHEDULE_SUFFIX: &str = "-schedule";
pub const AFTER_JOB_SUFFIX: &str = "-after-job";
pub const LONGEST_SUFFIX: usize = 10;

impl TriggerSpec {
    pub fn new(action: TriggerAction, start: TriggerStart, tags: Tags) -> Self {
        let owner = match &action {
            TriggerAction::StartJob(n) | TriggerAction::StartCrawler(n) => n,
        };
        let suffix = match start {
            TriggerStart::Schedule(_) => SCHEDULE_SUFFIX,
            TriggerStart::AfterJob { .. } => AFTER_JOB_SUFFIX,
        };
        TriggerSpec {
            name: format!("{owner}{suffix}"),
            start,
            action,
            tags,
            enabled: true,
        }
    }

    /// The same trigger, activated or deactivated.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    pub fn description(&self) -> String {
        let what = match &self.action {
            TriggerAction::StartJob(n) => format!("Starts Glue job {n}"),
            TriggerAction::StartCrawler(n) => format!("Starts Glue crawler {n}"),
        };
        match &self.start {
            TriggerStart::Schedule(cron) => {
                format!("{what} on {cron}. Managed by terraform-provider-flywheel.")
            }
            TriggerStart::AfterJob { job, states } => {
                let when = if states.len() == 1 && states[0] == DEFAULT_AFTER_JOB_STATE {
                    "succeeds".to_string()
                } else {
                    format!("ends in {}", states.join(" or "))
                };
                format!("{what} when job {job} {when}. Managed by terraform-provider-flywheel.")
            }
        }
    }
}

/// What is observed in AWS, reduced to what the provider manages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObservedTrigger {
    pub name: String,
    /// `None` when the trigger is of a shape the provider does not create.
    pub start: Option<TriggerStart>,
    pub actions: Vec<TriggerAction>,
    pub activated: bool,
}

impl ObservedTrigger {
    /// True when AWS holds exactly the trigger wanted (tags are compared separately).
    pub fn matches(&self, want: &TriggerSpec) -> bool {
        self.same_definition(want) && self.activated == want.enabled
    }

    /// True when AWS holds the trigger wanted, activated or not: only StartTrigger or
    /// StopTrigger may be due.
    pub fn same_definition(&self, want: &TriggerSpec) -> bool {
        let same_start = match (&self.start, &want.start) {
            (Some(TriggerStart::Schedule(a)), TriggerStart::Schedule(b)) => {
                super::schedule::equivalent(a, b)
            }
            (Some(a), b) => a == b,
            (None, _) => false,
        };
        self.name == want.name && same_start && self.actions == [want.action.clone()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names_and_matching() {
        let t = TriggerSpec::new(
            TriggerAction::StartCrawler("crw".into()),
            TriggerStart::after_job_succeeded("etl"),
            Tags::new(),
        );
        assert_eq!(t.name, "crw-after-job");
        assert!(
            AFTER_JOB_SUFFIX.len() <= LONGEST_SUFFIX && SCHEDULE_SUFFIX.len() <= LONGEST_SUFFIX
        );
        let mut seen = ObservedTrigger {
            name: "crw-after-job".into(),
            start: Some(TriggerStart::after_job_succeeded("etl")),
            actions: vec![TriggerAction::StartCrawler("crw".into())],
            activated: true,
        };
        assert!(seen.matches(&t));
        seen.activated = false;
        assert!(!seen.matches(&t));
        assert!(seen.same_definition(&t));
        assert!(seen.matches(&t.clone().enabled(false)), "a paused trigger");
        seen.activated = true;
        assert!(!seen.matches(&t.clone().enabled(false)));
        seen.start = Some(TriggerStart::after_job_succeeded("other"));
        assert!(!seen.matches(&t));
    }

    #[test]
    fn after_job_states_are_a_set() {
        let a = TriggerStart::after_job("etl", &["FAILED".into(), "SUCCEEDED".into()]);
        let b = TriggerStart::after_job(
            "etl",
            &["SUCCEEDED".into(), "FAILED".into(), "FAILED".into()],
        );
        assert_eq!(a, b);
        assert_ne!(a, TriggerStart::after_job_succeeded("etl"));
        let t = TriggerSpec::new(TriggerAction::StartCrawler("crw".into()), a, Tags::new());
        assert!(t.description().contains("ends in FAILED or SUCCEEDED"));
    }

    #[test]
    fn schedules_compare_by_meaning() {
        let t = TriggerSpec::new(
            TriggerAction::StartJob("etl".into()),
            TriggerStart::Schedule("cron(0 * * * ? *)".into()),
            Tags::new(),
        );
        let seen = ObservedTrigger {
            name: "etl-schedule".into(),
            start: Some(TriggerStart::Schedule("cron(0  * * * ? *)".into())),
            actions: vec![TriggerAction::StartJob("etl".into())],
            activated: true,
        };
        assert!(seen.matches(&t));
    }
}
