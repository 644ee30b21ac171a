# stage: validate
# attribute: analysis_bucket.expire_prefixes
# error: wildcards

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  analysis_bucket {
    expire_prefixes = { "t?mp/" = 7 }
  }
}
