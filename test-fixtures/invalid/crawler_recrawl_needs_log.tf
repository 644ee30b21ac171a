# stage: validate
# attribute: recrawl_policy
# error: requires schema_change_policy

resource "flywheel_crawler" "x" {
  name = "__NAME__-crw"
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  database = "__NAME___db"
  s3_targets = ["s3://__NAME__-data/raw/"]
  recrawl_policy = "CRAWL_NEW_FOLDERS_ONLY"
}
