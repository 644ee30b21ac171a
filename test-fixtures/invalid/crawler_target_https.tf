# stage: validate
# attribute: s3_targets
# error: not an S3 URI

resource "flywheel_crawler" "x" {
  name = "__NAME__-crw"
  role_arn = "arn:aws:iam::123456789012:role/__NAME__-role"
  database = "__NAME___db"
  s3_targets = ["https://bucket/x/"]
}
