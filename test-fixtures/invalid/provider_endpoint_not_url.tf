# stage: validate
# attribute: endpoints
# error: glue

provider "flywheel" {
  endpoints {
    glue = "not a url"
  }
}

resource "flywheel_job" "x" {
  name = "__NAME__-job"
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  script_location = "s3://__NAME__-assets/scripts/x.py"
  script_bucket = "__NAME__-assets"
}
