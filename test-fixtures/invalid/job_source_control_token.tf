# stage: validate
# attribute: source_control_details.auth_strategy
# error: Invalid source_control_details

resource "flywheel_job" "x" {
  name = "__NAME__-job"
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  script_location = "s3://__NAME__-assets/scripts/x.py"
  script_bucket = "__NAME__-assets"
  source_control_details {
    provider      = "GITHUB"
    auth_strategy = "PERSONAL_ACCESS_TOKEN"
    auth_token    = "ghp_example"
  }
}
