# stage: plan
# attribute: data_bucket.prefixes
# error: wildcards
# var: prefix=op*/

variable "prefix" {
  type = string
}

resource "flywheel_pipeline" "x" {
  name = "__NAME__"
  environment = "val"
  data_bucket {
    prefixes = [var.prefix]
  }
}
