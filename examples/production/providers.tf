# Production: account 239083076653 in us-east-1. Credentials come from the AWS chain or
# `profile`; the account guard refuses to plan with credentials of any other account.
provider "flywheel" {
  region              = "us-east-1"
  allowed_account_ids = ["239083076653"]
  profile             = var.profile
  default_tags        = var.default_tags

  # The runbook's cost rules, held by construction: G.1X is the standard worker (G.2X for
  # a job that needs the memory), runs stop after 10 hours, and no run may bill more than
  # 300 DPU-hours (the largest job today is 240). The jobs start by hand or from other
  # tools, so no schedule is required.
  guardrails {
    allowed_worker_types        = ["G.1X", "G.2X"]
    max_workers                 = 32
    max_timeout_minutes         = 600
    max_dpu_hours_per_run       = 300
    require_schedule_or_trigger = false
  }

  # Only for a local emulator (see localstack.tfvars). With `endpoint` null, as in
  # production, every service uses its AWS endpoint.
  endpoints {
    glue       = var.endpoint
    iam        = var.endpoint
    s3         = var.endpoint
    sts        = var.endpoint
    tagging    = var.endpoint
    sns        = var.endpoint
    events     = var.endpoint
    cloudwatch = var.endpoint
    budgets    = var.endpoint
  }
}
