# stage: validate
# attribute: data_bucket.allowed_principal_arns
# error: Invalid principal ARN

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  data_bucket {
    allowed_principal_arns = ["*"]
  }
}
