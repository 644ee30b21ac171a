# A job's script in the Glue assets bucket, with the bucket name checked at plan time.
resource "flywheel_job" "compaction" {
  name            = "etl-compaction"
  role_arn        = "arn:aws:iam::239083076653:role/omc_flywheel-prod-glue-role"
  script_location = provider::flywheel::s3_uri("aws-glue-assets-239083076653-us-east-1", "scripts/etl-compaction.py")
  script_bucket   = "aws-glue-assets-239083076653-us-east-1"
}
