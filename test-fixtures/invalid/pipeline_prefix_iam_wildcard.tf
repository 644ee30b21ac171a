# stage: validate
# attribute: data_bucket.prefixes
# error: wildcards

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  data_bucket {
    prefixes = ["op*/"]
  }
}
