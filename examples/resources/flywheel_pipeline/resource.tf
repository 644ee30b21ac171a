# The production environment: the existing data bucket is adopted (configured, never
# deleted), the Glue assets and analysis buckets, the catalog database and the Glue role
# are created. Jobs and crawlers take `flywheel_pipeline.prod.context`.
resource "flywheel_pipeline" "prod" {
  name        = "omc-flywheel"
  environment = "prod"

  database {
    name        = "omc_flywheel_prod"
    description = "OMC flywheel production catalog"
  }

  role {
    name                = "omc_flywheel-prod-glue-role"
    managed_policy_arns = [] # extra attachments beyond AWSGlueServiceRole
  }

  data_bucket {
    name     = "omc-flywheel-data-us-east-1-prod"
    create   = false # adopt: configure it, never delete it or its data
    prefixes = ["opus/", "omc_cleanroom_data/", "support_files/"]
  }

  assets_bucket {
    name = "aws-glue-assets-239083076653-us-east-1" # scripts/, temporary/, sparkHistoryLogs/
  }

  analysis_bucket {
    name            = "omc-flywheel-prod-analysis-data"
    expire_prefixes = { "temp/" = 7, "spark-logs/" = 30 } # lifecycle: days
  }

  force_destroy = false
  tags          = { Environment = "prod" }
}

# A development environment with every name derived from `name` and `environment`:
# buckets acme-flywheel-dev-data, -assets and -analysis, database acme_flywheel_dev,
# role acme-flywheel-dev-glue-role. SSE-KMS on the data bucket. The role sits under
# /flywheel/ with a permissions boundary (what the deployer policy on the index page
# requires), and without AWSGlueServiceRole: its inline policy grants the Data Catalog
# actions on acme_flywheel_dev only.
resource "flywheel_pipeline" "dev" {
  name          = "acme-flywheel"
  environment   = "dev"
  force_destroy = true

  role {
    path                     = "/flywheel/"
    permissions_boundary     = "arn:aws:iam::239083076653:policy/flywheel-glue-boundary"
    attach_glue_service_role = false
  }

  data_bucket {
    kms_key_arn = "arn:aws:kms:us-east-1:239083076653:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }
}

output "prod_context" {
  value = flywheel_pipeline.prod.context
}
