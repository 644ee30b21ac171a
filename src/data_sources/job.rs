//! `flywheel_job` (data source): a Glue job's definition, read back as the `flywheel_job`
//! resource reads it (`aws::glue::jobs::observed`, and `model::job` for which arguments and
//! tags are the user's), and its last run (`aws::glue::job_runs`). Any Glue job can be
//! read, whoever made it; nothing is changed.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, DataSource, Diagnostics};

use crate::aws::{self, SharedContext};
use crate::model::job::{self as model, ObservedJob};
use crate::model::managed;
use crate::model::runs::JobRun;
use crate::model::tags::Tags;
use crate::schema::*;
use crate::values::{opt_value, to_map, Number, StringMap};

/// `last_run`: null when the job has never run.
#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct LastRun {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub state: Value<String>,
    #[serde(default)]
    pub started_on: Value<String>,
    #[serde(default)]
    pub duration_seconds: Value<Number>,
    #[serde(default)]
    pub dpu_seconds: Value<Number>,
    #[serde(default)]
    pub error_message: Value<String>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub arn: Value<String>,
    #[serde(default)]
    pub role_arn: Value<String>,
    #[serde(default)]
    pub script_location: Value<String>,
    #[serde(default)]
    pub glue_version: Value<String>,
    #[serde(default)]
    pub command: Value<String>,
    #[serde(default)]
    pub job_mode: Value<String>,
    #[serde(default)]
    pub python_version: Value<String>,
    #[serde(default)]
    pub max_capacity: Value<Number>,
    #[serde(default)]
    pub worker_type: Value<String>,
    #[serde(default)]
    pub number_of_workers: Value<Number>,
    #[serde(default)]
    pub timeout_minutes: Value<Number>,
    #[serde(default)]
    pub max_retries: Value<Number>,
    #[serde(default)]
    pub long_running_minutes: Value<Number>,
    #[serde(default)]
    pub execution_class: Value<String>,
    #[serde(default)]
    pub max_concurrent_runs: Value<Number>,
    #[serde(default)]
    pub job_run_queuing_enabled: Value<bool>,
    #[serde(default)]
    pub security_configuration: Value<String>,
    #[serde(default)]
    pub connections: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub description: Value<String>,
    #[serde(default)]
    pub auto_scaling: Value<bool>,
    #[serde(default)]
    pub observability_metrics: Value<bool>,
    #[serde(default)]
    pub spark_conf: Value<StringMap>,
    #[serde(default)]
    pub arguments: Value<StringMap>,
    #[serde(default)]
    pub arguments_all: Value<StringMap>,
    #[serde(default)]
    pub non_overridable_arguments: Value<StringMap>,
    #[serde(default)]
    pub unmanaged_settings: Value<StringMap>,
    #[serde(default)]
    pub tags: Value<StringMap>,
    #[serde(default)]
    pub tags_all: Value<StringMap>,
    #[serde(default)]
    pub last_run: Value<LastRun>,
}

/// Glue's longest job name.
const GLUE_NAME_MAX: usize = 255;

pub struct JobDataSource {
    ctx: SharedContext,
}

impl JobDataSource {
    pub fn new(ctx: SharedContext) -> Self {
        JobDataSource { ctx }
    }
}

fn last_run_type() -> AttributeType {
    object([
        ("id", attr(string(), Computed, "The run ID (`jr_...`).")),
        ("state", attr(string(), Computed, "`STARTING`, `RUNNING`, `STOPPING`, `STOPPED`, `SUCCEEDED`, `FAILED`, `TIMEOUT`, `ERROR`, `WAITING` or `EXPIRED`.")),
        ("started_on", attr(string(), Computed, "When the run started, RFC 3339 in UTC.")),
        ("duration_seconds", attr(number(), Computed, "Glue's `ExecutionTime`: the seconds the run consumed resources (0 while it starts).")),
        ("dpu_seconds", attr(number(), Computed, "What the run is billed for: Glue's `DPUSeconds` when it reports it (FLEX and auto-scaling runs), otherwise the run's workers × the worker type's DPUs (or its `MaxCapacity`) × `duration_seconds`; null when neither is known. Divide by 3600 for DPU-hours.")),
        ("error_message", attr(string(), Computed, "Why the run failed; null when Glue gives no message.")),
    ])
}

const LAST_RUN: &str = "The job's most recent run (Glue GetJobRuns); null when it has never run.";

fn schema_block() -> tf_provider::schema::Block {
    block(
        "A Glue job's definition and its last run, looked up by name. The definition reads back as the `flywheel_job` resource reads it, so the same names and the same split between `arguments` (yours) and the built-in defaults apply; any Glue job can be read, whoever made it. Reading it changes nothing. A job that does not exist fails the read, naming the job and the region.",
        [
            ("name", attr(string(), Required, "Name of the Glue job.")),
            ("id", attr(string(), Computed, "The job name.")),
            ("arn", attr(string(), Computed, "ARN of the Glue job (null when the provider does not know the account: `skip_requesting_account_id`).")),
            ("role_arn", attr(string(), Computed, "IAM role Glue runs the job as.")),
            ("script_location", attr(string(), Computed, "`s3://` location of the job's script.")),
            ("glue_version", attr(string(), Computed, "Glue version, such as `4.0`.")),
            ("command", attr(string(), Computed, "Glue's command: `glueetl` (Spark ETL), `pythonshell`, `gluestreaming` or `glueray`.")),
            ("job_mode", attr(string(), Computed, "`SCRIPT`, `VISUAL` or `NOTEBOOK` (Glue's `JobMode`; SCRIPT when Glue reports none).")),
            ("python_version", attr(string(), Computed, "A Python shell job's Python version, such as `3.9`; null for other jobs.")),
            ("max_capacity", attr(number(), Computed, "A Python shell job's DPUs (`MaxCapacity`, 0.0625 or 1); null for other jobs.")),
            ("worker_type", attr(string(), Computed, "Worker type, such as `G.1X`; null for a job sized by `MaxCapacity`.")),
            ("number_of_workers", attr(number(), Computed, "Number of workers (with `auto_scaling`, the maximum).")),
            ("timeout_minutes", attr(number(), Computed, "Run timeout in minutes.")),
            ("max_retries", attr(number(), Computed, "Retries of a failed run.")),
            ("long_running_minutes", attr(number(), Computed, "Glue's `NotifyDelayAfter`: minutes after which a run still going sends the long-running event; null when not set.")),
            ("execution_class", attr(string(), Computed, "`STANDARD` or `FLEX`.")),
            ("max_concurrent_runs", attr(number(), Computed, "How many runs may run at once (`MaxConcurrentRuns`; 1 when Glue reports none).")),
            ("job_run_queuing_enabled", attr(bool(), Computed, "Whether a run beyond the limits is queued rather than failed.")),
            ("security_configuration", attr(string(), Computed, "Glue security configuration the job runs with; null for none.")),
            ("connections", attr(string_list(), Computed, "Glue connections the job uses, in order; empty for none.")),
            ("description", attr(string(), Computed, "Description of the job; null for none.")),
            ("auto_scaling", attr(bool(), Computed, "Whether `--enable-auto-scaling` is on.")),
            ("observability_metrics", attr(bool(), Computed, "Whether `--enable-observability-metrics` is on.")),
            ("spark_conf", attr(string_map(), Computed, "Spark properties from the job's `--conf` argument.")),
            ("arguments", attr(string_map(), Computed, "The job's arguments other than the built-in defaults and the ones other attributes carry (`--conf`, `--enable-auto-scaling`, `--enable-observability-metrics`), as `flywheel_job` reads them back on import: a default key appears only when its value differs from the default.")),
            ("arguments_all", attr(string_map(), Computed, "Every default argument the job holds (Glue's `DefaultArguments`).")),
            ("non_overridable_arguments", attr(string_map(), Computed, "Arguments a run cannot override (`NonOverridableArguments`).")),
            ("unmanaged_settings", attr(string_map(), Computed, "Settings the job holds that `flywheel_job` does not manage (`LogUri`, `CodeGenConfigurationNodes`, `MaintenanceWindow`, `ProfileName`), each summarised. A `flywheel_job` that adopts this job removes them at its first apply.")),
            ("tags", attr(string_map(), Computed, "The job's tags other than the provider's `default_tags` and the `flywheel:` ones.")),
            ("tags_all", attr(string_map(), Computed, "Every tag on the job.")),
            ("last_run", attr(last_run_type(), Computed, LAST_RUN)),
        ],
        [],
    )
}

/// The data source's state from what Glue reports.
pub(crate) fn state_of(
    job: &ObservedJob,
    arn: Option<String>,
    tags: &Tags,
    default_tags: &Tags,
    run: Option<&JobRun>,
) -> State {
    let num = |n: Option<i64>| opt_value(n.map(Number::from));
    let text = |s: &Option<String>| opt_value(s.clone().filter(|s| !s.is_empty()));
    let args = &job.default_arguments;
    let shell = model::is_python_shell(job.command_name.as_deref());
    State {
        command: text(&job.command_name),
        job_mode: Value::Value(job.job_mode().to_string()),
        python_version: if shell {
            text(&job.python_version)
        } else {
            Value::Null
        },
        max_capacity: opt_value(job.max_capacity.filter(|_| shell).map(Number)),
        id: Value::Value(job.name.clone()),
        name: Value::Value(job.name.clone()),
        arn: opt_value(arn),
        role_arn: text(&job.role_arn),
        script_location: text(&job.script_location),
        glue_version: text(&job.glue_version),
        worker_type: text(&job.worker_type),
        number_of_workers: num(job.number_of_workers),
        timeout_minutes: num(job.timeout_minutes),
        max_retries: num(job.max_retries),
        long_running_minutes: num(job.notify_delay_after),
        execution_class: Value::Value(job.execution_class().to_string()),
        max_concurrent_runs: num(Some(job.max_concurrent_runs())),
        job_run_queuing_enabled: Value::Value(job.job_run_queuing_enabled.unwrap_or(false)),
        security_configuration: text(&job.security_configuration),
        connections: Value::Value(job.connections.iter().cloned().map(Value::Value).collect()),
        description: text(&job.description),
        auto_scaling: Value::Value(model::auto_scaling_of(args)),
        observability_metrics: Value::Value(model::observability_metrics_of(args)),
        spark_conf: to_map(&model::spark_conf_of(args)),
        // As an import reads them: no prior state says which are the user's.
        arguments: to_map(&model::user_arguments(args, None, true, shell)),
        arguments_all: to_map(args),
        non_overridable_arguments: to_map(&job.non_overridable_arguments),
        unmanaged_settings: to_map(&job.unmanaged),
        tags: to_map(&model::user_tags(tags, None, default_tags)),
        tags_all: to_map(tags),
        last_run: opt_value(run.map(last_run)),
    }
}

fn last_run(r: &JobRun) -> LastRun {
    LastRun {
        id: Value::Value(r.id.clone()),
        state: Value::Value(r.state.clone()),
        started_on: opt_value(r.started_on.clone()),
        duration_seconds: opt_value(r.execution_seconds.map(Number::from)),
        dpu_seconds: opt_value(r.dpu_seconds.map(Number)),
        error_message: opt_value(r.error_message.clone()),
    }
}

#[async_trait]
impl DataSource for JobDataSource {
    type State<'a> = State;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 0,
            block: schema_block(),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: State) -> Option<()> {
        if let Value::Value(name) = &config.name {
            // Any job's name, not only one `flywheel_job` could make (which keeps room for
            // its trigger's suffix): Glue's limit.
            if let Err(e) = crate::validate::glue_name(name, GLUE_NAME_MAX) {
                diags.error("Invalid job name", e, AttributePath::new("name"));
            }
        }
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: State,
        _meta: ValueEmpty,
    ) -> Option<State> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let Value::Value(name) = &config.name else {
            diags.error(
                "Job name not known",
                "`name` must be known to read the job.",
                AttributePath::new("name"),
            );
            return None;
        };
        let job = match aws::glue::jobs::get(&ctx, name).await {
            Ok(Some(job)) => job,
            Ok(None) => {
                diags.error(
                    "Glue job not found",
                    format!(
                        "There is no Glue job named {name:?} in region {}{}.",
                        ctx.region,
                        account_note(&ctx)
                    ),
                    AttributePath::new("name"),
                );
                return None;
            }
            Err(e) => {
                diags.add_error(e.to_diagnostic_at(AttributePath::new("name")));
                return None;
            }
        };
        let tag_arn = aws::glue::tags::arn(&ctx, "job", name);
        let (tags, run) = futures::join!(
            aws::glue::tags::get(&ctx, &tag_arn),
            aws::glue::job_runs::last(&ctx, name)
        );
        let tags: BTreeMap<String, String> = match tags {
            Ok(t) => t,
            Err(e) => {
                diags.add_error(e.to_diagnostic_at(AttributePath::new("tags")));
                return None;
            }
        };
        let run = match run {
            Ok(r) => r,
            Err(e) => {
                diags.add_error(e.to_diagnostic_at(AttributePath::new("last_run")));
                return None;
            }
        };
        let account = ctx.identity.as_ref().map(|i| i.account_id.as_str());
        let arn = managed::glue_arn(ctx.partition, &ctx.region, account, "job", name);
        Some(state_of(&job, arn, &tags, &ctx.default_tags, run.as_ref()))
    }
}

/// `, account 123456789012` when the provider knows it.
pub(crate) fn account_note(ctx: &aws::AwsContext) -> String {
    ctx.identity
        .as_ref()
        .map(|i| format!(" (account {})", i.account_id))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(m: &Value<StringMap>) -> BTreeMap<String, String> {
        crate::values::known_map(m).unwrap().unwrap_or_default()
    }

    #[test]
    fn a_job_reads_as_the_resource_reads_it() {
        let args: BTreeMap<String, String> = [
            ("--enable-metrics", "true"),
            ("--job-bookmark-option", "job-bookmark-disable"),
            ("--conf", "spark.sql.shuffle.partitions=200"),
            ("--enable-auto-scaling", "true"),
            ("--input", "s3://in/"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let job = ObservedJob {
            name: "etl".into(),
            role_arn: Some("arn:aws:iam::239083076653:role/glue".into()),
            worker_type: Some("G.1X".into()),
            number_of_workers: Some(8),
            timeout_minutes: Some(600),
            max_retries: Some(2),
            glue_version: Some("4.0".into()),
            description: Some(String::new()),
            default_arguments: args,
            ..Default::default()
        };
        let tags: Tags = [
            ("team", "data"),
            ("CostCenter", "dp"),
            ("flywheel:owner", "abc"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let defaults: Tags = [("CostCenter".to_string(), "dp".to_string())].into();
        let s = state_of(&job, Some("arn:x".into()), &tags, &defaults, None);
        assert_eq!(s.arn, Value::Value("arn:x".to_string()));
        // A Spark job has no Python shell settings; a Python shell job reads them back.
        assert_eq!(s.max_capacity, Value::Null);
        let shell = ObservedJob {
            command_name: Some("pythonshell".into()),
            python_version: Some("3.9".into()),
            max_capacity: Some(1.0),
            default_arguments: [("--enable-metrics".to_string(), "true".to_string())].into(),
            ..job.clone()
        };
        let t = state_of(&shell, None, &tags, &defaults, None);
        assert_eq!(t.command, Value::Value("pythonshell".to_string()));
        assert_eq!(t.python_version, Value::Value("3.9".to_string()));
        assert_eq!(t.max_capacity, Value::Value(Number(1.0)));
        assert_eq!(
            strings(&t.arguments).len(),
            1,
            "not a default on Python shell"
        );
        // The user's arguments: a default key only when its value differs; `--conf` and
        // auto-scaling are attributes of their own.
        let user = strings(&s.arguments);
        assert_eq!(
            user.keys().collect::<Vec<_>>(),
            ["--input", "--job-bookmark-option"]
        );
        assert_eq!(strings(&s.arguments_all).len(), 5);
        assert_eq!(s.auto_scaling, Value::Value(true));
        assert_eq!(s.observability_metrics, Value::Value(false));
        assert_eq!(
            strings(&s.spark_conf).get("spark.sql.shuffle.partitions"),
            Some(&"200".to_string())
        );
        assert_eq!(strings(&s.tags).keys().collect::<Vec<_>>(), ["team"]);
        assert_eq!(strings(&s.tags_all).len(), 3);
        assert_eq!(s.description, Value::Null, "an empty description is none");
        assert_eq!(s.execution_class, Value::Value("STANDARD".to_string()));
        assert_eq!(s.max_concurrent_runs, Value::Value(Number::from(1)));
        assert_eq!(s.last_run, Value::Null, "no run: null");
        assert_eq!(s.long_running_minutes, Value::Null);
    }

    #[test]
    fn the_last_run() {
        let run = JobRun {
            id: "jr_1".into(),
            state: "FAILED".into(),
            started_on: Some("2026-12-02T11:30:00Z".into()),
            execution_seconds: Some(300),
            dpu_seconds: Some(2400.0),
            error_message: Some("boom".into()),
        };
        let s = state_of(
            &ObservedJob::default(),
            None,
            &Tags::new(),
            &Tags::new(),
            Some(&run),
        );
        let Value::Value(r) = s.last_run else {
            panic!("last_run is null")
        };
        assert_eq!(r.state, Value::Value("FAILED".to_string()));
        assert_eq!(r.duration_seconds, Value::Value(Number::from(300)));
        assert_eq!(r.dpu_seconds, Value::Value(Number(2400.0)));
        assert_eq!(r.error_message, Value::Value("boom".to_string()));
        assert_eq!(s.arn, Value::Null);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["started_on"], "2026-12-02T11:30:00Z");
    }
}
