# Terraform's own floor for the scale workload: as many terraform_data resources as the
# scale workload has resources, planned the same way.

variable "count_all" {
  type        = number
  description = "How many resources."
}

resource "terraform_data" "floor" {
  count = var.count_all
  input = count.index
}
