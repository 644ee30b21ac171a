//! Acceptance tests: the real Terraform CLI drives the freshly built provider against the
//! local AWS emulator, step by step as terraform-plugin-testing does. Every test is
//! `#[ignore]`d, so without `--include-ignored` they report *ignored*; run with it, a test
//! fails at once when `TF_ACC` is unset or no emulator answers (`harness::acceptance_enabled`).
//!
//! ```sh
//! make tools                                   # Terraform CLI wrapper in .tools/bin
//! test-fixtures/emulator.sh start              # emulator on FLYWHEEL_EMULATOR_PORT (4566)
//! TF_ACC=1 cargo test --test acceptance -- --include-ignored
//! ```
//!
//! Knobs: `TF_ACC_TERRAFORM_PATH` (another terraform binary), `TF_ACC_TERRAFORM_VERSION`
//! (read by the wrapper), `FLYWHEEL_EMULATOR_PORT` or `AWS_ENDPOINT_URL` (emulator),
//! `TF_LOG` (kept per command in the test's directory), `TF_ACC_COMMAND_TIMEOUT` (seconds
//! per Terraform command, default 300; a command past it is killed with its provider
//! plugins and fails its test). A failed test keeps its directory and prints it.
//!
//! Each resource gets its own module beside these; the harness lives in `harness/`.

mod harness;

mod aws_calls;
mod batch_reads;
mod caller_identity;
mod crawler;
mod crawler_running;
mod crawler_settings;
mod crawler_targets;
mod data_sources;
mod discover;
mod drift;
mod examples;
mod faults;
mod functions;
mod generate_config;
mod glue_fidelity;
mod guardrails;
mod harness_self_test;
mod invalid_input;
mod job;
mod job_extra_files;
mod job_kinds;
mod job_settings;
mod kill;
mod moved;
mod ownership;
mod pipeline;
mod pipeline_alerts;
mod pipeline_buckets;
mod pipeline_budget;
mod pipeline_dashboard;
mod pipeline_data_source;
mod pipeline_ownership;
mod pipeline_role;
mod policy_lint;
mod provider;
