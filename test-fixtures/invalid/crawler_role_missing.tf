# stage: validate
# attribute: role_arn
# error: Missing role

resource "flywheel_crawler" "x" {
  name = "__NAME__-crw"
  database = "__NAME___db"
  s3_targets = ["s3://__NAME__-data/raw/"]
}
