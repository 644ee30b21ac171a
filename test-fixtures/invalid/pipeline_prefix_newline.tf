# stage: validate
# attribute: data_bucket.prefixes
# error: control characters

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  data_bucket {
    prefixes = ["a\nb/"]
  }
}
