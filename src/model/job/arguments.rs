//! A job's Glue arguments: the built-in defaults (by Glue version), the user's overrides,
//! those other attributes write (`auto_scaling`, `spark_conf`, `extra_py_files`,
//! `observability_metrics`), and which of the arguments Glue holds read back as the user's.

use std::collections::BTreeMap;

use super::*;

/// Arguments Glue reserves for itself.
pub const RESERVED_ARGUMENTS: [&str; 6] = [
    "--conf",
    "--debug",
    "--mode",
    "--JOB_NAME",
    "--JOB_ID",
    "--JOB_RUN_ID",
];

pub const ARG_METRICS: &str = "--enable-metrics";
pub const ARG_CONTINUOUS_LOG: &str = "--enable-continuous-cloudwatch-log";
pub const ARG_SPARK_UI: &str = "--enable-spark-ui";
pub const ARG_SPARK_LOGS: &str = "--spark-event-logs-path";
pub const ARG_TEMP_DIR: &str = "--TempDir";
pub const ARG_BOOKMARK: &str = "--job-bookmark-option";
/// Set by `auto_scaling`, never in `arguments`.
pub const ARG_AUTO_SCALING: &str = "--enable-auto-scaling";
/// Glue's observability metrics (job runs succeeded and failed, for the pipeline's
/// dashboard), Glue 4.0 and later; set by `observability_metrics`, never in `arguments`.
pub const ARG_OBSERVABILITY: &str = "--enable-observability-metrics";
/// Continuous-logging arguments Glue 5.0 deprecates.
pub const GLUE5_DEPRECATED_ARGUMENTS: [&str; 5] = [
    ARG_CONTINUOUS_LOG,
    "--continuous-log-logGroup",
    "--continuous-log-logStreamPrefix",
    "--continuous-log-conversionPattern",
    "--enable-continuous-log-filter",
];
/// What Glue does when a job has no `--job-bookmark-option`.
pub const BOOKMARK_DISABLE: &str = "job-bookmark-disable";
pub const BOOKMARK_OPTIONS: [&str; 3] = [
    "job-bookmark-enable",
    "job-bookmark-disable",
    "job-bookmark-pause",
];

/// The built-in default arguments whose values do not depend on the environment.
pub const STATIC_DEFAULTS: [(&str, &str); 4] = [
    (ARG_METRICS, "true"),
    (ARG_CONTINUOUS_LOG, "true"),
    (ARG_SPARK_UI, "true"),
    (ARG_BOOKMARK, "job-bookmark-enable"),
];

/// Every key the provider sets by default (the static ones plus the two S3 paths).
pub fn is_default_key(key: &str) -> bool {
    key == ARG_TEMP_DIR || key == ARG_SPARK_LOGS || STATIC_DEFAULTS.iter().any(|(k, _)| *k == key)
}

/// The static defaults for a Glue version: 5.x jobs get no continuous-logging argument.
fn static_defaults(glue_version: &str) -> impl Iterator<Item = (&'static str, &'static str)> {
    let glue5 = is_glue5(glue_version);
    STATIC_DEFAULTS
        .into_iter()
        .filter(move |(k, _)| !(glue5 && *k == ARG_CONTINUOUS_LOG))
}

/// The built-in default arguments for an environment and Glue version.
pub fn default_arguments(env: &Environment, glue_version: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = static_defaults(glue_version)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    out.insert(ARG_TEMP_DIR.into(), env.temp_dir.clone());
    out.insert(ARG_SPARK_LOGS.into(), env.spark_event_logs_path.clone());
    out
}

/// The built-in default arguments of a Python shell job: only `--TempDir`. The others are
/// Spark's: metrics, continuous logging and the Spark UI are Spark job parameters, and
/// "you can't use job bookmarks with Python shell jobs" ("Configuring job properties for
/// Python shell jobs").
pub fn python_shell_default_arguments(env: &Environment) -> BTreeMap<String, String> {
    [(ARG_TEMP_DIR.to_string(), env.temp_dir.clone())].into()
}

/// Arguments only a Spark job may be given (they have no effect on a Python shell job, or
/// Glue documents them for Spark only), with the attribute that sets them where one does.
pub const SPARK_ONLY_ARGUMENTS: [&str; 6] = [
    ARG_SPARK_UI,
    ARG_SPARK_LOGS,
    ARG_CONTINUOUS_LOG,
    ARG_BOOKMARK,
    "--enable-glue-datacatalog",
    "--extra-jars",
];

/// Whether a Python shell job may not be given `key` (with `value`, when known): the Spark
/// parameters, except `--job-bookmark-option job-bookmark-disable`, which says what Python
/// shell jobs do anyway ("you can't use job bookmarks with Python shell jobs") and which a
/// job built elsewhere may carry, so that its import validates.
pub fn is_spark_only_argument(key: &str, value: Option<&str>) -> bool {
    SPARK_ONLY_ARGUMENTS.contains(&key)
        && !(key == ARG_BOOKMARK && value == Some("job-bookmark-disable"))
}

/// Python shell's `library-set` argument (no leading `--`): `analytics` loads the common
/// analytics libraries (the Glue console's recommended default), `none` does not.
pub const ARG_LIBRARY_SET: &str = "library-set";
pub const LIBRARY_SETS: [&str; 2] = ["analytics", "none"];

pub fn check_library_set(value: &str) -> Result<(), String> {
    if LIBRARY_SETS.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "library-set must be \"analytics\" (the common analytics libraries) or \"none\", not {value:?}"
        ))
    }
}

/// The arguments other attributes write: `auto_scaling`, `spark_conf`, `extra_py_files`.
#[derive(Clone, Debug, Default)]
pub struct AttributeArguments<'a> {
    /// A Python shell job: its own defaults (`python_shell_default_arguments`), and none of
    /// the Spark attributes' arguments.
    pub python_shell: bool,
    pub auto_scaling: bool,
    pub observability_metrics: bool,
    pub spark_conf: Option<&'a BTreeMap<String, String>>,
    /// The uploaded files' S3 paths, in order.
    pub extra_py_files: &'a [String],
}

/// Defaults overlaid by the user's arguments, plus those other attributes write
/// (`--enable-auto-scaling`, `--enable-observability-metrics`, `--conf`,
/// `--extra-py-files`): exactly what Glue is sent.
pub fn effective_arguments(
    env: &Environment,
    glue_version: &str,
    user: &BTreeMap<String, String>,
    from_attributes: &AttributeArguments,
) -> BTreeMap<String, String> {
    if from_attributes.python_shell {
        let mut out = python_shell_default_arguments(env);
        out.extend(user.iter().map(|(k, v)| (k.clone(), v.clone())));
        if let Some(files) = extra_files::argument(from_attributes.extra_py_files) {
            out.insert(extra_files::ARG_EXTRA_PY_FILES.into(), files);
        }
        return out;
    }
    let mut out = default_arguments(env, glue_version);
    out.extend(user.iter().map(|(k, v)| (k.clone(), v.clone())));
    if from_attributes.auto_scaling {
        out.insert(ARG_AUTO_SCALING.into(), "true".into());
    }
    if from_attributes.observability_metrics {
        out.insert(ARG_OBSERVABILITY.into(), "true".into());
    }
    if let Some(conf) = from_attributes.spark_conf.and_then(spark_conf::render) {
        out.insert(spark_conf::ARG_CONF.into(), conf);
    }
    if let Some(files) = extra_files::argument(from_attributes.extra_py_files) {
        out.insert(extra_files::ARG_EXTRA_PY_FILES.into(), files);
    }
    out
}

/// The `spark_conf` a job's arguments (as Glue holds them) carry in `--conf`.
pub fn spark_conf_of(arguments: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    arguments
        .get(spark_conf::ARG_CONF)
        .map(|v| spark_conf::parse(v))
        .unwrap_or_default()
}

/// Whether the arguments Glue holds turn the observability metrics on.
pub fn observability_metrics_of(arguments: &BTreeMap<String, String>) -> bool {
    arguments
        .get(ARG_OBSERVABILITY)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// Whether the arguments Glue holds turn auto scaling on.
pub fn auto_scaling_of(arguments: &BTreeMap<String, String>) -> bool {
    arguments
        .get(ARG_AUTO_SCALING)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// Which of the job's arguments (as AWS holds them) are the user's. An argument is the
/// user's when it is not a built-in default key, when the prior state recorded it as the
/// user's, or (for defaults with a fixed value) when its value differs from the default.
/// So defaults never appear in `arguments`, and an import of a job with overrides reads
/// them back as overrides.
/// `extra_py_files_is_argument`: `--extra-py-files` is the user's argument (no
/// `extra_py_files` in the state) rather than that attribute's. `python_shell`: a Python
/// shell job, whose only default is `--TempDir`, so every other argument it holds is the
/// user's.
pub fn user_arguments(
    all: &BTreeMap<String, String>,
    prior_user: Option<&BTreeMap<String, String>>,
    extra_py_files_is_argument: bool,
    python_shell: bool,
) -> BTreeMap<String, String> {
    all.iter()
        .filter(|(k, v)| {
            if python_shell && *k != ARG_TEMP_DIR && *k != extra_files::ARG_EXTRA_PY_FILES {
                return true;
            }
            if *k == ARG_AUTO_SCALING || *k == ARG_OBSERVABILITY || *k == spark_conf::ARG_CONF {
                return false; // `auto_scaling`, `observability_metrics`, `spark_conf`
            }
            if *k == extra_files::ARG_EXTRA_PY_FILES
                && !prior_user.is_some_and(|p| p.contains_key(*k))
            {
                // `extra_py_files`, unless `arguments` set it (a job without extra files
                // may list objects of its own there); an import reads it back as an
                // argument (see the read).
                return extra_py_files_is_argument;
            }
            if !is_default_key(k) || prior_user.is_some_and(|p| p.contains_key(*k)) {
                return true;
            }
            STATIC_DEFAULTS.iter().any(|(dk, dv)| dk == k && dv != v)
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .chain(
            // A job without the argument runs with bookmarks off (Glue's default). An
            // import reads that back as `job-bookmark-disable`, not as the provider's
            // default (on), which would change which data its runs process; the refresh
            // after it keeps it until the apply writes it. The other defaults only add
            // logs and metrics. A Python shell job has no bookmarks: nothing to keep.
            (!python_shell
                && !all.contains_key(ARG_BOOKMARK)
                && prior_user.is_none_or(|p| {
                    p.get(ARG_BOOKMARK).map(String::as_str) == Some(BOOKMARK_DISABLE)
                }))
            .then(|| (ARG_BOOKMARK.to_string(), BOOKMARK_DISABLE.to_string())),
        )
        .collect()
}

#[cfg(test)]
mod import_tests {
    use super::*;

    #[test]
    fn an_imported_job_without_bookmarks_keeps_them_off() {
        let all: BTreeMap<String, String> =
            [(ARG_TEMP_DIR.to_string(), "s3://b/temporary/".to_string())].into();
        let imported = user_arguments(&all, None, true, false);
        assert_eq!(
            imported.get(ARG_BOOKMARK).map(String::as_str),
            Some(BOOKMARK_DISABLE)
        );
        // A refresh reads what is there: the configuration decides; the refresh right
        // after the import keeps the read-back value.
        assert!(user_arguments(&all, Some(&BTreeMap::new()), true, false).is_empty());
        assert_eq!(user_arguments(&all, Some(&imported), true, false), imported);
        // A job with bookmarks on reads back as the default.
        let mut on = all.clone();
        on.insert(ARG_BOOKMARK.into(), "job-bookmark-enable".into());
        assert!(user_arguments(&on, None, true, false).is_empty());
        // A Python shell job (no bookmarks) gains no bookmark argument.
        assert!(user_arguments(&all, None, true, true).is_empty());
    }
}
