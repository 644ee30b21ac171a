# stage: validate
# attribute: script_location
# error: Invalid S3 URI

resource "flywheel_job" "x" {
  name = "__NAME__-job"
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  script_bucket = "__NAME__-assets"
  script_location = "s3://__NAME__-assets"
}
