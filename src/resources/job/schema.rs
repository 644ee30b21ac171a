//! The `flywheel_job` schema.

use super::*;

pub(super) fn schema_block() -> tf_provider::schema::Block {
    block(
        "A Glue ETL (Spark, Python 3) job with its script, the organisation's defaults and an optional schedule. A local `script` is uploaded to the pipeline's assets bucket as `<scripts_prefix><name>.py` and tracked by SHA-256, so editing the file plans an update. Defaults (overridable in `arguments`): worker type G.1X, 10 workers, timeout 600 minutes, 2 retries, Glue 4.0, `--enable-metrics`, `--enable-continuous-cloudwatch-log`, `--enable-spark-ui` with `--spark-event-logs-path`, `--TempDir`, and `--job-bookmark-option job-bookmark-enable`. It creates, changes and deletes only objects it can prove are its own (see `owner_id`): a job, trigger or script that already exists under its names and does not carry its identity is left untouched and the apply fails, naming it and the import command; a `<name>-schedule` trigger it did not create is never deleted, even when `schedule` is not set. Import with the job name: importing claims the job (and its `<name>-schedule` trigger, unless another instance's identity is on it), so import only a job no other Terraform state manages, or both states will manage it.",
        [
            ("id", attr(string(), Computed, "The job name.")),
            ("name", attr(string(), Required, "Glue job name: 1 to 245 characters on one line, no `/` (the trigger name adds `-schedule`). Changing it replaces the job.")),
            ("arn", attr(string(), Computed, "ARN of the Glue job.")),
            ("pipeline", attr(context::attribute_type(), Optional, context::DESCRIPTION)),
            ("role_arn", attr(string(), OptionalComputed, "IAM role Glue runs the job as. Defaults to the pipeline's `role_arn`; required without `pipeline`.")),
            ("script", attr(string(), Optional, "Path of a local Python script to upload. Exactly one of `script` and `script_location`.")),
            ("script_location", attr(string(), OptionalComputed, "`s3://bucket/key` of an existing script, which the provider never deletes. Computed as the upload location when `script` is set.")),
            ("script_bucket", attr(string(), Optional, "Without `pipeline`: the bucket a local `script` is uploaded to (under `scripts/`); `temp_dir` and `spark_event_logs_path` default to its `temporary/` and `sparkHistoryLogs/` prefixes.")),
            ("script_sha256", attr(string(), Computed, "Hex SHA-256 of the script: of the local file at plan time, of the S3 object when read. A difference means the object changed.")),
            ("temp_dir", attr(string(), Optional, "`s3://` URI for `--TempDir`. Defaults to the pipeline's `temp_dir`.")),
            ("spark_event_logs_path", attr(string(), Optional, "`s3://` URI for the Spark UI event logs. Defaults to the pipeline's `spark_event_logs_path`.")),
            ("worker_type", attr(string(), OptionalComputed, "Worker type: G.1X (default), G.2X, G.4X and G.8X (Glue 3.0+), G.12X, G.16X, R.1X, R.2X, R.4X, R.8X (Glue 4.0+).")),
            ("number_of_workers", attr(number(), OptionalComputed, "Number of workers, 2 to 299. Default 10.")),
            ("timeout_minutes", attr(number(), OptionalComputed, "Job run timeout in minutes, 1 to 2880. Default 600.")),
            ("max_retries", attr(number(), OptionalComputed, "Retries of a failed run, 0 to 10. Default 2.")),
            ("glue_version", attr(string(), OptionalComputed, "Glue version: 2.0, 3.0, 4.0 (default) or 5.0.")),
            ("description", attr(string(), Optional, "Description of the job.")),
            ("arguments", sensitive(attr(string_map(), Optional, "Job arguments (`--name` keys), added to and overriding the built-in defaults. Glue's reserved arguments (`--JOB_NAME`, `--conf`, `--debug`, `--mode`, ...) are rejected. Sensitive, as a whole map (Terraform cannot mark single map values sensitive), because arguments often carry connection strings or tokens: plans show `(sensitive value)`, the provider never logs argument values, but the state holds them as Glue does; pass secrets' names (Secrets Manager, SSM) rather than their values. An argument set to its built-in default value stays in `arguments` across refreshes; after an import it reads back as not set (see the import note)."))),
            ("arguments_all", sensitive(attr(string_map(), Computed, "Every argument the job is given: the defaults overlaid with `arguments`. Sensitive, like `arguments`."))),
            ("schedule", attr(string(), Optional, "`cron(...)` (AWS's 6-field cron) or `rate(...)`: creates a scheduled Glue trigger named `<name>-schedule`.")),
            ("tags", attr(string_map(), Optional, "Tags for the job and its trigger, over the provider's `default_tags` and the pipeline's tags.")),
            ("tags_all", attr(string_map(), Computed, "Every tag on the job: provider `default_tags`, the pipeline's tags, `tags`, the informational `flywheel:managed-by`, and the ownership tags `flywheel:owner` (this instance's `owner_id`) and, with a pipeline, `flywheel:pipeline-owner`. An ownership tag removed outside Terraform shows as a diff here, and apply restores it.")),
            ("owner_id", attr(string(), Computed, "This instance's identity: a random value made when the resource is created or imported, kept in state, and written as the tag `flywheel:owner` on the job, its trigger and the uploaded script object. The provider changes or deletes an existing object only when it carries this identity (or, for objects created by provider 0.1.0, none), so another Terraform state with the same configuration, or an object with copied tags, is never taken over. Another state cannot reproduce it. Unknown until the first apply.")),
            ("managed_objects", attr(crate::resources::managed::attribute_type(), Computed, crate::resources::managed::DESCRIPTION)),
        ],
        [],
    )
}
