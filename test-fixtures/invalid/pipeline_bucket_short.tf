# stage: validate
# attribute: data_bucket.name
# error: 3 to 63

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  data_bucket {
    name = "ab"
  }
}
