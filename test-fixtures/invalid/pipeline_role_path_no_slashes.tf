# stage: validate
# attribute: role.path
# error: must start and end

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  role {
    path = "flywheel"
  }
}
