terraform {
  required_version = ">= 1.3"

  required_providers {
    flywheel = {
      source  = "omc/flywheel"
      version = "~> 0.1"
    }
  }
}
