# stage: validate
# attribute: number_of_workers
# error: Spark setting on a Python shell job

resource "flywheel_job" "x" {
  name = "__NAME__-job"
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  script_location = "s3://__NAME__-assets/scripts/x.py"
  script_bucket = "__NAME__-assets"
  command = "pythonshell"
  number_of_workers = 2
}
