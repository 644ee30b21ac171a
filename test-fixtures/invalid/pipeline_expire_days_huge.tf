# stage: validate
# attribute: analysis_bucket.expire_prefixes
# error: between 1

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  analysis_bucket {
    expire_prefixes = { "temp/" = 1e300 }
  }
}
