//! `flywheel_job` as pure data: the validated configuration, its expansion into the Glue
//! job definition (with the organisation's defaults), the script object and the optional
//! scheduled trigger, and the normalisation that keeps reads and plans stable.
//!
//! Glue's limits used here come from the AWS Glue documentation (CreateJob, "Defining job
//! properties for Spark jobs", "AWS Glue worker types"):
//! - job names are single-line strings of 1 to 255 characters; the trigger name adds a
//!   suffix, so names are capped at 255 minus [`LONGEST_SUFFIX`];
//! - `Timeout` is in minutes; the issue's contract is 1 to 2880 (48 hours);
//! - `MaxRetries` 0 to 10 (this provider's bound);
//! - Spark ETL (`glueetl`) jobs need at least 2 workers;
//! - G.4X and G.8X need Glue 3.0 or later; G.12X, G.16X and the memory-optimised R.* types
//!   need Glue 4.0 or later; G.025X is for streaming jobs and Z.2X for Ray jobs only;
//!   `Standard` is the deprecated pre-2.0 type, which cannot be combined with worker counts.
//! - Glue uses `--conf`, `--debug`, `--mode` and `--JOB_NAME` internally ("never use them"),
//!   and sets `--JOB_ID` / `--JOB_RUN_ID` on every run.
//! - `ExecutionClass` FLEX: "only jobs with AWS Glue version 3.0 and above and command type
//!   glueetl" (the Job structure), and "G.1X or G.2X worker types" (the FLEX announcement,
//!   which AWS CDK's Glue constructs enforce too).
//! - Auto scaling (`--enable-auto-scaling`): "AWS Glue version 3.0 or later";
//!   `NumberOfWorkers` is then the maximum.
//! - `ExecutionProperty.MaxConcurrentRuns`: "The default is 1", the maximum a service quota.
//! - Glue 5.0 deprecates the continuous-logging arguments (`--enable-continuous-cloudwatch-log`
//!   and its `--continuous-log-*` options): every 5.x job logs in real time to
//!   `/aws-glue/jobs/error` and `/aws-glue/jobs/output` ("Migrating to AWS Glue 5.0").
//! - Glue 2.0 reached end of support on 2024-01-31 and end of life on 2026-04-01 (the AWS Glue
//!   version support policy); 3.0 and later have no published date, but 3.0 runs Spark 3.1
//!   and Python 3.7, both past their community end of life, which the policy names as when
//!   a version's support ends.

use std::collections::BTreeMap;

use super::children::{Child, ChildKey, Kind, Spec};
use super::managed::{glue_arn, Object};
use super::tags::Tags;
use super::trigger::{TriggerAction, TriggerSpec, TriggerStart, LONGEST_SUFFIX};

mod checks;
pub use checks::*;
mod arguments;
pub use arguments::*;
mod import;
pub use import::*;
pub mod extra_files;
pub mod source_control;
pub mod spark_conf;
pub mod unmanaged;

pub use extra_files::ExtraFile;

pub const DEFAULT_WORKER_TYPE: &str = "G.1X";
pub const DEFAULT_NUMBER_OF_WORKERS: i64 = 10;
pub const DEFAULT_TIMEOUT_MINUTES: i64 = 600;
pub const DEFAULT_MAX_RETRIES: i64 = 2;
pub const DEFAULT_GLUE_VERSION: &str = "4.0";
pub const DEFAULT_EXECUTION_CLASS: &str = "STANDARD";
pub const EXECUTION_CLASSES: [&str; 2] = ["STANDARD", "FLEX"];
/// Glue's default `MaxConcurrentRuns`: one run of a job at a time.
pub const DEFAULT_MAX_CONCURRENT_RUNS: i64 = 1;
pub const DEFAULT_SCRIPTS_PREFIX: &str = "scripts/";
/// Standalone jobs put temporary files and Spark UI logs beside the script, under the same
/// prefixes the production Glue assets bucket uses.
pub const STANDALONE_TEMP_PREFIX: &str = "temporary/";
pub const STANDALONE_SPARK_LOGS_PREFIX: &str = "sparkHistoryLogs/";
/// A Spark ETL job (the default command), in Python 3.
pub const COMMAND_NAME: &str = "glueetl";
pub const PYTHON_VERSION: &str = "3";
/// A Python shell job: one process of `max_capacity` DPUs, no Spark.
pub const COMMAND_PYTHON_SHELL: &str = "pythonshell";
pub const COMMANDS: [&str; 2] = [COMMAND_NAME, COMMAND_PYTHON_SHELL];
/// Python shell's Python versions ("Configuring job properties for Python shell jobs":
/// 3.9, the default, and 3.6, whose support ended on 2026-03-01), each with the one Glue
/// version that runs it (Glue 3.0 for 3.9, 1.0 for 3.6).
pub const PYTHON_SHELL_VERSIONS: [(&str, &str); 2] = [("3.9", "3.0"), ("3.6", "1.0")];
pub const DEFAULT_PYTHON_SHELL_VERSION: &str = "3.9";
/// Python shell's `MaxCapacity`: "either 0.0625 or 1 DPU. The default is 0.0625 DPU"
/// (CreateJob).
pub const PYTHON_SHELL_CAPACITIES: [f64; 2] = [0.0625, 1.0];
pub const DEFAULT_PYTHON_SHELL_CAPACITY: f64 = 0.0625;

pub const MAX_NAME_LEN: usize = 255 - LONGEST_SUFFIX;
pub const TIMEOUT_RANGE: (i64, i64) = (1, 2880);
pub const MAX_RETRIES_RANGE: (i64, i64) = (0, 10);
pub const WORKERS_RANGE: (i64, i64) = (2, 299);

/// Glue's `JobMode`: how Glue Studio presents the job. "When the JobMode field is missing
/// or null, SCRIPT is assigned as the default value" (the Job structure).
pub const JOB_MODES: [&str; 3] = ["SCRIPT", "VISUAL", "NOTEBOOK"];
pub const DEFAULT_JOB_MODE: &str = "SCRIPT";

pub const GLUE_VERSIONS: [&str; 5] = ["2.0", "3.0", "4.0", "5.0", "5.1"];

/// Where the script comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Script {
    /// A local file the provider uploads to `bucket`/`key`; `sha256` is its content hash.
    Upload {
        bucket: String,
        key: String,
        sha256: String,
    },
    /// An existing object the provider only points at (and never deletes).
    Existing { uri: String },
}

impl Script {
    pub fn location(&self) -> String {
        match self {
            Script::Upload { bucket, key, .. } => format!("s3://{bucket}/{key}"),
            Script::Existing { uri } => uri.clone(),
        }
    }
}

/// The script object key for a job: `<prefix><job name>.py`.
pub fn script_key(scripts_prefix: &str, job_name: &str) -> String {
    let prefix = scripts_prefix.trim_start_matches('/');
    if prefix.is_empty() || prefix.ends_with('/') {
        format!("{prefix}{job_name}.py")
    } else {
        format!("{prefix}/{job_name}.py")
    }
}

/// The environment a job runs in, resolved from `pipeline` or the standalone attributes.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Environment {
    pub role_arn: String,
    /// Bucket and key prefix for uploaded scripts.
    pub script_bucket: Option<String>,
    pub scripts_prefix: String,
    pub temp_dir: String,
    /// Empty for a Python shell job without one (it has no Spark UI).
    pub spark_event_logs_path: String,
    pub tags: Tags,
}

/// Inputs to [`Environment`] resolution: the pipeline context's fields and the standalone
/// attributes (each `None` when not given). Standalone attributes win over the context.
#[derive(Clone, Debug, Default)]
pub struct EnvironmentInput {
    pub context_role_arn: Option<String>,
    pub context_assets_bucket: Option<String>,
    pub context_scripts_prefix: Option<String>,
    pub context_temp_dir: Option<String>,
    pub context_spark_event_logs_path: Option<String>,
    pub context_tags: Tags,
    pub role_arn: Option<String>,
    pub script_bucket: Option<String>,
    pub temp_dir: Option<String>,
    pub spark_event_logs_path: Option<String>,
    /// A Python shell job, which has no Spark UI: no event-log path is needed.
    pub python_shell: bool,
}

/// Which attribute is missing when the environment cannot be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    pub attribute: &'static str,
    pub message: String,
}

pub fn resolve_environment(i: &EnvironmentInput) -> Result<Environment, Missing> {
    let role_arn = i
        .role_arn
        .clone()
        .or_else(|| i.context_role_arn.clone())
        .ok_or(Missing {
        attribute: "role_arn",
        message:
            "the job needs an IAM role: set `pipeline` (whose context has role_arn) or `role_arn`"
                .into(),
    })?;
    let script_bucket = i
        .script_bucket
        .clone()
        .or_else(|| i.context_assets_bucket.clone());
    let base = script_bucket.as_deref().map(|b| format!("s3://{b}/"));
    let temp_dir = i
        .temp_dir
        .clone()
        .or_else(|| i.context_temp_dir.clone())
        .or_else(|| {
            base.as_ref()
                .map(|b| format!("{b}{STANDALONE_TEMP_PREFIX}"))
        })
        .ok_or(Missing {
            attribute: "temp_dir",
            message:
                "the job needs a temporary directory: set `pipeline`, `temp_dir` or `script_bucket`"
                    .into(),
        })?;
    let spark_event_logs_path = i
        .spark_event_logs_path
        .clone()
        .or_else(|| i.context_spark_event_logs_path.clone())
        .or_else(|| base.as_ref().map(|b| format!("{b}{STANDALONE_SPARK_LOGS_PREFIX}")))
        .or_else(|| i.python_shell.then(String::new))
        .ok_or(Missing {
            attribute: "spark_event_logs_path",
            message: "the job needs a Spark UI event-log path: set `pipeline`, `spark_event_logs_path` or `script_bucket`".into(),
        })?;
    Ok(Environment {
        role_arn,
        script_bucket,
        scripts_prefix: i
            .context_scripts_prefix
            .clone()
            .unwrap_or_else(|| DEFAULT_SCRIPTS_PREFIX.into()),
        temp_dir,
        spark_event_logs_path,
        tags: i.context_tags.clone(),
    })
}

/// The Glue job definition the provider manages: what CreateJob and UpdateJob are sent,
/// and what GetJob is compared with.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobDefinition {
    pub name: String,
    pub role_arn: String,
    /// `glueetl` or `pythonshell` (Glue's Command.Name).
    pub command: String,
    pub script_location: String,
    pub python_version: String,
    /// Spark jobs only; a Python shell job has none.
    pub worker_type: Option<String>,
    pub number_of_workers: Option<i64>,
    /// Python shell jobs only: MaxCapacity, 0.0625 or 1. Spark jobs are sized by workers
    /// and never send it (Glue rejects both together).
    pub max_capacity: Option<f64>,
    /// SCRIPT, VISUAL or NOTEBOOK; always sent (UpdateJob resets what it is not sent).
    pub job_mode: String,
    /// SourceControlDetails; none sends none.
    pub source_control: Option<source_control::SourceControl>,
    pub timeout_minutes: i64,
    pub max_retries: i64,
    pub glue_version: String,
    pub description: Option<String>,
    pub default_arguments: BTreeMap<String, String>,
    /// Glue's NotificationProperty.NotifyDelayAfter: minutes after which a run still going
    /// sends the "Glue Job Run Status" event (`long_running_minutes`).
    pub notify_delay_after: Option<i64>,
    /// STANDARD or FLEX.
    pub execution_class: String,
    /// ExecutionProperty.MaxConcurrentRuns.
    pub max_concurrent_runs: i64,
    pub job_run_queuing_enabled: bool,
    /// A Glue security configuration's name.
    pub security_configuration: Option<String>,
    /// Glue connection names (Connections.Connections), in order.
    pub connections: Vec<String>,
    /// NonOverridableArguments: arguments a StartJobRun cannot override.
    pub non_overridable_arguments: BTreeMap<String, String>,
}

/// A job as GetJob reports it, reduced to what the provider manages. Every field is
/// optional because jobs made elsewhere may lack any of them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObservedJob {
    pub name: String,
    pub role_arn: Option<String>,
    pub command_name: Option<String>,
    pub script_location: Option<String>,
    pub python_version: Option<String>,
    pub worker_type: Option<String>,
    pub number_of_workers: Option<i64>,
    /// MaxCapacity; compared and kept in state only for Python shell jobs (Glue also
    /// reports it for Spark jobs, as their workers' DPUs).
    pub max_capacity: Option<f64>,
    /// JobMode; none reads as SCRIPT (Glue's default).
    pub job_mode: Option<String>,
    /// SourceControlDetails as Glue answered them, a token included (compared, never
    /// stored: `SourceControl::storable`).
    pub source_control: Option<source_control::SourceControl>,
    pub timeout_minutes: Option<i64>,
    pub max_retries: Option<i64>,
    pub glue_version: Option<String>,
    pub description: Option<String>,
    pub default_arguments: BTreeMap<String, String>,
    /// Creation time (seconds since the epoch): it changes only when the job is recreated.
    pub created_on: Option<i64>,
    pub notify_delay_after: Option<i64>,
    pub execution_class: Option<String>,
    pub max_concurrent_runs: Option<i64>,
    pub job_run_queuing_enabled: Option<bool>,
    pub security_configuration: Option<String>,
    pub connections: Vec<String>,
    pub non_overridable_arguments: BTreeMap<String, String>,
    /// Settings Glue holds that the provider does not manage, by Glue's field name, each
    /// summarised (`unmanaged`): an UpdateJob resets them.
    pub unmanaged: BTreeMap<String, String>,
}

impl ObservedJob {
    /// True when AWS already holds `want`, so an update needs no UpdateJob call.
    pub fn matches(&self, want: &JobDefinition) -> bool {
        self.name == want.name
            && self.role_arn.as_deref() == Some(want.role_arn.as_str())
            && self.command_name.as_deref() == Some(want.command.as_str())
            && self.script_location.as_deref() == Some(want.script_location.as_str())
            && self.python_version.as_deref() == Some(want.python_version.as_str())
            && self.worker_type == want.worker_type
            && self.number_of_workers == want.number_of_workers
            && (want.max_capacity.is_none() || self.max_capacity == want.max_capacity)
            && self.job_mode() == want.job_mode
            && self.source_control == want.source_control
            && self.timeout_minutes == Some(want.timeout_minutes)
            && self.max_retries == Some(want.max_retries)
            && self.glue_version.as_deref() == Some(want.glue_version.as_str())
            && self.description.as_deref().filter(|d| !d.is_empty()) == want.description.as_deref()
            && self.default_arguments == want.default_arguments
            && self.notify_delay_after == want.notify_delay_after
            && self.execution_class() == want.execution_class
            && self.max_concurrent_runs() == want.max_concurrent_runs
            && self.job_run_queuing_enabled.unwrap_or(false) == want.job_run_queuing_enabled
            && self
                .security_configuration
                .as_deref()
                .filter(|s| !s.is_empty())
                == want.security_configuration.as_deref()
            && self.connections == want.connections
            && self.non_overridable_arguments == want.non_overridable_arguments
            && self.unmanaged.is_empty()
    }

    /// The job mode, SCRIPT when Glue reports none.
    pub fn job_mode(&self) -> &str {
        self.job_mode
            .as_deref()
            .filter(|m| !m.is_empty())
            .unwrap_or(DEFAULT_JOB_MODE)
    }

    /// The execution class, STANDARD when Glue reports none.
    pub fn execution_class(&self) -> &str {
        self.execution_class
            .as_deref()
            .filter(|c| !c.is_empty())
            .unwrap_or(DEFAULT_EXECUTION_CLASS)
    }

    /// MaxConcurrentRuns, Glue's default 1 when it reports none.
    pub fn max_concurrent_runs(&self) -> i64 {
        self.max_concurrent_runs
            .unwrap_or(DEFAULT_MAX_CONCURRENT_RUNS)
    }
}

/// The job's settings after validation (defaults not yet applied where `None`).
#[derive(Clone, Debug, Default)]
pub struct JobSettings {
    pub name: String,
    /// `glueetl` (when `None`) or `pythonshell`.
    pub command: Option<String>,
    /// Python shell only (Spark jobs run Python 3).
    pub python_version: Option<String>,
    /// Python shell only.
    pub max_capacity: Option<f64>,
    /// SCRIPT when `None`.
    pub job_mode: Option<String>,
    pub source_control: Option<source_control::SourceControl>,
    pub worker_type: Option<String>,
    pub number_of_workers: Option<i64>,
    pub timeout_minutes: Option<i64>,
    pub max_retries: Option<i64>,
    pub glue_version: Option<String>,
    pub description: Option<String>,
    pub arguments: BTreeMap<String, String>,
    /// Validated schedule; the Glue cron is what the trigger gets.
    pub schedule: Option<String>,
    /// `false`: the schedule's trigger is kept deactivated (`schedule_enabled`).
    pub schedule_paused: bool,
    pub tags: Tags,
    /// NotifyDelayAfter, in minutes (`long_running_minutes`).
    pub long_running_minutes: Option<i64>,
    pub execution_class: Option<String>,
    pub max_concurrent_runs: Option<i64>,
    pub job_run_queuing_enabled: Option<bool>,
    pub auto_scaling: Option<bool>,
    pub observability_metrics: Option<bool>,
    pub security_configuration: Option<String>,
    pub connections: Vec<String>,
    /// Rendered into `--conf`.
    pub spark_conf: BTreeMap<String, String>,
    pub non_overridable_arguments: BTreeMap<String, String>,
    /// `extra_py_files`, resolved to their uploads, in order.
    pub extra_py_files: Vec<ExtraFile>,
}

/// Everything a job expands into.
#[derive(Clone, Debug, PartialEq)]
pub struct Desired {
    pub job: JobDefinition,
    pub script: Script,
    pub trigger: Option<TriggerSpec>,
    /// Tags on the job and its trigger.
    pub tags: Tags,
    /// Files uploaded beside the script (`extra_py_files`).
    pub extra_files: Vec<ExtraFile>,
}

impl Desired {
    /// Adds the owner tags (`ownership::owner_tags`) to the job and its trigger, over every
    /// other tag.
    pub fn with_owner_tags(mut self, owner_tags: &Tags) -> Self {
        self.tags
            .extend(owner_tags.iter().map(|(k, v)| (k.clone(), v.clone())));
        if let Some(t) = &mut self.trigger {
            t.tags = self.tags.clone();
        }
        self
    }
}

/// Whether `command` (null: the default, `glueetl`) is a Python shell job.
pub fn is_python_shell(command: Option<&str>) -> bool {
    command == Some(COMMAND_PYTHON_SHELL)
}

/// The Glue version a job gets when `glue_version` is not set: [`DEFAULT_GLUE_VERSION`]
/// for Spark, and for Python shell the one version that runs its Python version.
pub fn default_glue_version(command: Option<&str>, python_version: &str) -> String {
    if is_python_shell(command) {
        PYTHON_SHELL_VERSIONS
            .iter()
            .find(|(p, _)| *p == python_version)
            .map(|(_, g)| *g)
            .unwrap_or(PYTHON_SHELL_VERSIONS[0].1)
            .to_string()
    } else {
        DEFAULT_GLUE_VERSION.to_string()
    }
}

/// Expands settings into the job, its script and trigger. `script` is already resolved
/// (upload location and hash, or an existing URI). Fails only on an invalid schedule,
/// which validation reports first.
pub fn expand(
    settings: &JobSettings,
    env: &Environment,
    script: Script,
    default_tags: &Tags,
) -> Result<Desired, String> {
    let tags = super::tags::effective(default_tags, &env.tags, &settings.tags);
    let trigger = match &settings.schedule {
        Some(s) => {
            let parsed = super::schedule::parse(s)?;
            Some(
                TriggerSpec::new(
                    TriggerAction::StartJob(settings.name.clone()),
                    TriggerStart::Schedule(parsed.glue_cron),
                    tags.clone(),
                )
                .enabled(!settings.schedule_paused),
            )
        }
        None => None,
    };
    let shell = is_python_shell(settings.command.as_deref());
    let python_version = match (shell, &settings.python_version) {
        (true, Some(v)) => v.clone(),
        (true, None) => DEFAULT_PYTHON_SHELL_VERSION.into(),
        (false, _) => PYTHON_VERSION.into(),
    };
    let glue_version = settings
        .glue_version
        .clone()
        .unwrap_or_else(|| default_glue_version(settings.command.as_deref(), &python_version));
    let job = JobDefinition {
        name: settings.name.clone(),
        role_arn: env.role_arn.clone(),
        command: if shell {
            COMMAND_PYTHON_SHELL.into()
        } else {
            COMMAND_NAME.into()
        },
        script_location: script.location(),
        python_version,
        worker_type: (!shell).then(|| {
            settings
                .worker_type
                .clone()
                .unwrap_or_else(|| DEFAULT_WORKER_TYPE.into())
        }),
        number_of_workers: (!shell).then(|| {
            settings
                .number_of_workers
                .unwrap_or(DEFAULT_NUMBER_OF_WORKERS)
        }),
        max_capacity: shell.then(|| {
            settings
                .max_capacity
                .unwrap_or(DEFAULT_PYTHON_SHELL_CAPACITY)
        }),
        job_mode: settings
            .job_mode
            .clone()
            .unwrap_or_else(|| DEFAULT_JOB_MODE.into()),
        source_control: settings.source_control.clone(),
        timeout_minutes: settings.timeout_minutes.unwrap_or(DEFAULT_TIMEOUT_MINUTES),
        max_retries: settings.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
        description: settings.description.clone().filter(|d| !d.is_empty()),
        default_arguments: effective_arguments(
            env,
            &glue_version,
            &settings.arguments,
            &AttributeArguments {
                python_shell: shell,
                auto_scaling: settings.auto_scaling.unwrap_or(false),
                observability_metrics: settings.observability_metrics.unwrap_or(false),
                spark_conf: Some(&settings.spark_conf),
                extra_py_files: &settings
                    .extra_py_files
                    .iter()
                    .map(ExtraFile::location)
                    .collect::<Vec<_>>(),
            },
        ),
        glue_version,
        notify_delay_after: settings.long_running_minutes,
        execution_class: settings
            .execution_class
            .clone()
            .unwrap_or_else(|| DEFAULT_EXECUTION_CLASS.into()),
        max_concurrent_runs: settings
            .max_concurrent_runs
            .unwrap_or(DEFAULT_MAX_CONCURRENT_RUNS),
        job_run_queuing_enabled: settings.job_run_queuing_enabled.unwrap_or(false),
        security_configuration: settings
            .security_configuration
            .clone()
            .filter(|s| !s.is_empty()),
        connections: settings.connections.clone(),
        non_overridable_arguments: settings.non_overridable_arguments.clone(),
    };
    Ok(Desired {
        job,
        script,
        trigger,
        tags,
        extra_files: settings.extra_py_files.clone(),
    })
}

/// The objects a job expands into, for `managed_objects`.
pub fn managed_objects(
    name: &str,
    script: Option<&Script>,
    has_schedule: bool,
    partition: &str,
    region: &str,
    account: Option<&str>,
) -> Vec<Object> {
    let mut out = Vec::new();
    if let Some(Script::Upload { bucket, key, .. }) = script {
        out.push(Object::new(
            "aws_s3_object",
            &format!("s3://{bucket}/{key}"),
            Some(format!("arn:{partition}:s3:::{bucket}/{key}")),
        ));
    }
    out.push(Object::new(
        "aws_glue_job",
        name,
        glue_arn(partition, region, account, "job", name),
    ));
    if has_schedule {
        let trigger = format!("{name}{}", super::trigger::SCHEDULE_SUFFIX);
        out.push(Object::new(
            "aws_glue_trigger",
            &trigger,
            glue_arn(partition, region, account, "trigger", &trigger),
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------
// Children, for the engine (`crate::reconcile`)

/// A script object's child name, `bucket/key` (terraform-provider-aws's `aws_s3_object` ID).
pub fn script_child_name(bucket: &str, key: &str) -> String {
    format!("{bucket}/{key}")
}

/// The tags of an uploaded script: S3 takes at most 10 per object, so only the ownership
/// tags (`owner_tags`) and the informational one.
pub fn script_tags(owner_tags: &Tags) -> Tags {
    let mut t = owner_tags.clone();
    t.insert(
        super::tags::MANAGED_BY_KEY.into(),
        super::tags::MANAGED_BY_VALUE.into(),
    );
    t
}

/// The children a job expands into: the Glue job, the uploaded script when `script` is a
/// local file (an existing `script_location` object is never the job's), and the schedule
/// trigger. `d` carries the owner tags already (`Desired::with_owner_tags`).
pub fn children(d: &Desired, script_tags: &Tags) -> Vec<Child> {
    let name = &d.job.name;
    let mut out = vec![Child {
        key: ChildKey::top(Kind::GlueJob, name),
        spec: Spec::GlueJob {
            job: d.job.clone(),
            tags: d.tags.clone(),
        },
    }];
    if let Script::Upload {
        bucket,
        key,
        sha256,
    } = &d.script
    {
        out.push(Child {
            key: ChildKey::new(Kind::JobScript, name, &script_child_name(bucket, key)),
            spec: Spec::JobScript {
                sha256: sha256.clone(),
                tags: script_tags.clone(),
            },
        });
    }
    for f in &d.extra_files {
        out.push(Child {
            key: ChildKey::new(Kind::JobScript, name, &script_child_name(&f.bucket, &f.key)),
            spec: Spec::JobScript {
                sha256: f.sha256.clone(),
                tags: script_tags.clone(),
            },
        });
    }
    if let Some(t) = &d.trigger {
        out.push(Child {
            key: ChildKey::new(Kind::JobTrigger, name, &t.name),
            spec: Spec::JobTrigger { trigger: t.clone() },
        });
    }
    out
}

/// What a destroy deletes, from what state recorded: the job and the scripts this resource
/// uploaded (`bucket/key`). Only keys and kinds matter to a destroy; the trigger is judged
/// by the engine from what it finds.
pub fn recorded_children(name: &str, uploaded: &[String]) -> Vec<Child> {
    let mut out = vec![Child {
        key: ChildKey::top(Kind::GlueJob, name),
        spec: Spec::GlueJob {
            job: JobDefinition {
                name: name.into(),
                ..JobDefinition::default()
            },
            tags: Tags::new(),
        },
    }];
    for s in uploaded {
        let key = ChildKey::new(Kind::JobScript, name, s);
        if out.iter().all(|c| c.key != key) {
            out.push(Child {
                key,
                spec: Spec::JobScript {
                    sha256: String::new(),
                    tags: Tags::new(),
                },
            });
        }
    }
    out
}

/// SHA-256 of a script's bytes, as lowercase hex (the form `script_sha256` holds).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    to_hex(&sha2::Sha256::digest(bytes))
}

pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::managed::Arn;

    fn env() -> Environment {
        resolve_environment(&EnvironmentInput {
            context_role_arn: Some(
                "arn:aws:iam::239083076653:role/omc_flywheel-prod-glue-role".into(),
            ),
            context_assets_bucket: Some("aws-glue-assets-239083076653-us-east-1".into()),
            context_scripts_prefix: Some("scripts/".into()),
            context_temp_dir: Some("s3://aws-glue-assets-239083076653-us-east-1/temporary/".into()),
            context_spark_event_logs_path: Some(
                "s3://aws-glue-assets-239083076653-us-east-1/sparkHistoryLogs/".into(),
            ),
            context_tags: [("flywheel:pipeline".to_string(), "prod".to_string())].into(),
            ..Default::default()
        })
        .unwrap()
    }

    fn upload(name: &str) -> Script {
        Script::Upload {
            bucket: "aws-glue-assets-239083076653-us-east-1".into(),
            key: script_key("scripts/", name),
            sha256: sha256_hex(b"print('x')\n"),
        }
    }

    fn m(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn children_are_the_job_its_upload_and_its_trigger() {
        let settings = JobSettings {
            name: "etl".into(),
            schedule: Some("cron(0 3 * * ? *)".into()),
            ..Default::default()
        };
        let owner = m(&[("flywheel:owner", "o")]);
        let d = expand(&settings, &env(), upload("etl"), &Tags::new())
            .unwrap()
            .with_owner_tags(&owner);
        let script_tags = script_tags(&owner);
        assert_eq!(script_tags.len(), 2);
        let kids = children(&d, &script_tags);
        let addresses: Vec<String> = kids.iter().map(|c| c.key.address()).collect();
        assert_eq!(
            addresses,
            [
                "aws_glue_job.etl",
                "aws_s3_object.aws-glue-assets-239083076653-us-east-1/scripts/etl.py",
                "aws_glue_trigger.etl-schedule",
            ]
        );
        assert!(matches!(&kids[1].spec, Spec::JobScript { tags, .. } if *tags == script_tags));
        // An existing script object is never the job's child.
        let d = expand(
            &JobSettings {
                name: "etl".into(),
                ..Default::default()
            },
            &env(),
            Script::Existing {
                uri: "s3://elsewhere/x.py".into(),
            },
            &Tags::new(),
        )
        .unwrap();
        assert_eq!(children(&d, &Tags::new()).len(), 1);
        // A destroy: the job and each upload once.
        let r = recorded_children(
            "etl",
            &["b/k.py".into(), "b/k.py".into(), "b/old.py".into()],
        );
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].key.address(), "aws_glue_job.etl");
    }

    #[test]
    fn expansion_applies_every_default() {
        let name = "etl-omc-flywheel-prod-addressable-ids-compaction";
        let settings = JobSettings {
            name: name.into(),
            number_of_workers: Some(8),
            ..Default::default()
        };
        let d = expand(&settings, &env(), upload(name), &Tags::new()).unwrap();
        assert_eq!(d.job.worker_type.as_deref(), Some("G.1X"));
        assert_eq!(d.job.number_of_workers, Some(8));
        assert_eq!(d.job.timeout_minutes, 600);
        assert_eq!(d.job.max_retries, 2);
        assert_eq!(d.job.glue_version, "4.0");
        assert_eq!(d.job.python_version, "3");
        assert_eq!(d.job.description, None);
        assert_eq!(
            d.job.script_location,
            format!("s3://aws-glue-assets-239083076653-us-east-1/scripts/{name}.py")
        );
        assert_eq!(
            d.job.default_arguments,
            m(&[
                ("--enable-metrics", "true"),
                ("--enable-continuous-cloudwatch-log", "true"),
                ("--enable-spark-ui", "true"),
                (
                    "--spark-event-logs-path",
                    "s3://aws-glue-assets-239083076653-us-east-1/sparkHistoryLogs/"
                ),
                (
                    "--TempDir",
                    "s3://aws-glue-assets-239083076653-us-east-1/temporary/"
                ),
                ("--job-bookmark-option", "job-bookmark-enable"),
            ])
        );
        assert!(d.trigger.is_none());
        assert_eq!(
            d.tags.get("flywheel:pipeline").map(String::as_str),
            Some("prod")
        );
        assert_eq!(
            d.tags
                .get(super::super::tags::MANAGED_BY_KEY)
                .map(String::as_str),
            Some(super::super::tags::MANAGED_BY_VALUE)
        );
    }

    #[test]
    fn user_arguments_override_defaults() {
        let settings = JobSettings {
            name: "j".into(),
            arguments: m(&[
                ("--job-bookmark-option", "job-bookmark-disable"),
                ("--input_path", "s3://b-1/in/"),
            ]),
            ..Default::default()
        };
        let d = expand(&settings, &env(), upload("j"), &Tags::new()).unwrap();
        assert_eq!(
            d.job.default_arguments["--job-bookmark-option"],
            "job-bookmark-disable"
        );
        assert_eq!(d.job.default_arguments["--input_path"], "s3://b-1/in/");
        assert_eq!(d.job.default_arguments["--enable-metrics"], "true");
        assert_eq!(d.job.default_arguments.len(), 7);
    }

    #[test]
    fn schedule_becomes_a_trigger_with_the_job_tags() {
        let settings = JobSettings {
            name: "j".into(),
            schedule: Some("rate(6 hours)".into()),
            tags: m(&[("team", "data")]),
            ..Default::default()
        };
        let d = expand(&settings, &env(), upload("j"), &m(&[("env", "prod")])).unwrap();
        let t = d.trigger.unwrap();
        assert_eq!(t.name, "j-schedule");
        assert_eq!(
            t.start,
            TriggerStart::Schedule("cron(0 0/6 * * ? *)".into())
        );
        assert_eq!(t.action, TriggerAction::StartJob("j".into()));
        assert_eq!(t.tags, d.tags);
        assert_eq!(d.tags.get("team").map(String::as_str), Some("data"));
        assert_eq!(d.tags.get("env").map(String::as_str), Some("prod"));
        let bad = JobSettings {
            schedule: Some("cron(0 3 * * *)".into()),
            ..settings
        };
        assert!(expand(&bad, &env(), upload("j"), &Tags::new()).is_err());
    }

    #[test]
    fn standalone_environment_derives_paths_from_the_bucket() {
        let e = resolve_environment(&EnvironmentInput {
            role_arn: Some("arn:aws:iam::123456789012:role/r".into()),
            script_bucket: Some("my-assets".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(e.temp_dir, "s3://my-assets/temporary/");
        assert_eq!(e.spark_event_logs_path, "s3://my-assets/sparkHistoryLogs/");
        assert_eq!(e.scripts_prefix, "scripts/");
        // Standalone attributes win over the context.
        let e = resolve_environment(&EnvironmentInput {
            context_role_arn: Some("arn:aws:iam::123456789012:role/ctx".into()),
            role_arn: Some("arn:aws:iam::123456789012:role/own".into()),
            temp_dir: Some("s3://t/tmp/".into()),
            spark_event_logs_path: Some("s3://t/logs/".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(e.role_arn, "arn:aws:iam::123456789012:role/own");
        assert_eq!(e.script_bucket, None);
        let missing = resolve_environment(&EnvironmentInput::default()).unwrap_err();
        assert_eq!(missing.attribute, "role_arn");
        let missing = resolve_environment(&EnvironmentInput {
            role_arn: Some("arn:aws:iam::123456789012:role/own".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(missing.attribute, "temp_dir");
    }

    #[test]
    fn script_keys() {
        assert_eq!(script_key("scripts/", "etl-a"), "scripts/etl-a.py");
        assert_eq!(script_key("scripts", "etl-a"), "scripts/etl-a.py");
        assert_eq!(script_key("", "etl-a"), "etl-a.py");
        assert_eq!(script_key("/a/b/", "etl-a"), "a/b/etl-a.py");
    }

    #[test]
    fn defaults_never_read_back_as_user_arguments() {
        let e = env();
        let user = m(&[("--input_path", "s3://b-1/in/")]);
        let all = effective_arguments(
            &e,
            "4.0",
            &user,
            &AttributeArguments {
                auto_scaling: false,
                ..Default::default()
            },
        );
        assert_eq!(user_arguments(&all, Some(&user), true, false), user);
        // Import: no prior state; defaults with their default value are not the user's.
        assert_eq!(user_arguments(&all, None, true, false), user);
        // An override of a fixed default is recognised on import too.
        let over = m(&[("--job-bookmark-option", "job-bookmark-disable")]);
        let all = effective_arguments(
            &e,
            "4.0",
            &over,
            &AttributeArguments {
                auto_scaling: false,
                ..Default::default()
            },
        );
        assert_eq!(user_arguments(&all, None, true, false), over);
        // A user override equal to the default stays the user's when state says so.
        let same = m(&[("--enable-metrics", "true")]);
        let all = effective_arguments(
            &e,
            "4.0",
            &same,
            &AttributeArguments {
                auto_scaling: false,
                ..Default::default()
            },
        );
        assert_eq!(user_arguments(&all, Some(&same), true, false), same);
        assert_eq!(
            user_arguments(&all, Some(&BTreeMap::new()), true, false),
            BTreeMap::new()
        );
        // A path default overridden in state keeps being the user's.
        let tmp = m(&[("--TempDir", "s3://other/tmp/")]);
        let all = effective_arguments(
            &e,
            "4.0",
            &tmp,
            &AttributeArguments {
                auto_scaling: false,
                ..Default::default()
            },
        );
        assert_eq!(user_arguments(&all, Some(&tmp), true, false), tmp);
    }

    #[test]
    fn glue5_jobs_get_no_continuous_logging_argument() {
        let e = env();
        for v in ["5.0", "5.1"] {
            let all = effective_arguments(
                &e,
                v,
                &BTreeMap::new(),
                &AttributeArguments {
                    auto_scaling: false,
                    ..Default::default()
                },
            );
            assert!(!all.contains_key(ARG_CONTINUOUS_LOG), "{v}: {all:?}");
            assert_eq!(all.len(), 5, "{v}");
        }
        let all = effective_arguments(
            &e,
            "4.0",
            &BTreeMap::new(),
            &AttributeArguments {
                auto_scaling: false,
                ..Default::default()
            },
        );
        assert_eq!(all[ARG_CONTINUOUS_LOG], "true");
    }

    #[test]
    fn auto_scaling_is_an_argument_that_is_never_the_users() {
        let e = env();
        let all = effective_arguments(
            &e,
            "4.0",
            &BTreeMap::new(),
            &AttributeArguments {
                auto_scaling: true,
                ..Default::default()
            },
        );
        assert_eq!(all[ARG_AUTO_SCALING], "true");
        assert!(auto_scaling_of(&all));
        assert!(user_arguments(&all, None, true, false).is_empty());
        assert!(user_arguments(&all, Some(&BTreeMap::new()), true, false).is_empty());

        // `--extra-py-files` is the attribute's when `extra_py_files` is set, and an
        // argument otherwise (an import, or a job that lists objects of its own).
        let files = ["s3://b/scripts/j/u.py".to_string()];
        let all = effective_arguments(
            &e,
            "4.0",
            &BTreeMap::new(),
            &AttributeArguments {
                extra_py_files: &files,
                ..Default::default()
            },
        );
        assert_eq!(
            all.get(extra_files::ARG_EXTRA_PY_FILES).map(String::as_str),
            Some("s3://b/scripts/j/u.py")
        );
        assert!(user_arguments(&all, Some(&BTreeMap::new()), false, false).is_empty());
        assert_eq!(user_arguments(&all, None, true, false).len(), 1);
        assert!(!auto_scaling_of(&m(&[(ARG_AUTO_SCALING, "false")])));
        assert!(check_argument(ARG_AUTO_SCALING, "true")
            .unwrap_err()
            .contains("auto_scaling"));
        assert!(check_auto_scaling("3.0").is_ok());
        assert!(check_auto_scaling("2.0").unwrap_err().contains("3.0"));
    }

    #[test]
    fn observability_metrics_are_an_argument_that_is_never_the_users() {
        let e = env();
        let on = AttributeArguments {
            observability_metrics: true,
            ..Default::default()
        };
        let all = effective_arguments(&e, "4.0", &BTreeMap::new(), &on);
        assert_eq!(all[ARG_OBSERVABILITY], "true");
        assert!(observability_metrics_of(&all));
        assert!(user_arguments(&all, None, true, false).is_empty());
        let off = effective_arguments(&e, "4.0", &BTreeMap::new(), &Default::default());
        assert!(!observability_metrics_of(&off));
        assert!(check_argument(ARG_OBSERVABILITY, "true")
            .unwrap_err()
            .contains("observability_metrics"));
        assert!(check_observability_metrics("4.0").is_ok());
        assert!(check_observability_metrics("5.1").is_ok());
        assert!(check_observability_metrics("3.0")
            .unwrap_err()
            .contains("4.0"));
    }

    #[test]
    fn flex_needs_glue_3_and_small_workers() {
        assert!(check_execution_class("STANDARD", "G.8X", "2.0").is_ok());
        assert!(check_execution_class("FLEX", "G.1X", "3.0").is_ok());
        assert!(check_execution_class("FLEX", "G.2X", "5.1").is_ok());
        assert!(check_execution_class("FLEX", "G.1X", "2.0")
            .unwrap_err()
            .contains("Glue 3.0"));
        assert!(check_execution_class("FLEX", "G.4X", "4.0")
            .unwrap_err()
            .contains("G.1X or G.2X"));
        assert!(check_execution_class("flex", "G.1X", "4.0")
            .unwrap_err()
            .contains("STANDARD or FLEX"));
        assert!(glue_version_warning("2.0").unwrap().contains("2026-04-01"));
        let w3 = glue_version_warning("3.0").expect("3.0 warns");
        assert!(w3.contains("not yet published"), "{w3}");
        assert!(glue_version_warning("4.0").is_none());
        assert!(check_glue_version("5.1").is_ok());
    }

    #[test]
    fn new_settings_expand_and_compare() {
        let settings = JobSettings {
            name: "etl".into(),
            execution_class: Some("FLEX".into()),
            max_concurrent_runs: Some(3),
            job_run_queuing_enabled: Some(true),
            auto_scaling: Some(true),
            ..Default::default()
        };
        let d = expand(&settings, &env(), upload("etl"), &Tags::new()).unwrap();
        assert_eq!(d.job.execution_class, "FLEX");
        assert_eq!(d.job.max_concurrent_runs, 3);
        assert!(d.job.job_run_queuing_enabled);
        assert_eq!(d.job.default_arguments[ARG_AUTO_SCALING], "true");
        // Glue leaving the fields out reads as its defaults.
        let plain = expand(
            &JobSettings {
                name: "etl".into(),
                ..Default::default()
            },
            &env(),
            upload("etl"),
            &Tags::new(),
        )
        .unwrap();
        assert_eq!(plain.job.execution_class, "STANDARD");
        assert_eq!(plain.job.max_concurrent_runs, 1);
        let seen = ObservedJob::default();
        assert_eq!(seen.execution_class(), "STANDARD");
        assert_eq!(seen.max_concurrent_runs(), 1);
    }

    #[test]
    fn tag_attribution() {
        let all = m(&[
            ("team", "data"),
            ("env", "prod"),
            ("flywheel:managed-by", "terraform-provider-flywheel"),
            ("flywheel:pipeline", "p"),
        ]);
        assert_eq!(
            user_tags(&all, Some(&m(&[("team", "x")])), &Tags::new()),
            m(&[("team", "data")])
        );
        assert_eq!(
            user_tags(&all, None, &m(&[("env", "prod")])),
            m(&[("team", "data")])
        );
        assert_eq!(
            user_tags(&all, None, &m(&[("env", "dev")])),
            m(&[("env", "prod"), ("team", "data")])
        );
    }

    #[test]
    fn worker_type_and_version_table() {
        for (wt, gv, ok) in [
            ("G.1X", "2.0", true),
            ("G.1X", "4.0", true),
            ("G.2X", "5.0", true),
            ("G.4X", "3.0", true),
            ("G.4X", "2.0", false),
            ("G.8X", "2.0", false),
            ("G.12X", "3.0", false),
            ("G.12X", "4.0", true),
            ("R.1X", "3.0", false),
            ("R.8X", "5.0", true),
        ] {
            assert_eq!(check_compatibility(wt, gv).is_ok(), ok, "{wt} on {gv}");
        }
        for bad in ["G.025X", "Z.2X", "Standard", "g.1x", "G.3X", ""] {
            assert!(check_worker_type(bad).is_err(), "{bad}");
        }
        for good in ["2.0", "3.0", "4.0", "5.0"] {
            assert!(check_glue_version(good).is_ok());
        }
        for bad in ["0.9", "1.0", "4", "6.0", ""] {
            assert!(check_glue_version(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges_names_and_arguments() {
        assert!(check_range(1, TIMEOUT_RANGE).is_ok());
        assert!(check_range(2880, TIMEOUT_RANGE).is_ok());
        assert!(check_range(0, TIMEOUT_RANGE).is_err());
        assert!(check_range(2881, TIMEOUT_RANGE).is_err());
        assert!(check_range(0, MAX_RETRIES_RANGE).is_ok());
        assert!(check_range(11, MAX_RETRIES_RANGE).is_err());
        assert!(check_range(1, WORKERS_RANGE).is_err());
        assert!(check_range(2, WORKERS_RANGE).is_ok());
        assert!(check_range(300, WORKERS_RANGE).is_err());

        assert!(check_name("etl-omc-flywheel-prod-addressable-ids-compaction").is_ok());
        assert!(check_name(&"x".repeat(MAX_NAME_LEN)).is_ok());
        for bad in ["", " x", "a\nb", "a/b"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_name(&"x".repeat(MAX_NAME_LEN + 1)).is_err());

        assert!(check_argument("--input_path", "s3://b-1/x/").is_ok());
        assert!(check_argument("--job-bookmark-option", "job-bookmark-pause").is_ok());
        assert!(check_argument("--TempDir", "s3://my-bucket/tmp/").is_ok());
        for (k, v, needle) in [
            ("--JOB_NAME", "x", "reserved"),
            ("--conf", "spark.x=1", "spark_conf"),
            ("--JOB_RUN_ID", "x", "reserved"),
            ("input_path", "x", "start with"),
            ("--", "x", "start with"),
            ("--TempDir", "/tmp", "S3 URI"),
            (
                "--spark-event-logs-path",
                "s3://Bad_Bucket/x",
                "bucket name",
            ),
            ("--job-bookmark-option", "on", "must be one of"),
        ] {
            let err = check_argument(k, v).unwrap_err();
            assert!(err.contains(needle), "{k}={v}: {err}");
        }
    }

    #[test]
    fn managed_objects_list_the_expansion() {
        let s = upload("j");
        let objs = managed_objects(
            "j",
            Some(&s),
            true,
            "aws",
            "us-east-1",
            Some("123456789012"),
        );
        let kinds: Vec<_> = objs.iter().map(|o| o.kind.clone()).collect();
        assert_eq!(kinds, ["aws_s3_object", "aws_glue_job", "aws_glue_trigger"]);
        assert_eq!(
            objs[1].arn,
            Arn::Known("arn:aws:glue:us-east-1:123456789012:job/j".into())
        );
        assert_eq!(objs[2].name, "j-schedule");
        let existing = Script::Existing {
            uri: "s3://b-1/x.py".into(),
        };
        let objs = managed_objects("j", Some(&existing), false, "aws", "us-east-1", None);
        assert_eq!(objs.len(), 1, "an existing script is not managed");
        assert_eq!(objs[0].arn, Arn::NotYetKnown);
    }

    #[test]
    fn hashes() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(to_hex(&[0, 255, 16]), "00ff10");
    }

    #[test]
    fn observed_job_matching() {
        let d = expand(
            &JobSettings {
                name: "j".into(),
                ..Default::default()
            },
            &env(),
            upload("j"),
            &Tags::new(),
        )
        .unwrap()
        .job;
        let seen = ObservedJob {
            name: "j".into(),
            role_arn: Some(d.role_arn.clone()),
            command_name: Some("glueetl".into()),
            script_location: Some(d.script_location.clone()),
            python_version: Some("3".into()),
            worker_type: Some("G.1X".into()),
            number_of_workers: Some(10),
            // Glue reports a Spark job's workers as MaxCapacity too: not compared.
            max_capacity: Some(10.0),
            job_mode: Some("SCRIPT".into()),
            source_control: None,
            timeout_minutes: Some(600),
            max_retries: Some(2),
            glue_version: Some("4.0".into()),
            description: Some(String::new()),
            default_arguments: d.default_arguments.clone(),
            created_on: Some(1),
            notify_delay_after: None,
            execution_class: None,
            max_concurrent_runs: None,
            job_run_queuing_enabled: None,
            // Glue may report an empty name for none.
            security_configuration: Some(String::new()),
            connections: Vec::new(),
            non_overridable_arguments: BTreeMap::new(),
            unmanaged: BTreeMap::new(),
        };
        assert!(seen.matches(&d));
        for drifted in [
            ObservedJob {
                execution_class: Some("FLEX".into()),
                ..seen.clone()
            },
            ObservedJob {
                job_mode: Some("VISUAL".into()),
                ..seen.clone()
            },
            // A Git connection made elsewhere: the update removes it.
            ObservedJob {
                source_control: Some(source_control::SourceControl {
                    provider: Some("GITHUB".into()),
                    ..Default::default()
                }),
                ..seen.clone()
            },
            ObservedJob {
                max_concurrent_runs: Some(5),
                ..seen.clone()
            },
            ObservedJob {
                job_run_queuing_enabled: Some(true),
                ..seen.clone()
            },
            ObservedJob {
                security_configuration: Some("sec".into()),
                ..seen.clone()
            },
            ObservedJob {
                connections: vec!["vpc".into()],
                ..seen.clone()
            },
            ObservedJob {
                non_overridable_arguments: [("--env".to_string(), "prod".to_string())].into(),
                ..seen.clone()
            },
            // Set outside Terraform: an update is due, which drops it (the plan shows it).
            ObservedJob {
                unmanaged: [(unmanaged::LOG_URI.to_string(), "s3://logs/".to_string())].into(),
                ..seen.clone()
            },
        ] {
            assert!(!drifted.matches(&d), "{drifted:?}");
        }
        let mut notified = d.clone();
        notified.notify_delay_after = Some(240);
        assert!(!seen.matches(&notified), "NotifyDelayAfter is compared");
        let mut drifted = seen.clone();
        drifted.number_of_workers = Some(3);
        assert!(!drifted.matches(&d));
        let mut drifted = seen.clone();
        drifted.default_arguments.remove("--enable-metrics");
        assert!(!drifted.matches(&d));
        let mut drifted = seen;
        drifted.worker_type = None;
        assert!(!drifted.matches(&d));
    }

    #[test]
    fn python_shell_jobs_expand_without_spark() {
        let settings = JobSettings {
            name: "shell".into(),
            command: Some(COMMAND_PYTHON_SHELL.into()),
            // Spark settings are refused at validate; expand ignores them all the same.
            worker_type: Some("G.8X".into()),
            auto_scaling: Some(true),
            observability_metrics: Some(true),
            spark_conf: m(&[("spark.x", "1")]),
            arguments: m(&[("--input", "s3://in/")]),
            extra_py_files: vec![ExtraFile {
                bucket: "b".into(),
                key: "scripts/shell/u.py".into(),
                sha256: String::new(),
            }],
            ..Default::default()
        };
        let d = expand(&settings, &env(), upload("shell"), &Tags::new())
            .unwrap()
            .job;
        assert_eq!(d.command, "pythonshell");
        assert_eq!(d.python_version, "3.9");
        assert_eq!(d.glue_version, "3.0");
        assert_eq!(d.max_capacity, Some(0.0625));
        assert_eq!(
            (d.worker_type.as_deref(), d.number_of_workers),
            (None, None)
        );
        assert_eq!(
            d.default_arguments,
            m(&[
                (
                    "--TempDir",
                    "s3://aws-glue-assets-239083076653-us-east-1/temporary/"
                ),
                ("--extra-py-files", "s3://b/scripts/shell/u.py"),
                ("--input", "s3://in/"),
            ])
        );
        // 3.6 runs on Glue 1.0; 1 DPU is sent as it is.
        let old = JobSettings {
            python_version: Some("3.6".into()),
            max_capacity: Some(1.0),
            ..settings.clone()
        };
        let o = expand(&old, &env(), upload("shell"), &Tags::new())
            .unwrap()
            .job;
        assert_eq!(
            (o.glue_version.as_str(), o.max_capacity),
            ("1.0", Some(1.0))
        );

        // GetJob's answer matches only with the same command and capacity.
        let seen = ObservedJob {
            name: "shell".into(),
            role_arn: Some(d.role_arn.clone()),
            command_name: Some("pythonshell".into()),
            script_location: Some(d.script_location.clone()),
            python_version: Some("3.9".into()),
            max_capacity: Some(0.0625),
            timeout_minutes: Some(600),
            max_retries: Some(2),
            glue_version: Some("3.0".into()),
            default_arguments: d.default_arguments.clone(),
            ..Default::default()
        };
        assert!(seen.matches(&d));
        for drifted in [
            ObservedJob {
                max_capacity: Some(1.0),
                ..seen.clone()
            },
            ObservedJob {
                command_name: Some("glueetl".into()),
                ..seen.clone()
            },
            ObservedJob {
                python_version: Some("3.6".into()),
                ..seen.clone()
            },
        ] {
            assert!(!drifted.matches(&d), "{drifted:?}");
        }

        // Every argument but --TempDir is the user's on a Python shell job, Spark's
        // default keys included.
        let held = m(&[
            (
                "--TempDir",
                "s3://aws-glue-assets-239083076653-us-east-1/temporary/",
            ),
            ("--enable-metrics", "true"),
            ("--input", "s3://in/"),
        ]);
        assert_eq!(
            user_arguments(&held, None, true, true),
            m(&[("--enable-metrics", "true"), ("--input", "s3://in/")])
        );
        // (A Spark job without bookmarks reads them back off; see `user_arguments`.)
        assert_eq!(
            user_arguments(&held, None, true, false),
            m(&[
                ("--input", "s3://in/"),
                ("--job-bookmark-option", "job-bookmark-disable")
            ])
        );
        // Import: the bucket of a default --TempDir, no Spark UI path needed.
        let imported = imported_environment(
            "shell",
            Some("s3://elsewhere/x.py"),
            &m(&[("--TempDir", "s3://assets/temporary/")]),
            true,
        );
        assert_eq!(imported.script_bucket.as_deref(), Some("assets"));
        assert_eq!(imported.temp_dir, None);
    }

    #[test]
    fn commands_and_python_shell_rules() {
        assert!(check_command("glueetl").is_ok());
        assert!(check_command("pythonshell").is_ok());
        for (bad, needle) in [
            ("gluestreaming", "streaming"),
            ("glueray", "Ray"),
            ("GLUEETL", "not a Glue job command"),
        ] {
            let e = check_command(bad).unwrap_err();
            assert!(e.contains(needle), "{bad}: {e}");
        }
        assert!(check_python_shell_version("3.9").is_ok());
        assert!(check_python_shell_version("3").unwrap_err().contains("3.9"));
        assert!(check_python_shell_glue_version("3.9", "3.0").is_ok());
        assert!(check_python_shell_glue_version("3.9", "4.0")
            .unwrap_err()
            .contains("glue_version = \"3.0\""));
        assert!(check_python_shell_glue_version("3.6", "1.0").is_ok());
        assert!(python_shell_version_warning("3.6").is_some());
        assert!(python_shell_version_warning("3.9").is_none());
        assert!(check_python_shell_capacity(0.0625).is_ok());
        assert!(check_python_shell_capacity(1.0).is_ok());
        assert!(check_python_shell_capacity(0.5).is_err());
        assert!(check_python_shell_capacity(2.0).is_err());
        // A Python shell job needs no Spark UI path to resolve its environment.
        let e = resolve_environment(&EnvironmentInput {
            role_arn: Some("arn:aws:iam::123456789012:role/r".into()),
            temp_dir: Some("s3://t/tmp/".into()),
            python_shell: true,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(e.spark_event_logs_path, "");
        assert!(resolve_environment(&EnvironmentInput {
            role_arn: Some("arn:aws:iam::123456789012:role/r".into()),
            temp_dir: Some("s3://t/tmp/".into()),
            ..Default::default()
        })
        .is_err());
    }
}
