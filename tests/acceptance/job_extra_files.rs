//! `flywheel_job` `extra_py_files`: local modules uploaded beside the script, listed in
//! `--extra-py-files`, tracked by SHA-256 (an edited file is uploaded again, an object
//! changed or deleted out of band is a diff the apply repairs), deleted when dropped from
//! the list, and deleted with the job.

use anyhow::{ensure, Result};

use crate::harness::*;
use crate::job::{create_bucket, get_job, object_body, sha256_hex, Fixture, ADDR, SCRIPT_V1};

const UTILS_V1: &str = "def clean(x):\n    return x.strip()\n";
const UTILS_V2: &str = "def clean(x):\n    return x.strip().lower()\n";
const DEPS: &[u8] = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

fn utils(f: &Fixture) -> std::path::PathBuf {
    f.script.with_file_name("utils.py")
}

fn deps(f: &Fixture) -> std::path::PathBuf {
    f.script.with_file_name("deps.zip")
}

fn key(f: &Fixture, file: &str) -> String {
    format!("scripts/{}/{file}", f.job)
}

fn uri(f: &Fixture, file: &str) -> String {
    format!("s3://{}/{}", f.bucket, key(f, file))
}

/// The fixture's job with `files` (paths) as `extra_py_files`.
fn config(f: &Fixture, files: &[std::path::PathBuf]) -> String {
    let list = files
        .iter()
        .map(|p| format!("{:?}", p.display().to_string()))
        .collect::<Vec<_>>()
        .join(", ");
    f.config(2, None).replace(
        r#"glue_version      = "4.0""#,
        &format!("glue_version      = \"4.0\"\n  extra_py_files    = [{list}]"),
    )
}

/// `extra_py_files_sha256` is exactly `want` (its keys hold dots, which attribute paths
/// cannot address).
fn check_hashes(want: &[(String, String)]) -> StateCheck {
    let want: serde_json::Map<String, serde_json::Value> = want
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    Box::new(move |s| {
        let got = s.attr(ADDR, "extra_py_files_sha256")?;
        ensure!(
            got.as_ref().and_then(|v| v.as_object()) == Some(&want),
            "extra_py_files_sha256 is {got:?}, expected {want:?}"
        );
        Ok(())
    })
}

/// What Glue and S3 hold: the job's `--extra-py-files` and each named upload's body.
async fn check_uploads(aws: &Clients, f: &Fixture, want: &[(&str, &[u8])]) -> Result<()> {
    let job = get_job(aws, &f.job).await?;
    let listed = job
        .as_ref()
        .and_then(|j| j.default_arguments())
        .and_then(|a| a.get("--extra-py-files"))
        .cloned();
    let expected = want
        .iter()
        .map(|(file, _)| uri(f, file))
        .collect::<Vec<_>>()
        .join(",");
    ensure!(
        listed.as_deref() == Some(expected.as_str()),
        "--extra-py-files is {listed:?}, expected {expected:?}"
    );
    for (file, body) in want {
        let held = object_body(aws, &f.bucket, &key(f, file)).await?;
        ensure!(
            held.as_deref() == Some(*body),
            "s3://{}/{} holds {held:?}",
            f.bucket,
            key(f, file)
        );
    }
    Ok(())
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_extra_py_files_lifecycle() {
    if !acceptance_enabled("job_extra_py_files_lifecycle") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-extra");
    std::fs::write(&f.script, SCRIPT_V1).expect("writing the script");
    std::fs::write(utils(&f), UTILS_V1).expect("writing utils.py");
    std::fs::write(deps(&f), DEPS).expect("writing deps.zip");
    let aws = clients().await;
    create_bucket(&aws, &f.bucket).await.expect("assets bucket");
    let both = config(&f, &[utils(&f), deps(&f)]);

    let f1 = f.clone();
    let create = Step::config(both.clone())
        .checks([
            check_hashes(&[
                (uri(&f, "utils.py"), sha256_hex(UTILS_V1.as_bytes())),
                (uri(&f, "deps.zip"), sha256_hex(DEPS)),
            ]),
            check_attr(
                ADDR,
                "arguments_all.--extra-py-files",
                format!("{},{}", uri(&f, "utils.py"), uri(&f, "deps.zip")),
            ),
            check_no_attr(ADDR, "arguments.--extra-py-files"),
            check_attr(ADDR, "managed_objects.#", "4"),
        ])
        .emulator_check(move |ctx| {
            let f = f1.clone();
            async move {
                check_uploads(
                    &ctx.aws,
                    &f,
                    &[("utils.py", UTILS_V1.as_bytes()), ("deps.zip", DEPS)],
                )
                .await
            }
        });

    // The module is edited: the plan shows the new hash, the apply uploads it.
    let f2 = f.clone();
    let f2b = f.clone();
    let edited = Step::config(both.clone())
        .pre_apply(move |_ctx| {
            let f = f2.clone();
            async move {
                std::fs::write(utils(&f), UTILS_V2)?;
                Ok(())
            }
        })
        .expect_resource_action(ADDR, &["update"])
        .expect_plan_text(&sha256_hex(UTILS_V2.as_bytes()))
        .emulator_check(move |ctx| {
            let f = f2b.clone();
            async move {
                check_uploads(
                    &ctx.aws,
                    &f,
                    &[("utils.py", UTILS_V2.as_bytes()), ("deps.zip", DEPS)],
                )
                .await
            }
        });

    // Deleted behind Terraform's back: the refresh notices, the apply uploads it again.
    let f3 = f.clone();
    let f3b = f.clone();
    let deleted = Step::config(both.clone())
        .pre_apply(move |ctx| {
            let f = f3.clone();
            async move {
                ctx.aws
                    .s3
                    .delete_object()
                    .bucket(&f.bucket)
                    .key(key(&f, "deps.zip"))
                    .send()
                    .await?;
                Ok(())
            }
        })
        .expect_resource_action(ADDR, &["update"])
        .emulator_check(move |ctx| {
            let f = f3b.clone();
            async move {
                check_uploads(
                    &ctx.aws,
                    &f,
                    &[("utils.py", UTILS_V2.as_bytes()), ("deps.zip", DEPS)],
                )
                .await
            }
        });

    // Dropped from the list: its upload is deleted, the argument lists the rest.
    let f4 = f.clone();
    let dropped = Step::config(config(&f, &[utils(&f)]))
        .expect_resource_action(ADDR, &["update"])
        .check(check_hashes(&[(
            uri(&f, "utils.py"),
            sha256_hex(UTILS_V2.as_bytes()),
        )]))
        .emulator_check(move |ctx| {
            let f = f4.clone();
            async move {
                check_uploads(&ctx.aws, &f, &[("utils.py", UTILS_V2.as_bytes())]).await?;
                let left = object_body(&ctx.aws, &f.bucket, &key(&f, "deps.zip")).await?;
                ensure!(left.is_none(), "deps.zip was not deleted");
                Ok(())
            }
        });

    let f5 = f.clone();
    TestCase::new()
        .step(create)
        .step(edited)
        .step(deleted)
        .step(dropped)
        .check_destroy(move |ctx| {
            let f = f5.clone();
            async move {
                ensure!(get_job(&ctx.aws, &f.job).await?.is_none(), "job left");
                for file in ["utils.py", "deps.zip"] {
                    let left = object_body(&ctx.aws, &f.bucket, &key(&f, file)).await?;
                    ensure!(left.is_none(), "{file} left after destroy");
                }
                Ok(())
            }
        })
        .run()
        .await;
}

/// Literal mistakes fail at validate, naming the entry.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_extra_py_files_validate_offline() {
    if !acceptance_enabled("job_extra_py_files_validate_offline") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-extrabad");
    std::fs::write(&f.script, SCRIPT_V1).expect("writing the script");
    let txt = f.script.with_file_name("notes.txt");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    TestCase::new()
        .step(
            Step::config(config(&f, &[txt]))
                .validate_only()
                .expect_error(r"(?s)extra_py_files\[0\].*neither a \.py module nor a \.zip"),
        )
        .step(
            Step::config(config(&f, &[a.join("u.py"), b.join("u.py")]))
                .validate_only()
                .expect_error(r"(?s)extra_py_files\[1\].*same object"),
        )
        .run()
        .await;
}
