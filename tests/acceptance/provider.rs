//! Provider configuration: mistakes a user can make in the `provider` block end in a clear
//! diagnostic (never a crash), and the allowed-account guard refuses the wrong account.

use crate::harness::*;

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn allowed_account_ids_refuses_other_account() {
    if !acceptance_enabled("allowed_account_ids_refuses_other_account") {
        return;
    }
    let found = emulator_account_id().await.expect("emulator account");
    assert_ne!(
        found, "111111111111",
        "the emulator must not be in the allowed account"
    );
    let config = r#"
provider "flywheel" {
  allowed_account_ids = ["111111111111"]
}

data "flywheel_caller_identity" "current" {}
"#;
    // The message must name both the account found and the allowed one.
    let both = format!("(?s)111111111111.*{found}|{found}.*111111111111");
    TestCase::new()
        .step(Step::config(config).expect_error(&both))
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn malformed_endpoint_is_a_diagnostic() {
    if !acceptance_enabled("malformed_endpoint_is_a_diagnostic") {
        return;
    }
    let config = r#"
provider "flywheel" {
  endpoints {
    sts = "not a url::"
  }
}

data "flywheel_caller_identity" "current" {}
"#;
    // Offline: `terraform validate` must catch it. The harness also fails an expected error
    // that is really a crash (`panicked at`, "plugin did not respond").
    TestCase::new()
        .step(
            Step::config(config)
                .validate_only()
                .expect_error(r"(?i)endpoints(\[0\])?\W{1,3}sts\b"),
        )
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn unknown_region_is_a_diagnostic() {
    if !acceptance_enabled("unknown_region_is_a_diagnostic") {
        return;
    }
    let config = r#"
provider "flywheel" {
  region = "mars-north-1"
}

data "flywheel_caller_identity" "current" {}
"#;
    // The region must be named in the message itself, not only in the quoted config line.
    TestCase::new()
        .step(Step::config(config).expect_error("mars-north-1"))
        .run()
        .await;
}
