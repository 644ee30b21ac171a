# stage: validate
# attribute: name
# error: Invalid job name

resource "flywheel_job" "x" {
  name = ""
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  script_location = "s3://__NAME__-assets/scripts/x.py"
  script_bucket = "__NAME__-assets"
}
