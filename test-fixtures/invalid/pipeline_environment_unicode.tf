# stage: validate
# attribute: environment
# error: Invalid environment

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "prød"
}
