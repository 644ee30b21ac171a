# stage: validate
# attribute: name
# error: Invalid pipeline name

resource "flywheel_pipeline" "x" {
  name = "__NAME__-Acme"
  environment = "val"
}
