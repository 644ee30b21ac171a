# stage: validate
# attribute: database
# error: database

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  database = "db"
}
