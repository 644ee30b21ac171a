# stage: validate
# attribute: data_bucket.sse_algorithm
# error: Invalid encryption algorithm

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  data_bucket {
    sse_algorithm = "aws:kms:xyz"
  }
}
