# stage: validate
# attribute: role.permissions_boundary
# error: not an IAM policy ARN

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  role {
    permissions_boundary = "arn:aws:iam::123456789012:role/x"
  }
}
