# stage: validate
# attribute: name
# error: Invalid pipeline name

resource "flywheel_pipeline" "x" {
  name = "__NAME__\u0000"
  environment = "val"
}
