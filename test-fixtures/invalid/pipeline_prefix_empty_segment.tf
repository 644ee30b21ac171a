# stage: validate
# attribute: data_bucket.prefixes
# error: empty path segment

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  data_bucket {
    prefixes = ["a//b/"]
  }
}
