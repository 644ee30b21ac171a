# stage: validate
# attribute: role_arn
# error: Invalid role ARN

resource "flywheel_job" "x" {
  name = "__NAME__-job"
  role_arn = "arn:aws:iam::123456789012:user/__NAME__"
  script_location = "s3://__NAME__-assets/scripts/x.py"
  script_bucket = "__NAME__-assets"
}
