//! Provider functions through the real Terraform CLI (1.8+ calls them): values in outputs,
//! and errors that name the argument at fault, raised at `validate` for literal arguments.

use crate::harness::*;

const CONFIG: &str = r#"
provider "flywheel" {}

locals {
  parsed = provider::flywheel::parse_s3_uri("s3://omc-flywheel-data-us-east-1-prod/opus/addressable/")
}

output "uri" {
  value = provider::flywheel::s3_uri("aws-glue-assets-239083076653-us-east-1", "scripts/etl.py")
}

output "bucket_only" {
  value = provider::flywheel::s3_uri("omc-flywheel-prod-analysis-data", "")
}

output "bucket" {
  value = local.parsed.bucket
}

output "key" {
  value = local.parsed.key
}

output "round_trip" {
  value = provider::flywheel::s3_uri(local.parsed.bucket, "${local.parsed.key}part-0.parquet")
}
"#;

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn s3_uri_functions() {
    if !acceptance_enabled("s3_uri_functions") {
        return;
    }
    TestCase::new()
        .step(Step::config(CONFIG).checks([
            check_output(
                "uri",
                "s3://aws-glue-assets-239083076653-us-east-1/scripts/etl.py",
            ),
            check_output("bucket_only", "s3://omc-flywheel-prod-analysis-data/"),
            check_output("bucket", "omc-flywheel-data-us-east-1-prod"),
            check_output("key", "opus/addressable/"),
            check_output(
                "round_trip",
                "s3://omc-flywheel-data-us-east-1-prod/opus/addressable/part-0.parquet",
            ),
        ]))
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn s3_uri_function_errors_name_the_argument() {
    if !acceptance_enabled("s3_uri_function_errors_name_the_argument") {
        return;
    }
    let cases = [
        (
            r#"provider::flywheel::s3_uri("Bad_Bucket", "k")"#,
            r#"(?s)Invalid function argument.*bucket name \\?"Bad_Bucket\\?" may contain only"#,
        ),
        (
            r#"provider::flywheel::s3_uri("my-data", "/raw/x")"#,
            r#"(?s)Invalid function argument.*starts with \\?"/\\?""#,
        ),
        (
            r#"provider::flywheel::parse_s3_uri("https://my-data/x")"#,
            r#"(?s)Invalid function argument.*is not an S3 URI"#,
        ),
    ];
    for (call, error) in cases {
        TestCase::new()
            .step(
                Step::config(format!(
                    "provider \"flywheel\" {{}}\noutput \"x\" {{\n  value = {call}\n}}\n"
                ))
                .validate_only()
                .expect_error(error),
            )
            .run()
            .await;
    }
}

const DPU_HOURS_CONFIG: &str = r#"
provider "flywheel" {}

output "compaction" {
  value = provider::flywheel::dpu_hours("G.1X", 8, 600)
}

output "g2x_hour" {
  value = provider::flywheel::dpu_hours("G.2X", 10, 60)
}
"#;

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn dpu_hours_function() {
    if !acceptance_enabled("dpu_hours_function") {
        return;
    }
    TestCase::new()
        .step(Step::config(DPU_HOURS_CONFIG).checks([
            check_output("compaction", "80"),
            check_output("g2x_hour", "20"),
        ]))
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn dpu_hours_function_errors_name_the_argument() {
    if !acceptance_enabled("dpu_hours_function_errors_name_the_argument") {
        return;
    }
    let cases = [
        (
            r#"provider::flywheel::dpu_hours("G.3X", 8, 600)"#,
            r#"(?s)Invalid function argument.*Invalid value for \\?"worker_type\\?" parameter: \\?"G\.3X\\?" is not a Glue worker type; use one of G\.025X, G\.1X"#,
        ),
        (
            r#"provider::flywheel::dpu_hours("G.1X", 2.5, 600)"#,
            r#"(?s)Invalid function argument.*Invalid value for \\?"workers\\?" parameter: workers must be a whole number of at least 1, got 2\.5"#,
        ),
        (
            r#"provider::flywheel::dpu_hours("G.1X", 8, 0)"#,
            r#"(?s)Invalid function argument.*Invalid value for \\?"minutes\\?" parameter: minutes must be greater than 0, got 0"#,
        ),
    ];
    for (call, error) in cases {
        TestCase::new()
            .step(
                Step::config(format!(
                    "provider \"flywheel\" {{}}\noutput \"x\" {{\n  value = {call}\n}}\n"
                ))
                .validate_only()
                .expect_error(error),
            )
            .run()
            .await;
    }
}
