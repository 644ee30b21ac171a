# A crawler over raw input in a pipeline: the role and database come from the pipeline, and
# the crawler runs every night and whenever the compaction job succeeds.
resource "flywheel_crawler" "raw_input_addressable" {
  name         = "crw-omc-flywheel-prod-raw-input-addressable"
  pipeline     = flywheel_pipeline.prod.context
  s3_targets   = ["s3://omc-flywheel-data-us-east-1-prod/opus/addressable_ids/raw_input/"]
  exclusions   = ["**/_temporary/**"]
  table_prefix = "addressable_"

  schema_change_policy {
    update_behavior = "UPDATE_IN_DATABASE"
    delete_behavior = "LOG"
  }

  recrawl_policy = "CRAWL_EVERYTHING"
  schedule       = "cron(0 4 * * ? *)"
  run_after_job  = flywheel_job.addressable_ids_compaction.name
  configuration = jsonencode({
    Version  = 1.0
    Grouping = { TableGroupingPolicy = "CombineCompatibleSchemas" }
  })
  description = "Raw addressable IDs, catalogued nightly and after each compaction."
  lineage     = true
  tags        = { team = "data" }
}

# Event mode: S3 sends the prefix's object notifications to an SQS queue, and each crawl
# reads only the objects they name, sampling 20 files per leaf folder. It uses custom
# classifiers, a Glue security configuration and Lake Formation credentials.
resource "flywheel_crawler" "raw_input_events" {
  name                   = "crw-omc-flywheel-prod-raw-input-infobase"
  pipeline               = flywheel_pipeline.prod.context
  s3_targets             = ["s3://omc-flywheel-data-us-east-1-prod/opus/infobase_attributes/raw_input/"]
  table_prefix           = "infobase_attributes_"
  recrawl_policy         = "CRAWL_EVENT_MODE"
  event_queue_arn        = "arn:aws:sqs:us-east-1:239083076653:omc-flywheel-prod-raw-input-events"
  dlq_event_queue_arn    = "arn:aws:sqs:us-east-1:239083076653:omc-flywheel-prod-raw-input-events-dlq"
  sample_size            = 20
  classifiers            = ["pipe-delimited-csv"]
  security_configuration = "omc-flywheel-prod-glue-sse-kms"

  lake_formation_configuration {
    use_lake_formation_credentials = true
  }
}

# Standalone, without a pipeline: the role and database are given directly. Incremental
# crawls (new folders only) require both schema change behaviours to be LOG.
resource "flywheel_crawler" "cleanroom_output" {
  name       = "crw-omc-flywheel-prod-cleanroom-addressable"
  role_arn   = "arn:aws:iam::239083076653:role/omc_flywheel-prod-glue-role"
  database   = "omc_flywheel_prod"
  s3_targets = ["s3://omc-flywheel-data-us-east-1-prod/omc_cleanroom_data/addressable_ids/"]

  schema_change_policy {
    update_behavior = "LOG"
    delete_behavior = "LOG"
  }
  recrawl_policy = "CRAWL_NEW_FOLDERS_ONLY"

  # Glue refuses to change or delete a crawler while it runs: an apply that meets a run
  # stops it, then waits for it to stop (up to 10 minutes) before changing the crawler.
  stop_running_crawler    = true
  running_crawler_timeout = "10m"
}
