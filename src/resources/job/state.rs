//! What Terraform stores for a `flywheel_job` (attributes and private state), and reading
//! AWS into it.

use super::*;

/// `source_control_details { }`: an optional block, null when absent.
#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct SourceControlBlock {
    #[serde(default)]
    pub provider: Value<String>,
    #[serde(default)]
    pub repository: Value<String>,
    #[serde(default)]
    pub owner: Value<String>,
    #[serde(default)]
    pub branch: Value<String>,
    #[serde(default)]
    pub folder: Value<String>,
    #[serde(default)]
    pub last_commit_id: Value<String>,
    #[serde(default)]
    pub auth_strategy: Value<String>,
    #[serde(default)]
    pub auth_token: Value<String>,
}

impl SourceControlBlock {
    /// The block in model form; `None` while a field is unknown.
    pub(super) fn model(&self) -> Option<model::source_control::SourceControl> {
        let f = |v: &Value<String>| known_str(v).ok();
        Some(model::source_control::SourceControl {
            provider: f(&self.provider)?,
            repository: f(&self.repository)?,
            owner: f(&self.owner)?,
            branch: f(&self.branch)?,
            folder: f(&self.folder)?,
            last_commit_id: f(&self.last_commit_id)?,
            auth_strategy: f(&self.auth_strategy)?,
            auth_token: f(&self.auth_token)?,
        })
    }

    pub(super) fn of(s: &model::source_control::SourceControl) -> SourceControlBlock {
        SourceControlBlock {
            provider: opt_value(s.provider.clone()),
            repository: opt_value(s.repository.clone()),
            owner: opt_value(s.owner.clone()),
            branch: opt_value(s.branch.clone()),
            folder: opt_value(s.folder.clone()),
            last_commit_id: opt_value(s.last_commit_id.clone()),
            auth_strategy: opt_value(s.auth_strategy.clone()),
            auth_token: opt_value(s.auth_token.clone()),
        }
    }
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
    #[serde(default)]
    pub max_dpu_hours_per_run: Value<Number>,
    #[serde(default)]
    pub max_dpu_hours_per_day: Value<Number>,
    #[serde(default)]
    pub max_cost_per_run_usd: Value<Number>,
    /// This instance's identity (see `model::ownership`); null in a state written by 0.1.0.
    #[serde(default)]
    pub owner_id: Value<String>,
    /// Null: no NotifyDelayAfter.
    #[serde(default)]
    pub long_running_minutes: Value<Number>,
    #[serde(default)]
    pub execution_class: Value<String>,
    #[serde(default)]
    pub max_concurrent_runs: Value<Number>,
    #[serde(default)]
    pub job_run_queuing_enabled: Value<bool>,
    #[serde(default)]
    pub auto_scaling: Value<bool>,
    #[serde(default)]
    pub observability_metrics: Value<bool>,
    #[serde(default)]
    pub security_configuration: Value<String>,
    #[serde(default)]
    pub connections: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub spark_conf: Value<Map>,
    #[serde(default)]
    pub non_overridable_arguments: Value<Map>,
    /// Read from Glue; planned as none (see `model::job::unmanaged`).
    #[serde(default)]
    pub unmanaged_settings: Value<Map>,
    /// Local paths, uploaded beside the script.
    #[serde(default)]
    pub extra_py_files: Value<Vec<Value<String>>>,
    /// Each upload's `s3://` location and content hash.
    #[serde(default)]
    pub extra_py_files_sha256: Value<Map>,
    /// Null without `schedule`.
    #[serde(default)]
    pub schedule_enabled: Value<bool>,
    /// `glueetl` or `pythonshell`.
    #[serde(default)]
    pub command: Value<String>,
    /// Python shell only; null for a Spark job.
    #[serde(default)]
    pub python_version: Value<String>,
    /// Python shell only; null for a Spark job.
    #[serde(default)]
    pub max_capacity: Value<Number>,
    /// SCRIPT, VISUAL or NOTEBOOK.
    #[serde(default)]
    pub job_mode: Value<String>,
    /// Null: no Git connection. An optional block, a list of at most one on the wire.
    #[serde(default, with = "crate::values::optional_block")]
    pub source_control_details: Value<SourceControlBlock>,
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
    pub(super) fn add_stale(&mut self, uri: &str) {
        if !self.stale_scripts.iter().any(|u| u == uri) {
            self.stale_scripts.push(uri.to_string());
        }
    }
}

// ---------------------------------------------------------------------------------------
// Value conversions

/// `m` as a map value, or null when empty and the prior value was null (so an attribute the
/// configuration leaves out does not read back as `{}`).
pub(super) fn to_map_or_null(m: &BTreeMap<String, String>, prior: &Value<Map>) -> Value<Map> {
    if m.is_empty() && !prior.is_value() {
        Value::Null
    } else {
        to_map(m)
    }
}

pub(super) fn num(n: i64) -> Value<Number> {
    Value::Value(Number::from(n))
}

pub(super) fn trigger_name(job: &str) -> String {
    format!("{job}{SCHEDULE_SUFFIX}")
}

// ---------------------------------------------------------------------------------------
// Reading AWS into state

/// The state AWS holds for the job named in `prior`, or `None` when the job is gone, with
/// the private state brought up to date. `importing`: `prior` is a stub, so which tags are
/// the resource's own `tags` is guessed (see `model::user_tags`); otherwise they are those
/// `prior` had, none when its `tags` is null (the pipeline's tags stay in `tags_all`).
///
/// One round trip: the job, its tags, its trigger and the script's ETag (at the location
/// state records, which is where the job points unless it drifted) are read together, each
/// in a batch shared with the other resources' refreshes (see CONTRIBUTING's "Reads at
/// scale"): BatchGetJobs, GetResources, BatchGetTriggers, ListObjectsV2.
///
/// The read set is what the state needs. The script is read only when this resource
/// uploads it (`script` set): a `script_location` is the user's object, which Glue reads at
/// run time and nothing here depends on, so it is not read and its `script_sha256` is null.
/// At 100 such jobs that is 100 calls fewer per refresh. An uploaded script whose listed
/// ETag is the one private state recorded with its hash keeps that hash; otherwise
/// HeadObject (and, for an object someone else wrote, GetObject) finds it.
pub(super) async fn read_state(
    ctx: &AwsContext,
    prior: &State,
    private: &Private,
    importing: bool,
) -> Result<Read, Diagnostic> {
    let Some(name) = prior.name.as_ref_option().cloned() else {
        return Err(Diagnostic::root("Job has no name in state", "The state of this flywheel_job has no `name`; remove it from the state and import the job."));
    };
    let trigger = trigger_name(&name);
    let uploads_script = prior.script.is_value();
    let recorded_location = prior
        .script_location
        .as_ref_option()
        .filter(|_| uploads_script)
        .and_then(|u| uri_child_name(u));
    let known = known_hash(private);
    let recorded_tags = known_map(&prior.tags_all).ok().flatten();
    let backend = JobBackend {
        ctx,
        job: &name,
        trigger: &trigger,
        scripts: &[],
        bodies: &BTreeMap::new(),
        known_hash: known.as_ref().map(|(n, h)| (n.as_str(), h)),
        expected_tags: recorded_tags.as_ref(),
        uploaded: Default::default(),
    };
    // The uploads of `extra_py_files` state records, read with the rest.
    let recorded_extra: Vec<String> = match (
        &prior.extra_py_files,
        known_map(&prior.extra_py_files_sha256),
    ) {
        (Value::Value(_), Ok(Some(m))) => m.into_keys().collect(),
        _ => Vec::new(),
    };
    let (observed, recorded_hash, extra_hashes) = futures::join!(
        backend.observe(),
        async {
            match &recorded_location {
                Some(n) => Some(backend.script_hash(n).await),
                None => None,
            }
        },
        futures::future::join_all(recorded_extra.iter().map(|uri| async {
            match uri_child_name(uri) {
                Some(n) => backend.script_hash(&n).await.map(|h| (uri.clone(), h)),
                None => Ok((uri.clone(), None)),
            }
        }))
    );
    let mut observed = observed.map_err(|e| e.to_diagnostic())?;
    let state_owner = identity::state_owner(&prior.owner_id);
    let seen_trigger = match observed.remove(&ChildKey::new(Kind::JobTrigger, &name, &trigger)) {
        Some(Spec::ObservedJobTrigger { trigger, tags }) => Some((trigger, tags)),
        _ => None,
    };
    let Some(Spec::ObservedGlueJob {
        job,
        tags: all_tags,
    }) = observed.remove(&ChildKey::top(Kind::GlueJob, &name))
    else {
        // The job is gone. Is its trigger still this instance's (one it would delete)?
        let leftover = seen_trigger.is_some_and(|(_, tags)| {
            ownership::may_delete_trigger(state_owner, prior.schedule.is_value(), &tags)
        });
        return Ok(Read::Gone {
            leftover_trigger: leftover,
        });
    };
    // Only a trigger this instance manages is its schedule (see `model::ownership`); one
    // under the same name that someone else made is not read, changed or deleted.
    let seen_trigger = seen_trigger.and_then(|(t, tags)| {
        ownership::trigger_is_managed(state_owner, !prior.schedule.is_null(), &tags).then_some(t)
    });
    let script_hash = |uri: &str| {
        let n = uri_child_name(uri);
        let b = &backend;
        async move {
            match n {
                Some(n) => b
                    .script_hash(&n)
                    .await
                    .map_err(|e| e.to_diagnostic_at(AttributePath::new("script_sha256"))),
                None => Ok(None),
            }
        }
    };

    let mut s = prior.clone();
    s.id = Value::Value(name.clone());
    s.name = Value::Value(job.name.clone());
    s.role_arn = opt_value(job.role_arn.clone());
    s.script_location = opt_value(job.script_location.clone());
    // Glue's command as it is: a streaming or Ray job reads back as such, and the plan
    // (which only makes glueetl or pythonshell) shows the difference.
    s.command = opt_value(job.command_name.clone());
    let shell = model::is_python_shell(job.command_name.as_deref());
    s.python_version = match shell {
        true => opt_value(job.python_version.clone()),
        false => Value::Null,
    };
    // Glue reports MaxCapacity for Spark jobs too (their workers' DPUs): not the user's.
    s.max_capacity = match (shell, job.max_capacity) {
        (true, Some(c)) => Value::Value(Number(c)),
        _ => Value::Null,
    };
    s.job_mode = Value::Value(job.job_mode().to_string());
    // Never a personal access token: see `model::job::source_control`.
    s.source_control_details = match &job.source_control {
        Some(c) => Value::Value(SourceControlBlock::of(&c.storable())),
        None => Value::Null,
    };
    s.worker_type = opt_value(job.worker_type.clone());
    s.number_of_workers = job.number_of_workers.map(num).unwrap_or(Value::Null);
    s.timeout_minutes = job.timeout_minutes.map(num).unwrap_or(Value::Null);
    s.max_retries = job.max_retries.map(num).unwrap_or(Value::Null);
    s.long_running_minutes = job.notify_delay_after.map(num).unwrap_or(Value::Null);
    s.execution_class = Value::Value(job.execution_class().to_string());
    s.max_concurrent_runs = num(job.max_concurrent_runs());
    s.job_run_queuing_enabled = Value::Value(job.job_run_queuing_enabled.unwrap_or(false));
    s.auto_scaling = Value::Value(model::auto_scaling_of(&job.default_arguments));
    s.observability_metrics = Value::Value(model::observability_metrics_of(&job.default_arguments));
    s.security_configuration =
        opt_value(job.security_configuration.clone().filter(|c| !c.is_empty()));
    // None reads as null, unless the configuration wrote an empty list.
    s.connections = match (&prior.connections, job.connections.is_empty()) {
        (Value::Value(l), true) if l.is_empty() => prior.connections.clone(),
        (_, true) => Value::Null,
        (_, false) => Value::Value(job.connections.iter().cloned().map(Value::Value).collect()),
    };
    s.glue_version = opt_value(job.glue_version.clone());
    s.description = opt_value(job.description.clone().filter(|d| !d.is_empty()));
    s.spark_conf = to_map_or_null(
        &model::spark_conf_of(&job.default_arguments),
        &prior.spark_conf,
    );
    s.non_overridable_arguments = to_map_or_null(
        &job.non_overridable_arguments,
        &prior.non_overridable_arguments,
    );
    s.unmanaged_settings = to_map(&job.unmanaged);
    let prior_args = known_map(&prior.arguments).ok().flatten();
    s.arguments = to_map_or_null(
        &model::user_arguments(
            &job.default_arguments,
            prior_args.as_ref(),
            !prior.extra_py_files.is_value(),
            shell,
        ),
        &prior.arguments,
    );
    if shell {
        // Spark's attributes: a Python shell job has none (its arguments keep whatever it
        // holds, so nothing is hidden).
        s.auto_scaling = Value::Value(false);
        s.observability_metrics = Value::Value(false);
        s.spark_conf = to_map_or_null(&BTreeMap::new(), &prior.spark_conf);
    }
    // Each upload of `extra_py_files` as S3 holds it; one gone is left out, so the plan
    // uploads it again.
    if prior.extra_py_files.is_value() {
        let mut hashes = BTreeMap::new();
        for r in extra_hashes {
            let (uri, h) =
                r.map_err(|e| e.to_diagnostic_at(AttributePath::new("extra_py_files_sha256")))?;
            if let Some(h) = h {
                hashes.insert(uri, h.sha256);
            }
        }
        s.extra_py_files_sha256 = to_map(&hashes);
    }
    s.arguments_all = to_map(&job.default_arguments);

    let prior_tags = match known_map(&prior.tags) {
        Ok(Some(t)) => Some(t),
        _ if importing => None,
        _ => Some(Tags::new()),
    };
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
    .or(Value::Value(backend.arn("job", &name)));

    // The schedule, from the trigger, when it is the trigger this resource creates.
    // A paused (deactivated) schedule is still the schedule: `schedule_enabled` says which.
    s.schedule_enabled = match &seen_trigger {
        Some(t) if t.actions == [TriggerAction::StartJob(name.clone())] => {
            Value::Value(t.activated)
        }
        _ => Value::Null,
    };
    s.schedule = match seen_trigger {
        Some(t) if t.actions == [TriggerAction::StartJob(name.clone())] => match t.start {
            Some(TriggerStart::Schedule(cron)) => match prior.schedule.as_ref_option() {
                Some(p) if schedule::equivalent(p, &cron) => Value::Value(p.clone()),
                _ => Value::Value(cron),
            },
            _ => Value::Null,
        },
        _ => Value::Null,
    };
    if s.schedule.is_null() {
        s.schedule_enabled = Value::Null;
    }

    // The script's content hash, as S3 holds it.
    let mut private = private.clone();
    let hash = match (job.script_location.as_deref(), recorded_hash) {
        (Some(uri), Some(h))
            if prior.script_location.as_ref_option().map(String::as_str) == Some(uri) =>
        {
            h.map_err(|e| e.to_diagnostic_at(AttributePath::new("script_sha256")))?
        }
        (Some(uri), _) if uploads_script => script_hash(uri).await?,
        _ => None,
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
    let objects = with_uploads(
        tf_managed::values(&model::managed_objects(
            &name,
            script.as_ref(),
            s.schedule.is_value(),
            ctx.partition,
            &ctx.region,
            account,
        )),
        &recorded_extra,
        ctx.partition,
    );
    s.managed_objects = Value::Value(with_stale_scripts(
        objects,
        &private,
        job.script_location.as_deref(),
        ctx.partition,
    ));
    set_cost_attributes(&ctx.region, ctx.dpu_hour_price_usd, &mut s);
    Ok(Read::Found(Box::new(s), private))
}

/// What a read found.
pub(super) enum Read {
    Found(Box<State>, Private),
    /// The job is gone; `leftover_trigger`: its trigger is still this instance's.
    Gone {
        leftover_trigger: bool,
    },
}

/// `objects` plus the uploaded scripts private state still has to delete (other than the
/// job's current script and uploads already listed), so a plan shows them and the next
/// apply removes them.
pub(super) fn with_stale_scripts(
    objects: Vec<ManagedObject>,
    private: &Private,
    current: Option<&str>,
    partition: &str,
) -> Vec<ManagedObject> {
    let stale: Vec<String> = private
        .stale_scripts
        .iter()
        .filter(|u| Some(u.as_str()) != current)
        .cloned()
        .collect();
    with_uploads(objects, &stale, partition)
}

/// `objects` plus an `aws_s3_object` for each upload in `uris` not already listed, in name
/// order (a read knows the uploads from a map, a plan from the configuration's list).
pub(super) fn with_uploads(
    mut objects: Vec<ManagedObject>,
    uris: &[String],
    partition: &str,
) -> Vec<ManagedObject> {
    let mut uris = uris.to_vec();
    uris.sort();
    for uri in &uris {
        if objects.iter().any(|o| o.name.as_ref_option() == Some(uri)) {
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
#[cfg(test)]
mod tests {
    use super::*;

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
            "../../../tests/fixtures/state-0.1.0/glue.tfstate.json"
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
        // Nothing else is lost: it serializes back to the same attributes plus those added
        // since (`long_running_minutes` null).
        let mut back = serde_json::to_value(&state).expect("serializes");
        for added in [
            "owner_id",
            "execution_class",
            "max_concurrent_runs",
            "job_run_queuing_enabled",
            "auto_scaling",
            "observability_metrics",
            "security_configuration",
            "connections",
            "spark_conf",
            "non_overridable_arguments",
            "unmanaged_settings",
            "extra_py_files",
            "extra_py_files_sha256",
            "schedule_enabled",
            "command",
            "python_version",
            "max_capacity",
            "job_mode",
            "source_control_details",
            "max_dpu_hours_per_run",
            "max_dpu_hours_per_day",
            "max_cost_per_run_usd",
        ] {
            back.as_object_mut().expect("object").remove(added);
        }
        assert_eq!(
            back.as_object_mut()
                .expect("object")
                .remove("long_running_minutes"),
            Some(serde_json::Value::Null)
        );
        assert_eq!(back, attributes);
    }
}
