output "role_arn" {
  description = "ARN of omc_flywheel-prod-glue-role."
  value       = module.flywheel.role_arn
}

output "database_name" {
  description = "The production Glue catalog database."
  value       = module.flywheel.database_name
}

output "bucket_names" {
  description = "The data, Glue assets and analysis buckets."
  value       = module.flywheel.bucket_names
}

output "jobs" {
  description = "The Glue jobs: ARN and script location."
  value       = module.flywheel.jobs
}

output "crawlers" {
  description = "The Glue crawlers: ARN and database."
  value       = module.flywheel.crawlers
}

output "managed_objects" {
  description = "Every AWS object this environment expands into."
  value       = module.flywheel.managed_objects
}

output "max_dpu_hours" {
  description = "The jobs' worst case: 80, 240 and 240 DPU-hours per run (560 in all), and per day and in USD."
  value       = module.flywheel.max_dpu_hours
}
