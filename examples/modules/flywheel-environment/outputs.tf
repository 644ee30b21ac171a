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
