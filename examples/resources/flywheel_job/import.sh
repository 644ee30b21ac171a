# A Glue job is imported by its name. Everything the job carries is read back, including
# script_location, script_bucket (the bucket whose temporary/ and sparkHistoryLogs/ prefixes
# --TempDir and --spark-event-logs-path are, or of a script uploaded to scripts/<name>.py),
# temp_dir and spark_event_logs_path (when they are not those defaults), role_arn, the
# command (a Python shell job's python_version and max_capacity with it) and the schedule.
# A Python shell job's script_bucket is that of its --TempDir alone (it has no Spark UI path).
# A streaming or Ray job imports with its command, which validation then refuses. Only these can differ after import, each as an in-place update in the first plan
# that makes no AWS call (as with aws_s3_object's `source`):
# - `script`, a local path (and so `script_sha256`, its hash), and `pipeline`, the
#   pipeline's context object;
# - an argument written out with its built-in default value (for example
#   "--job-bookmark-option" = "job-bookmark-enable"), which reads back as not set;
# - defaults written out by hand (temp_dir = "s3://<script_bucket>/temporary/") or taken
#   from the pipeline, which read back in the shorter script_bucket form.
# A job configured with script_location and script_bucket (or explicit paths) plans no change.
# Importing claims the job: it gets an owner_id (the job's own flywheel:owner tag when it has
# one) and the first apply writes the ownership tags on the job, its <name>-schedule trigger
# and its script. Import only a job no other Terraform state manages: if another state does,
# both will manage it.
terraform import flywheel_job.addressable_ids_compaction etl-omc-flywheel-prod-addressable-ids-compaction
