# stage: validate
# attribute: analysis_bucket.expire_prefixes
# error: whole number

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  analysis_bucket {
    expire_prefixes = { "temp/" = 1.5 }
  }
}
