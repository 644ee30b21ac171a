# stage: validate
# attribute: assets_bucket.prefixes
# error: fixed on the assets bucket

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  assets_bucket {
    prefixes = ["x/"]
  }
}
