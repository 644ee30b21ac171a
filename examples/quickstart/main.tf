# Quickstart: point the provider at an AWS endpoint (here, the local emulator through
# AWS_ENDPOINT_URL, as `make demo` sets it) and read who it runs as.

terraform {
  required_providers {
    flywheel = {
      source = "omc/flywheel"
    }
  }
}

provider "flywheel" {
  region = "us-east-1"
}

data "flywheel_caller_identity" "current" {}

output "account_id" {
  value = data.flywheel_caller_identity.current.account_id
}

output "caller_arn" {
  value = data.flywheel_caller_identity.current.arn
}
