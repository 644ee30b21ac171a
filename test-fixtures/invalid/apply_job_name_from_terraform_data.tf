# stage: apply
# attribute: name
# error: Invalid job name

resource "terraform_data" "name" {
  input = "__NAME__/bad"
}

resource "flywheel_job" "x" {
  name = terraform_data.name.output
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  script_location = "s3://__NAME__-assets/scripts/x.py"
  script_bucket = "__NAME__-assets"
}
