# stage: validate
# attribute: database.name
# error: uppercase

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  database {
    name = "__NAME___DB"
  }
}
