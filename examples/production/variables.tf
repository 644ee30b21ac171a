variable "profile" {
  description = "Shared-config profile with credentials for account 239083076653. Null: the default AWS credential chain."
  type        = string
  default     = null
}

variable "default_tags" {
  description = "Tags for every AWS object the provider creates."
  type        = map(string)
  default = {
    CostCenter = "data-platform"
    ManagedBy  = "terraform"
  }
}

variable "adopt_existing_buckets" {
  description = "The production buckets already exist and hold data: adopt them (configure encryption, public access block, TLS policy and lifecycle, never delete them or their data). Set to false to create them, as against an emulator."
  type        = bool
  default     = true
}

variable "alert_emails" {
  description = "Addresses subscribed to the alerts topic. SNS mails each a confirmation link; nothing is delivered until it is followed."
  type        = list(string)
  default     = []
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete created buckets that still hold objects. Keep false in production."
  type        = bool
  default     = false
}

variable "endpoint" {
  description = "Send every AWS call to this URL instead of AWS, for a LocalStack-style emulator (see localstack.tfvars). Null in production."
  type        = string
  default     = null
}
