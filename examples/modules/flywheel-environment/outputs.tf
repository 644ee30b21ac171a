output "pipeline_id" {
  description = "ID of the `flywheel_pipeline`."
  value       = flywheel_pipeline.this.id
}

output "context" {
  description = "The pipeline's `context` (role, database, buckets, paths, tags), for jobs and crawlers declared outside this module."
  value       = flywheel_pipeline.this.context
}

output "role_arn" {
  description = "ARN of the IAM role Glue runs as."
  value       = flywheel_pipeline.this.role_arn
}

output "database_name" {
  description = "Name of the Glue catalog database."
  value       = flywheel_pipeline.this.database_name
}

output "bucket_names" {
  description = "Bucket names by role: `data`, `assets`, `analysis`."
  value = {
    data     = flywheel_pipeline.this.context.data_bucket
    assets   = flywheel_pipeline.this.context.assets_bucket
    analysis = flywheel_pipeline.this.context.analysis_bucket
  }
}

output "bucket_arns" {
  description = "Bucket ARNs by role: `data`, `assets`, `analysis`."
  value = {
    data     = flywheel_pipeline.this.data_bucket_arn
    assets   = flywheel_pipeline.this.assets_bucket_arn
    analysis = flywheel_pipeline.this.analysis_bucket_arn
  }
}

output "jobs" {
  description = "Each Glue job by name: its ARN and the S3 location of its script."
  value = {
    for name, job in flywheel_job.this : name => {
      arn             = job.arn
      script_location = job.script_location
    }
  }
}

# The pipeline cannot sum its jobs' worst case itself: each job takes the pipeline's
# `context`, so a pipeline attribute that read the jobs would be a dependency cycle. The
# cost total is rounded to the cent (the providers' figures are binary floats).
output "max_dpu_hours" {
  description = "The jobs' worst case (see the provider's cost guide): DPU-hours per run and per day and USD per run for each job by name, and their totals. A total cost is null when a job's cost is (a region without a price)."
  value = {
    per_run                = { for name, job in flywheel_job.this : name => job.max_dpu_hours_per_run }
    per_day                = { for name, job in flywheel_job.this : name => job.max_dpu_hours_per_day }
    cost_per_run_usd       = { for name, job in flywheel_job.this : name => job.max_cost_per_run_usd }
    total_per_run          = sum(concat([0], [for job in flywheel_job.this : job.max_dpu_hours_per_run]))
    total_per_day          = sum(concat([0], [for job in flywheel_job.this : job.max_dpu_hours_per_day]))
    total_cost_per_run_usd = anytrue([for job in flywheel_job.this : job.max_cost_per_run_usd == null]) ? null : floor(100 * sum(concat([0], [for job in flywheel_job.this : job.max_cost_per_run_usd])) + 0.5) / 100
  }
}

output "job_names" {
  description = "Names of the Glue jobs."
  value       = sort(keys(flywheel_job.this))
}

output "crawlers" {
  description = "Each Glue crawler by name: its ARN and database."
  value = {
    for name, crawler in flywheel_crawler.this : name => {
      arn      = crawler.arn
      database = crawler.database
    }
  }
}

output "crawler_names" {
  description = "Names of the Glue crawlers."
  value       = sort(keys(flywheel_crawler.this))
}

output "managed_objects" {
  description = "Every AWS object the environment expands into, as `<terraform address>: <type> <name>` lines, in a stable order. Known at plan time."
  value = concat(
    [for o in flywheel_pipeline.this.managed_objects : "flywheel_pipeline.this: ${o.type} ${o.name}"],
    flatten([
      for name in sort(keys(flywheel_job.this)) : [
        for o in flywheel_job.this[name].managed_objects : "flywheel_job.this[\"${name}\"]: ${o.type} ${o.name}"
      ]
    ]),
    flatten([
      for name in sort(keys(flywheel_crawler.this)) : [
        for o in flywheel_crawler.this[name].managed_objects : "flywheel_crawler.this[\"${name}\"]: ${o.type} ${o.name}"
      ]
    ]),
  )
}
