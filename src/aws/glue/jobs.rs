//! Glue jobs: GetJob, CreateJob, UpdateJob (always the whole definition, because UpdateJob
//! resets whatever it is not sent) and DeleteJob. CreateJob and UpdateJob go through the
//! retry path, which waits out IAM propagation of a freshly created role.

use aws_sdk_glue::types::{
    ConnectionsList, ExecutionClass, ExecutionProperty, Job, JobCommand, JobMode, JobUpdate,
    NotificationProperty, SourceControlAuthStrategy, SourceControlDetails, SourceControlProvider,
    WorkerType,
};

use std::collections::{BTreeMap, HashMap};

use crate::aws::coalesce::Answer;
use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError};
use crate::model::job::source_control::SourceControl;
use crate::model::job::{unmanaged, JobDefinition, ObservedJob};
use crate::model::tags::Tags;

/// The job, or `None` when it does not exist.
pub async fn get(ctx: &AwsContext, name: &str) -> Result<Option<ObservedJob>, AwsError> {
    // Usually answered by a batch shared with concurrent reads (`glue::batch`).
    match ctx.glue_reads.job(ctx, name).await {
        Answer::Found(job) => return Ok(Some(observed(&job, name))),
        Answer::Missing => return Ok(None),
        Answer::Failed(e) => return Err(e),
        Answer::Unbatched => {}
    }
    let out = match call(&ctx.retry, Op::new("glue", "GetJob", name), || {
        ctx.glue.get_job().job_name(name).send()
    })
    .await
    {
        Ok(out) => out,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(out.job.as_ref().map(|job| observed(job, name)))
}

/// GetJob's answer in model form; every field may be missing, as the SDK allows.
pub(crate) fn observed(job: &Job, name: &str) -> ObservedJob {
    let command = job.command();
    ObservedJob {
        name: job.name().unwrap_or(name).to_string(),
        role_arn: job.role().map(str::to_string),
        command_name: command.and_then(|c| c.name()).map(str::to_string),
        script_location: command
            .and_then(|c| c.script_location())
            .map(str::to_string),
        python_version: command.and_then(|c| c.python_version()).map(str::to_string),
        worker_type: job.worker_type().map(|w| w.as_str().to_string()),
        number_of_workers: job.number_of_workers().map(i64::from),
        max_capacity: job.max_capacity(),
        job_mode: job.job_mode().map(|m| m.as_str().to_string()),
        // An empty structure is none, so it never plans an update.
        source_control: job
            .source_control_details()
            .map(source_control_of)
            .filter(|s| *s != SourceControl::default()),
        timeout_minutes: job.timeout().map(i64::from),
        max_retries: Some(i64::from(job.max_retries())),
        glue_version: job.glue_version().map(str::to_string),
        description: job.description().map(str::to_string),
        default_arguments: job
            .default_arguments()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        created_on: job.created_on().map(|t| t.secs()),
        notify_delay_after: job
            .notification_property()
            .and_then(|n| n.notify_delay_after())
            .map(i64::from),
        execution_class: job.execution_class().map(|c| c.as_str().to_string()),
        max_concurrent_runs: job
            .execution_property()
            .map(|p| i64::from(p.max_concurrent_runs()))
            .filter(|n| *n > 0),
        job_run_queuing_enabled: job.job_run_queuing_enabled(),
        security_configuration: job.security_configuration().map(str::to_string),
        connections: job
            .connections()
            .map(|c| c.connections().to_vec())
            .unwrap_or_default(),
        non_overridable_arguments: job
            .non_overridable_arguments()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        unmanaged: unmanaged_of(job),
    }
}

/// What the job holds that the provider does not send, summarised (`model::job::unmanaged`).
fn unmanaged_of(job: &Job) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut put = |field: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            out.insert(field.to_string(), v);
        }
    };
    put(unmanaged::LOG_URI, job.log_uri().map(str::to_string));
    put(
        unmanaged::CODE_GEN_NODES,
        job.code_gen_configuration_nodes()
            .filter(|n| !n.is_empty())
            .map(|n| format!("{} nodes", n.len())),
    );
    put(
        unmanaged::MAINTENANCE_WINDOW,
        job.maintenance_window().map(str::to_string),
    );
    put(
        unmanaged::PROFILE_NAME,
        job.profile_name().map(str::to_string),
    );
    out
}

/// Glue's SourceControlDetails in model form; empty strings read as none.
fn source_control_of(d: &SourceControlDetails) -> SourceControl {
    let text = |v: Option<&str>| v.filter(|v| !v.is_empty()).map(str::to_string);
    SourceControl {
        provider: text(d.provider().map(|p| p.as_str())),
        repository: text(d.repository()),
        owner: text(d.owner()),
        branch: text(d.branch()),
        folder: text(d.folder()),
        last_commit_id: text(d.last_commit_id()),
        auth_strategy: text(d.auth_strategy().map(|a| a.as_str())),
        auth_token: text(d.auth_token()),
    }
}

fn source_control_details(def: &JobDefinition) -> Option<SourceControlDetails> {
    def.source_control.as_ref().map(|s| {
        SourceControlDetails::builder()
            .set_provider(s.provider.as_deref().map(SourceControlProvider::from))
            .set_repository(s.repository.clone())
            .set_owner(s.owner.clone())
            .set_branch(s.branch.clone())
            .set_folder(s.folder.clone())
            .set_last_commit_id(s.last_commit_id.clone())
            .set_auth_strategy(
                s.auth_strategy
                    .as_deref()
                    .map(SourceControlAuthStrategy::from),
            )
            .set_auth_token(s.auth_token.clone())
            .build()
    })
}

/// None for none: Glue holds no empty map.
fn non_overridable(def: &JobDefinition) -> Option<HashMap<String, String>> {
    (!def.non_overridable_arguments.is_empty())
        .then(|| def.non_overridable_arguments.clone().into_iter().collect())
}

/// None for no connections: Glue holds no empty list.
fn connections(def: &JobDefinition) -> Option<ConnectionsList> {
    (!def.connections.is_empty()).then(|| {
        ConnectionsList::builder()
            .set_connections(Some(def.connections.clone()))
            .build()
    })
}

fn execution_property(def: &JobDefinition) -> ExecutionProperty {
    ExecutionProperty::builder()
        .max_concurrent_runs(int(def.max_concurrent_runs))
        .build()
}

fn command(def: &JobDefinition) -> JobCommand {
    JobCommand::builder()
        .name(&def.command)
        .script_location(&def.script_location)
        .python_version(&def.python_version)
        .build()
}

fn notification(def: &JobDefinition) -> Option<NotificationProperty> {
    def.notify_delay_after.map(|m| {
        NotificationProperty::builder()
            .notify_delay_after(int(m))
            .build()
    })
}

fn worker_type(def: &JobDefinition) -> Option<WorkerType> {
    def.worker_type.as_deref().map(WorkerType::from)
}

/// Glue counts in i32; validation keeps the values far inside that range.
fn int(v: i64) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// Creates the job with its tags. Retries IAM propagation ("unable to assume role").
pub async fn create(ctx: &AwsContext, def: &JobDefinition, tags: &Tags) -> Result<(), AwsError> {
    // A Spark job sends its worker type and count, never MaxCapacity: sending both is
    // rejected by Glue, and reading MaxCapacity back is what makes other providers' plans
    // flap. A Python shell job sends only MaxCapacity.
    let req = ctx
        .glue
        .create_job()
        .name(&def.name)
        .role(&def.role_arn)
        .command(command(def))
        .set_worker_type(worker_type(def))
        .set_number_of_workers(def.number_of_workers.map(int))
        .set_max_capacity(def.max_capacity)
        .job_mode(JobMode::from(def.job_mode.as_str()))
        .set_source_control_details(source_control_details(def))
        .timeout(int(def.timeout_minutes))
        .max_retries(int(def.max_retries))
        .glue_version(&def.glue_version)
        .set_description(def.description.clone())
        .set_default_arguments(Some(def.default_arguments.clone().into_iter().collect()))
        .set_non_overridable_arguments(non_overridable(def))
        .set_notification_property(notification(def))
        .execution_class(ExecutionClass::from(def.execution_class.as_str()))
        .execution_property(execution_property(def))
        .job_run_queuing_enabled(def.job_run_queuing_enabled)
        .set_security_configuration(def.security_configuration.clone())
        .set_connections(connections(def))
        .set_tags(Some(tags.clone().into_iter().collect()));
    call(&ctx.retry, Op::new("glue", "CreateJob", &def.name), || {
        req.clone().send()
    })
    .await
    .map(|_| ())
}

/// Replaces the job's whole definition (tags are not part of it).
pub async fn update(ctx: &AwsContext, def: &JobDefinition) -> Result<(), AwsError> {
    let update = JobUpdate::builder()
        .role(&def.role_arn)
        .command(command(def))
        .set_worker_type(worker_type(def))
        .set_number_of_workers(def.number_of_workers.map(int))
        .set_max_capacity(def.max_capacity)
        .job_mode(JobMode::from(def.job_mode.as_str()))
        .set_source_control_details(source_control_details(def))
        .timeout(int(def.timeout_minutes))
        .max_retries(int(def.max_retries))
        .glue_version(&def.glue_version)
        .set_description(def.description.clone())
        .set_default_arguments(Some(def.default_arguments.clone().into_iter().collect()))
        .set_non_overridable_arguments(non_overridable(def))
        .set_notification_property(notification(def))
        // Sent always, STANDARD, 1 and false included: UpdateJob resets what it is not sent.
        .execution_class(ExecutionClass::from(def.execution_class.as_str()))
        .execution_property(execution_property(def))
        .job_run_queuing_enabled(def.job_run_queuing_enabled)
        .set_security_configuration(def.security_configuration.clone())
        .set_connections(connections(def))
        .build();
    call(&ctx.retry, Op::new("glue", "UpdateJob", &def.name), || {
        ctx.glue
            .update_job()
            .job_name(&def.name)
            .job_update(update.clone())
            .send()
    })
    .await
    .map(|_| ())
}

/// Deletes the job; one that is already gone is fine (DeleteJob is idempotent on AWS).
pub async fn delete(ctx: &AwsContext, name: &str) -> Result<(), AwsError> {
    match call(&ctx.retry, Op::new("glue", "DeleteJob", name), || {
        ctx.glue.delete_job().job_name(name).send()
    })
    .await
    {
        Err(e) if !e.is_not_found() => Err(e),
        _ => Ok(()),
    }
}
