//! `flywheel_job`: a Glue ETL job with its script, the organisation's defaults and an
//! optional schedule.
//!
//! This file holds the schema, offline validation, and the mapping between Terraform values
//! and `crate::model::job`; every AWS call is in `crate::aws` (`glue::jobs`, `glue::triggers`,
//! `glue::tags`, `s3::objects`).
//!
//! State shape: the configuration attributes as written (`arguments`, `tags`, `pipeline`,
//! `script`, ...) plus computed effective values (`arguments_all`, `tags_all`, `role_arn`,
//! `script_location`, `script_sha256`, `arn`, `managed_objects`). Plans compute the
//! effective values from the configuration, including the script file's hash, so the
//! values planned are exactly the values applied, and reads fill them from AWS, so drift in
//! any of them shows as a diff on that attribute.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostic, Diagnostics, Resource};

use crate::aws::glue::{jobs, tags as glue_tags, triggers};
use crate::aws::s3::objects;
use crate::aws::{AwsContext, ErrorKind, SharedContext};
use crate::model::context::{self, PipelineContextValue};
use crate::model::job::{self as model, Environment, EnvironmentInput, JobSettings, Script};
use crate::model::managed::{self, ManagedObject};
use crate::model::ownership;
use crate::model::schedule;
use crate::model::tags::{self, Tags};
use crate::model::trigger::{TriggerAction, TriggerStart, SCHEDULE_SUFFIX};
use crate::resources::children::{self, Owners};
use crate::schema::*;
use crate::validate;
use crate::values::{attr_error, known_map, known_str, opt_value, to_map, Number, StringMap};

type Map = StringMap;

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub arn: Value<String>,
    #[serde(default)]
    pub pipeline: Value<PipelineContextValue>,
    #[serde(default)]
    pub role_arn: Value<String>,
    #[serde(default)]
    pub script: Value<String>,
    #[serde(default)]
    pub script_location: Value<String>,
    #[serde(default)]
    pub script_bucket: Value<String>,
    #[serde(default)]
    pub script_sha256: Value<String>,
    #[serde(default)]
    pub temp_dir: Value<String>,
    #[serde(default)]
    pub spark_event_logs_path: Value<String>,
    #[serde(default)]
    pub worker_type: Value<String>,
    #[serde(default)]
    pub number_of_workers: Value<Number>,
    #[serde(default)]
    pub timeout_minutes: Value<Number>,
    #[serde(default)]
    pub max_retries: Value<Number>,
    #[serde(default)]
    pub glue_version: Value<String>,
    #[serde(default)]
    pub description: Value<String>,
    #[serde(default)]
    pub arguments: Value<Map>,
    #[serde(default)]
    pub arguments_all: Value<Map>,
    #[serde(default)]
    pub schedule: Value<String>,
    #[serde(default)]
    pub tags: Value<Map>,
    #[serde(default)]
    pub tags_all: Value<Map>,
    #[serde(default)]
    pub managed_objects: Value<Vec<ManagedObject>>,
    /// This instance's identity (see `model::ownership`); null in a state written by 0.1.0.
    #[serde(default)]
    pub owner_id: Value<String>,
}

/// What Terraform keeps for the resource beside its attributes (private state).
#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
#[serde(default)]
pub struct Private {
    /// The last hash of the script object, with the ETag it had then: a read re-hashes an
    /// object this provider did not write only after its ETag changed.
    pub script_hash: Option<KnownHash>,
    /// `s3://` locations of scripts this resource uploaded that the job does not (or may no
    /// longer) use: kept until an update or the destroy deletes them, so a moved script is
    /// never orphaned by a failure part-way.
    pub stale_scripts: Vec<String>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct KnownHash {
    pub location: String,
    pub sha256: String,
    pub etag: String,
}

impl Private {
    fn add_stale(&mut self, uri: &str) {
        if !self.stale_scripts.iter().any(|u| u == uri) {
            self.stale_scripts.push(uri.to_string());
        }
    }
}

pub struct JobResource {
    ctx: SharedContext,
}

impl JobResource {
    pub fn new(ctx: SharedContext) -> Self {
        JobResource { ctx }
    }
}

// ---------------------------------------------------------------------------------------
// Value conversions

/// `m` as a map value, or null when empty and the prior value was null (so an attribute the
/// configuration leaves out does not read back as `{}`).
fn to_map_or_null(m: &BTreeMap<String, String>, prior: &Value<Map>) -> Value<Map> {
    if m.is_empty() && !prior.is_value() {
        Value::Null
    } else {
        to_map(m)
    }
}

fn num(n: i64) -> Value<Number> {
    Value::Value(Number::from(n))
}

fn trigger_name(job: &str) -> String {
    format!("{job}{SCHEDULE_SUFFIX}")
}

// ---------------------------------------------------------------------------------------
// Validation (offline)

/// A whole number from a known value; reports fractions at `attr`.
fn whole(diags: &mut Diagnostics, v: &Value<Number>, attr: &'static str) -> Option<i64> {
    let n = v.as_ref_option()?;
    match n.as_i64() {
        Some(i) => Some(i),
        None => {
            attr_error(
                diags,
                AttributePath::new(attr),
                "Invalid number",
                format!("{attr} must be a whole number, not {}", n.0),
            );
            None
        }
    }
}

pub fn validate_config(config: &State, diags: &mut Diagnostics) {
    if let Value::Value(name) = &config.name {
        if let Err(e) = model::check_name(name) {
            attr_error(diags, AttributePath::new("name"), "Invalid job name", e);
        }
    }
    let worker_ok = match &config.worker_type {
        Value::Value(w) => match model::check_worker_type(w) {
            Ok(()) => Some(w.clone()),
            Err(e) => {
                attr_error(
                    diags,
                    AttributePath::new("worker_type"),
                    "Invalid worker type",
                    e,
                );
                None
            }
        },
        Value::Null => Some(model::DEFAULT_WORKER_TYPE.to_string()),
        Value::Unknown => None,
    };
    let version_ok = match &config.glue_version {
        Value::Value(v) => match model::check_glue_version(v) {
            Ok(()) => Some(v.clone()),
            Err(e) => {
                attr_error(
                    diags,
                    AttributePath::new("glue_version"),
                    "Invalid Glue version",
                    e,
                );
                None
            }
        },
        Value::Null => Some(model::DEFAULT_GLUE_VERSION.to_string()),
        Value::Unknown => None,
    };
    if let (Some(w), Some(v)) = (worker_ok, version_ok) {
        if let Err(e) = model::check_compatibility(&w, &v) {
            attr_error(
                diags,
                AttributePath::new("worker_type"),
                "Worker type not available in this Glue version",
                e,
            );
        }
    }
    for (attr, value, range) in [
        (
            "number_of_workers",
            &config.number_of_workers,
            model::WORKERS_RANGE,
        ),
        (
            "timeout_minutes",
            &config.timeout_minutes,
            model::TIMEOUT_RANGE,
        ),
        ("max_retries", &config.max_retries, model::MAX_RETRIES_RANGE),
    ] {
        if let Some(n) = whole(diags, value, attr) {
            if let Err(e) = model::check_range(n, range) {
                attr_error(
                    diags,
                    AttributePath::new(attr),
                    "Value out of range",
                    format!("{attr} {e}"),
                );
            }
        }
    }
    if let Value::Value(s) = &config.schedule {
        if let Err(e) = schedule::parse(s) {
            attr_error(diags, AttributePath::new("schedule"), "Invalid schedule", e);
        }
    }

    // The script: exactly one of `script` and `script_location`.
    match (&config.script, &config.script_location) {
        (Value::Null, Value::Null) => attr_error(
            diags,
            AttributePath::new("script"),
            "Missing script",
            "Set `script` (a local file the provider uploads) or `script_location` (an existing s3:// object).",
        ),
        (Value::Value(_) | Value::Unknown, Value::Value(_) | Value::Unknown) => attr_error(
            diags,
            AttributePath::new("script_location"),
            "Conflicting script settings",
            "Set only one of `script` (a local file) and `script_location` (an existing s3:// object).",
        ),
        _ => {}
    }
    if let Value::Value(path) = &config.script {
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() => {}
            Ok(_) => attr_error(
                diags,
                AttributePath::new("script"),
                "Script is not a file",
                format!("script {path:?} is not a regular file"),
            ),
            Err(e) => attr_error(
                diags,
                AttributePath::new("script"),
                "Script file not found",
                format!("script {path:?} cannot be read: {e}"),
            ),
        }
    }
    if let Value::Value(uri) = &config.script_location {
        if let Err(e) = validate::s3_uri(uri, true) {
            attr_error(
                diags,
                AttributePath::new("script_location"),
                "Invalid S3 URI",
                e,
            );
        }
    }
    if let Value::Value(arn) = &config.role_arn {
        if let Err(e) = validate::role_arn(arn) {
            attr_error(diags, AttributePath::new("role_arn"), "Invalid role ARN", e);
        }
    }
    if let Value::Value(b) = &config.script_bucket {
        if let Err(e) = validate::bucket_name(b) {
            attr_error(
                diags,
                AttributePath::new("script_bucket"),
                "Invalid bucket name",
                e,
            );
        }
    }
    for (attr, v) in [
        ("temp_dir", &config.temp_dir),
        ("spark_event_logs_path", &config.spark_event_logs_path),
    ] {
        if let Value::Value(uri) = v {
            if let Err(e) = validate::s3_uri(uri, false) {
                attr_error(diags, AttributePath::new(attr), "Invalid S3 URI", e);
            }
        }
    }
    if let Value::Value(p) = &config.pipeline {
        if let Value::Value(arn) = &p.role_arn {
            if let Err(e) = validate::role_arn(arn) {
                attr_error(
                    diags,
                    AttributePath::new("pipeline").attribute("role_arn"),
                    "Invalid role ARN",
                    e,
                );
            }
        }
        if let Value::Value(b) = &p.assets_bucket {
            if let Err(e) = validate::bucket_name(b) {
                attr_error(
                    diags,
                    AttributePath::new("pipeline").attribute("assets_bucket"),
                    "Invalid bucket name",
                    e,
                );
            }
        }
        for (attr, v) in [
            ("temp_dir", &p.temp_dir),
            ("spark_event_logs_path", &p.spark_event_logs_path),
        ] {
            if let Value::Value(uri) = v {
                if let Err(e) = validate::s3_uri(uri, false) {
                    attr_error(
                        diags,
                        AttributePath::new("pipeline").attribute(attr),
                        "Invalid S3 URI",
                        e,
                    );
                }
            }
        }
    }

    // Standalone mode: what the pipeline would otherwise provide.
    if config.pipeline.is_null() {
        if config.role_arn.is_null() {
            attr_error(
                diags,
                AttributePath::new("role_arn"),
                "Missing role",
                "Without `pipeline`, set `role_arn` (the IAM role Glue runs the job as).",
            );
        }
        if config.script.is_value() && config.script_bucket.is_null() {
            attr_error(
                diags,
                AttributePath::new("script_bucket"),
                "Missing script bucket",
                "Without `pipeline`, a local `script` needs `script_bucket` to upload it to.",
            );
        }
        if config.script_bucket.is_null() {
            for (attr, v) in [
                ("temp_dir", &config.temp_dir),
                ("spark_event_logs_path", &config.spark_event_logs_path),
            ] {
                if v.is_null() {
                    attr_error(
                        diags,
                        AttributePath::new(attr),
                        "Missing S3 path",
                        format!("Without `pipeline` or `script_bucket`, set `{attr}`."),
                    );
                }
            }
        }
    }

    if let Value::Value(args) = &config.arguments {
        for (k, v) in args {
            let value = v.as_ref_option().map(String::as_str).unwrap_or("");
            if v.is_unknown()
                && !model::RESERVED_ARGUMENTS.contains(&k.as_str())
                && k.starts_with("--")
            {
                continue;
            }
            if let Err(e) = model::check_argument(k, value) {
                attr_error(
                    diags,
                    AttributePath::new("arguments").key(k.clone()),
                    "Invalid job argument",
                    e,
                );
            }
        }
    }
    if let Ok(Some(t)) = known_map(&config.tags) {
        for (k, msg) in tags::problems(&t) {
            attr_error(diags, AttributePath::new("tags").key(k), "Invalid tag", msg);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Planning: configuration -> planned state (and the desired objects when fully known)

/// The environment, `Ok(None)` when it depends on values not known yet.
fn environment(config: &State) -> Result<Option<Environment>, Diagnostic> {
    let mut input = EnvironmentInput::default();
    match &config.pipeline {
        Value::Unknown => return Ok(None),
        Value::Null => {}
        Value::Value(p) => {
            let f = |v: &Value<String>| known_str(v);
            let (Ok(role), Ok(bucket), Ok(prefix), Ok(tmp), Ok(logs)) = (
                f(&p.role_arn),
                f(&p.assets_bucket),
                f(&p.scripts_prefix),
                f(&p.temp_dir),
                f(&p.spark_event_logs_path),
            ) else {
                return Ok(None);
            };
            // Tags with unknown values (a new pipeline's identity) leave the rest of the
            // environment known: only `tags_all` waits for them (see `context_tags_known`).
            let tags = match &p.tags {
                Value::Value(m) => Some(
                    m.iter()
                        .filter_map(|(k, v)| v.as_ref_option().map(|v| (k.clone(), v.clone())))
                        .collect(),
                ),
                _ => None,
            };
            input.context_role_arn = role;
            input.context_assets_bucket = bucket;
            input.context_scripts_prefix = prefix;
            input.context_temp_dir = tmp;
            input.context_spark_event_logs_path = logs;
            input.context_tags = tags.unwrap_or_default();
        }
    }
    let (Ok(role), Ok(bucket), Ok(tmp), Ok(logs)) = (
        known_str(&config.role_arn),
        known_str(&config.script_bucket),
        known_str(&config.temp_dir),
        known_str(&config.spark_event_logs_path),
    ) else {
        return Ok(None);
    };
    input.role_arn = role;
    input.script_bucket = bucket;
    input.temp_dir = tmp;
    input.spark_event_logs_path = logs;
    model::resolve_environment(&input).map(Some).map_err(|m| {
        Diagnostic::new(
            "Incomplete job environment",
            m.message,
            AttributePath::new(m.attribute),
        )
    })
}

/// Whether the pipeline context's tags are all known (a new pipeline's identity is not).
fn context_tags_known(config: &State) -> bool {
    match &config.pipeline {
        Value::Value(p) => known_map(&p.tags).is_ok(),
        _ => true,
    }
}

/// Reads and hashes the local script.
fn hash_file(path: &str) -> Result<(Vec<u8>, String), Diagnostic> {
    std::fs::read(path)
        .map(|bytes| {
            let h = model::sha256_hex(&bytes);
            (bytes, h)
        })
        .map_err(|e| {
            Diagnostic::new(
                "Cannot read script",
                format!("script {path:?} cannot be read: {e}"),
                AttributePath::new("script"),
            )
        })
}

/// What a plan yields: the planned state, and, when everything is known, the desired
/// objects and the script bytes to upload.
struct Planned {
    state: State,
    desired: Option<model::Desired>,
    script_body: Option<Vec<u8>>,
}

fn plan(ctx: &AwsContext, config: &State, prior: Option<&State>) -> Result<Planned, Diagnostic> {
    let mut s = config.clone();
    s.id = config.name.clone();
    let name = config.name.as_ref_option().cloned();
    let env = environment(config)?;

    // Settings with defaults; an unknown setting stays unknown.
    fn or_default<T: Clone>(v: &Value<T>, d: T) -> Value<T> {
        match v {
            Value::Null => Value::Value(d),
            other => other.clone(),
        }
    }
    s.worker_type = or_default(&config.worker_type, model::DEFAULT_WORKER_TYPE.into());
    s.glue_version = or_default(&config.glue_version, model::DEFAULT_GLUE_VERSION.into());
    s.number_of_workers = or_default(
        &config.number_of_workers,
        Number::from(model::DEFAULT_NUMBER_OF_WORKERS),
    );
    s.timeout_minutes = or_default(
        &config.timeout_minutes,
        Number::from(model::DEFAULT_TIMEOUT_MINUTES),
    );
    s.max_retries = or_default(
        &config.max_retries,
        Number::from(model::DEFAULT_MAX_RETRIES),
    );

    s.role_arn = match &env {
        Some(e) => Value::Value(e.role_arn.clone()),
        None => Value::Unknown,
    };

    // The script: where it goes and its hash.
    let mut script_body = None;
    let script: Option<Script> = match (&config.script, &config.script_location) {
        (Value::Value(path), _) => {
            let (bytes, sha) = hash_file(path)?;
            script_body = Some(bytes);
            s.script_sha256 = Value::Value(sha.clone());
            match (&env, &name) {
                (Some(e), Some(n)) => match &e.script_bucket {
                    Some(bucket) => Some(Script::Upload {
                        bucket: bucket.clone(),
                        key: model::script_key(&e.scripts_prefix, n),
                        sha256: sha,
                    }),
                    None => {
                        return Err(Diagnostic::new(
                            "Missing script bucket",
                            "A local `script` needs a bucket to upload it to: set `pipeline` (its assets_bucket) or `script_bucket`.",
                            AttributePath::new("script_bucket"),
                        ))
                    }
                },
                _ => None,
            }
        }
        (Value::Unknown, _) => {
            s.script_sha256 = Value::Unknown;
            None
        }
        (Value::Null, Value::Value(uri)) => {
            // Not ours: its hash is only reported. Keep what the last read saw while the
            // location is unchanged; otherwise apply learns it.
            s.script_sha256 = match prior {
                Some(p) if p.script_location.as_ref_option() == Some(uri) => {
                    p.script_sha256.clone()
                }
                _ => Value::Unknown,
            };
            Some(Script::Existing { uri: uri.clone() })
        }
        (Value::Null, _) => {
            s.script_sha256 = Value::Unknown;
            None
        }
    };
    s.script_location = match &script {
        Some(sc) => Value::Value(sc.location()),
        None => Value::Unknown,
    };

    // Arguments and tags.
    let user_args = known_map(&config.arguments);
    let user_tags = known_map(&config.tags);
    s.arguments_all = match (&env, &user_args) {
        (Some(e), Ok(a)) => to_map(&model::effective_arguments(
            e,
            &a.clone().unwrap_or_default(),
        )),
        _ => Value::Unknown,
    };
    // The identity: kept from the prior state; made by the apply when there is none (a
    // create, or a state written by 0.1.0).
    s.owner_id = match prior.map(|p| &p.owner_id) {
        Some(Value::Value(o)) if !o.is_empty() => Value::Value(o.clone()),
        _ => Value::Unknown,
    };
    s.tags_all = match (&env, &user_tags) {
        (Some(e), Ok(t)) if context_tags_known(config) => children::planned_tags_all(
            &tags::effective(&ctx.default_tags, &e.tags, &t.clone().unwrap_or_default()),
            &s.owner_id,
            ownership::pipeline_owner(&e.tags),
        ),
        _ => Value::Unknown,
    };

    let account = ctx.identity.as_ref().map(|i| i.account_id.as_str());
    s.arn = match &name {
        Some(n) => opt_value(managed::glue_arn(
            ctx.partition,
            &ctx.region,
            account,
            "job",
            n,
        ))
        .or(Value::Unknown),
        None => Value::Unknown,
    };
    s.managed_objects = match (&name, &script, &config.schedule) {
        (Some(n), Some(sc), sched) if !sched.is_unknown() => Value::Value(model::managed_objects(
            n,
            Some(sc),
            sched.is_value(),
            ctx.partition,
            &ctx.region,
            account,
        )),
        _ => Value::Unknown,
    };

    // The desired objects, when everything is known.
    let settings = (|| -> Option<JobSettings> {
        Some(JobSettings {
            name: name.clone()?,
            worker_type: s.worker_type.as_ref_option().cloned(),
            number_of_workers: s.number_of_workers.as_ref_option()?.as_i64(),
            timeout_minutes: s.timeout_minutes.as_ref_option()?.as_i64(),
            max_retries: s.max_retries.as_ref_option()?.as_i64(),
            glue_version: s.glue_version.as_ref_option().cloned(),
            description: known_str(&config.description).ok()?,
            arguments: user_args.clone().ok()?.unwrap_or_default(),
            schedule: known_str(&config.schedule).ok()?,
            tags: user_tags.clone().ok()?.unwrap_or_default(),
        })
    })();
    let desired = match (settings, &env, script) {
        (Some(settings), Some(env), Some(script))
            if !s.worker_type.is_unknown()
                && !s.glue_version.is_unknown()
                && context_tags_known(config) =>
        {
            let d = model::expand(&settings, env, script, &ctx.default_tags).map_err(|e| {
                Diagnostic::new("Invalid schedule", e, AttributePath::new("schedule"))
            })?;
            Some(d)
        }
        _ => None,
    };
    Ok(Planned {
        state: s,
        desired,
        script_body,
    })
}

// ---------------------------------------------------------------------------------------
// Reading AWS into state

/// The state AWS holds for the job named in `prior`, or `None` when the job is gone, with
/// the private state brought up to date.
///
/// One round trip: GetJob, GetTags, GetTrigger and the script's HeadObject (at the location
/// state records, which is where the job points unless it drifted) go out together.
async fn read_state(
    ctx: &AwsContext,
    prior: &State,
    private: &Private,
) -> Result<Option<(State, Private)>, Diagnostic> {
    let Some(name) = prior.name.as_ref_option().cloned() else {
        return Err(Diagnostic::root("Job has no name in state", "The state of this flywheel_job has no `name`; remove it from the state and import the job."));
    };
    let arn = glue_tags::arn(ctx, "job", &name);
    let trigger = trigger_name(&name);
    let trigger_arn = glue_tags::arn(ctx, "trigger", &trigger);
    let recorded_location = prior.script_location.as_ref_option().cloned();
    let (job, all_tags, seen_trigger, trigger_tags, recorded_hash) = futures::join!(
        jobs::get(ctx, &name),
        glue_tags::get(ctx, &arn),
        triggers::get(ctx, &trigger),
        glue_tags::get(ctx, &trigger_arn),
        async {
            match &recorded_location {
                Some(uri) => Some(script_hash(ctx, uri, private).await),
                None => None,
            }
        },
    );
    // A job that is gone makes the other answers moot (GetTags of a deleted job may fail).
    let Some(job) = job.map_err(|e| e.to_diagnostic())? else {
        return Ok(None);
    };
    let all_tags: Tags = all_tags.map_err(|e| e.to_diagnostic())?;
    let seen_trigger = seen_trigger.map_err(|e| e.to_diagnostic())?;
    // Only a trigger this instance manages is its schedule (see `model::ownership`); one
    // under the same name that someone else made is not read, changed or deleted.
    let seen_trigger = match seen_trigger {
        Some(t) => {
            let tags = trigger_tags.map_err(|e| e.to_diagnostic())?;
            ownership::trigger_is_managed(
                children::state_owner(&prior.owner_id),
                !prior.schedule.is_null(),
                &tags,
            )
            .then_some(t)
        }
        None => None,
    };

    let mut s = prior.clone();
    s.id = Value::Value(name.clone());
    s.name = Value::Value(job.name.clone());
    s.role_arn = opt_value(job.role_arn.clone());
    s.script_location = opt_value(job.script_location.clone());
    s.worker_type = opt_value(job.worker_type.clone());
    s.number_of_workers = job.number_of_workers.map(num).unwrap_or(Value::Null);
    s.timeout_minutes = job.timeout_minutes.map(num).unwrap_or(Value::Null);
    s.max_retries = job.max_retries.map(num).unwrap_or(Value::Null);
    s.glue_version = opt_value(job.glue_version.clone());
    s.description = opt_value(job.description.clone().filter(|d| !d.is_empty()));
    let prior_args = known_map(&prior.arguments).ok().flatten();
    s.arguments = to_map_or_null(
        &model::user_arguments(&job.default_arguments, prior_args.as_ref()),
        &prior.arguments,
    );
    s.arguments_all = to_map(&job.default_arguments);

    let prior_tags = known_map(&prior.tags).ok().flatten();
    s.tags = to_map_or_null(
        &model::user_tags(&all_tags, prior_tags.as_ref(), &ctx.default_tags),
        &prior.tags,
    );
    s.tags_all = to_map(&all_tags);
    let account = ctx.identity.as_ref().map(|i| i.account_id.as_str());
    s.arn = opt_value(managed::glue_arn(
        ctx.partition,
        &ctx.region,
        account,
        "job",
        &name,
    ))
    .or(Value::Value(arn));

    // The schedule, from the trigger, when it is the trigger this resource creates.
    s.schedule = match seen_trigger {
        Some(t) if t.activated && t.actions == [TriggerAction::StartJob(name.clone())] => {
            match t.start {
                Some(TriggerStart::Schedule(cron)) => match prior.schedule.as_ref_option() {
                    Some(p) if schedule::equivalent(p, &cron) => Value::Value(p.clone()),
                    _ => Value::Value(cron),
                },
                _ => Value::Null,
            }
        }
        _ => Value::Null,
    };

    // The script's content hash, as S3 holds it.
    let mut private = private.clone();
    let hash = match (job.script_location.as_deref(), recorded_hash) {
        (Some(uri), Some(h)) if Some(uri) == recorded_location.as_deref() => h?,
        (Some(uri), _) => script_hash(ctx, uri, &private).await?,
        (None, _) => None,
    };
    s.script_sha256 = opt_value(hash.as_ref().map(|h| h.sha256.clone()));
    private.script_hash = match (job.script_location.as_deref(), hash) {
        (Some(uri), Some(h)) => h.etag.map(|etag| KnownHash {
            location: uri.to_string(),
            sha256: h.sha256,
            etag,
        }),
        _ => None,
    };

    let script = match (&s.script, job.script_location.as_deref()) {
        (Value::Value(_), Some(uri)) => match validate::s3_uri(uri, true) {
            Ok((bucket, key)) => Some(Script::Upload {
                bucket,
                key,
                sha256: String::new(),
            }),
            Err(_) => None,
        },
        (_, Some(uri)) => Some(Script::Existing {
            uri: uri.to_string(),
        }),
        _ => None,
    };
    s.managed_objects = Value::Value(with_stale_scripts(
        model::managed_objects(
            &name,
            script.as_ref(),
            s.schedule.is_value(),
            ctx.partition,
            &ctx.region,
            account,
        ),
        &private,
        job.script_location.as_deref(),
        ctx.partition,
    ));
    Ok(Some((s, private)))
}

/// The hash of the script object at `uri` (`None` when there is none), reusing the hash
/// private state recorded for it while its ETag is unchanged.
async fn script_hash(
    ctx: &AwsContext,
    uri: &str,
    private: &Private,
) -> Result<Option<objects::ContentHash>, Diagnostic> {
    let Ok((bucket, key)) = validate::s3_uri(uri, true) else {
        return Ok(None);
    };
    let known = private
        .script_hash
        .as_ref()
        .filter(|h| h.location == uri)
        .map(|h| objects::ContentHash {
            sha256: h.sha256.clone(),
            etag: Some(h.etag.clone()),
        });
    objects::sha256(ctx, &bucket, &key, known.as_ref())
        .await
        .map_err(|e| e.to_diagnostic_at(AttributePath::new("script_sha256")))
}

/// `objects` plus the uploaded scripts private state still has to delete (other than the
/// job's current script), so a plan shows them and the next apply removes them.
fn with_stale_scripts(
    mut objects: Vec<ManagedObject>,
    private: &Private,
    current: Option<&str>,
    partition: &str,
) -> Vec<ManagedObject> {
    for uri in &private.stale_scripts {
        if Some(uri.as_str()) == current {
            continue;
        }
        let arn = validate::s3_uri(uri, true)
            .ok()
            .map(|(b, k)| format!("arn:{partition}:s3:::{b}/{k}"));
        objects.push(ManagedObject::new(
            "aws_s3_object",
            uri,
            Some(arn.unwrap_or_default()),
        ));
    }
    objects
}

// ---------------------------------------------------------------------------------------
// Applying

/// Uploads the script when it is a local file whose object is not already current.
async fn upload_if_needed(
    ctx: &AwsContext,
    desired: &model::Desired,
    body: Option<&[u8]>,
    current: Option<(&str, &str)>,
    who: &Owners<'_>,
) -> Result<bool, Diagnostic> {
    let Script::Upload {
        bucket,
        key,
        sha256,
    } = &desired.script
    else {
        return Ok(false);
    };
    let location = desired.script.location();
    if current == Some((location.as_str(), sha256.as_str())) {
        return Ok(false);
    }
    let body = body.ok_or_else(|| {
        Diagnostic::root(
            "Script not read",
            "The script file was not read before the upload; this is a bug in the provider.",
        )
    })?;
    let object_tags = script_tags(who);
    objects::put(
        ctx,
        bucket,
        key,
        body,
        sha256,
        "text/x-python",
        &object_tags,
    )
    .await
    .map_err(|e| e.to_diagnostic_at(AttributePath::new("script")))?;
    Ok(true)
}

/// The planned hash must still be the file's: a file edited between plan and apply would
/// otherwise upload content the plan never showed.
fn check_unchanged_since_plan(planned: &State, now: &State) -> Result<(), Diagnostic> {
    match (&planned.script_sha256, &now.script_sha256, &planned.script) {
        (Value::Value(a), Value::Value(b), Value::Value(path)) if a != b => Err(Diagnostic::new(
            "Script changed since plan",
            format!("{path:?} changed between plan and apply (SHA-256 {a} planned, {b} now). Run the plan again."),
            AttributePath::new("script"),
        )),
        _ => Ok(()),
    }
}

/// Fills what only apply can know (the hash of an existing script object).
async fn finish_state(
    ctx: &AwsContext,
    mut s: State,
    desired: &model::Desired,
    private: &mut Private,
) -> State {
    if let (Script::Existing { uri }, true) = (&desired.script, s.script_sha256.is_unknown()) {
        let hash = script_hash(ctx, uri, private).await.ok().flatten();
        s.script_sha256 = opt_value(hash.as_ref().map(|h| h.sha256.clone()));
        private.script_hash = hash.and_then(|h| {
            h.etag.map(|etag| KnownHash {
                location: uri.clone(),
                sha256: h.sha256,
                etag,
            })
        });
    }
    if s.arn.is_unknown() {
        s.arn = Value::Value(glue_tags::arn(ctx, "job", &desired.job.name));
    }
    if s.managed_objects.is_unknown() {
        s.managed_objects = Value::Value(model::managed_objects(
            &desired.job.name,
            Some(&desired.script),
            desired.trigger.is_some(),
            ctx.partition,
            &ctx.region,
            None,
        ));
    }
    s
}

/// The first attribute of `config` that is not known, by path.
fn unknown_attribute(config: &State) -> Option<AttributePath> {
    let top: [(&'static str, bool); 17] = [
        ("name", config.name.is_unknown()),
        ("pipeline", config.pipeline.is_unknown()),
        ("role_arn", config.role_arn.is_unknown()),
        ("script", config.script.is_unknown()),
        ("script_location", config.script_location.is_unknown()),
        ("script_bucket", config.script_bucket.is_unknown()),
        ("temp_dir", config.temp_dir.is_unknown()),
        (
            "spark_event_logs_path",
            config.spark_event_logs_path.is_unknown(),
        ),
        ("worker_type", config.worker_type.is_unknown()),
        ("number_of_workers", config.number_of_workers.is_unknown()),
        ("timeout_minutes", config.timeout_minutes.is_unknown()),
        ("max_retries", config.max_retries.is_unknown()),
        ("glue_version", config.glue_version.is_unknown()),
        ("description", config.description.is_unknown()),
        ("arguments", config.arguments.is_unknown()),
        ("schedule", config.schedule.is_unknown()),
        ("tags", config.tags.is_unknown()),
    ];
    if let Some((attr, _)) = top.iter().find(|(_, unknown)| *unknown) {
        return Some(AttributePath::new(*attr));
    }
    if let Value::Value(p) = &config.pipeline {
        let fields = [
            ("role_arn", &p.role_arn),
            ("assets_bucket", &p.assets_bucket),
            ("scripts_prefix", &p.scripts_prefix),
            ("temp_dir", &p.temp_dir),
            ("spark_event_logs_path", &p.spark_event_logs_path),
        ];
        if let Some((f, _)) = fields.iter().find(|(_, v)| v.is_unknown()) {
            return Some(AttributePath::new("pipeline").attribute(*f));
        }
        if known_map(&p.tags).is_err() {
            return Some(AttributePath::new("pipeline").attribute("tags"));
        }
    }
    for (attr, map) in [("arguments", &config.arguments), ("tags", &config.tags)] {
        if let Value::Value(m) = map {
            if let Some((k, _)) = m.iter().find(|(_, v)| v.is_unknown()) {
                return Some(AttributePath::new(attr).key(k.clone()));
            }
        }
    }
    None
}

/// Apply got a configuration that is not fully known; names the attribute when it can.
fn not_known(config: &State) -> Diagnostic {
    let summary = "Configuration not fully known at apply";
    match unknown_attribute(config) {
        Some(path) => Diagnostic::new(
            summary,
            format!("{path} is still unknown at apply time; this is a bug in Terraform or the provider."),
            path,
        ),
        None => Diagnostic::root(
            summary,
            "A value the job needs (its role, script bucket or S3 paths, from the configuration or `pipeline`) is still unknown at apply time; this is a bug in Terraform or the provider.",
        ),
    }
}

/// What a refusal names and advises for this job.
fn resource(name: &str) -> children::Resource<'_> {
    children::Resource {
        type_name: "flywheel_job",
        kind: "job",
        name,
    }
}

/// CreateJob found the name taken by a job this instance may take (`found` its tags): it is
/// brought to the desired definition and tags.
async fn converge_adopted(
    ctx: &AwsContext,
    desired: &model::Desired,
    found: &Tags,
) -> Result<(), Diagnostic> {
    let name = &desired.job.name;
    match jobs::get(ctx, name).await.map_err(|e| e.to_diagnostic())? {
        Some(seen) if seen.matches(&desired.job) => {}
        Some(_) => jobs::update(ctx, &desired.job)
            .await
            .map_err(|e| e.to_diagnostic())?,
        // Deleted since: create it after all.
        None => {
            return jobs::create(ctx, &desired.job, &desired.tags)
                .await
                .map_err(|e| e.to_diagnostic())
        }
    }
    children::set_glue_tags(ctx, "job", name, found, &desired.tags).await
}

/// The tags of an uploaded script: S3 takes at most 10 per object, so only the ownership
/// tags and the informational one.
fn script_tags(who: &Owners<'_>) -> Tags {
    let mut t = who.tags();
    t.insert(tags::MANAGED_BY_KEY.into(), tags::MANAGED_BY_VALUE.into());
    t
}

/// An uploaded script that is current but lacks the ownership tags (uploaded by 0.1.0, or
/// its tags changed since) gets them, unless its tags name another owner.
async fn tag_script(ctx: &AwsContext, script: &Script, who: &Owners<'_>) -> Result<(), Diagnostic> {
    let Script::Upload { bucket, key, .. } = script else {
        return Ok(());
    };
    let at = |e: crate::aws::AwsError| e.to_diagnostic_at(AttributePath::new("script"));
    let Some(found) = objects::tags(ctx, bucket, key).await.map_err(at)? else {
        return Ok(());
    };
    let want = script_tags(who);
    if found == want {
        return Ok(());
    }
    if let Err(why) = children::may_delete_recorded(*who, Some(&found)) {
        return Err(Diagnostic::new(
            format!("Script s3://{bucket}/{key} is not this resource's"),
            format!("{why} Its tags were not changed."),
            AttributePath::new("script"),
        ));
    }
    objects::put_tags(ctx, bucket, key, &want).await.map_err(at)
}

/// Deletes a script object this resource uploaded at an `s3://` URI, unless its tags name
/// another owner; one that is already gone is fine.
async fn delete_script(ctx: &AwsContext, uri: &str, who: Owners<'_>) -> Result<(), Diagnostic> {
    let Ok((b, k)) = validate::s3_uri(uri, true) else {
        return Ok(());
    };
    let found = objects::tags(ctx, &b, &k)
        .await
        .map_err(|e| e.to_diagnostic())?;
    if let Err(why) = children::may_delete_recorded(who, found.as_ref()) {
        return Err(Diagnostic::root(
            format!("Script {uri} was not deleted"),
            format!("{why} It is left in place; delete it yourself if nothing uses it."),
        ));
    }
    objects::delete(ctx, &b, &k)
        .await
        .map_err(|e| e.to_diagnostic())
}

// ---------------------------------------------------------------------------------------
// Schema

fn schema_block() -> tf_provider::schema::Block {
    block(
        "A Glue ETL (Spark, Python 3) job with its script, the organisation's defaults and an optional schedule. A local `script` is uploaded to the pipeline's assets bucket as `<scripts_prefix><name>.py` and tracked by SHA-256, so editing the file plans an update. Defaults (overridable in `arguments`): worker type G.1X, 10 workers, timeout 600 minutes, 2 retries, Glue 4.0, `--enable-metrics`, `--enable-continuous-cloudwatch-log`, `--enable-spark-ui` with `--spark-event-logs-path`, `--TempDir`, and `--job-bookmark-option job-bookmark-enable`. It creates, changes and deletes only objects it can prove are its own (see `owner_id`): a job, trigger or script that already exists under its names and does not carry its identity is left untouched and the apply fails, naming it and the import command; a `<name>-schedule` trigger it did not create is never deleted, even when `schedule` is not set. Import with the job name: importing claims the job (and its `<name>-schedule` trigger, unless another instance's identity is on it), so import only a job no other Terraform state manages, or both states will manage it.",
        [
            ("id", attr(string(), Computed, "The job name.")),
            ("name", attr(string(), Required, "Glue job name: 1 to 245 characters on one line, no `/` (the trigger name adds `-schedule`). Changing it replaces the job.")),
            ("arn", attr(string(), Computed, "ARN of the Glue job.")),
            ("pipeline", attr(context::attribute_type(), Optional, context::DESCRIPTION)),
            ("role_arn", attr(string(), OptionalComputed, "IAM role Glue runs the job as. Defaults to the pipeline's `role_arn`; required without `pipeline`.")),
            ("script", attr(string(), Optional, "Path of a local Python script to upload. Exactly one of `script` and `script_location`.")),
            ("script_location", attr(string(), OptionalComputed, "`s3://bucket/key` of an existing script, which the provider never deletes. Computed as the upload location when `script` is set.")),
            ("script_bucket", attr(string(), Optional, "Without `pipeline`: the bucket a local `script` is uploaded to (under `scripts/`); `temp_dir` and `spark_event_logs_path` default to its `temporary/` and `sparkHistoryLogs/` prefixes.")),
            ("script_sha256", attr(string(), Computed, "Hex SHA-256 of the script: of the local file at plan time, of the S3 object when read. A difference means the object changed.")),
            ("temp_dir", attr(string(), Optional, "`s3://` URI for `--TempDir`. Defaults to the pipeline's `temp_dir`.")),
            ("spark_event_logs_path", attr(string(), Optional, "`s3://` URI for the Spark UI event logs. Defaults to the pipeline's `spark_event_logs_path`.")),
            ("worker_type", attr(string(), OptionalComputed, "Worker type: G.1X (default), G.2X, G.4X and G.8X (Glue 3.0+), G.12X, G.16X, R.1X, R.2X, R.4X, R.8X (Glue 4.0+).")),
            ("number_of_workers", attr(number(), OptionalComputed, "Number of workers, 2 to 299. Default 10.")),
            ("timeout_minutes", attr(number(), OptionalComputed, "Job run timeout in minutes, 1 to 2880. Default 600.")),
            ("max_retries", attr(number(), OptionalComputed, "Retries of a failed run, 0 to 10. Default 2.")),
            ("glue_version", attr(string(), OptionalComputed, "Glue version: 2.0, 3.0, 4.0 (default) or 5.0.")),
            ("description", attr(string(), Optional, "Description of the job.")),
            ("arguments", attr(string_map(), Optional, "Job arguments (`--name` keys), added to and overriding the built-in defaults. Glue's reserved arguments (`--JOB_NAME`, `--conf`, `--debug`, `--mode`, ...) are rejected.")),
            ("arguments_all", attr(string_map(), Computed, "Every argument the job is given: the defaults overlaid with `arguments`.")),
            ("schedule", attr(string(), Optional, "`cron(...)` (AWS's 6-field cron) or `rate(...)`: creates a scheduled Glue trigger named `<name>-schedule`.")),
            ("tags", attr(string_map(), Optional, "Tags for the job and its trigger, over the provider's `default_tags` and the pipeline's tags.")),
            ("tags_all", attr(string_map(), Computed, "Every tag on the job: provider `default_tags`, the pipeline's tags, `tags`, the informational `flywheel:managed-by`, and the ownership tags `flywheel:owner` (this instance's `owner_id`) and, with a pipeline, `flywheel:pipeline-owner`. An ownership tag removed outside Terraform shows as a diff here, and apply restores it.")),
            ("owner_id", attr(string(), Computed, "This instance's identity: a random value made when the resource is created or imported, kept in state, and written as the tag `flywheel:owner` on the job, its trigger and the uploaded script object. The provider changes or deletes an existing object only when it carries this identity (or, for objects created by provider 0.1.0, none), so another Terraform state with the same configuration, or an object with copied tags, is never taken over. Another state cannot reproduce it. Unknown until the first apply.")),
            ("managed_objects", attr(managed::attribute_type(), Computed, managed::DESCRIPTION)),
        ],
        [],
    )
}

// ---------------------------------------------------------------------------------------
// The resource

#[async_trait]
impl Resource for JobResource {
    type State<'a> = State;
    type PrivateState<'a> = Option<Private>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            // Still 0, although 0.2 added `owner_id`: tf-provider 0.2.2 calls
            // `Resource::upgrade` only for another version, and that method takes a `RawValue` the
            // crate does not export, so no resource can implement it. A 0.1.0 state deserializes
            // as it is (every attribute has a default; `owner_id` is null), the plan makes
            // `owner_id` unknown and the first apply writes the owner tags: that is the upgrade.
            version: 0,
            block: schema_block(),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: State) -> Option<()> {
        validate_config(&config, diags);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: State,
        private_state: Option<Private>,
        _meta: ValueEmpty,
    ) -> Option<(State, Option<Private>)> {
        let Some(ctx) = self.ctx.get_or_diag(diags) else {
            return Some((state, private_state));
        };
        let private = private_state.clone().unwrap_or_default();
        match read_state(&ctx, &state, &private).await {
            Ok(Some((s, p))) => Some((s, Some(p))),
            Ok(None) => {
                if let Some(name) = state.name.as_ref_option() {
                    match children::leftover_trigger(
                        &ctx,
                        &trigger_name(name),
                        children::state_owner(&state.owner_id),
                        state.schedule.is_value(),
                    )
                    .await
                    {
                        Ok(true) => {
                            tracing::info!(job = %name, "job no longer exists but its trigger does; planning a replacement");
                            let mut s = state;
                            s.id = Value::Null;
                            return Some((s, private_state));
                        }
                        Ok(false) => {}
                        Err(d) => {
                            diags.add_error(d);
                            return Some((state, private_state));
                        }
                    }
                }
                tracing::info!(job = ?state.name, "job no longer exists; removing it from state");
                None
            }
            Err(d) => {
                diags.add_error(d);
                Some((state, private_state))
            }
        }
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        _proposed: State,
        config: State,
        _meta: ValueEmpty,
    ) -> Option<(State, Option<Private>)> {
        let ctx = self.ctx.get_or_diag(diags)?;
        match plan(&ctx, &config, None) {
            Ok(p) => Some((p.state, None)),
            Err(d) => {
                diags.add_error(d);
                None
            }
        }
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        _proposed: State,
        config: State,
        private: Option<Private>,
        _meta: ValueEmpty,
    ) -> Option<(State, Option<Private>, Vec<AttributePath>)> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let planned = match plan(&ctx, &config, Some(&prior)) {
            Ok(p) => p.state,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        let mut replace = Vec::new();
        if planned.name != prior.name {
            replace.push(AttributePath::new("name"));
        }
        // The job is gone and a child of it is left (see `read`): replace it.
        if prior.id.is_null() {
            replace.push(AttributePath::new("id"));
        }
        Some((planned, private, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: State,
        private: Option<Private>,
        _meta: ValueEmpty,
    ) -> Option<Option<Private>> {
        Some(private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: State,
        config: State,
        _private: Option<Private>,
        _meta: ValueEmpty,
    ) -> Option<(State, Option<Private>)> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let now = match plan(&ctx, &config, None) {
            Ok(p) => p,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        if let Err(d) = check_unchanged_since_plan(&planned, &now.state) {
            diags.add_error(d);
            return None;
        }
        let Some(desired) = now.desired else {
            diags.add_error(not_known(&config));
            return None;
        };
        // This instance's identity, made now (see `model::ownership` for why not at plan).
        let owner = children::new_owner_id();
        let pipeline_owner = ownership::pipeline_owner(&desired.tags).map(str::to_string);
        let who = Owners {
            owner: &owner,
            state_owner: Some(&owner),
            pipeline: pipeline_owner.as_deref(),
        };
        let desired = desired.with_owner_tags(&who.tags());
        let res = resource(&desired.job.name);
        let mut private = Private::default();
        let mut state = finish_state(&ctx, now.state, &desired, &mut private).await;
        state.owner_id = Value::Value(owner.clone());
        state.tags_all = to_map(&desired.tags);

        // 1. The job (retrying while a new role propagates). It goes first, before its
        // script is uploaded, so that a name already taken by a job this instance may not
        // take stops the apply before anything is written: the upload would otherwise
        // overwrite that job's script at the same key. Glue does not read the script until
        // a run starts. Nothing exists yet if this fails.
        let adopted = match jobs::create(&ctx, &desired.job, &desired.tags).await {
            Ok(()) => None,
            Err(e) if e.kind == ErrorKind::Conflict => {
                match children::check_create_conflict(&ctx, res, who).await {
                    Ok(found) => Some(found),
                    Err(d) => {
                        diags.add_error(d);
                        return None;
                    }
                }
            }
            Err(e) => {
                diags.add_error(e.to_diagnostic());
                return None;
            }
        };
        // From here on a failure returns the state so far: Terraform records it (tainted)
        // and the next apply cleans up, so nothing is orphaned.
        let partial = |diags: &mut Diagnostics, d: Diagnostic, s: State, p: Private| {
            diags.add_error(d);
            Some((s, Some(p)))
        };
        // An adopted job (this apply's own after a lost response, or a leftover of its
        // pipeline) is brought to the desired definition and tags.
        if let Some(found) = &adopted {
            if let Err(d) = converge_adopted(&ctx, &desired, found).await {
                return partial(diags, d, state, private);
            }
        }
        // 2. The script.
        if let Err(d) =
            upload_if_needed(&ctx, &desired, now.script_body.as_deref(), None, &who).await
        {
            return partial(diags, d, state, private);
        }
        // 3. The trigger. One this instance may not take is left alone; the state then
        // records no schedule, so the next plan shows it again.
        let name = trigger_name(&desired.job.name);
        if let Err(d) = children::converge_trigger(
            &ctx,
            res,
            who,
            &name,
            desired.trigger.as_ref(),
            false,
            "schedule",
        )
        .await
        {
            if desired.trigger.is_some() {
                state.schedule = Value::Null;
            }
            return partial(diags, d, state, private);
        }
        Some((state, Some(private)))
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        planned: State,
        config: State,
        planned_private: Option<Private>,
        _meta: ValueEmpty,
    ) -> Option<(State, Option<Private>)> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let now = match plan(&ctx, &config, Some(&prior)) {
            Ok(p) => p,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        if let Err(d) = check_unchanged_since_plan(&planned, &now.state) {
            diags.add_error(d);
            return None;
        }
        let Some(desired) = now.desired else {
            diags.add_error(not_known(&config));
            return None;
        };
        // The identity: the prior state's, or made now for a state written by 0.1.0.
        let state_owner = children::state_owner(&prior.owner_id).map(str::to_string);
        let owner = state_owner.clone().unwrap_or_else(children::new_owner_id);
        let pipeline_owner = ownership::pipeline_owner(&desired.tags).map(str::to_string);
        let who = Owners {
            owner: &owner,
            state_owner: state_owner.as_deref(),
            pipeline: pipeline_owner.as_deref(),
        };
        let desired = desired.with_owner_tags(&who.tags());
        let res = resource(&desired.job.name);
        let mut private = planned_private.unwrap_or_default();
        let mut state = finish_state(&ctx, now.state, &desired, &mut private).await;
        state.owner_id = Value::Value(owner.clone());
        state.tags_all = to_map(&desired.tags);
        let location = desired.script.location();

        // 0. Before any write: the job must still be this instance's.
        let job_tags = match children::check_change(&ctx, res, who).await {
            Ok(t) => t,
            Err(d) => {
                diags.add_error(d);
                return Some((prior, Some(private)));
            }
        };

        // A script this resource uploaded that moves: the old object is deleted once the
        // job points elsewhere; until then private state keeps it.
        if let (Value::Value(_), Value::Value(old)) = (&prior.script, &prior.script_location) {
            if *old != location {
                private.add_stale(old);
            }
        }

        // 1. The script, unless S3 already holds this content at this location.
        let current = match (&prior.script_location, &prior.script_sha256) {
            (Value::Value(l), Value::Value(h)) => Some((l.as_str(), h.as_str())),
            _ => None,
        };
        let uploaded =
            match upload_if_needed(&ctx, &desired, now.script_body.as_deref(), current, &who).await
            {
                Ok(u) => u,
                // Nothing was written: the prior state stands.
                Err(d) => {
                    diags.add_error(d);
                    return Some((prior, Some(private)));
                }
            };
        if !uploaded {
            if let Err(d) = tag_script(&ctx, &desired.script, &who).await {
                diags.add_error(d);
                return Some((prior, Some(private)));
            }
        }
        // An upload to a new location is tracked both ways until the job uses it: state
        // records it as the script, and private state as one to delete should the job never
        // be switched to it (a read puts the job's actual location back in state).
        if uploaded && prior.script_location.as_ref_option() != Some(&location) {
            private.add_stale(&location);
        }
        // On a failure from here on, the prior state stands for what was not done, except
        // the script, which now is the one uploaded; the next plan's read re-checks the rest.
        let after_upload = {
            let mut s = prior.clone();
            // Owner tags may be written from here on: the state must know the identity.
            s.owner_id = Value::Value(owner.clone());
            s.script_location = state.script_location.clone();
            s.script_sha256 = state.script_sha256.clone();
            if let Value::Value(objects) = &s.managed_objects {
                s.managed_objects = Value::Value(with_stale_scripts(
                    objects.clone(),
                    &private,
                    Some(&location),
                    ctx.partition,
                ));
            }
            s
        };
        let fail = |diags: &mut Diagnostics, d: Diagnostic, p: &Private| {
            diags.add_error(d);
            Some((after_upload.clone(), Some(p.clone())))
        };

        // 2. The job: UpdateJob with the whole definition, only when AWS differs.
        match jobs::get(&ctx, &desired.job.name).await {
            Ok(Some(seen)) if seen.matches(&desired.job) => {}
            Ok(Some(_)) => {
                if let Err(e) = jobs::update(&ctx, &desired.job).await {
                    return fail(diags, e.to_diagnostic(), &private);
                }
            }
            Ok(None) => {
                if let Err(e) = jobs::create(&ctx, &desired.job, &desired.tags).await {
                    return fail(diags, e.to_diagnostic(), &private);
                }
            }
            Err(e) => return fail(diags, e.to_diagnostic(), &private),
        }
        if let Err(d) =
            children::set_glue_tags(&ctx, "job", &desired.job.name, &job_tags, &desired.tags).await
        {
            return fail(diags, d, &private);
        }
        // 3. The trigger: created, replaced or removed to match `schedule`, as far as
        // ownership allows.
        let name = trigger_name(&desired.job.name);
        if let Err(d) = children::converge_trigger(
            &ctx,
            res,
            who,
            &name,
            desired.trigger.as_ref(),
            prior.schedule.is_value(),
            "schedule",
        )
        .await
        {
            return fail(diags, d, &private);
        }
        // 4. Uploaded scripts the job no longer uses. One that cannot be deleted stays in
        // private state and in `managed_objects`, so the next plan shows it and the next
        // apply (or the destroy) retries.
        let mut left = Vec::new();
        for uri in std::mem::take(&mut private.stale_scripts) {
            if uri == location {
                continue;
            }
            if let Err(d) = delete_script(&ctx, &uri, who).await {
                diags.add_error(d);
                left.push(uri);
            }
        }
        private.stale_scripts = left;
        if !private.stale_scripts.is_empty() {
            if let Value::Value(objects) = &state.managed_objects {
                state.managed_objects = Value::Value(with_stale_scripts(
                    objects.clone(),
                    &private,
                    Some(&location),
                    ctx.partition,
                ));
            }
        }
        Some((state, Some(private)))
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        private: Option<Private>,
        _meta: ValueEmpty,
    ) -> Option<()> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let Some(name) = prior.name.as_ref_option() else {
            return Some(());
        };
        let state_owner = children::state_owner(&prior.owner_id);
        let context_tags = prior
            .pipeline
            .as_ref_option()
            .and_then(|p| known_map(&p.tags).ok().flatten())
            .unwrap_or_default();
        let who = Owners {
            owner: state_owner.unwrap_or_default(),
            state_owner,
            pipeline: ownership::pipeline_owner(&context_tags),
        };
        let res = resource(name);
        // Each child is deleted only when this state can prove it is its own; a refused one
        // is named in an error and left, and the others are still deleted.
        let mut failed = false;
        if let Err(d) = children::converge_trigger(
            &ctx,
            res,
            who,
            &trigger_name(name),
            None,
            prior.schedule.is_value(),
            "schedule",
        )
        .await
        {
            diags.add_error(d);
            failed = true;
        }
        match children::check_change(&ctx, res, who).await {
            Ok(_) => {
                if let Err(e) = jobs::delete(&ctx, name).await {
                    diags.add_error(e.to_diagnostic());
                    return None;
                }
            }
            // Not ours: neither the job nor its script is deleted.
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        }
        // Only scripts this resource uploaded; a `script_location` object is never deleted.
        let mut uploaded = private.map(|p| p.stale_scripts).unwrap_or_default();
        if let (Value::Value(_), Value::Value(loc)) = (&prior.script, &prior.script_location) {
            uploaded.push(loc.clone());
        }
        for uri in uploaded {
            if let Err(d) = delete_script(&ctx, &uri, who).await {
                diags.add_error(d);
                failed = true;
            }
        }
        (!failed).then_some(())
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(State, Option<Private>)> {
        if let Err(e) = model::check_name(&id) {
            diags.root_error(
                "Invalid import ID",
                format!("Import a flywheel_job by its Glue job name: {e}"),
            );
            return None;
        }
        let ctx = self.ctx.get_or_diag(diags)?;
        // Import is an explicit claim: the job's own identity if this provider made one,
        // otherwise a new one that the first apply writes. A trigger under the derived name
        // is claimed with it unless it carries another identity (`schedule` unknown marks
        // it as recorded for the read).
        let found = match children::glue_tags_of(&ctx, "job", &id).await {
            Ok(t) => t,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        let stub = State {
            id: Value::Value(id.clone()),
            name: Value::Value(id.clone()),
            owner_id: Value::Value(children::imported_owner_id(&found)),
            schedule: Value::Unknown,
            ..Default::default()
        };
        match read_state(&ctx, &stub, &Private::default()).await {
            Ok(Some((s, p))) => Some((s, Some(p))),
            Ok(None) => {
                diags.root_error(
                    "Cannot import a job that does not exist",
                    format!("There is no Glue job named {id:?} in {}.", ctx.region),
                );
                None
            }
            Err(d) => {
                diags.add_error(d);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> State {
        State {
            name: Value::Value("etl-x".into()),
            role_arn: Value::Value("arn:aws:iam::123456789012:role/r".into()),
            script_location: Value::Value("s3://my-assets/scripts/x.py".into()),
            script_bucket: Value::Value("my-assets".into()),
            ..Default::default()
        }
    }

    fn errors_at(config: &State) -> Vec<String> {
        let mut d = Diagnostics::default();
        validate_config(config, &mut d);
        d.errors
            .iter()
            .map(|e| format!("{:?}", e.attribute))
            .collect()
    }

    #[test]
    fn a_valid_standalone_config_has_no_errors() {
        assert!(errors_at(&base()).is_empty(), "{:?}", errors_at(&base()));
    }

    #[test]
    fn each_mistake_names_its_attribute() {
        type Mutation = Box<dyn Fn(&mut State)>;
        let cases: Vec<(&str, Mutation)> = vec![
            ("name", Box::new(|s| s.name = Value::Value("a/b".into()))),
            (
                "worker_type",
                Box::new(|s| s.worker_type = Value::Value("G.3X".into())),
            ),
            (
                "worker_type",
                Box::new(|s| {
                    s.worker_type = Value::Value("G.8X".into());
                    s.glue_version = Value::Value("2.0".into());
                }),
            ),
            (
                "glue_version",
                Box::new(|s| s.glue_version = Value::Value("1.0".into())),
            ),
            (
                "number_of_workers",
                Box::new(|s| s.number_of_workers = Value::Value(Number(1.0))),
            ),
            (
                "number_of_workers",
                Box::new(|s| s.number_of_workers = Value::Value(Number(2.5))),
            ),
            (
                "timeout_minutes",
                Box::new(|s| s.timeout_minutes = Value::Value(Number(2881.0))),
            ),
            (
                "max_retries",
                Box::new(|s| s.max_retries = Value::Value(Number(11.0))),
            ),
            (
                "schedule",
                Box::new(|s| s.schedule = Value::Value("cron(0 3 * * *)".into())),
            ),
            (
                "script_location",
                Box::new(|s| s.script_location = Value::Value("https://x/y.py".into())),
            ),
            (
                "script",
                Box::new(|s| {
                    s.script_location = Value::Null;
                    s.script = Value::Value("/nonexistent/flywheel/x.py".into());
                }),
            ),
            ("script", Box::new(|s| s.script_location = Value::Null)),
            (
                "script_location",
                Box::new(|s| s.script = Value::Value("/etc/hostname".into())),
            ),
            (
                "role_arn",
                Box::new(|s| s.role_arn = Value::Value("role".into())),
            ),
            ("role_arn", Box::new(|s| s.role_arn = Value::Null)),
            (
                "temp_dir",
                Box::new(|s| s.temp_dir = Value::Value("/tmp".into())),
            ),
            (
                "arguments",
                Box::new(|s| {
                    s.arguments = Value::Value(
                        [("--JOB_NAME".to_string(), Value::Value("x".to_string()))].into(),
                    );
                }),
            ),
            (
                "tags",
                Box::new(|s| {
                    s.tags =
                        Value::Value([("aws:x".to_string(), Value::Value("x".to_string()))].into());
                }),
            ),
        ];
        for (attr, mutate) in cases {
            let mut s = base();
            mutate(&mut s);
            let errs = errors_at(&s);
            assert!(
                errs.len() == 1 && errs[0].contains(&format!("\"{attr}\"")),
                "{attr}: {errs:?}"
            );
        }
    }

    #[test]
    fn unknown_values_are_not_errors() {
        let mut s = base();
        s.worker_type = Value::Unknown;
        s.number_of_workers = Value::Unknown;
        s.schedule = Value::Unknown;
        s.role_arn = Value::Unknown;
        assert!(errors_at(&s).is_empty());
    }

    #[test]
    fn maps_with_unknowns() {
        let m: Value<Map> = Value::Value([("a".to_string(), Value::Unknown)].into());
        assert!(known_map(&m).is_err());
        assert_eq!(known_map(&Value::Null), Ok(None));
        assert_eq!(to_map_or_null(&BTreeMap::new(), &Value::Null), Value::Null);
        assert_eq!(
            to_map_or_null(&BTreeMap::new(), &Value::Value(Map::new())),
            Value::Value(Map::new())
        );
    }

    #[test]
    fn not_known_names_the_unknown_attribute() {
        let mut s = base();
        s.number_of_workers = Value::Unknown;
        let d = not_known(&s);
        assert_eq!(d.attribute, AttributePath::new("number_of_workers"));
        assert!(d.detail.contains("number_of_workers"), "{}", d.detail);

        let mut s = base();
        s.tags = Value::Value([("team".to_string(), Value::Unknown)].into());
        let d = not_known(&s);
        assert_eq!(
            d.attribute,
            AttributePath::new("tags").key("team".to_string())
        );

        let mut s = base();
        s.pipeline = Value::Value(PipelineContextValue {
            temp_dir: Value::Unknown,
            ..Default::default()
        });
        assert_eq!(
            not_known(&s).attribute,
            AttributePath::new("pipeline").attribute("temp_dir")
        );
    }

    #[test]
    fn stale_scripts_show_in_managed_objects_except_the_current_one() {
        let mut p = Private::default();
        p.add_stale("s3://my-assets/scripts/x.py");
        p.add_stale("s3://my-assets/moved/x.py");
        p.add_stale("s3://my-assets/scripts/x.py");
        assert_eq!(p.stale_scripts.len(), 2);
        let objects = with_stale_scripts(Vec::new(), &p, Some("s3://my-assets/moved/x.py"), "aws");
        assert_eq!(objects.len(), 1);
        assert_eq!(
            objects[0].name,
            Value::Value("s3://my-assets/scripts/x.py".to_string())
        );
        assert_eq!(
            objects[0].arn,
            Value::Value("arn:aws:s3:::my-assets/scripts/x.py".to_string())
        );
    }

    #[test]
    fn private_state_from_an_older_provider_is_empty() {
        // Earlier versions kept no private state: Terraform sends null (or nothing).
        let p: Option<Private> = serde_json::from_str("null").expect("null");
        assert_eq!(p.unwrap_or_default(), Private::default());
        let p: Option<Private> = serde_json::from_str("{}").expect("empty object");
        assert_eq!(p, Some(Private::default()));
    }

    /// A state provider 0.1.0 wrote: every attribute reads back as written, and `owner_id`
    /// is null, which the next plan turns into "known after apply".
    #[test]
    fn state_from_0_1_0_deserializes_without_an_identity() {
        let file: serde_json::Value = serde_json::from_str(include_str!(
            "../../tests/fixtures/state-0.1.0/glue.tfstate.json"
        ))
        .expect("fixture JSON");
        let instance = file["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .find(|r| r["type"] == "flywheel_job")
            .expect("the resource")["instances"][0]
            .clone();
        assert_eq!(instance["schema_version"], 0);
        let attributes = instance["attributes"].clone();
        let state: State = serde_json::from_value(attributes.clone()).expect("a 0.1.0 state");
        assert_eq!(state.owner_id, Value::Null);
        assert!(state.name.is_value());
        // Nothing else is lost: it serializes back to the same attributes plus `owner_id`.
        let mut back = serde_json::to_value(&state).expect("serializes");
        back.as_object_mut().expect("object").remove("owner_id");
        assert_eq!(back, attributes);
    }
}
