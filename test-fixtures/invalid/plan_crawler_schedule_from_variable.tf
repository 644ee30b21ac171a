# stage: plan
# attribute: schedule
# error: Invalid schedule
# var: schedule=cron(0 4 * * *)

variable "schedule" {
  type = string
}

resource "flywheel_crawler" "x" {
  name = "__NAME__-crw"
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  database = "__NAME___db"
  s3_targets = ["s3://__NAME__-data/raw/"]
  schedule = var.schedule
}
