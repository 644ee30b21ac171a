# stage: validate
# attribute: name
# error: 1 to 40

resource "flywheel_pipeline" "x" {
  name = "__NAME__-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  environment = "val"
}
