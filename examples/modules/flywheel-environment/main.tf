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
