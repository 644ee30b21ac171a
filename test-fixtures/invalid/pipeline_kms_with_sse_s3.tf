# stage: validate
# attribute: data_bucket.kms_key_arn
# error: KMS key with SSE-S3

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  data_bucket {
    sse_algorithm = "AES256"
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }
}
