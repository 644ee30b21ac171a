# The scale workload of `make bench` (bench/run.py --scale N): N standalone flywheel_job
# (every other one scheduled) and N flywheel_crawler, the shape of a platform account with
# hundreds of jobs. Scripts are given by location, so a refresh reads only Glue.

terraform {
  required_providers {
    flywheel = {
      source = "omc/flywheel"
    }
  }
}

variable "count_each" {
  type        = number
  description = "How many jobs, and how many crawlers."
}

variable "prefix" {
  type        = string
  description = "Name prefix, unique per run."
}

provider "flywheel" {}

resource "flywheel_job" "scale" {
  count                 = var.count_each
  name                  = "${var.prefix}-job-${count.index}"
  role_arn              = "arn:aws:iam::239083076653:role/bench-glue"
  script_location       = "s3://${var.prefix}-assets/scripts/job.py"
  temp_dir              = "s3://${var.prefix}-assets/temporary/"
  spark_event_logs_path = "s3://${var.prefix}-assets/sparkHistoryLogs/"
  number_of_workers     = 2
  schedule              = count.index % 2 == 0 ? "cron(0 3 * * ? *)" : null
}

resource "flywheel_crawler" "scale" {
  count      = var.count_each
  name       = "${var.prefix}-crawler-${count.index}"
  role_arn   = "arn:aws:iam::239083076653:role/bench-glue"
  database   = "bench_scale"
  s3_targets = ["s3://${var.prefix}-data/opus/${count.index}/"]
}
