variable "name" {
  description = "Name of the flywheel (for example `omc-flywheel`). Used for the pipeline and its ownership tags."
  type        = string
}

variable "environment" {
  description = "Environment the flywheel runs in (for example `prod`)."
  type        = string
}

variable "database" {
  description = "The Glue catalog database that crawlers write tables into."
  type = object({
    name        = string
    description = optional(string)
  })
}

variable "role" {
  description = "The IAM role Glue runs jobs and crawlers as, with a least-privilege inline policy. `managed_policy_arns` are extra attachments. `path` (default `/`; changing it replaces the pipeline) and `permissions_boundary` (a managed policy ARN) let a tightened deployer policy manage only roles under that path and with that boundary. `attach_glue_service_role = false` leaves AWSGlueServiceRole out and grants the Data Catalog actions on this environment's database in the inline policy instead. `confused_deputy_conditions = true` adds `aws:SourceAccount` / `aws:SourceArn` conditions to the trust policy; AWS does not document Glue sending these keys, so turn it on only after checking in your own account that jobs and crawlers still start."
  type = object({
    name                       = string
    managed_policy_arns        = optional(list(string), [])
    path                       = optional(string)
    permissions_boundary       = optional(string)
    attach_glue_service_role   = optional(bool)
    confused_deputy_conditions = optional(bool)
  })
}

variable "data_bucket" {
  description = "Bucket for raw and processed data. `create = false` adopts an existing bucket: the provider configures it but never deletes it or its data. `prefixes` are the top-level prefixes the Glue role may read and write (empty: the whole bucket). `expire_prefixes` maps a prefix to the days after which its objects expire. `kms_key_arn` selects SSE-KMS instead of SSE-S3 (`sse_algorithm = \"aws:kms:dsse\"`: DSSE-KMS); without either, an adopted bucket keeps the encryption it has. `intelligent_tiering` (default: on only when the bucket is created) moves objects to Intelligent-Tiering, at a per-object transition fee. `allowed_principal_arns` limits object reads and writes to the Glue role and these IAM roles or users."
  type = object({
    name                   = string
    create                 = optional(bool, true)
    prefixes               = optional(list(string), [])
    expire_prefixes        = optional(map(number), {})
    kms_key_arn            = optional(string)
    sse_algorithm          = optional(string)
    intelligent_tiering    = optional(bool)
    allowed_principal_arns = optional(list(string))
  })
}

variable "assets_bucket" {
  description = "Bucket for Glue scripts (`scripts/`), temporary files (`temporary/`, expired after 7 days unless `expire_prefixes` says otherwise) and Spark UI logs (`sparkHistoryLogs/`). `create = false` adopts an existing bucket. `kms_key_arn`, `sse_algorithm`, `intelligent_tiering` (default off) and `allowed_principal_arns` as on `data_bucket`; include the principal Terraform runs as in `allowed_principal_arns`, since it uploads the job scripts here."
  type = object({
    name                   = string
    create                 = optional(bool, true)
    expire_prefixes        = optional(map(number), {})
    kms_key_arn            = optional(string)
    sse_algorithm          = optional(string)
    intelligent_tiering    = optional(bool)
    allowed_principal_arns = optional(list(string))
  })
}

variable "analysis_bucket" {
  description = "Bucket for analysis results. `expire_prefixes` maps a prefix to the number of days after which its objects expire (lifecycle cleanup of temporary data). `create = false` adopts an existing bucket. `kms_key_arn`, `sse_algorithm`, `intelligent_tiering` (default off) and `allowed_principal_arns` as on `data_bucket`."
  type = object({
    name                   = string
    create                 = optional(bool, true)
    prefixes               = optional(list(string), [])
    expire_prefixes        = optional(map(number), {})
    kms_key_arn            = optional(string)
    sse_algorithm          = optional(string)
    intelligent_tiering    = optional(bool)
    allowed_principal_arns = optional(list(string))
  })
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete created buckets that still hold objects. Adopted buckets are never deleted."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every object of the environment, on top of the provider's `default_tags`."
  type        = map(string)
  default     = {}
}

variable "scripts_dir" {
  description = "Directory holding the jobs' local scripts; a job's `script` is relative to it. Pass `\"$${path.module}/scripts\"` from the calling module."
  type        = string
}

variable "alerts" {
  description = "The runbook's alerts (see the provider's monitoring guide): an SNS topic with email subscriptions, EventBridge rules for failed and long-running jobs and failed crawlers, and a size alarm per bucket in `storage_threshold_gb` (GiB, keyed by data, assets or analysis), and a monthly AWS Budget on the environment's cost in `monthly_budget_usd` (its tags must be activated as cost allocation tags). `long_running_minutes` is also given to every job that sets none. Null: no alerts."
  type = object({
    create_topic         = optional(bool)
    sns_topic_arn        = optional(string)
    email_subscriptions  = optional(set(string), [])
    on_job_failure       = optional(bool, true)
    on_job_stopped       = optional(bool, false)
    on_crawler_failure   = optional(bool, true)
    long_running_minutes = optional(number)
    storage_threshold_gb = optional(map(number), {})
    monthly_budget_usd   = optional(number)
  })
  default = null
}

variable "jobs" {
  description = "Glue ETL jobs, keyed by job name. `script` is a file in `scripts_dir`, uploaded to the assets bucket as `scripts/<job name>.py`. Unset attributes take the provider's defaults (G.1X, 10 workers, timeout 600 minutes, 2 retries, Glue 4.0, metrics, continuous logging, Spark UI, job bookmarks)."
  type = map(object({
    script            = string
    description       = optional(string)
    worker_type       = optional(string, "G.1X")
    number_of_workers = optional(number, 10)
    timeout_minutes   = optional(number, 600)
    max_retries       = optional(number, 2)
    glue_version      = optional(string, "4.0")
    arguments         = optional(map(string), {})
    schedule          = optional(string)
    tags              = optional(map(string), {})
    # Null: the alerts' long_running_minutes, if any.
    long_running_minutes = optional(number)
  }))
  default = {}
}

variable "crawlers" {
  description = "Glue crawlers, keyed by crawler name. The database defaults to the environment's. `run_after_job` names a key of `jobs`: the crawler then starts whenever that job succeeds."
  type = map(object({
    s3_targets      = list(string)
    database        = optional(string)
    exclusions      = optional(list(string), [])
    table_prefix    = optional(string)
    update_behavior = optional(string, "UPDATE_IN_DATABASE")
    delete_behavior = optional(string, "LOG")
    recrawl_policy  = optional(string, "CRAWL_EVERYTHING")
    schedule        = optional(string)
    run_after_job   = optional(string)
    configuration   = optional(string)
    tags            = optional(map(string), {})
  }))
  default = {}

  validation {
    condition     = alltrue([for c in values(var.crawlers) : length(c.s3_targets) > 0])
    error_message = "Every crawler needs at least one entry in s3_targets."
  }
}
