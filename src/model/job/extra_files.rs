//! `extra_py_files`: local Python modules (`.py`) or packages (`.zip`) uploaded beside the
//! job's script and passed to Glue in `--extra-py-files`, a comma-separated list of S3
//! paths ("Using Python libraries with AWS Glue"). Each is a script object of its own (the
//! same child kind as the script, so the engine uploads, tracks by SHA-256, and deletes it
//! like the script), at `<scripts_prefix><job>/<file name>`.

/// The Glue argument that lists them.
pub const ARG_EXTRA_PY_FILES: &str = "--extra-py-files";

/// One uploaded file: where it goes and the hash of its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraFile {
    pub bucket: String,
    pub key: String,
    pub sha256: String,
}

impl ExtraFile {
    pub fn location(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

/// The object key of the extra file `file_name` of job `job`: beside the script, in a
/// folder named after the job, so two jobs' `utils.py` never collide.
pub fn key(scripts_prefix: &str, job: &str, file_name: &str) -> String {
    let prefix = scripts_prefix.trim_start_matches('/');
    if prefix.is_empty() || prefix.ends_with('/') {
        format!("{prefix}{job}/{file_name}")
    } else {
        format!("{prefix}/{job}/{file_name}")
    }
}

/// The file name a local path is uploaded under, checked: Glue takes `.py` files and `.zip`
/// packages, and the list is comma-separated, so a name with a comma (or whitespace, which
/// Glue does not strip) would break it.
pub fn file_name(path: &str) -> Result<String, String> {
    let name = std::path::Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    if name.is_empty() {
        return Err(format!("{path:?} names no file"));
    }
    if !(name.ends_with(".py") || name.ends_with(".zip")) {
        return Err(format!(
            "{name:?} is neither a .py module nor a .zip package, which is what Glue's --extra-py-files takes"
        ));
    }
    if name.contains(|c: char| c == ',' || c.is_whitespace()) {
        return Err(format!(
            "{name:?} must not contain a comma or whitespace: Glue's --extra-py-files is a comma-separated list"
        ));
    }
    Ok(name.to_string())
}

/// The `--extra-py-files` value: the files' S3 paths in the configuration's order.
pub fn argument(locations: &[String]) -> Option<String> {
    (!locations.is_empty()).then(|| locations.join(","))
}

/// The content type an upload gets, by its extension.
pub fn content_type(key: &str) -> &'static str {
    if key.ends_with(".zip") {
        "application/zip"
    } else {
        "text/x-python"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sit_beside_the_script_in_the_jobs_folder() {
        assert_eq!(key("scripts/", "etl", "utils.py"), "scripts/etl/utils.py");
        assert_eq!(key("/scripts", "etl", "lib.zip"), "scripts/etl/lib.zip");
        assert_eq!(key("", "etl", "utils.py"), "etl/utils.py");
    }

    #[test]
    fn file_names_are_checked() {
        assert_eq!(file_name("jobs/lib/utils.py").as_deref(), Ok("utils.py"));
        assert_eq!(file_name("deps.zip").as_deref(), Ok("deps.zip"));
        for bad in ["notes.txt", "a,b.py", "my utils.py", "", "dir/"] {
            assert!(file_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_argument_keeps_the_order_given() {
        let l = vec![
            "s3://b/s/j/z.py".to_string(),
            "s3://b/s/j/a.zip".to_string(),
        ];
        assert_eq!(
            argument(&l).as_deref(),
            Some("s3://b/s/j/z.py,s3://b/s/j/a.zip")
        );
        assert_eq!(argument(&[]), None);
        assert_eq!(content_type("s/j/a.zip"), "application/zip");
        assert_eq!(content_type("s/j/a.py"), "text/x-python");
    }
}
