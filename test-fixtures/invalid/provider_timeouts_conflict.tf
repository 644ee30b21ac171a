# stage: validate
# attribute: operation_timeout_seconds
# error: operation_timeout_seconds

provider "flywheel" {
  http_timeout_seconds = 120
  operation_timeout_seconds = 60
}

resource "flywheel_job" "x" {
  name = "__NAME__-job"
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  script_location = "s3://__NAME__-assets/scripts/x.py"
  script_bucket = "__NAME__-assets"
}
