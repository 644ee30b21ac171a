# stage: validate
# attribute: database.name
# error: database name

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  database {
    name = "__NAME__ db"
  }
}
