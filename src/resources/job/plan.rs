//! Planning: configuration -> planned state, and the desired objects once everything is
//! known. No AWS call: the script file is read and hashed here.

use super::*;

/// The environment, `Ok(None)` when it depends on values not known yet.
pub(super) fn environment(config: &State) -> Result<Option<Environment>, Diagnostic> {
    let mut input = EnvironmentInput {
        python_shell: match &config.command {
            Value::Unknown => return Ok(None),
            c => model::is_python_shell(c.as_ref_option().map(String::as_str)),
        },
        ..Default::default()
    };
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
pub(super) fn context_tags_known(config: &State) -> bool {
    match &config.pipeline {
        Value::Value(p) => known_map(&p.tags).is_ok(),
        _ => true,
    }
}

/// Reads and hashes a local file (the script, or one of `extra_py_files`, at `at`).
pub(super) fn hash_file(path: &str, at: AttributePath) -> Result<(Vec<u8>, String), Diagnostic> {
    std::fs::read(path)
        .map(|bytes| {
            let h = model::sha256_hex(&bytes);
            (bytes, h)
        })
        .map_err(|e| {
            Diagnostic::new(
                "Cannot read file",
                format!("{path:?} cannot be read: {e}"),
                at,
            )
        })
}

/// What a plan yields: the planned state, and, when everything is known, the desired
/// objects and the bytes of each file to upload, by child name (`bucket/key`).
pub(super) struct Planned {
    pub(super) state: State,
    pub(super) desired: Option<model::Desired>,
    pub(super) bodies: BTreeMap<String, Vec<u8>>,
}

/// `extra_py_files`, read and hashed, with where each goes: `None` while the list, an entry
/// or the upload location is unknown.
fn extra_files(
    config: &State,
    env: Option<&Environment>,
    name: Option<&String>,
    bodies: &mut BTreeMap<String, Vec<u8>>,
) -> Result<Option<Vec<model::ExtraFile>>, Diagnostic> {
    let paths = match &config.extra_py_files {
        Value::Null => return Ok(Some(Vec::new())),
        Value::Unknown => return Ok(None),
        Value::Value(l) => l,
    };
    let mut read = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        let Value::Value(path) = p else {
            return Ok(None);
        };
        let at = AttributePath::new("extra_py_files").index(i as i64);
        let file_name = model::extra_files::file_name(path)
            .map_err(|e| Diagnostic::new("Invalid extra Python file", e, at.clone()))?;
        let (bytes, sha) = hash_file(path, at)?;
        read.push((file_name, bytes, sha));
    }
    let (Some(env), Some(name)) = (env, name) else {
        return Ok(None);
    };
    let Some(bucket) = &env.script_bucket else {
        return Err(Diagnostic::new(
            "Missing script bucket",
            "`extra_py_files` need a bucket to upload them to: set `pipeline` (its assets_bucket) or `script_bucket`.",
            AttributePath::new("script_bucket"),
        ));
    };
    let mut out = Vec::new();
    for (file_name, bytes, sha256) in read {
        let key = model::extra_files::key(&env.scripts_prefix, name, &file_name);
        bodies.insert(model::script_child_name(bucket, &key), bytes);
        out.push(model::ExtraFile {
            bucket: bucket.clone(),
            key,
            sha256,
        });
    }
    Ok(Some(out))
}

pub(super) fn plan(
    ctx: &AwsContext,
    config: &State,
    prior: Option<&State>,
) -> Result<Planned, Diagnostic> {
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
    s.command = or_default(&config.command, model::COMMAND_NAME.into());
    s.job_mode = or_default(&config.job_mode, model::DEFAULT_JOB_MODE.into());
    // A Python shell job is sized by `max_capacity`, a Spark job by its workers; each
    // kind's other attributes are null (validation refuses them in the configuration).
    match &s.command {
        Value::Value(c) if model::is_python_shell(Some(c)) => {
            s.python_version = or_default(
                &config.python_version,
                model::DEFAULT_PYTHON_SHELL_VERSION.into(),
            );
            s.max_capacity = or_default(
                &config.max_capacity,
                Number(model::DEFAULT_PYTHON_SHELL_CAPACITY),
            );
            s.worker_type = Value::Null;
            s.number_of_workers = Value::Null;
            s.glue_version = match (&config.glue_version, &s.python_version) {
                (Value::Null, Value::Value(p)) => {
                    Value::Value(model::default_glue_version(Some(c), p))
                }
                (Value::Null, _) => Value::Unknown,
                (v, _) => v.clone(),
            };
        }
        Value::Value(_) => {
            s.python_version = Value::Null;
            s.max_capacity = Value::Null;
            s.worker_type = or_default(&config.worker_type, model::DEFAULT_WORKER_TYPE.into());
            s.number_of_workers = or_default(
                &config.number_of_workers,
                Number::from(model::DEFAULT_NUMBER_OF_WORKERS),
            );
            s.glue_version = or_default(&config.glue_version, model::DEFAULT_GLUE_VERSION.into());
        }
        _ => {
            s.python_version = Value::Unknown;
            s.max_capacity = Value::Unknown;
            s.worker_type = Value::Unknown;
            s.number_of_workers = Value::Unknown;
            s.glue_version = Value::Unknown;
        }
    }
    let shell = model::is_python_shell(s.command.as_ref_option().map(String::as_str));
    s.timeout_minutes = or_default(
        &config.timeout_minutes,
        Number::from(model::DEFAULT_TIMEOUT_MINUTES),
    );
    s.max_retries = or_default(
        &config.max_retries,
        Number::from(model::DEFAULT_MAX_RETRIES),
    );
    s.execution_class = or_default(
        &config.execution_class,
        model::DEFAULT_EXECUTION_CLASS.into(),
    );
    s.max_concurrent_runs = or_default(
        &config.max_concurrent_runs,
        Number::from(model::DEFAULT_MAX_CONCURRENT_RUNS),
    );
    s.job_run_queuing_enabled = or_default(&config.job_run_queuing_enabled, false);
    s.auto_scaling = or_default(&config.auto_scaling, false);
    s.schedule_enabled = match &config.schedule {
        Value::Null => config.schedule_enabled,
        _ => or_default(&config.schedule_enabled, true),
    };
    s.observability_metrics = or_default(&config.observability_metrics, false);

    s.role_arn = match &env {
        Some(e) => Value::Value(e.role_arn.clone()),
        None => Value::Unknown,
    };

    // The script: where it goes and its hash.
    let mut bodies = BTreeMap::new();
    let script: Option<Script> = match (&config.script, &config.script_location) {
        (Value::Value(path), _) => {
            let (bytes, sha) = hash_file(path, AttributePath::new("script"))?;
            s.script_sha256 = Value::Value(sha.clone());
            match (&env, &name) {
                (Some(e), Some(n)) => match &e.script_bucket {
                    Some(bucket) => {
                        let key = model::script_key(&e.scripts_prefix, n);
                        bodies.insert(model::script_child_name(bucket, &key), bytes);
                        Some(Script::Upload {
                            bucket: bucket.clone(),
                            key,
                            sha256: sha,
                        })
                    }
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
            // Not ours: not read (see `state::read_state`), so no hash.
            s.script_sha256 = Value::Null;
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
    let extra = extra_files(config, env.as_ref(), name.as_ref(), &mut bodies)?;
    let extra_locations: Option<Vec<String>> = extra
        .as_ref()
        .map(|l| l.iter().map(model::ExtraFile::location).collect());
    s.extra_py_files_sha256 = match (&config.extra_py_files, &extra) {
        (Value::Null, _) => Value::Null,
        (_, Some(files)) => to_map(
            &files
                .iter()
                .map(|f| (f.location(), f.sha256.clone()))
                .collect(),
        ),
        (_, None) => Value::Unknown,
    };

    // Arguments and tags.
    let user_args = known_map(&config.arguments);
    let user_tags = known_map(&config.tags);
    let spark_conf = known_map(&config.spark_conf);
    let non_overridable = known_map(&config.non_overridable_arguments);
    s.arguments_all = match (
        &env,
        &user_args,
        &s.glue_version,
        &s.auto_scaling,
        &s.observability_metrics,
        &spark_conf,
        &extra_locations,
    ) {
        (
            Some(e),
            Ok(a),
            Value::Value(v),
            Value::Value(scaling),
            Value::Value(observe),
            Ok(conf),
            Some(extra),
        ) => to_map(&model::effective_arguments(
            e,
            v,
            &a.clone().unwrap_or_default(),
            &model::AttributeArguments {
                python_shell: shell,
                auto_scaling: *scaling,
                observability_metrics: *observe,
                spark_conf: conf.as_ref(),
                extra_py_files: extra,
            },
        )),
        _ => Value::Unknown,
    };
    // What Glue holds beyond the configuration is planned away, so the plan shows it. A
    // state from before this attribute, not refreshed, keeps its null: no update for that.
    s.unmanaged_settings = match prior.map(|p| &p.unmanaged_settings) {
        Some(Value::Null) => Value::Null,
        _ => Value::Value(Map::new()),
    };
    // The identity: kept from the prior state; made by the apply when there is none (a
    // create, or a state written by 0.1.0).
    s.owner_id = match prior.map(|p| &p.owner_id) {
        Some(Value::Value(o)) if !o.is_empty() => Value::Value(o.clone()),
        _ => Value::Unknown,
    };
    s.tags_all = match (&env, &user_tags) {
        (Some(e), Ok(t)) if context_tags_known(config) => identity::planned_tags_all(
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
    s.managed_objects = match (&name, &script, &config.schedule, &extra_locations) {
        (Some(n), Some(sc), sched, Some(extra)) if !sched.is_unknown() => {
            Value::Value(with_uploads(
                tf_managed::values(&model::managed_objects(
                    n,
                    Some(sc),
                    sched.is_value(),
                    ctx.partition,
                    &ctx.region,
                    account,
                )),
                extra,
                ctx.partition,
            ))
        }
        _ => Value::Unknown,
    };

    set_cost_attributes(&ctx.region, ctx.dpu_hour_price_usd, &mut s);

    // The desired objects, when everything is known.
    let settings = (|| -> Option<JobSettings> {
        Some(JobSettings {
            name: name.clone()?,
            command: Some(s.command.as_ref_option()?.clone()),
            python_version: s.python_version.as_ref_option().cloned(),
            max_capacity: s.max_capacity.as_ref_option().map(|n| n.0),
            job_mode: Some(s.job_mode.as_ref_option()?.clone()),
            source_control: match &config.source_control_details {
                Value::Value(b) => Some(b.model()?),
                Value::Null => None,
                Value::Unknown => return None,
            },
            worker_type: s.worker_type.as_ref_option().cloned(),
            number_of_workers: match &s.number_of_workers {
                Value::Value(n) => Some(n.as_i64()?),
                Value::Null => None,
                Value::Unknown => return None,
            },
            timeout_minutes: s.timeout_minutes.as_ref_option()?.as_i64(),
            max_retries: s.max_retries.as_ref_option()?.as_i64(),
            glue_version: s.glue_version.as_ref_option().cloned(),
            description: known_str(&config.description).ok()?,
            arguments: user_args.clone().ok()?.unwrap_or_default(),
            schedule: known_str(&config.schedule).ok()?,
            schedule_paused: match &s.schedule_enabled {
                Value::Value(e) => !e,
                Value::Null => false,
                Value::Unknown => return None,
            },
            tags: user_tags.clone().ok()?.unwrap_or_default(),
            long_running_minutes: match &config.long_running_minutes {
                Value::Value(n) => Some(n.as_i64()?),
                Value::Null => None,
                Value::Unknown => return None,
            },
            execution_class: Some(s.execution_class.as_ref_option()?.clone()),
            max_concurrent_runs: Some(s.max_concurrent_runs.as_ref_option()?.as_i64()?),
            job_run_queuing_enabled: Some(*s.job_run_queuing_enabled.as_ref_option()?),
            auto_scaling: Some(*s.auto_scaling.as_ref_option()?),
            observability_metrics: Some(*s.observability_metrics.as_ref_option()?),
            security_configuration: known_str(&config.security_configuration).ok()?,
            connections: match &config.connections {
                Value::Value(l) => l
                    .iter()
                    .map(|c| c.as_ref_option().cloned())
                    .collect::<Option<Vec<_>>>()?,
                Value::Null => Vec::new(),
                Value::Unknown => return None,
            },
            spark_conf: spark_conf.clone().ok()?.unwrap_or_default(),
            non_overridable_arguments: non_overridable.clone().ok()?.unwrap_or_default(),
            extra_py_files: extra.clone()?,
        })
    })();
    let desired = match (settings, &env, script) {
        (Some(settings), Some(env), Some(script))
            if !s.worker_type.is_unknown()
                && !s.glue_version.is_unknown()
                && !s.python_version.is_unknown()
                && !s.max_capacity.is_unknown()
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
        bodies,
    })
}

/// The first attribute of `config` that is not known, by path.
pub(super) fn unknown_attribute(config: &State) -> Option<AttributePath> {
    let top: [(&'static str, bool); 34] = [
        ("name", config.name.is_unknown()),
        (
            "source_control_details",
            config.source_control_details.is_unknown()
                || matches!(&config.source_control_details, Value::Value(b) if b.model().is_none()),
        ),
        ("job_mode", config.job_mode.is_unknown()),
        ("command", config.command.is_unknown()),
        ("python_version", config.python_version.is_unknown()),
        ("max_capacity", config.max_capacity.is_unknown()),
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
        (
            "long_running_minutes",
            config.long_running_minutes.is_unknown(),
        ),
        ("glue_version", config.glue_version.is_unknown()),
        ("execution_class", config.execution_class.is_unknown()),
        (
            "max_concurrent_runs",
            config.max_concurrent_runs.is_unknown(),
        ),
        (
            "job_run_queuing_enabled",
            config.job_run_queuing_enabled.is_unknown(),
        ),
        ("auto_scaling", config.auto_scaling.is_unknown()),
        (
            "observability_metrics",
            config.observability_metrics.is_unknown(),
        ),
        (
            "security_configuration",
            config.security_configuration.is_unknown(),
        ),
        ("connections", config.connections.is_unknown()),
        ("spark_conf", config.spark_conf.is_unknown()),
        ("extra_py_files", config.extra_py_files.is_unknown()),
        (
            "non_overridable_arguments",
            config.non_overridable_arguments.is_unknown(),
        ),
        ("description", config.description.is_unknown()),
        ("arguments", config.arguments.is_unknown()),
        ("schedule", config.schedule.is_unknown()),
        ("schedule_enabled", config.schedule_enabled.is_unknown()),
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
    for (attr, map) in [
        ("arguments", &config.arguments),
        ("tags", &config.tags),
        ("spark_conf", &config.spark_conf),
        (
            "non_overridable_arguments",
            &config.non_overridable_arguments,
        ),
    ] {
        if let Value::Value(m) = map {
            if let Some((k, _)) = m.iter().find(|(_, v)| v.is_unknown()) {
                return Some(AttributePath::new(attr).key(k.clone()));
            }
        }
    }
    None
}

/// Apply got a configuration that is not fully known; names the attribute when it can.
pub(super) fn not_known(config: &State) -> Diagnostic {
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
#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::job::validation::tests::base;

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
}
