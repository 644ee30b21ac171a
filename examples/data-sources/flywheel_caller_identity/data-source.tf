# Who and where the provider runs as: useful for ARNs and account-qualified bucket names.
data "flywheel_caller_identity" "current" {}

locals {
  glue_assets_bucket = "aws-glue-assets-${data.flywheel_caller_identity.current.account_id}-${data.flywheel_caller_identity.current.region}"
}

output "caller_arn" {
  value = data.flywheel_caller_identity.current.arn
}

output "glue_assets_bucket" {
  value = local.glue_assets_bucket
}
