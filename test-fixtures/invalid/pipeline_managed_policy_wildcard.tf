# stage: validate
# attribute: role.managed_policy_arns
# error: not an IAM policy ARN

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  role {
    managed_policy_arns = ["*"]
  }
}
