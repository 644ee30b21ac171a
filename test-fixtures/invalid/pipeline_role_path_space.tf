# stage: validate
# attribute: role.path
# error: printable ASCII

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  role {
    path = "/fly wheel/"
  }
}
