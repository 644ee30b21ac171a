# One flywheel environment: the shared foundation (buckets, catalog database, Glue role),
# the ETL jobs that run in it and the crawlers that catalog their inputs and outputs.

resource "flywheel_pipeline" "this" {
  name        = var.name
  environment = var.environment

  database {
    name        = var.database.name
    description = var.database.description
  }

  role {
    name                       = var.role.name
    managed_policy_arns        = var.role.managed_policy_arns
    path                       = var.role.path                       # null: "/"
    permissions_boundary       = var.role.permissions_boundary       # null: none
    attach_glue_service_role   = var.role.attach_glue_service_role   # null: true
    confused_deputy_conditions = var.role.confused_deputy_conditions # null: false
  }

  data_bucket {
    name            = var.data_bucket.name
    create          = var.data_bucket.create
    prefixes        = var.data_bucket.prefixes
    expire_prefixes = var.data_bucket.expire_prefixes
    kms_key_arn     = var.data_bucket.kms_key_arn
    sse_algorithm   = var.data_bucket.sse_algorithm
    # null: the provider's default (on for a created data bucket, off otherwise).
    intelligent_tiering    = var.data_bucket.intelligent_tiering
    allowed_principal_arns = var.data_bucket.allowed_principal_arns
  }

  assets_bucket {
    name                   = var.assets_bucket.name
    create                 = var.assets_bucket.create
    expire_prefixes        = var.assets_bucket.expire_prefixes
    kms_key_arn            = var.assets_bucket.kms_key_arn
    sse_algorithm          = var.assets_bucket.sse_algorithm
    intelligent_tiering    = var.assets_bucket.intelligent_tiering
    allowed_principal_arns = var.assets_bucket.allowed_principal_arns
  }

  analysis_bucket {
    name                   = var.analysis_bucket.name
    create                 = var.analysis_bucket.create
    prefixes               = var.analysis_bucket.prefixes
    expire_prefixes        = var.analysis_bucket.expire_prefixes
    kms_key_arn            = var.analysis_bucket.kms_key_arn
    sse_algorithm          = var.analysis_bucket.sse_algorithm
    intelligent_tiering    = var.analysis_bucket.intelligent_tiering
    allowed_principal_arns = var.analysis_bucket.allowed_principal_arns
  }

  dynamic "alerts" {
    for_each = var.alerts == null ? [] : [var.alerts]
    content {
      create_topic         = alerts.value.create_topic
      sns_topic_arn        = alerts.value.sns_topic_arn
      email_subscriptions  = alerts.value.email_subscriptions
      on_job_failure       = alerts.value.on_job_failure
      on_job_stopped       = alerts.value.on_job_stopped
      on_crawler_failure   = alerts.value.on_crawler_failure
      long_running_minutes = alerts.value.long_running_minutes
      storage_threshold_gb = alerts.value.storage_threshold_gb
      monthly_budget_usd   = alerts.value.monthly_budget_usd
    }
  }

  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "flywheel_job" "this" {
  for_each = var.jobs

  name        = each.key
  pipeline    = flywheel_pipeline.this.context
  script      = "${var.scripts_dir}/${each.value.script}"
  description = each.value.description

  worker_type       = each.value.worker_type
  number_of_workers = each.value.number_of_workers
  timeout_minutes   = each.value.timeout_minutes
  max_retries       = each.value.max_retries
  glue_version      = each.value.glue_version
  arguments         = each.value.arguments
  schedule          = each.value.schedule
  tags              = each.value.tags
  # Glue's NotifyDelayAfter, which the long-running alert rule listens for.
  long_running_minutes = each.value.long_running_minutes != null ? each.value.long_running_minutes : try(flywheel_pipeline.this.alerts[0].long_running_minutes, null)
}

resource "flywheel_crawler" "this" {
  for_each = var.crawlers

  name         = each.key
  pipeline     = flywheel_pipeline.this.context
  database     = each.value.database # null: the pipeline's database
  s3_targets   = each.value.s3_targets
  exclusions   = each.value.exclusions
  table_prefix = each.value.table_prefix

  schema_change_policy {
    update_behavior = each.value.update_behavior
    delete_behavior = each.value.delete_behavior
  }

  recrawl_policy = each.value.recrawl_policy
  schedule       = each.value.schedule
  # Referencing the job (not just its name) orders the trigger after the job it watches.
  run_after_job = each.value.run_after_job == null ? null : flywheel_job.this[each.value.run_after_job].name
  configuration = each.value.configuration
  tags          = each.value.tags
}
