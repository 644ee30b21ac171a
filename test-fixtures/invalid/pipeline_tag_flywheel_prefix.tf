# stage: validate
# attribute: tags
# error: reserves

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  tags = { "flywheel:owner" = "me" }
}
