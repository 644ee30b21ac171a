# A job's definition and its last run, for example to alert on a failed compaction or to
# report what the last run cost.
data "flywheel_job" "compaction" {
  name = "etl-omc-flywheel-prod-addressable-ids-compaction"
}

locals {
  compaction_run = data.flywheel_job.compaction.last_run
}

output "compaction_workers" {
  value = "${data.flywheel_job.compaction.number_of_workers} x ${data.flywheel_job.compaction.worker_type}"
}

output "compaction_last_run" {
  # Null when the job has never run.
  value = local.compaction_run == null ? "never run" : "${local.compaction_run.state} at ${local.compaction_run.started_on}"
}

output "compaction_last_run_dpu_hours" {
  value = local.compaction_run == null ? 0 : local.compaction_run.dpu_seconds / 3600
}
