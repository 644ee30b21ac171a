//! Classification of AWS failures and their translation into Terraform diagnostics.
//!
//! Every AWS error the provider sees becomes an [`AwsError`] that knows which object and
//! operation failed, what kind of failure it was (which drives retries), and what the user
//! should do about it.

use std::fmt;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tf_provider::{AttributePath, Diagnostic};

/// What kind of failure this is; the retry policy and callers branch on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The object does not exist (404, `NoSuchEntity`, `EntityNotFoundException`, ...).
    NotFound,
    /// Throttling or a transient server/network fault: retry with backoff.
    Transient,
    /// The endpoint could not be reached at all (connection refused, DNS): retry briefly.
    Unreachable,
    /// A freshly created IAM role or policy is not visible to the service yet: retry until
    /// the propagation deadline. Also what a trust policy Glue cannot satisfy looks like,
    /// so the final error names that cause too.
    IamPropagation,
    /// IAM refuses to delete an object something still references (`DeleteConflict`).
    /// Right after the provider detached its policies that is IAM's eventual consistency,
    /// so it is retried briefly; then the error says what may still reference it.
    StillReferenced,
    /// The object already exists or is being changed by someone else.
    Conflict,
    /// The object is in use and AWS refuses to change or delete it until that ends: a Glue
    /// crawler whose run is in progress or stopping. The caller may wait (see
    /// `aws::glue::crawler_runs`); the retry policy does not.
    Busy,
    /// AWS rejected the request's content.
    Validation,
    /// Anything else: credentials, permissions, quotas. Not retried.
    Fatal,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not_found",
            ErrorKind::Transient => "transient",
            ErrorKind::Unreachable => "unreachable",
            ErrorKind::IamPropagation => "iam_propagation",
            ErrorKind::StillReferenced => "still_referenced",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Busy => "busy",
            ErrorKind::Validation => "validation",
            ErrorKind::Fatal => "fatal",
        }
    }
}

/// A failed AWS call, with enough context to tell the user what failed and what to do.
#[derive(Clone, Debug)]
pub struct AwsError {
    pub service: &'static str,
    pub operation: &'static str,
    /// The AWS object the call was about (bucket, job, role name ...).
    pub target: String,
    pub kind: ErrorKind,
    /// AWS's error code, when the service returned one.
    pub code: Option<String>,
    pub message: String,
    pub status: Option<u16>,
}

impl AwsError {
    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }

    /// A Terraform diagnostic naming the object and operation, with advice.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::root(self.summary(), self.detail())
    }

    /// Same as [`Self::to_diagnostic`] but pointing at a configuration attribute.
    pub fn to_diagnostic_at(&self, path: AttributePath) -> Diagnostic {
        Diagnostic::new(self.summary(), self.detail(), path)
    }

    fn summary(&self) -> String {
        format!(
            "{} {} failed for {:?}",
            service_title(self.service),
            self.operation,
            self.target
        )
    }

    fn detail(&self) -> String {
        let code = self.code.as_deref().unwrap_or("error");
        let status = self
            .status
            .map(|s| format!(" (HTTP {s})"))
            .unwrap_or_default();
        format!(
            "{code}{status}: {}\n\n{}",
            self.message.trim(),
            self.advice()
        )
    }

    fn advice(&self) -> String {
        let action = format!("{}:{}", self.service, self.operation);
        match self.kind {
            ErrorKind::NotFound => format!(
                "{:?} does not exist. If it was deleted outside Terraform, run `terraform apply` to recreate it; if it should be imported, check its name and region.",
                self.target
            ),
            ErrorKind::Transient => match self.code.as_deref() {
                Some(ATTEMPT_TIMEOUT | OPERATION_TIMEOUT) => format!(
                    "AWS did not answer {action} in time, and the provider stopped waiting rather than hang. Check network access to the endpoint; if AWS is only slow, raise `http_timeout_seconds` (each attempt) or `operation_timeout_seconds` (all attempts of one call) in the provider configuration."
                ),
                _ => "AWS throttled the request or had a transient fault and the provider's retries ran out. Run the command again, or raise `max_retries` or `operation_timeout_seconds` in the provider configuration.".into(),
            },
            ErrorKind::Unreachable => "The AWS endpoint could not be reached. Check network access, the `region`, and any `endpoints` / AWS_ENDPOINT_URL setting.".into(),
            ErrorKind::IamPropagation => "The IAM role was still not usable by the service when the wait for IAM propagation ended. Either the role is new and IAM is slow (run `terraform apply` again), or its trust policy does not let the service assume it: the trust policy must allow the principal `Service = glue.amazonaws.com` the action `sts:AssumeRole`, with no condition Glue does not send (such as `aws:SourceIp`, `sts:ExternalId` or an MFA condition).".into(),
            ErrorKind::StillReferenced => format!(
                "IAM still reports something attached to {:?} after the provider removed what it manages. IAM usually catches up within seconds; if this persists, something outside this configuration references it: for a role, an inline or managed policy (`aws iam list-role-policies`, `aws iam list-attached-role-policies`) or an instance profile (`aws iam list-instance-profiles-for-role`). Remove that reference and run the command again.",
                self.target
            ),
            ErrorKind::Conflict => format!(
                "{:?} already exists or is being modified concurrently. If it exists outside this configuration, import it with `terraform import`, or choose another name.",
                self.target
            ),
            ErrorKind::Busy => format!(
                "Glue refuses to change or delete the crawler {:?} while a run of it is in progress or stopping. flywheel_crawler waits for the run to end, up to `running_crawler_timeout` (default 30m): wait for the run to end and apply again, raise `running_crawler_timeout`, or set `stop_running_crawler = true` to stop the run first.",
                self.target
            ),
            ErrorKind::Validation => "AWS rejected the request's values. Check the configuration of this object against the AWS documentation for the operation.".into(),
            ErrorKind::Fatal => match self.code.as_deref() {
                Some(c) if is_access_denied(c) && is_pass_role_denied(&self.message.to_ascii_lowercase()) => format!(
                    "The principal running Terraform may not pass the IAM role {} to Glue, which {action} on {:?} needs. Grant that principal `iam:PassRole` on the role, with the condition `iam:PassedToService = glue.amazonaws.com` (the `PassRolesToGlue` statement of the deployer policy in the provider's documentation index), then run the command again. Retrying cannot fix this.",
                    passed_role(&self.message).map_or_else(|| "the job or crawler names".to_string(), |r| format!("{r:?}")),
                    self.target
                ),
                Some(c) if is_access_denied(c) => format!(
                    "The credentials in use are not allowed to call {action} on this object. Grant it in their IAM policy (the provider's documentation lists the full policy it needs)."
                ),
                Some(c) if is_bad_credentials(c) => "The AWS credentials are missing, invalid or expired. Check AWS_PROFILE / AWS_ACCESS_KEY_ID, the `profile` and `assume_role` settings, and refresh any session.".into(),
                _ => format!("The call {action} failed and is not retryable."),
            },
        }
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.summary(), self.detail())
    }
}

impl std::error::Error for AwsError {}

fn service_title(service: &str) -> &str {
    match service {
        "glue" => "Glue",
        "s3" => "S3",
        "iam" => "IAM",
        "sts" => "STS",
        "sns" => "SNS",
        "events" => "EventBridge",
        "cloudwatch" => "CloudWatch",
        "budgets" => "AWS Budgets",
        other => other,
    }
}

fn is_access_denied(code: &str) -> bool {
    matches!(
        code,
        "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" | "AuthorizationError"
    )
}

fn is_bad_credentials(code: &str) -> bool {
    matches!(
        code,
        "InvalidClientTokenId"
            | "UnrecognizedClientException"
            | "ExpiredToken"
            | "ExpiredTokenException"
            | "InvalidAccessKeyId"
            | "SignatureDoesNotMatch"
            | "InvalidSignatureException"
            | "MissingAuthenticationToken"
            | "NoCredentials"
    )
}

/// Classifies a service error by code, HTTP status and message.
pub fn classify(code: Option<&str>, status: Option<u16>, message: &str) -> ErrorKind {
    let msg = message.to_ascii_lowercase();
    if let Some(code) = code {
        match code {
            "NoSuchEntity"
            | "EntityNotFoundException"
            | "NoSuchBucket"
            | "NoSuchKey"
            | "NotFound"
            | "NoSuchLifecycleConfiguration"
            | "NoSuchBucketPolicy"
            | "ServerSideEncryptionConfigurationNotFoundError"
            | "NoSuchPublicAccessBlockConfiguration"
            | "NoSuchTagSet"
            | "NoSuchTagSetError"
            | "NoSuchConfiguration"
            // EventBridge, CloudWatch dashboards and alarms, AWS Budgets.
            | "ResourceNotFoundException"
            | "ResourceNotFound"
            | "NotFoundException" => return ErrorKind::NotFound,
            "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "TooManyRequestsException"
            | "RequestLimitExceeded"
            | "RequestThrottled"
            | "SlowDown"
            | "ServiceUnavailable"
            | "ServiceUnavailableException"
            | "InternalFailure"
            | "InternalError"
            | "InternalServiceException"
            | "InternalServiceError"
            | "RequestTimeout"
            | "RequestTimeoutException"
            | "OperationTimeoutException"
            | "ConcurrentModificationException"
            // IAM's own spellings: another change to the same entity is in flight, or the
            // entity is briefly locked (a service-linked role being changed).
            | "ConcurrentModification"
            | "EntityTemporarilyUnmodifiable"
            | "OperationAborted" => return ErrorKind::Transient,
            "DeleteConflict" => return ErrorKind::StillReferenced,
            "AlreadyExistsException"
            | "EntityAlreadyExists"
            | "BucketAlreadyExists"
            | "BucketAlreadyOwnedByYou"
            | "IdempotentParameterMismatch"
            // AWS Budgets: a budget of that name exists.
            | "DuplicateRecordException"
            | "BucketNotEmpty" => return ErrorKind::Conflict,
            "CrawlerRunningException" | "CrawlerStoppingException" => return ErrorKind::Busy,
            _ => {}
        }
        // What UpdateCrawler of a running crawler answers in practice (its API reference
        // lists CrawlerRunningException, above): "Cannot update Crawler while running".
        if code == "InvalidInputException" && msg.contains("while running") {
            return ErrorKind::Busy;
        }
        if is_iam_propagation(code, &msg) {
            return ErrorKind::IamPropagation;
        }
        if is_access_denied(code) || is_bad_credentials(code) {
            return ErrorKind::Fatal;
        }
        if matches!(
            code,
            "ValidationException"
                | "ValidationError"
                | "InvalidInputException"
                | "InvalidInput"
                | "MalformedPolicyDocument"
                | "MalformedPolicy"
                | "InvalidParameterValue"
                | "InvalidArgument"
                | "InvalidBucketName"
                | "InvalidRequest"
                | "MalformedXML"
        ) {
            return ErrorKind::Validation;
        }
    }
    match status {
        Some(404) => ErrorKind::NotFound,
        Some(409) => ErrorKind::Conflict,
        Some(429) => ErrorKind::Transient,
        Some(s) if s >= 500 => ErrorKind::Transient,
        Some(400) => ErrorKind::Validation,
        _ => ErrorKind::Fatal,
    }
}

/// The messages AWS sends while a new role is not yet assumable by Glue or a new
/// principal is not yet valid in a policy. A PassRole denial is not one of them: it is a
/// permission of the caller, which waiting does not change.
fn is_iam_propagation(code: &str, msg: &str) -> bool {
    let code_fits = matches!(
        code,
        "InvalidInputException"
            | "MalformedPolicyDocument"
            | "MalformedPolicy"
            | "AccessDeniedException"
    );
    code_fits
        && !is_pass_role_denied(msg)
        && (msg.contains("unable to assume")
            || msg.contains("cannot be assumed")
            || msg.contains("invalid principal")
            || msg.contains("verify role's trustpolicy")
            || msg.contains("role does not have"))
}

/// "User: arn:... is not authorized to perform: iam:PassRole on resource: arn:..." (`msg`
/// lowercased).
fn is_pass_role_denied(msg: &str) -> bool {
    msg.contains("iam:passrole")
}

/// The role a PassRole denial names ("... on resource: <arn>").
fn passed_role(message: &str) -> Option<&str> {
    let lower = message.to_ascii_lowercase();
    let at = lower.find("on resource: ")? + "on resource: ".len();
    message[at..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == ',')
        .next()
        .map(|r| r.trim_end_matches('.'))
        .filter(|r| !r.is_empty())
}

/// The pseudo-codes of a call that got no answer: one attempt ran past
/// `http_timeout_seconds`, or the whole call past `operation_timeout_seconds`.
pub const ATTEMPT_TIMEOUT: &str = "AttemptTimeout";
pub const OPERATION_TIMEOUT: &str = "OperationTimeout";

/// Converts any SDK error into an [`AwsError`] for the given call.
pub fn from_sdk<E>(
    service: &'static str,
    operation: &'static str,
    target: &str,
    err: &SdkError<E, HttpResponse>,
) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    let (code, message, kind) = match err {
        SdkError::ServiceError(se) => {
            let e = se.err();
            let code = e.code().map(str::to_string);
            let message = e.message().unwrap_or("").to_string();
            let kind = classify(code.as_deref(), status, &message);
            (code, message, kind)
        }
        // The attempt timeout (`connect`): the request may have taken effect, so only calls
        // whose retry is safe are retried, which they all are: a create retried after its
        // answer was lost meets "already exists", which the engine recognises as its own.
        SdkError::TimeoutError(_) => (
            Some(ATTEMPT_TIMEOUT.to_string()),
            "no answer within the per-attempt timeout".into(),
            ErrorKind::Transient,
        ),
        SdkError::DispatchFailure(df) => {
            let message = describe_chain(err);
            // The SDK reports a failed credential chain as a dispatch failure; it is not
            // transient, and the advice must be about credentials.
            if message.contains("loading credentials") || message.contains("no credentials") {
                return AwsError {
                    service,
                    operation,
                    target: target.to_string(),
                    kind: ErrorKind::Fatal,
                    code: Some("NoCredentials".into()),
                    message: redact_userinfo(&message),
                    status,
                };
            }
            if df.is_timeout() {
                return AwsError {
                    service,
                    operation,
                    target: target.to_string(),
                    kind: ErrorKind::Transient,
                    code: Some(ATTEMPT_TIMEOUT.into()),
                    message: redact_userinfo(&message),
                    status,
                };
            }
            let kind = if df.is_user() || message.contains("not a valid URI") {
                ErrorKind::Fatal
            } else if df.is_io() {
                if message.contains("refused") || message.contains("dns") {
                    ErrorKind::Unreachable
                } else {
                    ErrorKind::Transient
                }
            } else {
                ErrorKind::Transient
            };
            (None, message, kind)
        }
        SdkError::ResponseError(_) => (
            None,
            describe_chain(err),
            // An unparseable response is retried unless its status says otherwise.
            match classify(None, status, "") {
                ErrorKind::Fatal | ErrorKind::Validation => ErrorKind::Transient,
                k => k,
            },
        ),
        SdkError::ConstructionFailure(_) => (None, describe_chain(err), ErrorKind::Fatal),
        _ => (None, describe_chain(err), ErrorKind::Fatal),
    };
    AwsError {
        service,
        operation,
        target: target.to_string(),
        kind,
        code,
        message: if message.is_empty() {
            "no message".into()
        } else {
            redact_userinfo(&message)
        },
        status,
    }
}

/// `text` with the user name and password of every URL in it replaced by `***`
/// (`http://user:secret@host:4566` becomes `http://***@host:4566`): endpoints appear in
/// diagnostics and logs, and a password there must not.
pub fn redact_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let authority_end = tail
            .find(|c: char| c.is_whitespace() || "/?#\"'`<>(){},;\\".contains(c))
            .unwrap_or(tail.len());
        let authority = &tail[..authority_end];
        match authority.rfind('@') {
            Some(userinfo_end) => {
                out.push_str("***");
                out.push_str(&authority[userinfo_end..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[authority_end..];
    }
    out.push_str(rest);
    out
}

/// The error's source chain on one line; SDK errors hide the useful part in sources.
fn describe_chain(err: &dyn std::error::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_table() {
        let cases: &[(Option<&str>, Option<u16>, &str, ErrorKind)] = &[
            (
                Some("EntityNotFoundException"),
                Some(400),
                "",
                ErrorKind::NotFound,
            ),
            (Some("NoSuchEntity"), Some(404), "", ErrorKind::NotFound),
            (Some("NoSuchBucket"), Some(404), "", ErrorKind::NotFound),
            (None, Some(404), "", ErrorKind::NotFound),
            (
                Some("ThrottlingException"),
                Some(400),
                "",
                ErrorKind::Transient,
            ),
            (Some("SlowDown"), Some(503), "", ErrorKind::Transient),
            (None, Some(500), "", ErrorKind::Transient),
            (None, Some(429), "", ErrorKind::Transient),
            (
                Some("InvalidInputException"),
                Some(400),
                "Service is unable to assume provided role. Please verify role's TrustPolicy",
                ErrorKind::IamPropagation,
            ),
            (
                Some("MalformedPolicyDocument"),
                Some(400),
                "Invalid principal in policy: \"AWS\":\"arn:aws:iam::1:role/x\"",
                ErrorKind::IamPropagation,
            ),
            (
                Some("InvalidInputException"),
                Some(400),
                "bad worker type",
                ErrorKind::Validation,
            ),
            (
                Some("AlreadyExistsException"),
                Some(400),
                "",
                ErrorKind::Conflict,
            ),
            (
                Some("BucketAlreadyOwnedByYou"),
                Some(409),
                "",
                ErrorKind::Conflict,
            ),
            (
                Some("AccessDeniedException"),
                Some(400),
                "no",
                ErrorKind::Fatal,
            ),
            (Some("ExpiredToken"), Some(403), "", ErrorKind::Fatal),
            // A PassRole denial is the caller's permission, not propagation.
            (
                Some("AccessDeniedException"),
                Some(400),
                "User: arn:aws:sts::123456789012:assumed-role/deployer/tf is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/etl-glue",
                ErrorKind::Fatal,
            ),
            (
                Some("AccessDeniedException"),
                Some(400),
                "Service is unable to assume provided role",
                ErrorKind::IamPropagation,
            ),
            // IAM's spellings of "try again".
            (
                Some("ConcurrentModification"),
                Some(409),
                "",
                ErrorKind::Transient,
            ),
            (
                Some("EntityTemporarilyUnmodifiable"),
                Some(409),
                "",
                ErrorKind::Transient,
            ),
            (
                Some("DeleteConflict"),
                Some(409),
                "Cannot delete entity, must detach all policies first.",
                ErrorKind::StillReferenced,
            ),
            // A crawler's run in progress, in Glue's documented and observed spellings.
            (
                Some("CrawlerRunningException"),
                Some(400),
                "",
                ErrorKind::Busy,
            ),
            (
                Some("CrawlerStoppingException"),
                Some(400),
                "",
                ErrorKind::Busy,
            ),
            (
                Some("InvalidInputException"),
                Some(400),
                "Cannot update Crawler while running. Please stop crawl or wait until it completes to update.",
                ErrorKind::Busy,
            ),
            (Some("SomethingNew"), Some(403), "", ErrorKind::Fatal),
            (Some("SomethingNew"), Some(400), "", ErrorKind::Validation),
        ];
        for (code, status, msg, want) in cases {
            assert_eq!(
                classify(*code, *status, msg),
                *want,
                "{code:?} {status:?} {msg}"
            );
        }
    }

    #[test]
    fn dispatch_failures_are_classified_by_cause() {
        use aws_smithy_runtime_api::client::result::ConnectorError;
        let fail = |msg: &str,
                    io: bool|
         -> SdkError<
            aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError,
            HttpResponse,
        > {
            let source: Box<dyn std::error::Error + Send + Sync> = msg.to_string().into();
            SdkError::dispatch_failure(if io {
                ConnectorError::io(source)
            } else {
                ConnectorError::other(source, None)
            })
        };
        let creds = from_sdk(
            "sts",
            "GetCallerIdentity",
            "caller",
            &fail("an error occurred while loading credentials", false),
        );
        assert_eq!(creds.kind, ErrorKind::Fatal);
        assert!(creds
            .to_diagnostic()
            .detail
            .contains("credentials are missing"));
        let refused = from_sdk(
            "sts",
            "GetCallerIdentity",
            "caller",
            &fail("tcp connect error: Connection refused", true),
        );
        assert_eq!(refused.kind, ErrorKind::Unreachable);
        let reset = from_sdk(
            "sts",
            "GetCallerIdentity",
            "caller",
            &fail("connection reset by peer", true),
        );
        assert_eq!(reset.kind, ErrorKind::Transient);
    }

    #[test]
    fn pass_role_denial_says_what_to_grant_to_whom() {
        let err = AwsError {
            service: "glue",
            operation: "CreateJob",
            target: "etl-x".into(),
            kind: classify(
                Some("AccessDeniedException"),
                Some(400),
                "User: arn:aws:sts::123456789012:assumed-role/deployer/tf is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/etl-glue",
            ),
            code: Some("AccessDeniedException".into()),
            message: "User: arn:aws:sts::123456789012:assumed-role/deployer/tf is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/etl-glue".into(),
            status: Some(400),
        };
        let d = err.to_diagnostic();
        assert!(d.summary.contains("\"etl-x\""), "{}", d.summary);
        for want in [
            "\"arn:aws:iam::123456789012:role/etl-glue\"",
            "`iam:PassRole`",
            "iam:PassedToService = glue.amazonaws.com",
            "deployer policy",
            "Retrying cannot fix this",
        ] {
            assert!(d.detail.contains(want), "{want}: {}", d.detail);
        }
    }

    #[test]
    fn propagation_advice_names_the_trust_policy() {
        let err = AwsError {
            service: "glue",
            operation: "CreateJob",
            target: "etl-x".into(),
            kind: ErrorKind::IamPropagation,
            code: Some("InvalidInputException".into()),
            message: "Service is unable to assume provided role.".into(),
            status: Some(400),
        };
        let detail = err.to_diagnostic().detail;
        assert!(detail.contains("trust policy"), "{detail}");
        assert!(detail.contains("`sts:AssumeRole`"), "{detail}");
        assert!(detail.contains("glue.amazonaws.com"), "{detail}");
    }

    #[test]
    fn userinfo_is_redacted_from_every_url() {
        let cases = [
            ("http://user:secret@host:4566", "http://***@host:4566"),
            (
                "endpoint \"https://me:p%40ss@glue.example.test/x?y\" refused",
                "endpoint \"https://***@glue.example.test/x?y\" refused",
            ),
            ("http://token@[::1]:4566/", "http://***@[::1]:4566/"),
            (
                "a http://a:b@h1 and http://h2:1/p@q",
                "a http://***@h1 and http://h2:1/p@q",
            ),
            (
                "no url here: user:secret@host",
                "no url here: user:secret@host",
            ),
            ("http://127.0.0.1:4566", "http://127.0.0.1:4566"),
        ];
        for (text, want) in cases {
            assert_eq!(redact_userinfo(text), want, "{text}");
        }
    }

    #[test]
    fn sdk_errors_never_show_an_endpoint_password() {
        use aws_smithy_runtime_api::client::result::ConnectorError;
        let source: Box<dyn std::error::Error + Send + Sync> =
            "error sending request for url (http://user:secret@127.0.0.1:1/): connection refused"
                .to_string()
                .into();
        let err: SdkError<
            aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError,
            HttpResponse,
        > = SdkError::dispatch_failure(ConnectorError::io(source));
        let e = from_sdk("sts", "GetCallerIdentity", "caller", &err);
        let shown = format!("{e} {:?}", e.to_diagnostic());
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("http://***@127.0.0.1:1/"), "{shown}");
    }

    #[test]
    fn attempt_timeouts_are_transient_and_marked() {
        let err: SdkError<
            aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError,
            HttpResponse,
        > = SdkError::timeout_error("timed out".to_string());
        let e = from_sdk("sts", "GetCallerIdentity", "caller", &err);
        assert_eq!(e.kind, ErrorKind::Transient);
        assert_eq!(e.code.as_deref(), Some(ATTEMPT_TIMEOUT));
        assert!(e.to_diagnostic().detail.contains("http_timeout_seconds"));
    }

    #[test]
    fn diagnostic_names_object_operation_and_advice() {
        let err = AwsError {
            service: "glue",
            operation: "CreateJob",
            target: "etl-x".into(),
            kind: ErrorKind::Fatal,
            code: Some("AccessDeniedException".into()),
            message: "User is not authorized".into(),
            status: Some(400),
        };
        let d = err.to_diagnostic();
        assert_eq!(d.summary, "Glue CreateJob failed for \"etl-x\"");
        assert!(d
            .detail
            .contains("AccessDeniedException (HTTP 400): User is not authorized"));
        assert!(d.detail.contains("glue:CreateJob"), "{}", d.detail);
    }
}
