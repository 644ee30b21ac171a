//! Acceptance-test harness modelled on terraform-plugin-testing: a [`TestCase`] is a list of
//! [`Step`]s run by the real Terraform CLI against the freshly built provider and the local
//! AWS emulator, followed by a destroy and a direct look at the emulator.
//!
//! Layout: `terraform` runs the CLI, `state` reads its JSON, `checks` builds state assertions,
//! `emulator` makes SDK clients, `steps` and `case` drive a test case.
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
pub mod state;
pub mod steps;
pub mod terraform;

pub use case::TestCase;
pub use checks::*;
pub use emulator::{clients, emulator_account_id, emulator_fn, emulator_settings, Clients, Ctx};
pub use state::State;
pub use steps::{ImportStateVerify, Plan, Step};
pub use terraform::{Run, Spawned, Terraform, Workdir};

/// Acceptance tests need a Terraform CLI and the emulator, so they only run when `TF_ACC` is
/// set (as with terraform-plugin-testing). Returns false, and says so, when a test must skip.
pub fn acceptance_enabled(test: &str) -> bool {
    if tf_acc_set(std::env::var("TF_ACC").ok().as_deref()) {
        return true;
    }
    eprintln!("{test}: skipped; acceptance tests run only with TF_ACC=1");
    false
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

    #[test]
    fn unique_names_differ_and_are_lowercase() {
        let a = unique_name("flywheel-acc");
        let b = unique_name("flywheel-acc");
        assert_ne!(a, b);
        assert!(a.starts_with("flywheel-acc-"));
        assert_eq!(a, a.to_lowercase());
    }
}
