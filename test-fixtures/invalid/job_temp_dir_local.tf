# stage: validate
# attribute: temp_dir
# error: Invalid S3 URI

resource "flywheel_job" "x" {
  name = "__NAME__-job"
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  script_location = "s3://__NAME__-assets/scripts/x.py"
  script_bucket = "__NAME__-assets"
  temp_dir = "/tmp"
}
