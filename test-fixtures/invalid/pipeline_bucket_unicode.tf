# stage: validate
# attribute: data_bucket.name
# error: Invalid bucket name

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  data_bucket {
    name = "__NAME__-bücket"
  }
}
