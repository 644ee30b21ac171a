# Production: account 239083076653 in us-east-1. Credentials come from the AWS chain or
# `profile`; the account guard refuses to plan with credentials of any other account.
provider "flywheel" {
  region              = "us-east-1"
  allowed_account_ids = ["239083076653"]
  profile             = var.profile
  default_tags        = var.default_tags

  # Only for a local emulator (see localstack.tfvars). With `endpoint` null, as in
  # production, every service uses its AWS endpoint.
  endpoints {
    glue = var.endpoint
    iam  = var.endpoint
    s3   = var.endpoint
    sts  = var.endpoint
  }
}
