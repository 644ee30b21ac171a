# stage: plan
# attribute: name
# error: Invalid job name
# var: job_name=__NAME__/bad

variable "job_name" {
  type = string
}

resource "flywheel_job" "x" {
  name = var.job_name
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  script_location = "s3://__NAME__-assets/scripts/x.py"
  script_bucket = "__NAME__-assets"
}
