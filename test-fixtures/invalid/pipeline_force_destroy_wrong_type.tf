# stage: validate
# attribute: force_destroy
# error: force_destroy

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  force_destroy = "maybe"
}
