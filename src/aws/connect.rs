//! Builds the AWS clients from validated provider settings.
//!
//! Endpoint precedence follows the AWS SDKs: an `endpoints` entry beats
//! `AWS_ENDPOINT_URL_<SERVICE>`, which beats `AWS_ENDPOINT_URL` (the SDK reads both
//! environment variables itself).

use std::time::Duration;

use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_types::retry::RetryConfig;

use super::errors::redact_userinfo;
use super::regions;
use super::retry::{self, RetryPolicy};
use super::AwsContext;

/// What the clients are built from (the provider's validated settings make one).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ConnectOptions {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub assume_role: Option<AssumeRole>,
    pub endpoints: Endpoints,
    /// `None`: path-style whenever the S3 endpoint is overridden (LocalStack's convention).
    pub s3_use_path_style: Option<bool>,
    pub default_tags: std::collections::BTreeMap<String, String>,
    pub max_retries: u32,
    /// Per attempt (`http_timeout_seconds`); `None`: [`retry::DEFAULT_ATTEMPT_TIMEOUT`].
    pub http_timeout: Option<Duration>,
    /// Per call, all attempts included (`operation_timeout_seconds`); `None`:
    /// [`retry::DEFAULT_DEADLINE`].
    pub operation_timeout: Option<Duration>,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub external_id: Option<String>,
    pub duration: Option<Duration>,
}

/// Per-service endpoint overrides. Its `Debug` (used in logs) hides any user name and
/// password in them.
#[derive(Default, Clone, PartialEq)]
pub struct Endpoints {
    pub glue: Option<String>,
    pub s3: Option<String>,
    pub iam: Option<String>,
    pub sts: Option<String>,
    pub sns: Option<String>,
    pub events: Option<String>,
    /// The Resource Groups Tagging API (batched tag reads).
    pub tagging: Option<String>,
    pub cloudwatch: Option<String>,
    pub budgets: Option<String>,
}

impl std::fmt::Debug for Endpoints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |v: &Option<String>| v.as_deref().map(redact_userinfo);
        f.debug_struct("Endpoints")
            .field("glue", &shown(&self.glue))
            .field("s3", &shown(&self.s3))
            .field("iam", &shown(&self.iam))
            .field("sts", &shown(&self.sts))
            .field("sns", &shown(&self.sns))
            .field("events", &shown(&self.events))
            .field("tagging", &shown(&self.tagging))
            .field("cloudwatch", &shown(&self.cloudwatch))
            .field("budgets", &shown(&self.budgets))
            .finish()
    }
}

/// How long to wait for a TCP (and TLS) connection; an attempt's timeout bounds it too.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl ConnectOptions {
    /// The retry policy and the timeouts every call runs under.
    pub fn retry_policy(&self) -> RetryPolicy {
        let deadline = self.operation_timeout.unwrap_or(retry::DEFAULT_DEADLINE);
        RetryPolicy {
            // One attempt never outlasts the whole call.
            attempt_timeout: self
                .http_timeout
                .unwrap_or(retry::DEFAULT_ATTEMPT_TIMEOUT)
                .min(deadline),
            deadline,
            ..RetryPolicy::with_max_retries(self.max_retries)
        }
    }
}

/// The SDK's timeouts: no attempt and no operation without an end, so a stalled endpoint
/// is a (retried) timeout and never a hung apply. The SDK's retries are off, so its
/// operation is one attempt; `retry::call` bounds the whole call by the same deadline.
fn timeout_config(policy: &RetryPolicy) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT.min(policy.attempt_timeout))
        .operation_attempt_timeout(policy.attempt_timeout)
        .operation_timeout(policy.deadline)
        .build()
}

/// Builds the clients. Fails when no region can be found anywhere, or when an endpoint
/// environment variable is not a URL (the SDK would only fail at the first call, with a
/// message that names neither the variable nor the fix).
pub async fn build(settings: &ConnectOptions) -> Result<AwsContext, String> {
    check_env_endpoints()?;
    let policy = settings.retry_policy();
    // The SDK's retries are off: `retry::call` owns retrying so there is one budget.
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(https_client())
        .retry_config(RetryConfig::disabled())
        .timeout_config(timeout_config(&policy));
    if let Some(region) = &settings.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    let mut base = loader.load().await;
    let region = base
        .region()
        .map(|r| r.as_ref().to_string())
        .ok_or_else(|| {
            "No AWS region is set. Set `region` in the provider block, or AWS_REGION / AWS_DEFAULT_REGION, or a region in the AWS profile.".to_string()
        })?;

    if let Some(ar) = &settings.assume_role {
        let mut builder = AssumeRoleProvider::builder(ar.role_arn.clone())
            .session_name(
                ar.session_name
                    .clone()
                    .unwrap_or_else(|| "terraform-provider-flywheel".into()),
            )
            .region(Region::new(region.clone()));
        if let Some(id) = &ar.external_id {
            builder = builder.external_id(id.clone());
        }
        if let Some(d) = ar.duration {
            builder = builder.session_length(d);
        }
        // Assume-role itself goes to the configured STS endpoint, if any.
        let sts_base = match &settings.endpoints.sts {
            Some(url) => base.to_builder().endpoint_url(url).build(),
            None => base.clone(),
        };
        let provider = builder.configure(&sts_base).build().await;
        base = base
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
    }

    let ep = &settings.endpoints;
    let glue = {
        let mut b = aws_sdk_glue::config::Builder::from(&base);
        if let Some(url) = &ep.glue {
            b = b.endpoint_url(url);
        }
        aws_sdk_glue::Client::from_conf(b.build())
    };
    let s3 = {
        let mut b = aws_sdk_s3::config::Builder::from(&base);
        if let Some(url) = &ep.s3 {
            b = b.endpoint_url(url);
        }
        let path_style = settings
            .s3_use_path_style
            .unwrap_or_else(|| ep.s3.is_some() || env_endpoint("S3").is_some());
        aws_sdk_s3::Client::from_conf(b.force_path_style(path_style).build())
    };
    let iam = {
        let mut b = aws_sdk_iam::config::Builder::from(&base);
        if let Some(url) = &ep.iam {
            b = b.endpoint_url(url);
        }
        aws_sdk_iam::Client::from_conf(b.build())
    };
    let sts = {
        let mut b = aws_sdk_sts::config::Builder::from(&base);
        if let Some(url) = &ep.sts {
            b = b.endpoint_url(url);
        }
        aws_sdk_sts::Client::from_conf(b.build())
    };

    // The tagging API indexes a service's tags only where both are the same AWS: its own
    // endpoint overridden (pointed at the same emulator, say), or the service's not.
    let tagging_override =
        ep.tagging.is_some() || env_endpoint_specific("RESOURCE_GROUPS_TAGGING_API").is_some();
    let indexed: Vec<&'static str> = [
        ("glue", ep.glue.is_some(), "GLUE"),
        ("s3", ep.s3.is_some(), "S3"),
        ("sns", ep.sns.is_some(), "SNS"),
        ("events", ep.events.is_some(), "EVENTBRIDGE"),
        ("cloudwatch", ep.cloudwatch.is_some(), "CLOUDWATCH"),
    ]
    .into_iter()
    .filter(|(_, set, env)| tagging_override || !(*set || env_endpoint_specific(env).is_some()))
    .map(|(service, _, _)| service)
    .collect();
    let tagging = (!indexed.is_empty()).then(|| {
        let mut b = aws_sdk_resourcegroupstagging::config::Builder::from(&base);
        if let Some(url) = &ep.tagging {
            b = b.endpoint_url(url);
        }
        aws_sdk_resourcegroupstagging::Client::from_conf(b.build())
    });
    // The alert services: the same shared HTTPS client and settings, each with its
    // endpoint override.
    macro_rules! client {
        ($sdk:ident, $ep:expr) => {{
            let mut b = $sdk::config::Builder::from(&base);
            if let Some(url) = $ep {
                b = b.endpoint_url(url);
            }
            $sdk::Client::from_conf(b.build())
        }};
    }
    let sns = client!(aws_sdk_sns, &ep.sns);
    let events = client!(aws_sdk_eventbridge, &ep.events);
    let cloudwatch = client!(aws_sdk_cloudwatch, &ep.cloudwatch);
    let budgets = client!(aws_sdk_budgets, &ep.budgets);

    Ok(AwsContext {
        glue,
        s3,
        iam,
        sts,
        tagging,
        tagging_indexes: indexed,
        glue_reads: Default::default(),
        tag_reads: Default::default(),
        etag_reads: Default::default(),
        sns,
        events,
        cloudwatch,
        budgets,
        partition: regions::partition_of(&region),
        region,
        identity: None,
        default_tags: settings.default_tags.clone(),
        retry: policy,
        dpu_hour_price_usd: None,
    })
}

/// The one HTTPS client every SDK client shares: rustls with ring (the crypto library the
/// plugin server already needs), trusting the platform's roots (`SSL_CERT_FILE` and
/// `SSL_CERT_DIR` are honoured, as in the SDK's default client).
pub fn https_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

fn check_env_endpoints() -> Result<(), String> {
    for name in [
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_GLUE",
        "AWS_ENDPOINT_URL_S3",
        "AWS_ENDPOINT_URL_IAM",
        "AWS_ENDPOINT_URL_STS",
        "AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API",
        "AWS_ENDPOINT_URL_SNS",
        "AWS_ENDPOINT_URL_EVENTBRIDGE",
    ] {
        if let Some(value) = std::env::var(name).ok().filter(|v| !v.is_empty()) {
            crate::validate::endpoint_url(&value).map_err(|msg| {
                let shown = redact_userinfo(&value);
                format!("The environment variable {name} = {shown:?} {msg}. Set it to a URL such as \"http://127.0.0.1:4566\", or unset it.")
            })?;
        }
    }
    Ok(())
}

/// The endpoint override the environment gives one service alone, if any.
fn env_endpoint_specific(service: &str) -> Option<String> {
    std::env::var(format!("AWS_ENDPOINT_URL_{service}"))
        .ok()
        .filter(|v| !v.is_empty())
}

/// The endpoint override the environment gives a service, if any.
fn env_endpoint(service: &str) -> Option<String> {
    [
        format!("AWS_ENDPOINT_URL_{service}"),
        "AWS_ENDPOINT_URL".into(),
    ]
    .iter()
    .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_client_has_attempt_and_operation_timeouts() {
        let options = ConnectOptions {
            http_timeout: Some(Duration::from_secs(3)),
            operation_timeout: Some(Duration::from_secs(40)),
            ..Default::default()
        };
        let t = timeout_config(&options.retry_policy());
        assert_eq!(t.connect_timeout(), Some(Duration::from_secs(3)));
        assert_eq!(t.operation_attempt_timeout(), Some(Duration::from_secs(3)));
        assert_eq!(t.operation_timeout(), Some(Duration::from_secs(40)));
        let t = timeout_config(&ConnectOptions::default().retry_policy());
        assert_eq!(t.connect_timeout(), Some(CONNECT_TIMEOUT));
        assert_eq!(
            t.operation_attempt_timeout(),
            Some(retry::DEFAULT_ATTEMPT_TIMEOUT)
        );
        assert_eq!(t.operation_timeout(), Some(retry::DEFAULT_DEADLINE));
    }

    #[test]
    fn endpoints_debug_hides_passwords() {
        let ep = Endpoints {
            s3: Some("https://key:secret@s3.example.test".into()),
            ..Default::default()
        };
        let shown = format!("{ep:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("https://***@s3.example.test"), "{shown}");
    }
}
