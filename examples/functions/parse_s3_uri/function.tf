variable "raw_input" {
  type    = string
  default = "s3://omc-flywheel-data-us-east-1-prod/opus/addressable_ids/"
}

locals {
  raw = provider::flywheel::parse_s3_uri(var.raw_input)
}

output "raw_bucket" {
  value = local.raw.bucket # "omc-flywheel-data-us-east-1-prod"
}

output "raw_prefix" {
  value = local.raw.key # "opus/addressable_ids/"
}
