# The OMC flywheel production environment, as it runs today: raw data lands under opus/,
# three Glue jobs compact it into omc_cleanroom_data/, and four crawlers catalog the raw
# inputs and the compacted outputs into omc_flywheel_prod.

locals {
  data_bucket = "omc-flywheel-data-us-east-1-prod"
  data        = "s3://${local.data_bucket}"
}

module "flywheel" {
  source = "../modules/flywheel-environment"

  name        = "omc-flywheel"
  environment = "prod"

  database = {
    name        = "omc_flywheel_prod"
    description = "OMC flywheel production catalog"
  }

  role = {
    name = "omc_flywheel-prod-glue-role"
  }

  data_bucket = {
    name     = local.data_bucket
    create   = !var.adopt_existing_buckets
    prefixes = ["opus/", "omc_cleanroom_data/", "support_files/"]
    # Kept on explicitly (adopted buckets default to off): the environment already relies
    # on Intelligent-Tiering for cost. On adoption the lifecycle transition is charged once
    # per object (about $0.01 per 1,000 in us-east-1; objects under 128 KB are not moved),
    # plus a monthly monitoring fee per object over 128 KB. The compacted parquet here is
    # few, large objects, so that is small next to the storage saved on cold data.
    intelligent_tiering = true
  }

  # scripts/, temporary/ (expired automatically) and sparkHistoryLogs/.
  assets_bucket = {
    name   = "aws-glue-assets-239083076653-us-east-1"
    create = !var.adopt_existing_buckets
  }

  # Temporary analysis files and Spark logs are cleaned up by lifecycle rules (days).
  analysis_bucket = {
    name            = "omc-flywheel-prod-analysis-data"
    create          = !var.adopt_existing_buckets
    expire_prefixes = { "temp/" = 7, "spark-logs/" = 30 }
  }

  # The runbook's alerts: failed jobs and crawls, runs still going after 4 of their 10
  # hours, the data bucket past 5000 GiB, and the month's cost past 80% of $3000 (or
  # forecast past it), to the topic omc-flywheel-prod-alerts. The budget counts only once
  # flywheel:owner and flywheel:pipeline-owner are active cost allocation tags.
  alerts = {
    email_subscriptions  = var.alert_emails
    long_running_minutes = 240
    storage_threshold_gb = { data = 5000 }
    monthly_budget_usd   = 3000
  }

  force_destroy = var.force_destroy
  tags          = { Environment = "prod", Project = "omc-flywheel" }
  scripts_dir   = "${path.module}/scripts"

  jobs = {
    "etl-omc-flywheel-prod-addressable-ids-compaction" = {
      script            = "etl-omc-flywheel-prod-addressable-ids-compaction.py"
      description       = "Compacts raw addressable IDs into deduplicated parquet in the cleanroom."
      worker_type       = "G.1X"
      number_of_workers = 8
      timeout_minutes   = 600
      max_retries       = 2
      arguments = {
        "--input_path"  = "${local.data}/opus/addressable_ids/raw_input/"
        "--output_path" = "${local.data}/omc_cleanroom_data/addressable/addressable_ids_compaction_cr/"
      }
    }

    "etl-omc-flywheel-prod-infobase-attributes-compaction" = {
      script            = "etl-omc-flywheel-prod-infobase-attributes-compaction.py"
      description       = "Compacts raw infobase attribute files into the latest record per ID, as parquet in the cleanroom."
      worker_type       = "G.1X"
      number_of_workers = 24
      timeout_minutes   = 600
      max_retries       = 2
      arguments = {
        "--input_path"  = "${local.data}/opus/infobase_attributes/raw_input/"
        "--output_path" = "${local.data}/omc_cleanroom_data/infobase_attributes/infobase_attributes_compaction_cr/"
      }
    }

    "etl-omc-flywheel-prod-infobase-cleanroom-from-csv" = {
      script            = "etl-omc-flywheel-prod-infobase-cleanroom-from-csv.py"
      description       = "Builds the infobase cleanroom table from the CSV deliveries."
      worker_type       = "G.1X"
      number_of_workers = 24
      timeout_minutes   = 600
      max_retries       = 2
      arguments = {
        "--input_path"       = "${local.data}/opus/infobase_attributes/raw_input/"
        "--output_path"      = "${local.data}/omc_cleanroom_data/infobase_attributes/infobase_cleanroom/"
        "--columns_file"     = "${local.data}/support_files/infobase_cleanroom_columns.txt"
        "--catalog_database" = "omc_flywheel_prod"
        "--catalog_table"    = "infobase_cleanroom"
      }
    }
  }

  # Schema changes update the catalog; deleted objects are only logged.
  crawlers = {
    "crw-omc-flywheel-prod-addressable-ids-compaction" = {
      s3_targets      = ["${local.data}/omc_cleanroom_data/addressable/addressable_ids_compaction_cr/"]
      update_behavior = "UPDATE_IN_DATABASE"
      delete_behavior = "LOG"
    }

    "crw-omc-flywheel-prod-infobase-attributes-compaction" = {
      s3_targets      = ["${local.data}/omc_cleanroom_data/infobase_attributes/infobase_attributes_compaction_cr/"]
      update_behavior = "UPDATE_IN_DATABASE"
      delete_behavior = "LOG"
    }

    "crw-omc-flywheel-prod-raw-input-addressable" = {
      s3_targets      = ["${local.data}/opus/addressable_ids/raw_input/"]
      table_prefix    = "addressable_"
      update_behavior = "UPDATE_IN_DATABASE"
      delete_behavior = "LOG"
    }

    "crw-omc-flywheel-prod-raw-input-infobase" = {
      s3_targets      = ["${local.data}/opus/infobase_attributes/raw_input/"]
      table_prefix    = "infobase_attributes_"
      update_behavior = "UPDATE_IN_DATABASE"
      delete_behavior = "LOG"
    }
  }
  # To catalog a job's output as soon as the job succeeds, give its crawler
  # `run_after_job = "<job name>"`; to run a crawler nightly, `schedule = "cron(0 4 * * ? *)"`.
}
