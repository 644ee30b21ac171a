# stage: validate
# attribute: exclusions
# error: exclusions

resource "flywheel_crawler" "x" {
  name = "__NAME__-crw"
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  database = "__NAME___db"
  s3_targets = ["s3://__NAME__-data/raw/"]
  exclusions = "**/_tmp/**"
}
