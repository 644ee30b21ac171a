# stage: validate
# attribute: role.managed_policy_arns
# error: AWSGlueServiceRole

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  role {
    attach_glue_service_role = false
    managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"]
  }
}
