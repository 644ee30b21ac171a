# stage: validate
# attribute: max_capacity
# error: Setting only for Python shell jobs

resource "flywheel_job" "x" {
  name = "__NAME__-job"
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  script_location = "s3://__NAME__-assets/scripts/x.py"
  script_bucket = "__NAME__-assets"
  max_capacity = 1
}
