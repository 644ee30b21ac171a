# The worst case of one run of the production compaction job: 8 G.1X workers for its
# 600-minute timeout, 8 × 1 × 600 / 60 = 80 DPU-hours.
output "compaction_max_dpu_hours" {
  value = provider::flywheel::dpu_hours("G.1X", 8, 600)
}

# A budget check before a job exists: the plan warns when the chosen worker type would
# bill more than 300 DPU-hours a run.
variable "worker_type" {
  type    = string
  default = "G.2X"
}

locals {
  max_dpu_hours = provider::flywheel::dpu_hours(var.worker_type, 8, 600) # 160 for G.2X
}

check "run_budget" {
  assert {
    condition     = local.max_dpu_hours <= 300
    error_message = "One run may bill ${local.max_dpu_hours} DPU-hours, over the budget of 300."
  }
}
