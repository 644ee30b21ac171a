# stage: validate
# attribute: tags
# error: 1 to 128

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  tags = { "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk" = "v" }
}
