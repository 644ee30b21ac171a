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

# The block form of the S3 targets: one block per path, each with its own options. Needed
# for a bucket reached only through a VPC (a Glue NETWORK connection) or for exclusions or
# sample sizes that differ between paths. A crawler uses either s3_targets or s3_target.
resource "flywheel_crawler" "partner_drops" {
  name     = "crw-omc-flywheel-prod-partner-drops"
  pipeline = flywheel_pipeline.prod.context

  s3_target {
    path            = "s3://omc-flywheel-partner-drops/inbound/"
    connection_name = "omc-flywheel-prod-vpc"
    exclusions      = ["**/_temporary/**", "**.crc"]
  }

  s3_target {
    path        = "s3://omc-flywheel-data-us-east-1-prod/support_files/"
    sample_size = 10
  }
}

# Existing catalog tables, kept up to date from their data as S3 events arrive. A crawler of
# catalog tables has no other kind of target, and logs deletions (or deletes the tables):
# Glue refuses DEPRECATE_IN_DATABASE for it.
resource "flywheel_crawler" "cleanroom_tables" {
  name           = "crw-omc-flywheel-prod-cleanroom-tables"
  pipeline       = flywheel_pipeline.prod.context
  recrawl_policy = "CRAWL_EVENT_MODE"

  catalog_target {
    database_name       = "omc_flywheel_prod"
    tables              = ["addressable_ids", "infobase_attributes"]
    event_queue_arn     = "arn:aws:sqs:us-east-1:239083076653:omc-flywheel-prod-cleanroom-events"
    dlq_event_queue_arn = "arn:aws:sqs:us-east-1:239083076653:omc-flywheel-prod-cleanroom-events-dlq"
  }

  schema_change_policy {
    update_behavior = "LOG"
    delete_behavior = "LOG"
  }
}

# Operational databases: a PostgreSQL schema through a JDBC connection (with the native
# column types and comments), a DynamoDB table read at a fifth of its capacity from a
# sample of its records, and a MongoDB collection.
resource "flywheel_crawler" "operational" {
  name         = "crw-omc-flywheel-prod-operational"
  pipeline     = flywheel_pipeline.prod.context
  table_prefix = "ops_"

  jdbc_target {
    connection_name            = "omc-flywheel-prod-postgres"
    path                       = "orders/public/%"
    exclusions                 = ["orders/public/tmp_*"]
    enable_additional_metadata = ["RAWTYPES", "COMMENTS"]
  }

  dynamodb_target {
    path      = "omc-flywheel-prod-sessions"
    scan_all  = false
    scan_rate = 0.2
  }

  mongodb_target {
    connection_name = "omc-flywheel-prod-mongo"
    path            = "profiles/households"
  }
}

# Open table formats in S3: Delta tables (with manifests for Athena), and Iceberg and Hudi
# tables found up to a few prefix levels below each path.
resource "flywheel_crawler" "lakehouse" {
  name     = "crw-omc-flywheel-prod-lakehouse"
  pipeline = flywheel_pipeline.prod.context

  delta_target {
    delta_tables              = ["s3://omc-flywheel-data-us-east-1-prod/delta/households/"]
    write_manifest            = true
    create_native_delta_table = false
  }

  iceberg_target {
    paths                   = ["s3://omc-flywheel-data-us-east-1-prod/iceberg/"]
    maximum_traversal_depth = 3
  }

  hudi_target {
    paths                   = ["s3://omc-flywheel-data-us-east-1-prod/hudi/"]
    exclusions              = ["**/.hoodie/.temp/**"]
    maximum_traversal_depth = 5
  }
}
