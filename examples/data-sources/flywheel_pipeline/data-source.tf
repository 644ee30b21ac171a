# A team's own workspace attaches a job to the production pipeline another workspace
# manages: the context is the one the pipeline resource exports.
data "flywheel_pipeline" "prod" {
  name        = "omc-flywheel"
  environment = "prod"
  role_name   = "omc_flywheel-prod-glue-role"
}

resource "flywheel_job" "segments" {
  name              = "etl-omc-flywheel-prod-segments"
  pipeline          = data.flywheel_pipeline.prod.context
  script_location   = "s3://${data.flywheel_pipeline.prod.context.assets_bucket}/scripts/segments.py"
  worker_type       = "G.1X"
  number_of_workers = 4
}
