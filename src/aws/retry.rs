//! The one retry policy every AWS call goes through, and the call wrapper that logs.
//!
//! The SDK's own retries are switched off (see `connect`) so that throttling, transient
//! faults and IAM propagation are all handled here, with one budget the user controls
//! through `max_retries`, and one log line per attempt.

use std::future::Future;
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use rand::Rng;

use super::errors::{from_sdk, AwsError, ErrorKind};

/// Bounds for retrying one AWS call.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Retries after the first attempt for throttling and transient faults.
    pub max_retries: u32,
    /// First backoff; doubles each attempt up to `max_backoff`, with full jitter.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// No new attempt starts after this much time has passed since the first.
    pub deadline: Duration,
    /// How long to wait for a new IAM role to become usable by another service.
    pub propagation_deadline: Duration,
    /// Attempts for an endpoint that cannot be reached at all.
    pub unreachable_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 25,
            base_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            deadline: Duration::from_secs(300),
            propagation_deadline: Duration::from_secs(120),
            unreachable_attempts: 3,
        }
    }
}

impl RetryPolicy {
    pub fn with_max_retries(max_retries: u32) -> Self {
        RetryPolicy {
            max_retries,
            ..Default::default()
        }
    }

    /// Whether attempt number `attempt` (1-based, just failed with `kind`) may be followed
    /// by another, given the time already spent.
    pub fn should_retry(&self, kind: ErrorKind, attempt: u32, elapsed: Duration) -> bool {
        match kind {
            ErrorKind::Transient => attempt <= self.max_retries && elapsed < self.deadline,
            ErrorKind::IamPropagation => elapsed < self.propagation_deadline,
            ErrorKind::Unreachable => attempt < self.unreachable_attempts,
            _ => false,
        }
    }

    /// Upper bound of the sleep before attempt `attempt + 1` (exponential, capped).
    pub fn backoff_ceiling(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
        self.base_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// Full jitter: uniform in [ceiling/2, ceiling], so retries from many resources spread out
    /// while still backing off.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self.backoff_ceiling(attempt).as_millis() as u64;
        let floor = ceiling / 2;
        Duration::from_millis(rand::thread_rng().gen_range(floor..=ceiling.max(floor)))
    }
}

/// Which call this is, for logs and diagnostics.
#[derive(Clone, Copy, Debug)]
pub struct Op<'a> {
    pub service: &'static str,
    pub operation: &'static str,
    /// The AWS object the call is about.
    pub target: &'a str,
}

impl<'a> Op<'a> {
    pub fn new(service: &'static str, operation: &'static str, target: &'a str) -> Self {
        Op {
            service,
            operation,
            target,
        }
    }
}

/// Runs `attempt` under the policy: logs every attempt at DEBUG, retries what the
/// classification allows, and returns an [`AwsError`] naming the call on failure.
pub async fn call<T, E, F, Fut>(
    policy: &RetryPolicy,
    op: Op<'_>,
    mut attempt: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let started = Instant::now();
    let mut n: u32 = 0;
    loop {
        n += 1;
        let t0 = Instant::now();
        match attempt().await {
            Ok(v) => {
                tracing::debug!(
                    service = op.service,
                    operation = op.operation,
                    target = op.target,
                    attempt = n,
                    outcome = "ok",
                    elapsed_ms = t0.elapsed().as_millis() as u64,
                    "aws call"
                );
                return Ok(v);
            }
            Err(e) => {
                let err = from_sdk(op.service, op.operation, op.target, &e);
                let retry = policy.should_retry(err.kind, n, started.elapsed());
                tracing::debug!(
                    service = op.service,
                    operation = op.operation,
                    target = op.target,
                    attempt = n,
                    outcome = err.kind.as_str(),
                    code = err.code.as_deref().unwrap_or(""),
                    retrying = retry,
                    elapsed_ms = t0.elapsed().as_millis() as u64,
                    "aws call"
                );
                if !retry {
                    return Err(err);
                }
                let wait = policy.backoff(n);
                if err.kind == ErrorKind::IamPropagation {
                    tracing::info!(
                        target_object = op.target,
                        waited_s = started.elapsed().as_secs(),
                        "waiting for IAM propagation before {} {} can succeed",
                        op.service,
                        op.operation
                    );
                }
                tokio::time::sleep(wait).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_is_bounded_by_retries_and_deadline() {
        let p = RetryPolicy::with_max_retries(2);
        assert!(p.should_retry(ErrorKind::Transient, 1, Duration::ZERO));
        assert!(p.should_retry(ErrorKind::Transient, 2, Duration::ZERO));
        assert!(!p.should_retry(ErrorKind::Transient, 3, Duration::ZERO));
        assert!(!p.should_retry(ErrorKind::Transient, 1, Duration::from_secs(301)));
    }

    #[test]
    fn only_retryable_kinds_retry() {
        let p = RetryPolicy::default();
        for k in [
            ErrorKind::NotFound,
            ErrorKind::Conflict,
            ErrorKind::Validation,
            ErrorKind::Fatal,
        ] {
            assert!(!p.should_retry(k, 1, Duration::ZERO), "{k:?}");
        }
        assert!(p.should_retry(ErrorKind::IamPropagation, 50, Duration::from_secs(60)));
        assert!(!p.should_retry(ErrorKind::IamPropagation, 1, Duration::from_secs(121)));
        assert!(p.should_retry(ErrorKind::Unreachable, 2, Duration::ZERO));
        assert!(!p.should_retry(ErrorKind::Unreachable, 3, Duration::ZERO));
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff_ceiling(1), Duration::from_millis(200));
        assert_eq!(p.backoff_ceiling(2), Duration::from_millis(400));
        assert_eq!(p.backoff_ceiling(4), Duration::from_millis(1600));
        assert_eq!(p.backoff_ceiling(30), Duration::from_secs(20));
        for attempt in 1..10 {
            let b = p.backoff(attempt);
            let c = p.backoff_ceiling(attempt);
            assert!(b <= c && b >= c / 2, "{attempt}: {b:?} vs {c:?}");
        }
    }
}
