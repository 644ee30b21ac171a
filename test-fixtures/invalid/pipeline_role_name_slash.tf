# stage: validate
# attribute: role.name
# error: 1 to 64

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  role {
    name = "a/b"
  }
}
