# stage: validate
# attribute: data_bucket.kms_key_arn
# error: not a KMS key ARN

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  data_bucket {
    kms_key_arn = "alias/mine"
  }
}
