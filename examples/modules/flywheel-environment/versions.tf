terraform {
  # optional() object attributes with defaults need Terraform 1.3 or OpenTofu 1.6.
  required_version = ">= 1.3"

  required_providers {
    flywheel = {
      source  = "omc/flywheel"
      version = "~> 0.1"
    }
  }
}
