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

use super::errors::{from_sdk, AwsError, ErrorKind, ATTEMPT_TIMEOUT, OPERATION_TIMEOUT};

/// Bounds for retrying one AWS call.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Retries after the first attempt for throttling and transient faults.
    pub max_retries: u32,
    /// First backoff; doubles each attempt up to `max_backoff`, with full jitter.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// The SDK's per-attempt timeout (`connect` sets it; here for messages only):
    /// `http_timeout_seconds`.
    pub attempt_timeout: Duration,
    /// One call, all attempts and waits included, never takes longer than this, whatever
    /// it waits for: `operation_timeout_seconds`.
    pub deadline: Duration,
    /// How long to wait for a new IAM role to become usable by another service.
    pub propagation_deadline: Duration,
    /// How long IAM may keep saying `DeleteConflict` after the provider detached what it
    /// manages.
    pub still_referenced_deadline: Duration,
    /// Attempts for an endpoint that cannot be reached at all.
    pub unreachable_attempts: u32,
}

pub const DEFAULT_MAX_RETRIES: u32 = 25;
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);
pub const PROPAGATION_DEADLINE: Duration = Duration::from_secs(120);
pub const STILL_REFERENCED_DEADLINE: Duration = Duration::from_secs(30);

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: DEFAULT_MAX_RETRIES,
            base_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            deadline: DEFAULT_DEADLINE,
            propagation_deadline: PROPAGATION_DEADLINE,
            still_referenced_deadline: STILL_REFERENCED_DEADLINE,
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

    /// How long a failure of `kind` may keep being retried, counted from the first attempt.
    pub fn limit(&self, kind: ErrorKind) -> Duration {
        match kind {
            ErrorKind::IamPropagation => self.propagation_deadline.min(self.deadline),
            ErrorKind::StillReferenced => self.still_referenced_deadline.min(self.deadline),
            _ => self.deadline,
        }
    }

    /// Whether attempt number `attempt` (1-based, just failed with `kind`) may be followed
    /// by another that would start `elapsed` after the first.
    pub fn should_retry(&self, kind: ErrorKind, attempt: u32, elapsed: Duration) -> bool {
        let in_time = elapsed < self.limit(kind);
        match kind {
            ErrorKind::Transient => attempt <= self.max_retries && in_time,
            ErrorKind::IamPropagation | ErrorKind::StillReferenced => in_time,
            ErrorKind::Unreachable => attempt < self.unreachable_attempts && in_time,
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

    /// The error a call gives up with, saying which bound ended it (so the user knows which
    /// setting to change) after `attempts` attempts over `elapsed`; a next attempt would
    /// have started at `next_start`.
    fn gave_up(
        &self,
        mut err: AwsError,
        attempts: u32,
        elapsed: Duration,
        next_start: Duration,
    ) -> AwsError {
        let secs = |d: Duration| d.as_secs_f64().round() as u64;
        if err.code.as_deref() == Some(ATTEMPT_TIMEOUT) {
            err.message = format!(
                "no answer within http_timeout_seconds = {}",
                secs(self.attempt_timeout)
            );
        }
        let out_of_time =
            next_start >= self.limit(err.kind) || err.code.as_deref() == Some(OPERATION_TIMEOUT);
        let bound = match err.kind {
            ErrorKind::Transient | ErrorKind::Unreachable if out_of_time => format!(
                "operation_timeout_seconds = {} reached",
                secs(self.deadline)
            ),
            ErrorKind::Transient if attempts > self.max_retries => {
                format!("max_retries = {} reached", self.max_retries)
            }
            ErrorKind::IamPropagation => format!(
                "waited for IAM propagation for at most {} s",
                secs(self.limit(err.kind))
            ),
            ErrorKind::StillReferenced => format!(
                "waited for IAM to release it for at most {} s",
                secs(self.limit(err.kind))
            ),
            _ if attempts > 1 => "not retryable".into(),
            _ => return err,
        };
        err.message = format!(
            "{} (gave up after {attempts} attempt{} in {} s: {bound})",
            err.message.trim_end_matches('.'),
            if attempts == 1 { "" } else { "s" },
            secs(elapsed)
        );
        err
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

/// Runs `attempt` under the policy: logs every attempt at DEBUG (and every wait for IAM at
/// INFO), retries what the classification allows, never runs past the policy's deadline,
/// and returns an [`AwsError`] naming the call on failure.
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
        let remaining = policy.deadline.saturating_sub(started.elapsed());
        // The SDK bounds each attempt; this bounds the last one by what is left of the call.
        let result = match tokio::time::timeout(remaining, attempt()).await {
            Ok(r) => r.map_err(|e| from_sdk(op.service, op.operation, op.target, &e)),
            Err(_) => Err(AwsError {
                service: op.service,
                operation: op.operation,
                target: op.target.to_string(),
                kind: ErrorKind::Transient,
                code: Some(OPERATION_TIMEOUT.into()),
                message: format!(
                    "no answer before operation_timeout_seconds = {} ran out",
                    policy.deadline.as_secs()
                ),
                status: None,
            }),
        };
        match result {
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
            Err(err) => {
                let wait = policy.backoff(n);
                let next_start = started.elapsed() + wait;
                let retry = err.code.as_deref() != Some(OPERATION_TIMEOUT)
                    && policy.should_retry(err.kind, n, next_start);
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
                    return Err(policy.gave_up(err, n, started.elapsed(), next_start));
                }
                match err.kind {
                    ErrorKind::IamPropagation => tracing::info!(
                        target_object = op.target,
                        attempt = n,
                        waited_s = started.elapsed().as_secs(),
                        limit_s = policy.limit(err.kind).as_secs(),
                        "waiting for IAM propagation before {} {} can succeed: {}",
                        op.service,
                        op.operation,
                        err.message.trim()
                    ),
                    ErrorKind::StillReferenced => tracing::info!(
                        target_object = op.target,
                        attempt = n,
                        waited_s = started.elapsed().as_secs(),
                        limit_s = policy.limit(err.kind).as_secs(),
                        "waiting for IAM to release {:?} before {} {} can succeed: {}",
                        op.target,
                        op.service,
                        op.operation,
                        err.message.trim()
                    ),
                    _ => {}
                }
                tokio::time::sleep(wait).await;
            }
        }
    }
}

#[cfg(test)]
// The fake attempts answer the SDK's own (large) error type, as real calls do.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    use std::sync::atomic::{AtomicU32, Ordering};

    use aws_sdk_iam::operation::put_role_policy::PutRolePolicyError;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    type Sdk = SdkError<PutRolePolicyError, HttpResponse>;

    fn service_error(code: &str, message: &str) -> Sdk {
        let err = PutRolePolicyError::generic(
            ErrorMetadata::builder().code(code).message(message).build(),
        );
        let raw = HttpResponse::new(StatusCode::try_from(400).unwrap(), SdkBody::empty());
        SdkError::service_error(err, raw)
    }

    fn fast() -> RetryPolicy {
        RetryPolicy {
            base_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
            ..Default::default()
        }
    }

    /// Runs `call` where attempt `n` (1-based) answers `answer(n)`; returns the result and
    /// the number of attempts.
    async fn run(
        policy: &RetryPolicy,
        operation: &'static str,
        answer: impl Fn(u32) -> Result<(), Sdk>,
    ) -> (Result<(), AwsError>, u32) {
        let n = AtomicU32::new(0);
        let result = call(policy, Op::new("glue", operation, "etl-x"), || {
            let i = n.fetch_add(1, Ordering::SeqCst) + 1;
            let r = answer(i);
            async move { r }
        })
        .await;
        (result, n.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn pass_role_denial_fails_at_once() {
        let (result, attempts) = run(&fast(), "CreateJob", |_| {
            Err(service_error(
                "AccessDeniedException",
                "User: arn:aws:sts::123456789012:assumed-role/deployer/tf is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/etl-glue",
            ))
        })
        .await;
        assert_eq!(attempts, 1);
        let err = result.unwrap_err();
        assert_eq!(err.kind, ErrorKind::Fatal);
        let detail = err.to_diagnostic().detail;
        assert!(detail.contains("iam:PassRole"), "{detail}");
    }

    #[tokio::test]
    async fn unable_to_assume_is_retried_then_succeeds() {
        let (result, attempts) = run(&fast(), "CreateJob", |n| {
            if n <= 3 {
                Err(service_error(
                    "InvalidInputException",
                    "Service is unable to assume provided role. Please verify role's TrustPolicy",
                ))
            } else {
                Ok(())
            }
        })
        .await;
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(attempts, 4);
    }

    #[tokio::test]
    async fn unable_to_assume_forever_ends_at_the_cap_naming_the_trust_policy() {
        let policy = RetryPolicy {
            propagation_deadline: Duration::from_millis(300),
            ..fast()
        };
        let t0 = Instant::now();
        let (result, attempts) = run(&policy, "CreateJob", |_| {
            Err(service_error(
                "InvalidInputException",
                "Service is unable to assume provided role. Please verify role's TrustPolicy",
            ))
        })
        .await;
        assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
        assert!(attempts > 2, "{attempts}");
        let err = result.unwrap_err();
        assert_eq!(err.kind, ErrorKind::IamPropagation);
        let detail = err.to_diagnostic().detail;
        assert!(detail.contains("trust policy"), "{detail}");
        assert!(detail.contains("glue.amazonaws.com"), "{detail}");
        assert!(detail.contains("gave up after"), "{detail}");
    }

    #[tokio::test]
    async fn iam_concurrent_modification_codes_are_retried() {
        for code in ["ConcurrentModification", "EntityTemporarilyUnmodifiable"] {
            let (result, attempts) = run(&fast(), "PutRolePolicy", |n| {
                if n <= 2 {
                    Err(service_error(code, "try again"))
                } else {
                    Ok(())
                }
            })
            .await;
            assert!(result.is_ok(), "{code}: {result:?}");
            assert_eq!(attempts, 3, "{code}");
        }
    }

    #[tokio::test]
    async fn delete_conflict_is_retried_for_a_bounded_time_then_names_the_role() {
        let (result, attempts) = run(&fast(), "DeleteRole", |n| {
            if n <= 2 {
                Err(service_error(
                    "DeleteConflict",
                    "Cannot delete entity, must detach all policies first.",
                ))
            } else {
                Ok(())
            }
        })
        .await;
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(attempts, 3);

        let policy = RetryPolicy {
            still_referenced_deadline: Duration::from_millis(200),
            ..fast()
        };
        let t0 = Instant::now();
        let (result, _) = run(&policy, "DeleteRole", |_| {
            Err(service_error(
                "DeleteConflict",
                "Cannot delete entity, must remove roles from instance profile first.",
            ))
        })
        .await;
        assert!(t0.elapsed() < Duration::from_secs(2));
        let err = result.unwrap_err();
        assert_eq!(err.kind, ErrorKind::StillReferenced);
        let d = err.to_diagnostic();
        assert!(d.summary.contains("\"etl-x\""), "{}", d.summary);
        assert!(d.detail.contains("instance profile"), "{}", d.detail);
        assert!(
            d.detail.contains("list-instance-profiles-for-role"),
            "{}",
            d.detail
        );
    }

    #[tokio::test]
    async fn an_attempt_timeout_is_retried_and_names_the_setting() {
        let policy = RetryPolicy {
            attempt_timeout: Duration::from_secs(2),
            max_retries: 2,
            ..fast()
        };
        let timeout = || Sdk::timeout_error("attempt timeout".to_string());
        let (result, attempts) = run(&policy, "GetJob", |n| {
            if n == 1 {
                Err(timeout())
            } else {
                Ok(())
            }
        })
        .await;
        assert!(result.is_ok());
        assert_eq!(attempts, 2);
        let (result, attempts) = run(&policy, "GetJob", |_| Err(timeout())).await;
        assert_eq!(attempts, 3);
        let err = result.unwrap_err();
        assert_eq!(err.kind, ErrorKind::Transient);
        let d = err.to_diagnostic();
        assert!(d.summary.contains("GetJob"), "{}", d.summary);
        assert!(
            d.detail.contains("http_timeout_seconds = 2"),
            "{}",
            d.detail
        );
        assert!(d.detail.contains("max_retries = 2 reached"), "{}", d.detail);
    }

    #[tokio::test]
    async fn a_call_never_outlives_the_operation_timeout() {
        let policy = RetryPolicy {
            deadline: Duration::from_millis(300),
            ..fast()
        };
        let t0 = Instant::now();
        let result: Result<(), AwsError> =
            call(&policy, Op::new("glue", "GetJob", "etl-x"), || {
                std::future::pending::<Result<(), Sdk>>()
            })
            .await;
        assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
        let d = result.unwrap_err().to_diagnostic();
        assert!(
            d.detail.contains("operation_timeout_seconds"),
            "{}",
            d.detail
        );
    }

    #[test]
    fn limits_never_exceed_the_operation_timeout() {
        let p = RetryPolicy {
            deadline: Duration::from_secs(10),
            ..Default::default()
        };
        assert_eq!(p.limit(ErrorKind::IamPropagation), Duration::from_secs(10));
        assert_eq!(p.limit(ErrorKind::StillReferenced), Duration::from_secs(10));
        let d = RetryPolicy::default();
        assert_eq!(d.limit(ErrorKind::IamPropagation), Duration::from_secs(120));
        assert_eq!(d.limit(ErrorKind::StillReferenced), Duration::from_secs(30));
        assert!(!d.should_retry(ErrorKind::StillReferenced, 1, Duration::from_secs(31)));
        assert!(!d.should_retry(ErrorKind::Unreachable, 1, Duration::from_secs(301)));
    }

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
            ErrorKind::Busy,
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
