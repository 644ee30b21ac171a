# A compaction job in a pipeline: the script is uploaded to the pipeline's assets bucket
# (scripts/<name>.py) and the job gets the pipeline's role, paths and tags.
resource "flywheel_job" "addressable_ids_compaction" {
  name     = "etl-omc-flywheel-prod-addressable-ids-compaction"
  pipeline = flywheel_pipeline.prod.context
  script   = "${path.module}/scripts/addressable_ids_compaction.py"

  number_of_workers = 8
  glue_version      = "4.0"
  arguments = {
    "--input_path"  = "s3://omc-flywheel-data-us-east-1-prod/opus/addressable_ids/"
    "--output_path" = "s3://omc-flywheel-data-us-east-1-prod/omc_cleanroom_data/addressable_ids/"
  }
  schedule = "cron(0 3 * * ? *)"
  tags     = { team = "data" }
}

# Standalone, without a pipeline: the role and the bucket are given directly, and an
# existing script object is used as is (it is never deleted).
resource "flywheel_job" "standalone" {
  name            = "etl-standalone-example"
  role_arn        = "arn:aws:iam::239083076653:role/omc_flywheel-prod-glue-role"
  script_location = "s3://aws-glue-assets-239083076653-us-east-1/scripts/standalone.py"
  script_bucket   = "aws-glue-assets-239083076653-us-east-1"
  worker_type     = "G.2X"
  arguments       = { "--job-bookmark-option" = "job-bookmark-disable" }
}

# A nightly batch job on spare capacity: FLEX costs less per DPU-hour (Glue 3.0+, G.1X or
# G.2X), auto scaling uses up to 16 workers, and a second run queues instead of failing.
resource "flywheel_job" "nightly_backfill" {
  name     = "etl-omc-flywheel-prod-nightly-backfill"
  pipeline = flywheel_pipeline.prod.context
  script   = "${path.module}/scripts/addressable_ids_compaction.py"

  glue_version            = "5.1"
  execution_class         = "FLEX"
  auto_scaling            = true
  number_of_workers       = 16
  max_concurrent_runs     = 2
  job_run_queuing_enabled = true
  schedule                = "cron(30 1 * * ? *)"
}

# A Python shell job: one small Python process (0.0625 DPU by default, or 1), no Spark.
# It takes no worker settings or Spark arguments; streaming and Ray jobs are out of scope.
resource "flywheel_job" "manifest_check" {
  name     = "etl-omc-flywheel-prod-manifest-check"
  pipeline = flywheel_pipeline.prod.context
  script   = "${path.module}/scripts/manifest_check.py"

  command         = "pythonshell"
  max_capacity    = 1
  timeout_minutes = 30
  arguments = {
    "library-set"  = "analytics"
    "--input_path" = "s3://omc-flywheel-data-us-east-1-prod/opus/"
  }
  schedule = "cron(0 6 * * ? *)"
}

# A job whose script Glue Studio keeps in Git: the token stays in AWS Secrets Manager, and
# only the secret's name is in the configuration (and so in state).
resource "flywheel_job" "versioned" {
  name     = "etl-omc-flywheel-prod-versioned"
  pipeline = flywheel_pipeline.prod.context
  script   = "${path.module}/scripts/addressable_ids_compaction.py"

  job_mode = "SCRIPT"
  source_control_details {
    provider      = "GITHUB"
    owner         = "omc-data-platform"
    repository    = "flywheel-etl"
    branch        = "main"
    folder        = "jobs"
    auth_strategy = "AWS_SECRETS_MANAGER"
    auth_token    = "glue/github-token"
  }
}
