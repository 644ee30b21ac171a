# stage: validate
# attribute: script_location
# error: Invalid S3 URI

resource "flywheel_job" "x" {
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  script_bucket = "__NAME__-assets"
  name = "__NAME__-job"
  script_location = "https://x/y.py"
}
