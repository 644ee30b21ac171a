//! Offline validation of a `flywheel_job` configuration: every literal mistake is reported
//! with its attribute path before any API call.

use super::*;
use crate::validators::Checks;

/// A whole number from a known value; reports fractions at `attr`.
pub(super) fn whole(diags: &mut Diagnostics, v: &Value<Number>, attr: &'static str) -> Option<i64> {
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
    let at = AttributePath::new;
    let s3_uri = |u: &str| validate::s3_uri(u, false).map(|_| ());
    let mut c = Checks::new(diags);
    c.string(
        at("name"),
        &config.name,
        "Invalid job name",
        &model::check_name,
    );
    c.string(
        at("job_mode"),
        &config.job_mode,
        "Invalid job mode",
        &model::check_job_mode,
    );
    c.string(at("schedule"), &config.schedule, "Invalid schedule", &|s| {
        schedule::parse(s).map(|_| ())
    });
    c.string(
        at("script_location"),
        &config.script_location,
        "Invalid S3 URI",
        &|u| validate::s3_uri(u, true).map(|_| ()),
    );
    c.string(
        at("role_arn"),
        &config.role_arn,
        "Invalid role ARN",
        &validate::role_arn,
    );
    let bucket = &validate::bucket_name;
    c.string(
        at("script_bucket"),
        &config.script_bucket,
        "Invalid bucket name",
        bucket,
    );
    c.string(at("temp_dir"), &config.temp_dir, "Invalid S3 URI", &s3_uri);
    let logs = &config.spark_event_logs_path;
    c.string(at("spark_event_logs_path"), logs, "Invalid S3 URI", &s3_uri);
    if let Value::Value(p) = &config.pipeline {
        let at = |a| AttributePath::new("pipeline").attribute(a);
        c.string(
            at("role_arn"),
            &p.role_arn,
            "Invalid role ARN",
            &validate::role_arn,
        );
        c.string(
            at("assets_bucket"),
            &p.assets_bucket,
            "Invalid bucket name",
            bucket,
        );
        c.string(at("temp_dir"), &p.temp_dir, "Invalid S3 URI", &s3_uri);
        let logs = &p.spark_event_logs_path;
        c.string(at("spark_event_logs_path"), logs, "Invalid S3 URI", &s3_uri);
    }
    let diags = c.into_diags();
    // Some(true): a Python shell job; None while `command` is unknown or invalid.
    let shell = validate_command(config, diags);
    let worker_ok = match &config.worker_type {
        _ if shell != Some(false) => None,
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
        _ if shell != Some(false) => None,
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
    if let (Some(w), Some(v)) = (&worker_ok, &version_ok) {
        if let Err(e) = model::check_compatibility(w, v) {
            attr_error(
                diags,
                AttributePath::new("worker_type"),
                "Worker type not available in this Glue version",
                e,
            );
        }
    }
    validate_run_settings(config, worker_ok.as_deref(), version_ok.as_deref(), diags);
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

    if let Some(m) = whole(diags, &config.long_running_minutes, "long_running_minutes") {
        let timeout = match &config.timeout_minutes {
            Value::Value(t) => t.as_i64(),
            Value::Null => Some(model::DEFAULT_TIMEOUT_MINUTES),
            Value::Unknown => None,
        };
        if let Some(t) = timeout {
            if let Err(e) = model::check_long_running(m, t) {
                attr_error(
                    diags,
                    AttributePath::new("long_running_minutes"),
                    "Value out of range",
                    format!("long_running_minutes {e}"),
                );
            }
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
                // A Python shell job has no Spark UI (and an invalid command is reported).
                if v.is_null() && !(attr == "spark_event_logs_path" && shell != Some(false)) {
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
        if version_ok.as_deref().is_some_and(model::is_glue5) {
            for k in args
                .keys()
                .filter(|k| model::GLUE5_DEPRECATED_ARGUMENTS.contains(&k.as_str()))
            {
                diags.warning(
                    "Argument deprecated in Glue 5",
                    format!("arguments[{k:?}]: Glue 5.0 and later deprecate the continuous-logging arguments; every run already logs in real time to /aws-glue/jobs/error and /aws-glue/jobs/output (use --custom-logGroup-prefix to change the group). Remove it."),
                    AttributePath::new("arguments").key(k.clone()),
                );
            }
        }
        for (k, v) in args {
            let value = v.as_ref_option().map(String::as_str).unwrap_or("");
            if v.is_unknown()
                && !model::RESERVED_ARGUMENTS.contains(&k.as_str())
                && k.starts_with("--")
            {
                continue;
            }
            if shell == Some(true) && k == model::ARG_LIBRARY_SET {
                continue; // checked with the command
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
    validate_source_control(config, diags);
    validate_spark_conf(config, diags);
    validate_non_overridable(config, diags);
    validate_extra_py_files(config, diags);
    if config.schedule.is_null() && config.schedule_enabled.is_value() {
        attr_error(
            diags,
            AttributePath::new("schedule_enabled"),
            "Schedule setting without a schedule",
            "`schedule_enabled` pauses or resumes the `schedule`; set `schedule`, or remove `schedule_enabled`.",
        );
    }
    if let Ok(Some(t)) = known_map(&config.tags) {
        for (k, msg) in tags::problems(&t) {
            attr_error(diags, AttributePath::new("tags").key(k), "Invalid tag", msg);
        }
        if let Some(msg) = tags::count_problem(&t) {
            attr_error(diags, AttributePath::new("tags"), "Too many tags", msg);
        }
    }
}
/// `command` and what each kind of job takes: a Python shell job its `python_version`,
/// `max_capacity` and a Glue version that runs it, and no Spark setting; a Spark job neither
/// of the first two. Returns whether the job is a Python shell job, `None` when `command` is
/// unknown or invalid (reported).
fn validate_command(config: &State, diags: &mut Diagnostics) -> Option<bool> {
    let at = AttributePath::new;
    let shell = match &config.command {
        Value::Unknown => return None,
        Value::Null => false,
        Value::Value(c) => match model::check_command(c) {
            Ok(()) => model::is_python_shell(Some(c)),
            Err(e) => {
                attr_error(diags, at("command"), "Job command not supported", e);
                return None;
            }
        },
    };
    if !shell {
        for (attr, set) in [
            ("python_version", config.python_version.is_value()),
            ("max_capacity", config.max_capacity.is_value()),
        ] {
            if set {
                attr_error(
                    diags,
                    at(attr),
                    "Setting only for Python shell jobs",
                    format!("{attr} is for Python shell jobs (command = \"pythonshell\"); a Spark job (glueetl) runs Python 3 and is sized by worker_type and number_of_workers. Remove {attr}, or set command = \"pythonshell\"."),
                );
            }
        }
        return Some(false);
    }
    // Spark settings a Python shell job cannot take.
    let spark_only = [
        (
            "worker_type",
            config.worker_type.is_value(),
            "is sized by max_capacity (0.0625 or 1 DPU), not by workers",
        ),
        (
            "number_of_workers",
            config.number_of_workers.is_value(),
            "is sized by max_capacity (0.0625 or 1 DPU), not by workers",
        ),
        ("spark_conf", config.spark_conf.is_value(), "runs no Spark"),
        (
            "spark_event_logs_path",
            config.spark_event_logs_path.is_value(),
            "has no Spark UI",
        ),
        (
            "auto_scaling",
            config.auto_scaling == Value::Value(true),
            "has no workers to scale",
        ),
        (
            "observability_metrics",
            config.observability_metrics == Value::Value(true),
            "has no Spark observability metrics",
        ),
        (
            "execution_class",
            config.execution_class == Value::Value("FLEX".into()),
            "cannot run FLEX (Glue: only glueetl jobs on Glue 3.0 or later)",
        ),
    ];
    for (attr, set, why) in spark_only {
        if set {
            attr_error(
                diags,
                at(attr),
                "Spark setting on a Python shell job",
                format!("{attr}: a Python shell job {why}. Remove {attr}, or set command = \"glueetl\"."),
            );
        }
    }
    for (attr, args) in [
        ("arguments", &config.arguments),
        (
            "non_overridable_arguments",
            &config.non_overridable_arguments,
        ),
    ] {
        if let Value::Value(m) = args {
            for (k, v) in m {
                let value = v.as_ref_option().map(String::as_str);
                if k == model::ARG_LIBRARY_SET {
                    if let Some(Err(e)) = value.map(model::check_library_set) {
                        attr_error(diags, at(attr).key(k.clone()), "Invalid job argument", e);
                    }
                    continue;
                }
                if !model::is_spark_only_argument(k, value) {
                    continue;
                }
                attr_error(
                    diags,
                    at(attr).key(k.clone()),
                    "Spark argument on a Python shell job",
                    format!("{attr}[{k:?}] is a Spark job parameter, which a Python shell job ignores or refuses; remove it"),
                );
            }
        }
    }
    let python = match &config.python_version {
        Value::Value(v) => match model::check_python_shell_version(v) {
            Ok(()) => Some(v.clone()),
            Err(e) => {
                attr_error(diags, at("python_version"), "Invalid Python version", e);
                None
            }
        },
        Value::Null => Some(model::DEFAULT_PYTHON_SHELL_VERSION.to_string()),
        Value::Unknown => None,
    };
    if let Some(w) = python
        .as_deref()
        .and_then(model::python_shell_version_warning)
    {
        diags.warning(
            "Python shell version past end of support",
            w,
            at("python_version"),
        );
    }
    if let (Some(p), Value::Value(g)) = (&python, &config.glue_version) {
        if let Err(e) = model::check_python_shell_glue_version(p, g) {
            attr_error(
                diags,
                at("glue_version"),
                "Glue version does not run this Python shell",
                e,
            );
        }
    }
    if let Value::Value(n) = &config.max_capacity {
        if let Err(e) = model::check_python_shell_capacity(n.0) {
            attr_error(
                diags,
                at("max_capacity"),
                "Value out of range",
                format!("max_capacity: {e}"),
            );
        }
    }
    Some(true)
}

/// One field's check: the message when the value is wrong.
type Check = dyn Fn(&str) -> Result<(), String>;

/// `source_control_details`: Glue's providers, strings within its limits, and a Secrets
/// Manager secret rather than a token.
fn validate_source_control(config: &State, diags: &mut Diagnostics) {
    use model::source_control as sc;
    let Value::Value(b) = &config.source_control_details else {
        return;
    };
    let at = |f: &'static str| AttributePath::new("source_control_details").attribute(f);
    let text = |v: &str| sc::check_text(v);
    let fields: [(&'static str, &Value<String>, &Check); 8] = [
        ("provider", &b.provider, &sc::check_provider),
        ("repository", &b.repository, &text),
        ("owner", &b.owner, &text),
        ("branch", &b.branch, &text),
        ("folder", &b.folder, &text),
        ("last_commit_id", &b.last_commit_id, &text),
        ("auth_strategy", &b.auth_strategy, &sc::check_auth_strategy),
        ("auth_token", &b.auth_token, &text),
    ];
    for (f, v, check) in fields {
        if let Value::Value(v) = v {
            if let Err(e) = check(v) {
                attr_error(
                    diags,
                    at(f),
                    "Invalid source_control_details",
                    format!("source_control_details.{f}: {e}"),
                );
            }
        }
    }
    if let Some(m) = b.model() {
        if let Err((f, e)) = sc::check_combination(&m) {
            attr_error(
                diags,
                at(f),
                "Invalid source_control_details",
                format!("source_control_details.{f}: {e}"),
            );
        }
    }
}

/// `spark_conf`: Spark property names and values Glue's `--conf` can carry.
fn validate_spark_conf(config: &State, diags: &mut Diagnostics) {
    let Value::Value(conf) = &config.spark_conf else {
        return;
    };
    for (k, v) in conf {
        let at = AttributePath::new("spark_conf").key(k.clone());
        let checked = model::spark_conf::check_key(k).and_then(|()| match v {
            Value::Value(v) => model::spark_conf::check_value(k, v),
            _ => Ok(()),
        });
        if let Err(e) = checked {
            attr_error(diags, at, "Invalid Spark property", e);
        }
    }
}

/// `extra_py_files`: names Glue can list, each once, and `--extra-py-files` not also in
/// `arguments`. (Whether each file can be read is checked at plan.)
fn validate_extra_py_files(config: &State, diags: &mut Diagnostics) {
    let Value::Value(paths) = &config.extra_py_files else {
        return;
    };
    let mut seen = std::collections::BTreeSet::new();
    for (i, p) in paths.iter().enumerate() {
        let Value::Value(path) = p else { continue };
        let at = AttributePath::new("extra_py_files").index(i as i64);
        match model::extra_files::file_name(path) {
            Err(e) => attr_error(diags, at, "Invalid extra Python file", e),
            Ok(name) if !seen.insert(name.clone()) => attr_error(
                diags,
                at,
                "Duplicate file name",
                format!("two files are named {name:?}; they would be uploaded to the same object"),
            ),
            Ok(_) => {}
        }
    }
    if let Value::Value(args) = &config.arguments {
        let key = model::extra_files::ARG_EXTRA_PY_FILES;
        if args.contains_key(key) {
            attr_error(
                diags,
                AttributePath::new("arguments").key(key.to_string()),
                "Argument set twice",
                format!("{key} is written from `extra_py_files`; list every file there, or drop `extra_py_files` and set the argument"),
            );
        }
    }
}

/// `non_overridable_arguments`: checked like `arguments`, and never the same key as one.
fn validate_non_overridable(config: &State, diags: &mut Diagnostics) {
    let Value::Value(args) = &config.non_overridable_arguments else {
        return;
    };
    let user = match &config.arguments {
        Value::Value(a) => a.keys().cloned().collect(),
        _ => std::collections::BTreeSet::new(),
    };
    for (k, v) in args {
        let at = AttributePath::new("non_overridable_arguments").key(k.clone());
        let value = v.as_ref_option().map(String::as_str).unwrap_or("");
        let checked = if v.is_unknown() && k.starts_with("--") {
            Ok(())
        } else {
            model::check_argument(k, value)
        };
        if let Err(e) = checked {
            attr_error(diags, at, "Invalid job argument", e);
        } else if user.contains(k) {
            attr_error(
                diags,
                at,
                "Argument set twice",
                format!(
                    "{k} is in both `arguments` and `non_overridable_arguments`; set it in one"
                ),
            );
        }
    }
}

/// Execution class, concurrency, queuing, auto scaling and the Glue version's support
/// status. `worker_type` and `version` are the effective values, `None` while unknown or
/// invalid (already reported).
fn validate_run_settings(
    config: &State,
    worker_type: Option<&str>,
    version: Option<&str>,
    diags: &mut Diagnostics,
) {
    if let Some(w) = version.and_then(model::glue_version_warning) {
        let at = if config.glue_version.is_value() {
            AttributePath::new("glue_version")
        } else {
            AttributePath::new("name")
        };
        diags.warning("Glue version past end of support", w, at);
    }
    match &config.execution_class {
        Value::Value(c) if !model::EXECUTION_CLASSES.contains(&c.as_str()) => attr_error(
            diags,
            AttributePath::new("execution_class"),
            "Invalid execution class",
            format!("{c:?} is not a Glue execution class; use STANDARD or FLEX"),
        ),
        Value::Value(c) => {
            if let (Some(w), Some(v)) = (worker_type, version) {
                if let Err(e) = model::check_execution_class(c, w, v) {
                    attr_error(
                        diags,
                        AttributePath::new("execution_class"),
                        "FLEX not available for this job",
                        e,
                    );
                }
            }
        }
        _ => {}
    }
    if let Some(n) = whole(diags, &config.max_concurrent_runs, "max_concurrent_runs") {
        if n < 1 {
            attr_error(
                diags,
                AttributePath::new("max_concurrent_runs"),
                "Value out of range",
                format!("max_concurrent_runs must be at least 1, not {n}"),
            );
        }
    }
    if let Value::Value(name) = &config.security_configuration {
        if let Err(e) = crate::model::crawler_settings::check_security_configuration(name) {
            attr_error(
                diags,
                AttributePath::new("security_configuration"),
                "Invalid security_configuration",
                e,
            );
        }
    }
    if let Value::Value(names) = &config.connections {
        let mut seen = std::collections::BTreeSet::new();
        for (i, name) in names.iter().enumerate() {
            let Value::Value(name) = name else { continue };
            let problem = match crate::validate::glue_name(name, 255) {
                Err(e) => Some(format!("connection name {e}")),
                Ok(()) if !seen.insert(name) => Some(format!("{name:?} is listed more than once")),
                Ok(()) => None,
            };
            if let Some(e) = problem {
                attr_error(
                    diags,
                    AttributePath::new("connections").index(i as i64),
                    "Invalid connection",
                    e,
                );
            }
        }
    }
    if let (Value::Value(true), Some(v)) = (&config.observability_metrics, version) {
        if let Err(e) = model::check_observability_metrics(v) {
            attr_error(
                diags,
                AttributePath::new("observability_metrics"),
                "Observability metrics not available",
                e,
            );
        }
    }
    if let (Value::Value(true), Some(v)) = (&config.auto_scaling, version) {
        if let Err(e) = model::check_auto_scaling(v) {
            attr_error(
                diags,
                AttributePath::new("auto_scaling"),
                "Auto scaling not available",
                e,
            );
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn base() -> State {
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

    fn shell() -> State {
        State {
            command: Value::Value("pythonshell".into()),
            temp_dir: Value::Value("s3://my-assets/temporary/".into()),
            script_bucket: Value::Null,
            ..base()
        }
    }

    #[test]
    fn python_shell_settings_are_checked_and_spark_ones_refused() {
        // Without script_bucket a Python shell job needs temp_dir only.
        assert!(errors_at(&shell()).is_empty(), "{:?}", errors_at(&shell()));
        let mut ok = shell();
        ok.python_version = Value::Value("3.6".into());
        ok.glue_version = Value::Value("1.0".into());
        ok.max_capacity = Value::Value(Number(1.0));
        // Python shell's own arguments, and a bookmark option that keeps bookmarks off,
        // as a job built in the Glue console may carry.
        ok.arguments = Value::Value(
            [
                ("--additional-python-modules", "x"),
                ("library-set", "analytics"),
                ("--job-bookmark-option", "job-bookmark-disable"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::Value(v.to_string())))
            .collect(),
        );
        assert!(errors_at(&ok).is_empty(), "{:?}", errors_at(&ok));
        let mut d = Diagnostics::default();
        validate_config(&ok, &mut d);
        assert!(
            d.warnings.iter().any(|w| w.detail.contains("2026-03-01")),
            "3.6 warns"
        );

        type Mutation = Box<dyn Fn(&mut State)>;
        let cases: Vec<(&str, Mutation)> = vec![
            (
                "command",
                Box::new(|s| s.command = Value::Value("gluestreaming".into())),
            ),
            (
                "command",
                Box::new(|s| s.command = Value::Value("glueray".into())),
            ),
            (
                "python_version",
                Box::new(|s| s.python_version = Value::Value("3".into())),
            ),
            (
                "max_capacity",
                Box::new(|s| s.max_capacity = Value::Value(Number(2.0))),
            ),
            (
                "glue_version",
                Box::new(|s| s.glue_version = Value::Value("4.0".into())),
            ),
            (
                "worker_type",
                Box::new(|s| s.worker_type = Value::Value("G.1X".into())),
            ),
            (
                "number_of_workers",
                Box::new(|s| s.number_of_workers = Value::Value(Number(2.0))),
            ),
            (
                "spark_conf",
                Box::new(|s| {
                    s.spark_conf = Value::Value(
                        [("spark.x".to_string(), Value::Value("1".to_string()))].into(),
                    )
                }),
            ),
            (
                "spark_event_logs_path",
                Box::new(|s| s.spark_event_logs_path = Value::Value("s3://my-logs/l/".into())),
            ),
            (
                "auto_scaling",
                Box::new(|s| s.auto_scaling = Value::Value(true)),
            ),
            (
                "observability_metrics",
                Box::new(|s| s.observability_metrics = Value::Value(true)),
            ),
            (
                "execution_class",
                Box::new(|s| s.execution_class = Value::Value("FLEX".into())),
            ),
            (
                "arguments",
                Box::new(|s| {
                    s.arguments = Value::Value(
                        [(
                            "--job-bookmark-option".to_string(),
                            Value::Value("job-bookmark-enable".to_string()),
                        )]
                        .into(),
                    )
                }),
            ),
            (
                "arguments",
                Box::new(|s| {
                    s.arguments = Value::Value(
                        [(
                            "library-set".to_string(),
                            Value::Value("everything".to_string()),
                        )]
                        .into(),
                    )
                }),
            ),
            (
                "arguments",
                Box::new(|s| {
                    s.arguments = Value::Value(
                        [(
                            "--enable-spark-ui".to_string(),
                            Value::Value("true".to_string()),
                        )]
                        .into(),
                    )
                }),
            ),
        ];
        for (attr, mutate) in cases {
            let mut s = shell();
            mutate(&mut s);
            let errs = errors_at(&s);
            assert!(
                errs.len() == 1 && errs[0].contains(&format!("{attr:?}")),
                "{attr}: {errs:?}"
            );
        }
        // A Spark job refuses the Python shell settings.
        for (attr, mutate) in [
            (
                "python_version",
                Box::new(|s: &mut State| s.python_version = Value::Value("3.9".into())) as Mutation,
            ),
            (
                "max_capacity",
                Box::new(|s: &mut State| s.max_capacity = Value::Value(Number(1.0))),
            ),
        ] {
            let mut s = base();
            mutate(&mut s);
            let errs = errors_at(&s);
            assert!(
                errs.iter().any(|e| e.contains(&format!("{attr:?}"))),
                "{attr}: {errs:?}"
            );
        }
    }

    #[test]
    fn source_control_details_take_a_secret_never_a_token() {
        let git = |strategy: Option<&str>, token: Option<&str>, provider: &str| {
            let mut s = base();
            s.source_control_details = Value::Value(SourceControlBlock {
                provider: Value::Value(provider.into()),
                repository: Value::Value("etl".into()),
                auth_strategy: opt_value(strategy.map(str::to_string)),
                auth_token: opt_value(token.map(str::to_string)),
                ..Default::default()
            });
            errors_at(&s)
        };
        assert!(git(None, None, "GITHUB").is_empty());
        assert!(git(Some("AWS_SECRETS_MANAGER"), Some("git/token"), "GITLAB").is_empty());
        for (errs, field) in [
            (
                git(Some("PERSONAL_ACCESS_TOKEN"), Some("ghp_x"), "GITHUB"),
                "auth_strategy",
            ),
            (
                git(Some("AWS_SECRETS_MANAGER"), None, "GITHUB"),
                "auth_token",
            ),
            (git(None, Some("git/token"), "GITHUB"), "auth_strategy"),
            (git(None, None, "github"), "provider"),
        ] {
            assert!(
                errs.len() == 1 && errs[0].contains(&format!("{field:?}")),
                "{field}: {errs:?}"
            );
        }
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
            (
                "tags",
                Box::new(|s| {
                    let many = (0..47).map(|i| (format!("k{i}"), Value::Value("v".into())));
                    s.tags = Value::Value(many.collect());
                }),
            ),
            (
                "execution_class",
                Box::new(|s| s.execution_class = Value::Value("flex".into())),
            ),
            (
                "execution_class",
                Box::new(|s| {
                    s.execution_class = Value::Value("FLEX".into());
                    s.worker_type = Value::Value("G.4X".into());
                }),
            ),
            (
                "execution_class",
                Box::new(|s| {
                    s.execution_class = Value::Value("FLEX".into());
                    s.glue_version = Value::Value("2.0".into());
                }),
            ),
            (
                "max_concurrent_runs",
                Box::new(|s| s.max_concurrent_runs = Value::Value(Number(0.0))),
            ),
            (
                "job_mode",
                Box::new(|s| s.job_mode = Value::Value("visual".into())),
            ),
            (
                "security_configuration",
                Box::new(|s| s.security_configuration = Value::Value("a\nb".into())),
            ),
            (
                "connections",
                Box::new(|s| {
                    s.connections =
                        Value::Value(vec![Value::Value("vpc".into()), Value::Value("vpc".into())]);
                }),
            ),
            (
                "auto_scaling",
                Box::new(|s| {
                    s.auto_scaling = Value::Value(true);
                    s.glue_version = Value::Value("2.0".into());
                }),
            ),
            (
                "observability_metrics",
                Box::new(|s| {
                    s.observability_metrics = Value::Value(true);
                    s.glue_version = Value::Value("3.0".into());
                }),
            ),
            (
                "arguments",
                Box::new(|s| {
                    s.arguments = Value::Value(
                        [(
                            "--enable-auto-scaling".to_string(),
                            Value::Value("true".to_string()),
                        )]
                        .into(),
                    );
                }),
            ),
            (
                "spark_conf",
                Box::new(|s| {
                    s.spark_conf = Value::Value(
                        [("sql.shuffle".to_string(), Value::Value("1".to_string()))].into(),
                    );
                }),
            ),
            (
                "spark_conf",
                Box::new(|s| {
                    s.spark_conf = Value::Value(
                        [(
                            "spark.driver.extraJavaOptions".to_string(),
                            Value::Value("-Da=1 -Db=2".to_string()),
                        )]
                        .into(),
                    );
                }),
            ),
            (
                "arguments",
                Box::new(|s| {
                    s.arguments = Value::Value(
                        [("--conf".to_string(), Value::Value("spark.a=1".to_string()))].into(),
                    );
                }),
            ),
            (
                "non_overridable_arguments",
                Box::new(|s| {
                    s.non_overridable_arguments = Value::Value(
                        [("--JOB_NAME".to_string(), Value::Value("x".to_string()))].into(),
                    );
                }),
            ),
            (
                "extra_py_files",
                Box::new(|s| {
                    s.extra_py_files = Value::Value(vec![Value::Value("lib/notes.txt".into())]);
                }),
            ),
            (
                "schedule_enabled",
                Box::new(|s| {
                    s.schedule = Value::Null;
                    s.schedule_enabled = Value::Value(false);
                }),
            ),
            (
                "extra_py_files",
                Box::new(|s| {
                    s.extra_py_files = Value::Value(vec![
                        Value::Value("a/utils.py".into()),
                        Value::Value("b/utils.py".into()),
                    ]);
                }),
            ),
            (
                "arguments",
                Box::new(|s| {
                    s.extra_py_files = Value::Value(vec![Value::Value("lib/utils.py".into())]);
                    s.arguments = Value::Value(
                        [(
                            "--extra-py-files".to_string(),
                            Value::Value("s3://b/x.py".to_string()),
                        )]
                        .into(),
                    );
                }),
            ),
            (
                "non_overridable_arguments",
                Box::new(|s| {
                    let arg = || [("--env".to_string(), Value::Value("prod".to_string()))].into();
                    s.arguments = Value::Value(arg());
                    s.non_overridable_arguments = Value::Value(arg());
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
    fn past_support_versions_and_glue5_logging_arguments_warn() {
        let mut s = base();
        s.glue_version = Value::Value("2.0".into());
        let mut d = Diagnostics::default();
        validate_config(&s, &mut d);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(d.warnings.len(), 1);
        assert!(d.warnings[0].detail.contains("2024-01-31"));
        assert_eq!(d.warnings[0].attribute, AttributePath::new("glue_version"));

        let mut s = base();
        s.glue_version = Value::Value("5.1".into());
        s.arguments = Value::Value(
            [(
                "--enable-continuous-cloudwatch-log".to_string(),
                Value::Value("true".to_string()),
            )]
            .into(),
        );
        let mut d = Diagnostics::default();
        validate_config(&s, &mut d);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
        assert!(d.warnings[0].detail.contains("Glue 5.0"));

        // 3.0: a warning without an invented date.
        let mut s = base();
        s.glue_version = Value::Value("3.0".into());
        let mut d = Diagnostics::default();
        validate_config(&s, &mut d);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
        assert!(d.warnings[0].detail.contains("Python 3.7"));
    }

    #[test]
    fn valid_spark_conf_and_non_overridable_arguments_pass() {
        let mut s = base();
        s.spark_conf = Value::Value(
            [(
                "spark.sql.shuffle.partitions".to_string(),
                Value::Value("200".to_string()),
            )]
            .into(),
        );
        s.non_overridable_arguments =
            Value::Value([("--env".to_string(), Value::Value("prod".to_string()))].into());
        assert!(errors_at(&s).is_empty(), "{:?}", errors_at(&s));
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
}
