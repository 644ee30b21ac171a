//! The `flywheel_job` schema.

use super::*;

pub(super) fn schema_block() -> tf_provider::schema::Block {
    block(
        "A Glue ETL (Spark, Python 3) job with its script, the organisation's defaults and an optional schedule. A local `script` is uploaded to the pipeline's assets bucket as `<scripts_prefix><name>.py` and tracked by SHA-256, so editing the file plans an update. Defaults (overridable in `arguments`): worker type G.1X, 10 workers, timeout 600 minutes, 2 retries, Glue 4.0, `--enable-metrics`, `--enable-continuous-cloudwatch-log`, `--enable-spark-ui` with `--spark-event-logs-path`, `--TempDir`, and `--job-bookmark-option job-bookmark-enable`. It creates, changes and deletes only objects it can prove are its own (see `owner_id`): a job, trigger or script that already exists under its names and does not carry its identity is left untouched and the apply fails, naming it and the import command; a `<name>-schedule` trigger it did not create is never deleted, even when `schedule` is not set. Import with the job name: importing claims the job (and its `<name>-schedule` trigger, unless another instance's identity is on it), so import only a job no other Terraform state manages, or both states will manage it.",
        [
            ("id", attr(string(), Computed, "The job name.")),
            ("name", attr(string(), Required, "Glue job name: 1 to 245 characters on one line, no `/` (the trigger name adds `-schedule`). Changing it replaces the job.")),
            ("arn", attr(string(), Computed, "ARN of the Glue job.")),
            ("pipeline", attr(context::attribute_type(), OptionalComputed, context::DESCRIPTION)),
            ("role_arn", attr(string(), OptionalComputed, "IAM role Glue runs the job as. Defaults to the pipeline's `role_arn`; required without `pipeline`.")),
            ("script", attr(string(), OptionalComputed, "Path of a local Python script to upload. Exactly one of `script` and `script_location`.")),
            ("script_location", attr(string(), OptionalComputed, "`s3://bucket/key` of an existing script, which the provider never deletes. Computed as the upload location when `script` is set.")),
            ("script_bucket", attr(string(), OptionalComputed, "Without `pipeline`: the bucket a local `script` is uploaded to (under `scripts/`); `temp_dir` and `spark_event_logs_path` default to its `temporary/` and `sparkHistoryLogs/` prefixes.")),
            ("script_sha256", attr(string(), Computed, "Hex SHA-256 of the script: of the local file at plan time, of the S3 object when read. A difference means the object changed.")),
            ("temp_dir", attr(string(), OptionalComputed, "`s3://` URI for `--TempDir`. Defaults to the pipeline's `temp_dir`.")),
            ("spark_event_logs_path", attr(string(), OptionalComputed, "`s3://` URI for the Spark UI event logs. Defaults to the pipeline's `spark_event_logs_path`.")),
            ("worker_type", attr(string(), OptionalComputed, "Worker type: G.1X (default), G.2X, G.4X and G.8X (Glue 3.0+), G.12X, G.16X, R.1X, R.2X, R.4X, R.8X (Glue 4.0+).")),
            ("number_of_workers", attr(number(), OptionalComputed, "Number of workers, 2 to 299. Default 10.")),
            ("timeout_minutes", attr(number(), OptionalComputed, "Job run timeout in minutes, 1 to 2880. Default 600.")),
            ("max_retries", attr(number(), OptionalComputed, "Retries of a failed run, 0 to 10. Default 2.")),
            ("long_running_minutes", attr(number(), OptionalComputed, "Minutes after which a run still going makes Glue send the `Glue Job Run Status` event (Glue's NotificationProperty `NotifyDelayAfter`), which the pipeline's `alerts` turn into a long-running-job alert: 1 to below `timeout_minutes`. Pass the pipeline's value, `flywheel_pipeline.<name>.alerts[0].long_running_minutes`, or set one for this job. Null: no such event.")),
            ("glue_version", attr(string(), OptionalComputed, "Glue version: 2.0, 3.0, 4.0 (default) or 5.0.")),
            ("description", attr(string(), OptionalComputed, "Description of the job.")),
            ("arguments", attr(string_map(), OptionalComputed, "Job arguments (`--name` keys), added to and overriding the built-in defaults. Glue's reserved arguments (`--JOB_NAME`, `--conf`, `--debug`, `--mode`, ...) are rejected. Plans show the values, as Glue's console and API do: pass secrets' names (Secrets Manager, SSM) rather than their values, and the job reads them at run time. An argument set to its built-in default value stays in `arguments` across refreshes; after an import it reads back as not set (see the import note).")),
            ("arguments_all", attr(string_map(), Computed, "Every argument the job is given: the defaults overlaid with `arguments`.")),
            ("schedule", attr(string(), OptionalComputed, "`cron(...)` (AWS's 6-field cron) or `rate(...)`: creates a scheduled Glue trigger named `<name>-schedule`.")),
            ("tags", attr(string_map(), OptionalComputed, "Tags for the job and its trigger, over the provider's `default_tags` and the pipeline's tags.")),
            ("tags_all", attr(string_map(), Computed, "Every tag on the job: provider `default_tags`, the pipeline's tags, `tags`, the informational `flywheel:managed-by`, and the ownership tags `flywheel:owner` (this instance's `owner_id`) and, with a pipeline, `flywheel:pipeline-owner`. An ownership tag removed outside Terraform shows as a diff here, and apply restores it.")),
            ("owner_id", attr(string(), Computed, "This instance's identity: a random value made when the resource is created or imported, kept in state, and written as the tag `flywheel:owner` on the job, its trigger and the uploaded script object. The provider changes or deletes an existing object only when it carries this identity (or, for objects created by provider 0.1.0, none), so another Terraform state with the same configuration, or an object with copied tags, is never taken over. Another state cannot reproduce it. Unknown until the first apply.")),
            ("max_dpu_hours_per_run", attr(number(), Computed, "The most DPU-hours one run (one attempt) can bill: `number_of_workers` (the maximum, with auto-scaling) × the worker type's DPUs (G.025X 0.25, G.1X 1, G.2X 2, G.4X 4, G.8X 8, G.12X 12, G.16X 16, R.1X to R.8X 1 to 8) × `timeout_minutes` / 60. Known at plan time, rounded to 4 decimals; null for a worker type outside that table. The production jobs: 8 G.1X workers for 600 minutes is 80. See the cost guide.")),
            ("max_dpu_hours_per_day", attr(number(), Computed, "The most DPU-hours the job can bill in a day: the runs its `schedule` starts in a day × (1 + `max_retries`) × `max_dpu_hours_per_run`, but never more than every worker of every concurrent run all day (24 × DPUs × Glue's maximum concurrent runs, 1), which is also the figure without a `schedule`. Runs started by hand or by other triggers count only within that ceiling. Unknown while `schedule` is.")),
            ("max_cost_per_run_usd", attr(number(), Computed, "`max_dpu_hours_per_run` × the price of a DPU-hour, in USD to the cent: the provider's `dpu_hour_price_usd`, else AWS's published rate for the region (us-east-1: $0.44). Null when neither is known (a region missing from the provider's table).")),
            ("managed_objects", attr(crate::resources::managed::attribute_type(), Computed, crate::resources::managed::DESCRIPTION)),
        ],
        [],
    )
}
