//! The provider: its schema, validation of the provider block, and `configure`, which
//! builds the AWS clients once and checks the account.

pub mod cost;
pub mod settings;

use std::collections::HashMap;

use async_trait::async_trait;
use tf_provider::schema::{NestedBlock, Schema};
use tf_provider::{
    AttributePath, Diagnostics, DynamicDataSource, DynamicFunction, DynamicResource, Provider,
};

use crate::aws::{self, SharedContext};
use crate::data_sources::caller_identity::CallerIdentityDataSource;
use crate::data_sources::crawler::CrawlerDataSource;
use crate::data_sources::job::JobDataSource;
use crate::schema::*;
use settings::ProviderConfig;

/// The provider's name as Terraform sees it (`flywheel_*` types).
pub const NAME: &str = "flywheel";

#[derive(Default)]
pub struct FlywheelProvider {
    ctx: SharedContext,
}

#[async_trait]
impl Provider for FlywheelProvider {
    type Config<'a> = ProviderConfig;
    type MetaState<'a> = tf_provider::value::ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: provider_block(),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: ProviderConfig) -> Option<()> {
        let s = settings::from_config(&config, diags);
        // Terraform validates the provider block before the resources that use it, in the
        // same process: the jobs' validate checks literal values against these limits.
        self.ctx.set_guardrails(s.guardrails);
        Some(())
    }

    async fn configure<'a>(
        &self,
        diags: &mut Diagnostics,
        terraform_version: String,
        config: ProviderConfig,
    ) -> Option<()> {
        let settings = settings::from_config(&config, diags);
        if !diags.errors.is_empty() {
            return None;
        }
        let mut ctx = match aws::connect::build(&settings.connect_options()).await {
            Ok(ctx) => ctx,
            Err(msg) => {
                diags.root_error("Cannot configure the AWS clients", msg);
                return None;
            }
        };
        tracing::info!(
            terraform_version = terraform_version.as_str(),
            region = ctx.region.as_str(),
            partition = ctx.partition,
            endpoints = ?settings.endpoints,
            assume_role = settings.assume_role.as_ref().map(|a| a.role_arn.as_str()),
            http_timeout_s = ctx.retry.attempt_timeout.as_secs(),
            operation_timeout_s = ctx.retry.deadline.as_secs(),
            "configuring provider"
        );

        if settings.skip_requesting_account_id {
            if settings.allowed_account_ids.is_some() {
                diags.warning(
                    "allowed_account_ids is not checked",
                    "skip_requesting_account_id = true means the provider never learns the account ID, so allowed_account_ids cannot be enforced.",
                    AttributePath::new("allowed_account_ids"),
                );
            }
        } else {
            match aws::sts::get_caller_identity(&ctx.sts, &ctx.retry).await {
                Ok(identity) => {
                    if let Err(msg) = settings::check_account(
                        settings.allowed_account_ids.as_ref(),
                        &identity.account_id,
                    ) {
                        diags.error(
                            "AWS account not allowed",
                            msg,
                            AttributePath::new("allowed_account_ids"),
                        );
                        return None;
                    }
                    tracing::info!(account_id = identity.account_id.as_str(), "caller identity");
                    ctx.identity = Some(identity);
                }
                Err(err) if settings.skip_credentials_validation => {
                    diags.add_warning(err.to_diagnostic());
                }
                Err(err) => {
                    let mut d = err.to_diagnostic();
                    d.detail = format!(
                        "{}\n\nThe provider checks the credentials and learns the account ID with this call. Set skip_credentials_validation = true or skip_requesting_account_id = true to skip it.",
                        d.detail
                    )
                    .into();
                    diags.add_error(d);
                    return None;
                }
            }
        }
        ctx.dpu_hour_price_usd = settings.dpu_hour_price_usd;
        self.ctx.set_guardrails(settings.guardrails.clone());
        self.ctx.set(ctx);
        Some(())
    }

    fn get_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        Some(crate::resources::all(&self.ctx))
    }

    fn get_data_sources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        let mut m: HashMap<String, Box<dyn DynamicDataSource>> = HashMap::new();
        m.insert(
            "caller_identity".into(),
            Box::new(CallerIdentityDataSource::new(self.ctx.clone())),
        );
        m.insert(
            "pipeline".into(),
            Box::new(crate::data_sources::pipeline::PipelineDataSource::new(
                self.ctx.clone(),
            )),
        );
        m.insert("job".into(), Box::new(JobDataSource::new(self.ctx.clone())));
        m.insert(
            "crawler".into(),
            Box::new(CrawlerDataSource::new(self.ctx.clone())),
        );
        Some(m)
    }

    fn get_functions(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicFunction>>> {
        Some(crate::functions::all())
    }
}

fn provider_block() -> tf_provider::schema::Block {
    block(
        "The flywheel provider expands a data flywheel (S3 buckets, a Glue catalog, Glue jobs and crawlers, and the IAM role Glue runs as) from three high-level resources. Its settings follow terraform-provider-aws's names.",
        [
            ("region", attr(string(), Optional, "AWS region, such as `us-east-1`. Defaults to `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's region.")),
            ("profile", attr(string(), Optional, "Named profile from the shared AWS config and credentials files. Defaults to `AWS_PROFILE`, then `default`.")),
            ("s3_use_path_style", attr(bool(), Optional, "Address S3 buckets by path (`https://host/bucket/key`) instead of by virtual host. Defaults to `true` when an S3 endpoint is overridden (`endpoints.s3`, `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`, as with LocalStack), otherwise `false`.")),
            ("skip_credentials_validation", attr(bool(), Optional, "Continue when the STS GetCallerIdentity check of the credentials fails (a warning instead of an error). Default `false`.")),
            ("skip_requesting_account_id", attr(bool(), Optional, "Do not call STS GetCallerIdentity at configure time. ARNs that need the account ID then cannot be known at plan time, and `allowed_account_ids` is not enforced. Default `false`.")),
            ("skip_region_validation", attr(bool(), Optional, "Accept a region that is not in the provider's list of known regions (for regions newer than the provider). Default `false`.")),
            ("allowed_account_ids", attr(string_set(), Optional, "Account IDs the provider may run against. Configuration fails, naming the account found, when the credentials belong to any other account.")),
            ("default_tags", attr(string_map(), Optional, "Tags added to every AWS object the provider creates that supports tags. Resource `tags` win on conflicts.")),
            ("max_retries", attr(number(), Optional, "How many times to retry an AWS call that was throttled, failed transiently or got no answer in time, with exponential backoff and jitter, within `operation_timeout_seconds`. From 0 to 100. Default `25`.")),
            ("http_timeout_seconds", attr(number(), Optional, "Seconds one attempt of an AWS call may take (connecting included, at most 10 of them) before it is abandoned and retried like a transient fault. A create whose answer was lost this way is recognised as the provider's own on retry. From 1 to 900. Default `60`, or `operation_timeout_seconds` when that is shorter.")),
            ("dpu_hour_price_usd", attr(number(), Optional, "USD per DPU-hour for `flywheel_job`'s `max_cost_per_run_usd`, in place of the provider's table of AWS's published rates by region and execution class (standard, FLEX; see the cost guide). Set it for a negotiated rate or a region the table lacks; it applies to every job, whatever its execution class. More than 0, at most 100.")),
            ("operation_timeout_seconds", attr(number(), Optional, "Seconds one AWS call may take in all, its attempts, backoff and waits for IAM propagation included; then it fails with an error naming the call. Waits for IAM propagation also end after 120 seconds, and for IAM `DeleteConflict` after 30 seconds, whichever comes first. From 1 to 3600, and at least `http_timeout_seconds` when both are set. Default `300`.")),
        ],
        [
            (
                "assume_role",
                NestedBlock::Optional(block(
                    "Assume an IAM role (with STS AssumeRole) before making any call.",
                    [
                        ("role_arn", attr(string(), Required, "ARN of the role to assume.")),
                        ("session_name", attr(string(), Optional, "Session name for the assumed role, shown in CloudTrail. Default `terraform-provider-flywheel`.")),
                        ("external_id", attr(string(), Optional, "External ID the role's trust policy requires, if any.")),
                        ("duration", attr(string(), Optional, "Session length as a duration such as `1h` or `15m`, from 15m to 12h. Default `1h`.")),
                    ],
                    [],
                )),
            ),
            (
                "guardrails",
                NestedBlock::Optional(block(
                    "Limits every `flywheel_job` must stay within, so the cost rules hold by construction. Checked by `terraform validate` when the job's values and the limits are literal, by `plan` otherwise, and, for a value unknown until apply, by `apply` before any AWS call. A violation names the job, the attribute, the limit and the value. See the cost guide.",
                    [
                        ("allowed_worker_types", attr(string_set(), Optional, "Worker types a job may use, for example `[\"G.1X\", \"G.2X\"]`.")),
                        ("max_workers", attr(number(), Optional, "The most `number_of_workers` a job may have (with auto-scaling, its maximum), 2 to 299.")),
                        ("max_timeout_minutes", attr(number(), Optional, "The longest `timeout_minutes` a job may have, 1 to 2880.")),
                        ("max_dpu_hours_per_run", attr(number(), Optional, "The most a job's `max_dpu_hours_per_run` (workers × DPUs per worker, or a Python shell job's `max_capacity`, × timeout hours) may be.")),
                        ("require_schedule_or_trigger", attr(bool(), Optional, "Every job must have a `schedule`. Default `false`.")),
                    ],
                    [],
                )),
            ),
            (
                "endpoints",
                NestedBlock::Optional(block(
                    "Custom service endpoints, for example a local AWS emulator. Each overrides `AWS_ENDPOINT_URL_<SERVICE>` and `AWS_ENDPOINT_URL`.",
                    [
                        ("glue", attr(string(), Optional, "Glue endpoint URL.")),
                        ("s3", attr(string(), Optional, "S3 endpoint URL.")),
                        ("iam", attr(string(), Optional, "IAM endpoint URL.")),
                        ("sts", attr(string(), Optional, "STS endpoint URL.")),
                        ("sns", attr(string(), Optional, "SNS endpoint URL (the alerts topic).")),
                        ("events", attr(string(), Optional, "EventBridge endpoint URL (the alert rules).")),
                        ("cloudwatch", attr(string(), Optional, "CloudWatch endpoint URL (the bucket size alarms).")),
                        ("budgets", attr(string(), Optional, "AWS Budgets endpoint URL (the monthly budget). Budgets is a global service: its endpoint does not follow `region`.")),
                        ("tagging", attr(string(), Optional, "Resource Groups Tagging API endpoint URL, for batched tag reads. When another service's endpoint (`glue`, `s3`, `sns`, `events`, `cloudwatch`) is overridden and this is not, that service's tags are read one object at a time (the tagging API would index another service).")),
                    ],
                    [],
                )),
            ),
        ],
    )
}
