# stage: validate
# attribute: max_capacity
# error: Value out of range

resource "flywheel_job" "x" {
  name = "__NAME__-job"
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  script_location = "s3://__NAME__-assets/scripts/x.py"
  script_bucket = "__NAME__-assets"
  command = "pythonshell"
  max_capacity = 0.5
}
