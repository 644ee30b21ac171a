# stage: validate
# attribute: analysis_bucket.name
# error: already the data_bucket

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  data_bucket {
    name = "__NAME__-data"
  }
  analysis_bucket {
    name = "__NAME__-data"
  }
}
