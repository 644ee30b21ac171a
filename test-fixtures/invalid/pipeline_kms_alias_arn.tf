# stage: validate
# attribute: analysis_bucket.kms_key_arn
# error: alias ARN; use the key ARN

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  analysis_bucket {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:alias/mine"
  }
}
