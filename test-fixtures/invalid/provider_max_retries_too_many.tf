# stage: validate
# attribute: max_retries
# error: max_retries must be a whole number from 0 to 100

provider "flywheel" {
  max_retries = 101
}

resource "flywheel_job" "x" {
  name = "__NAME__-job"
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  script_location = "s3://__NAME__-assets/scripts/x.py"
  script_bucket = "__NAME__-assets"
}
