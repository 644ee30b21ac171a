terraform {
  required_providers {
    flywheel = {
      source  = "omc/flywheel"
      version = "~> 0.1"
    }
  }
}

# Credentials come from the usual AWS chain (environment, shared profile, SSO, instance role).
# The account guard stops a plan run with the wrong credentials before anything is read.
provider "flywheel" {
  region              = "us-east-1"
  allowed_account_ids = ["239083076653"]

  # Every AWS call: an attempt without an answer after 60 s is retried, and one call,
  # retries and waits for IAM included, ends with an error after 300 s (the defaults).
  # http_timeout_seconds      = 60
  # operation_timeout_seconds = 300

  default_tags = {
    CostCenter = "data-platform"
    ManagedBy  = "terraform"
  }
}
