//! What an import reads back from a job that its configuration would otherwise hold: the
//! environment attributes (`script_bucket`, `temp_dir`, `spark_event_logs_path`) and the
//! job's own tags.

use super::*;

/// The standalone environment attributes an import reads back from the job: `script_bucket`,
/// `temp_dir` and `spark_event_logs_path`, each `None` when the configuration that made
/// the job would leave it unset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportedEnvironment {
    pub script_bucket: Option<String>,
    pub temp_dir: Option<String>,
    pub spark_event_logs_path: Option<String>,
}

/// What an import reads back into the environment attributes, from the job's script
/// location and its `--TempDir` and `--spark-event-logs-path`. `script_bucket` is the
/// bucket both paths are the standalone defaults of, else the bucket of an uploaded
/// script (`<bucket>/scripts/<name>.py`), else (when a path is missing) the bucket of the
/// script wherever it is; a path that is not its bucket's default is read back as it is. (A configuration that writes the defaults out by hand, or takes them
/// from a pipeline, reads back in this shorter form.)
pub fn imported_environment(
    name: &str,
    script_location: Option<&str>,
    arguments: &BTreeMap<String, String>,
    python_shell: bool,
) -> ImportedEnvironment {
    let temp = arguments.get(ARG_TEMP_DIR).cloned();
    let logs = arguments.get(ARG_SPARK_LOGS).cloned();
    let defaults_of = |bucket: &str| {
        (
            format!("s3://{bucket}/{STANDALONE_TEMP_PREFIX}"),
            format!("s3://{bucket}/{STANDALONE_SPARK_LOGS_PREFIX}"),
        )
    };
    let bucket_of = |uri: &Option<String>| {
        uri.as_deref()
            .and_then(|u| crate::validate::s3_uri(u, false).ok())
            .map(|(b, _)| b)
    };
    // A Python shell job has no Spark UI path: its `--TempDir` alone is the default.
    let both_defaults = bucket_of(&temp).filter(|b| {
        let (t, l) = defaults_of(b);
        temp.as_deref() == Some(t.as_str())
            && (logs.as_deref() == Some(l.as_str()) || logs.is_none() && python_shell)
    });
    let uploaded = script_location
        .and_then(|u| crate::validate::s3_uri(u, true).ok())
        .filter(|(_, key)| *key == script_key(DEFAULT_SCRIPTS_PREFIX, name))
        .map(|(b, _)| b);
    // A job missing either path (built without the console's defaults) takes them beside
    // its script, wherever that is: the configuration needs both, and a temporary
    // directory in the script's bucket is what the console would have chosen.
    // (A Python shell job needs only the first.)
    let beside_script = (temp.is_none() || logs.is_none() && !python_shell)
        .then(|| {
            script_location
                .and_then(|u| crate::validate::s3_uri(u, true).ok())
                .map(|(b, _)| b)
        })
        .flatten();
    let script_bucket = both_defaults.or(uploaded).or(beside_script);
    let (default_temp, default_logs) = match &script_bucket {
        Some(b) => {
            let (t, l) = defaults_of(b);
            (Some(t), Some(l))
        }
        None => (None, None),
    };
    ImportedEnvironment {
        temp_dir: temp.filter(|t| Some(t) != default_temp.as_ref()),
        spark_event_logs_path: logs.filter(|l| Some(l) != default_logs.as_ref()),
        script_bucket,
    }
}

/// Which of the tags AWS holds are the resource's own `tags`: those the prior state had, or
/// on import, every tag that neither the provider's defaults nor ownership explain.
pub fn user_tags(all: &Tags, prior: Option<&Tags>, default_tags: &Tags) -> Tags {
    all.iter()
        .filter(|(k, v)| match prior {
            Some(p) => p.contains_key(*k),
            None => {
                !k.starts_with("flywheel:")
                    && !k.to_ascii_lowercase().starts_with("aws:")
                    && default_tags.get(*k) != Some(*v)
            }
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_reads_the_environment_back_in_its_shortest_form() {
        let args = |t: &str, l: &str| {
            BTreeMap::from([
                (ARG_TEMP_DIR.to_string(), t.to_string()),
                (ARG_SPARK_LOGS.to_string(), l.to_string()),
                (ARG_METRICS.to_string(), "true".to_string()),
            ])
        };
        let env = |b: Option<&str>, t: Option<&str>, l: Option<&str>| ImportedEnvironment {
            script_bucket: b.map(String::from),
            temp_dir: t.map(String::from),
            spark_event_logs_path: l.map(String::from),
        };
        // Both paths are a bucket's defaults: `script_bucket` alone, wherever the script is.
        let a = args("s3://assets/temporary/", "s3://assets/sparkHistoryLogs/");
        assert_eq!(
            imported_environment("etl", Some("s3://other/x/etl.py"), &a, false),
            env(Some("assets"), None, None)
        );
        // An uploaded script's bucket, with a path of its own beside a default one.
        let a = args("s3://tmp/t/", "s3://assets/sparkHistoryLogs/");
        assert_eq!(
            imported_environment("etl", Some("s3://assets/scripts/etl.py"), &a, false),
            env(Some("assets"), Some("s3://tmp/t/"), None)
        );
        // An existing script elsewhere and paths of their own: read back as they are.
        let a = args("s3://tmp/t/", "s3://logs/l/");
        assert_eq!(
            imported_environment("etl", Some("s3://shared/jobs/etl.py"), &a, false),
            env(None, Some("s3://tmp/t/"), Some("s3://logs/l/"))
        );
        // A job without the arguments (made elsewhere).
        assert_eq!(
            imported_environment("etl", None, &BTreeMap::new(), false),
            env(None, None, None)
        );
        // ... with its script somewhere: the paths go beside it, so the configuration
        // import writes is complete; a path the job has is kept.
        assert_eq!(
            imported_environment(
                "etl",
                Some("s3://shared/jobs/etl.py"),
                &BTreeMap::new(),
                false
            ),
            env(Some("shared"), None, None)
        );
        let only_temp = BTreeMap::from([(ARG_TEMP_DIR.to_string(), "s3://tmp/t/".to_string())]);
        assert_eq!(
            imported_environment("etl", Some("s3://shared/jobs/etl.py"), &only_temp, false),
            env(Some("shared"), Some("s3://tmp/t/"), None)
        );
    }
}
