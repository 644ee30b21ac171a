//! Offline checks of a job's settings against Glue's rules (the limits listed in the
//! parent module's documentation): worker types by Glue version, FLEX, auto scaling,
//! ranges, names and arguments. Each returns the message validation shows.

use super::*;

/// Glue 5.0 or later, where continuous logging is built in and its arguments deprecated.
pub fn is_glue5(version: &str) -> bool {
    version_number(version).is_some_and(|v| v >= (5, 0))
}

/// What a worker type is for, as far as Spark ETL jobs go.
fn worker_type_rule(worker_type: &str) -> Result<&'static str, String> {
    match worker_type {
        "G.1X" | "G.2X" => Ok("2.0"),
        "G.4X" | "G.8X" => Ok("3.0"),
        "G.12X" | "G.16X" | "R.1X" | "R.2X" | "R.4X" | "R.8X" => Ok("4.0"),
        "G.025X" => Err("G.025X is only for Glue streaming jobs; Spark ETL jobs use G.1X or larger".into()),
        "Z.2X" => Err("Z.2X is only for Glue Ray jobs; Spark ETL jobs use G.1X or larger".into()),
        "Standard" => Err("Standard is the deprecated pre-Glue-2.0 worker type; use G.1X".into()),
        other => Err(format!(
            "{other:?} is not a Glue worker type for Spark ETL jobs; use one of G.1X, G.2X, G.4X, G.8X, G.12X, G.16X, R.1X, R.2X, R.4X, R.8X"
        )),
    }
}

fn version_number(v: &str) -> Option<(u32, u32)> {
    let (a, b) = v.split_once('.')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

pub fn check_worker_type(worker_type: &str) -> Result<(), String> {
    worker_type_rule(worker_type).map(|_| ())
}

pub fn check_glue_version(version: &str) -> Result<(), String> {
    if GLUE_VERSIONS.contains(&version) {
        Ok(())
    } else {
        Err(format!(
            "{version:?} is not a supported Glue version for Spark ETL jobs; use one of {}",
            GLUE_VERSIONS.join(", ")
        ))
    }
}

/// What Glue's support policy says of a version, when it is past support or nearing it.
/// AWS has published no date for 3.0; the warning says so rather than inventing one.
pub fn glue_version_warning(version: &str) -> Option<String> {
    match version {
        "2.0" => Some("Glue 2.0 reached end of support on 2024-01-31 and end of life on 2026-04-01 (AWS Glue version support policy): AWS no longer fixes it, and its jobs may stop running. Move to glue_version 4.0 or later.".to_string()),
        "3.0" => Some("Glue 3.0 runs Spark 3.1 and Python 3.7, both past their community end of life; AWS's Glue version support policy ends a version's support when a major component reaches that point, and AWS has not yet published the date for 3.0. Plan a move to glue_version 4.0 or later.".to_string()),
        _ => None,
    }
}

/// `execution_class` is STANDARD or FLEX; FLEX needs Glue 3.0 or later and G.1X or G.2X.
/// Only called once worker type and version are valid alone.
pub fn check_execution_class(class: &str, worker_type: &str, version: &str) -> Result<(), String> {
    if !EXECUTION_CLASSES.contains(&class) {
        return Err(format!(
            "{class:?} is not a Glue execution class; use STANDARD or FLEX"
        ));
    }
    if class != "FLEX" {
        return Ok(());
    }
    if version_number(version).is_none_or(|v| v < (3, 0)) {
        return Err(format!(
            "FLEX needs Glue 3.0 or later, but glue_version is {version:?}"
        ));
    }
    if !["G.1X", "G.2X"].contains(&worker_type) {
        return Err(format!(
            "FLEX runs only on G.1X or G.2X workers, but worker_type is {worker_type:?}"
        ));
    }
    Ok(())
}

/// Auto scaling needs Glue 3.0 or later.
pub fn check_auto_scaling(version: &str) -> Result<(), String> {
    match version_number(version) {
        Some(v) if v >= (3, 0) => Ok(()),
        _ => Err(format!(
            "auto scaling needs Glue 3.0 or later, but glue_version is {version:?}"
        )),
    }
}

/// Glue's observability metrics need Glue 4.0 or later.
pub fn check_observability_metrics(version: &str) -> Result<(), String> {
    match version_number(version) {
        Some(v) if v >= (4, 0) => Ok(()),
        _ => Err(format!(
            "observability metrics need Glue 4.0 or later, but glue_version is {version:?}"
        )),
    }
}

/// The worker type must exist in the Glue version. Only called once both are valid alone.
pub fn check_compatibility(worker_type: &str, version: &str) -> Result<(), String> {
    let min = worker_type_rule(worker_type)?;
    match (version_number(version), version_number(min)) {
        (Some(have), Some(need)) if have >= need => Ok(()),
        _ => Err(format!(
            "worker type {worker_type} needs Glue {min} or later, but glue_version is {version:?}"
        )),
    }
}

pub fn check_range(value: i64, (lo, hi): (i64, i64)) -> Result<(), String> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(format!("must be between {lo} and {hi}, not {value}"))
    }
}

/// `long_running_minutes` must be at least 1 and below the job's timeout: a run reaches
/// its timeout and fails (the failure alert) before a longer delay could ever pass.
pub fn check_long_running(minutes: i64, timeout: i64) -> Result<(), String> {
    if minutes >= 1 && minutes < timeout {
        Ok(())
    } else {
        Err(format!(
            "must be between 1 and {} (below timeout_minutes = {timeout}, when the run is stopped anyway), not {minutes}",
            timeout - 1
        ))
    }
}

pub fn check_name(name: &str) -> Result<(), String> {
    crate::validate::glue_name(name, MAX_NAME_LEN)?;
    if name.contains('/') {
        return Err(format!(
            "{name:?} must not contain \"/\" (it becomes part of the job ARN and the script's S3 key)"
        ));
    }
    Ok(())
}

/// Problems with one user argument: (key, message).
pub fn check_argument(key: &str, value: &str) -> Result<(), String> {
    if key == spark_conf::ARG_CONF {
        return Err(format!(
            "{key} is written from the `spark_conf` attribute: set `spark_conf = {{ \"spark.sql.shuffle.partitions\" = \"200\" }}` instead"
        ));
    }
    if RESERVED_ARGUMENTS.contains(&key) {
        return Err(format!(
            "{key:?} is reserved: Glue sets it on every run, and a job must not set it"
        ));
    }
    if !key.starts_with("--") || key.len() < 3 {
        return Err(format!(
            "{key:?} must start with \"--\" (Glue passes arguments to the script as --name value, and getResolvedOptions reads them that way)"
        ));
    }
    if key == ARG_AUTO_SCALING {
        return Err(format!(
            "{key} is set by the `auto_scaling` attribute; set `auto_scaling = true` instead"
        ));
    }
    if key == ARG_OBSERVABILITY {
        return Err(format!(
            "{key} is set by the `observability_metrics` attribute; set `observability_metrics = true` instead"
        ));
    }
    match key {
        ARG_TEMP_DIR | ARG_SPARK_LOGS => {
            crate::validate::s3_uri(value, false).map(|_| ())?;
        }
        ARG_BOOKMARK if !BOOKMARK_OPTIONS.contains(&value) => {
            return Err(format!(
                "{key} must be one of {}, not {value:?}",
                BOOKMARK_OPTIONS.join(", ")
            ))
        }
        _ => {}
    }
    Ok(())
}

/// `command`: `glueetl` or `pythonshell`. Streaming and Ray jobs are refused by name, since
/// this provider manages neither (their workers, maintenance windows and runtimes differ).
pub fn check_command(command: &str) -> Result<(), String> {
    match command {
        c if COMMANDS.contains(&c) => Ok(()),
        "gluestreaming" => Err("streaming jobs (gluestreaming) are not managed by flywheel_job; use \"glueetl\" (Spark ETL) or \"pythonshell\", or manage the streaming job with aws_glue_job".into()),
        "glueray" => Err("Ray jobs (glueray) are not managed by flywheel_job; use \"glueetl\" (Spark ETL) or \"pythonshell\", or manage the Ray job with aws_glue_job".into()),
        other => Err(format!(
            "{other:?} is not a Glue job command flywheel_job manages; use \"glueetl\" (Spark ETL, the default) or \"pythonshell\""
        )),
    }
}

/// `job_mode`: SCRIPT, VISUAL or NOTEBOOK.
pub fn check_job_mode(mode: &str) -> Result<(), String> {
    if JOB_MODES.contains(&mode) {
        Ok(())
    } else {
        Err(format!(
            "{mode:?} is not a Glue job mode; use SCRIPT (the default), VISUAL or NOTEBOOK"
        ))
    }
}

/// A Python shell job's `python_version`: 3.9 or 3.6.
pub fn check_python_shell_version(version: &str) -> Result<(), String> {
    if PYTHON_SHELL_VERSIONS.iter().any(|(p, _)| *p == version) {
        Ok(())
    } else {
        Err(format!(
            "{version:?} is not a Python version of Glue Python shell jobs; use \"3.9\" (the default) or \"3.6\""
        ))
    }
}

/// A Python shell job's Glue version is the one its Python version runs on.
pub fn check_python_shell_glue_version(python: &str, glue: &str) -> Result<(), String> {
    match PYTHON_SHELL_VERSIONS.iter().find(|(p, _)| *p == python) {
        Some((_, g)) if *g == glue => Ok(()),
        Some((_, g)) => Err(format!(
            "a Python shell job with python_version {python:?} runs on Glue {g}, not {glue:?}; set glue_version = \"{g}\" or leave it unset"
        )),
        None => Ok(()), // the Python version is reported on its own
    }
}

/// What Glue's support policy says of a Python shell version past support.
pub fn python_shell_version_warning(version: &str) -> Option<String> {
    (version == "3.6").then(|| "Python shell 3.6 reached end of support on 2026-03-01 (AWS Glue's Python shell documentation): AWS no longer fixes it. Move to python_version \"3.9\" (on Glue 3.0).".to_string())
}

/// A Python shell job's `max_capacity`: 0.0625 or 1 DPU.
pub fn check_python_shell_capacity(dpus: f64) -> Result<(), String> {
    if PYTHON_SHELL_CAPACITIES.contains(&dpus) {
        Ok(())
    } else {
        Err(format!(
            "a Python shell job runs on 0.0625 or 1 DPU (Glue's MaxCapacity), not {dpus}"
        ))
    }
}
