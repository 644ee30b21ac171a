//! STS: who the provider is running as.

use super::retry::{call, Op, RetryPolicy};
use super::AwsError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerIdentity {
    pub account_id: String,
    pub arn: String,
    pub user_id: String,
}

pub async fn get_caller_identity(
    client: &aws_sdk_sts::Client,
    policy: &RetryPolicy,
) -> Result<CallerIdentity, AwsError> {
    let out = call(
        policy,
        Op::new("sts", "GetCallerIdentity", "caller"),
        || client.get_caller_identity().send(),
    )
    .await?;
    Ok(CallerIdentity {
        account_id: out.account.unwrap_or_default(),
        arn: out.arn.unwrap_or_default(),
        user_id: out.user_id.unwrap_or_default(),
    })
}
