//! The AWS boundary: the only code that talks to AWS.
//!
//! `connect` builds the clients once from the provider configuration; `retry` is the one
//! call path (logging, retries, classification); `errors` turns failures into diagnostics.
//! One module per service holds that service's calls.

pub mod budgets;
pub mod cloudwatch;
pub mod coalesce;
pub mod connect;
pub mod discover;
pub mod errors;
pub mod events;
pub mod glue;
pub mod iam;
pub mod regions;
pub mod retry;
pub mod s3;
pub mod sns;
pub mod sts;
pub mod tagging;

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

pub use errors::{AwsError, ErrorKind};
pub use retry::RetryPolicy;

/// Everything a resource needs to talk to AWS, built once by `configure`.
#[derive(Debug)]
pub struct AwsContext {
    pub glue: aws_sdk_glue::Client,
    pub s3: aws_sdk_s3::Client,
    pub iam: aws_sdk_iam::Client,
    pub sts: aws_sdk_sts::Client,
    /// The Resource Groups Tagging API, for batched tag reads; `None` when it would index
    /// none of the services in use (their endpoints overridden and its own not).
    pub tagging: Option<aws_sdk_resourcegroupstagging::Client>,
    /// The services (`glue`, `s3`, `sns`, `events`, `cloudwatch`) whose tags the tagging
    /// API's index holds here: those whose endpoint is not overridden apart from its own.
    pub tagging_indexes: Vec<&'static str>,
    /// Concurrent Glue reads gathered into batch calls.
    pub glue_reads: glue::batch::GlueReads,
    /// Concurrent tag reads gathered into GetResources calls.
    pub tag_reads: tagging::TagReads,
    /// Concurrent script ETag reads gathered into ListObjectsV2 pages.
    pub etag_reads: s3::objects::EtagReads,
    pub sns: aws_sdk_sns::Client,
    pub events: aws_sdk_eventbridge::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub budgets: aws_sdk_budgets::Client,
    pub region: String,
    pub partition: &'static str,
    /// Learned at configure time unless `skip_requesting_account_id` is set.
    pub identity: Option<sts::CallerIdentity>,
    pub default_tags: BTreeMap<String, String>,
    pub retry: RetryPolicy,
    /// The provider's `dpu_hour_price_usd`: the DPU-hour price that replaces
    /// `model::cost`'s table in the jobs' cost attributes (no AWS call uses it).
    pub dpu_hour_price_usd: Option<f64>,
}

/// The slot the provider fills in `configure` and resources read from. Resources are
/// created before `configure` runs, so they hold this handle rather than the context.
#[derive(Clone, Default, Debug)]
pub struct SharedContext(
    Arc<RwLock<Option<Arc<AwsContext>>>>,
    Arc<RwLock<Option<crate::model::guardrails::Guardrails>>>,
);

impl SharedContext {
    pub fn set(&self, ctx: AwsContext) {
        // A poisoned lock only means a panic elsewhere; the value itself is still whole.
        let mut slot = self.0.write().unwrap_or_else(|p| p.into_inner());
        *slot = Some(Arc::new(ctx));
    }

    /// The provider's `guardrails`, set by the provider's validate (so that `terraform
    /// validate` checks literal jobs against literal limits) and again by configure.
    pub fn set_guardrails(&self, g: Option<crate::model::guardrails::Guardrails>) {
        let mut slot = self.1.write().unwrap_or_else(|p| p.into_inner());
        *slot = g;
    }

    pub fn guardrails(&self) -> Option<crate::model::guardrails::Guardrails> {
        self.1.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The configured context, or a diagnostic explaining why there is none.
    pub fn get(&self) -> Result<Arc<AwsContext>, tf_provider::Diagnostic> {
        let slot = self.0.read().unwrap_or_else(|p| p.into_inner());
        slot.clone().ok_or_else(|| {
            tf_provider::Diagnostic::root(
                "Provider not configured",
                "The flywheel provider was used before it was configured. This is a bug in the provider or Terraform; please report it.",
            )
        })
    }

    /// The configured context, or `None` with the reason added to `diags`.
    pub fn get_or_diag(&self, diags: &mut tf_provider::Diagnostics) -> Option<Arc<AwsContext>> {
        match self.get() {
            Ok(c) => Some(c),
            Err(d) => {
                diags.add_error(d);
                None
            }
        }
    }
}
