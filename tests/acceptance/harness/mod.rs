//! Acceptance-test harness modelled on terraform-plugin-testing: a [`TestCase`] is a list of
//! [`Step`]s run by the real Terraform CLI against the freshly built provider and the local
//! AWS emulator, followed by a destroy and a direct look at the emulator.
//!
//! Layout: `terraform` runs the CLI, `state` reads its JSON, `checks` builds state assertions,
//! `emulator` makes SDK clients, `requests` reads the emulator's request log,
//! `schema` reads the provider schemas, `steps` and `case` drive a test case.
//!
//! ```text
//! let name = unique_name("flywheel-acc");          // the emulator is shared: no collisions
//! TestCase::new()
//!     .step(Step::config(hcl(&name))
//!         .checks([check_attr("flywheel_job.x", "name", &name)])
//!         .emulator_check(move |ctx| { let name = name.clone(); async move {
//!             ctx.aws.glue.get_job().job_name(&name).send().await?; Ok(()) } }))
//!     .step(Step::import_state_verify(ImportStateVerify::new("flywheel_job.x").ignore(["script"])))
//!     .step(Step::config(hcl(&name)).pre_apply(/* change it through the SDK */)
//!         .plan_only().expect_non_empty_plan().expect_plan_text("flywheel_job.x"))
//!     .check_destroy(|ctx| async move { /* list the emulator: nothing left */ Ok(()) })
//!     .run().await;
//! ```

// Resource test modules use what they need; not every one is used by every module.
#![allow(dead_code, unused_imports)]

pub mod case;
pub mod checks;
pub mod emulator;
pub mod requests;
pub mod schema;
pub mod state;
pub mod steps;
pub mod terraform;

pub use case::TestCase;
pub use checks::*;
pub use emulator::{
    clients, emulator_account_id, emulator_fn, emulator_settings, ensure_role, Clients, Ctx,
};
pub use requests::{log_mark, requests_since};
pub use state::State;
pub use steps::{ImportStateVerify, Plan, Step};
pub use terraform::{Run, Spawned, Terraform, Workdir};

/// Why every acceptance test is `#[ignore]`d: without `TF_ACC` they report *ignored*, never
/// a pass that ran nothing. `make testacc` runs them with `--include-ignored`.
pub const IGNORE_REASON: &str =
    "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored";

/// Called first by every acceptance test. Acceptance tests need a Terraform CLI and the
/// emulator: a test that runs (it is `#[ignore]`d, so it was asked for) without `TF_ACC`, or
/// with no emulator answering, panics saying what to do. Never returns false: the `bool`
/// keeps the `if !acceptance_enabled(..) { return; }` call sites working.
pub fn acceptance_enabled(test: &str) -> bool {
    if !tf_acc_set(std::env::var("TF_ACC").ok().as_deref()) {
        panic!("{test}: acceptance tests run only with TF_ACC=1 (and the emulator running)");
    }
    static REACHABLE: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    let reachable = REACHABLE.get_or_init(|| {
        emulator_settings()
            .check_reachable()
            .map_err(|e| format!("{e:#}"))
    });
    if let Err(e) = reachable {
        panic!("{test}: TF_ACC is set but {e}");
    }
    true
}

fn tf_acc_set(value: Option<&str>) -> bool {
    matches!(value, Some(v) if !v.is_empty())
}

/// A name no other test (or earlier run against the same emulator) uses, so test cases can
/// run in parallel against one shared emulator. Lowercase, so it is valid for S3 and Glue.
pub fn unique_name(prefix: &str) -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    let suffix: String = (0..8)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect();
    format!("{prefix}-{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tf_acc_gate() {
        assert!(!tf_acc_set(None));
        assert!(!tf_acc_set(Some("")));
        assert!(tf_acc_set(Some("1")));
    }

    /// Every acceptance test is `#[ignore]`d with the reason above, so `cargo test` without
    /// `TF_ACC` reports it ignored instead of passing it without running.
    #[test]
    fn every_acceptance_test_is_ignored_without_tf_acc() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/acceptance");
        let mut bare = Vec::new();
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                // Acceptance tests are async; a macro-made one is indented. A plain
                // `#[test]` inside a `mod tests` is a unit test of the harness's helpers.
                if line.trim() == "#[tokio::test]" || *line == "#[test]" {
                    seen += 1;
                    let next = lines.get(i + 1).copied().unwrap_or_default().trim();
                    if next != format!("#[ignore = {IGNORE_REASON:?}]") {
                        bare.push(format!("{}:{}", path.display(), i + 1));
                    }
                }
            }
        }
        assert!(
            seen > 50,
            "found only {seen} acceptance tests in {}",
            dir.display()
        );
        assert!(
            bare.is_empty(),
            "acceptance tests without `#[ignore = {IGNORE_REASON:?}]` (they would pass \
             without running when TF_ACC is unset): {bare:?}"
        );
    }

    #[test]
    fn unique_names_differ_and_are_lowercase() {
        let a = unique_name("flywheel-acc");
        let b = unique_name("flywheel-acc");
        assert_ne!(a, b);
        assert!(a.starts_with("flywheel-acc-"));
        assert_eq!(a, a.to_lowercase());
    }
}
