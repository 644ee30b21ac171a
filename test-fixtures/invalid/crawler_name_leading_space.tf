# stage: validate
# attribute: name
# error: Invalid name

resource "flywheel_crawler" "x" {
  name = " __NAME__"
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  database = "__NAME___db"
  s3_targets = ["s3://__NAME__-data/raw/"]
}
