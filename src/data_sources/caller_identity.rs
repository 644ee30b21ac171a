//! `flywheel_caller_identity`: the account, principal, region and partition the provider
//! runs as. Reuses the identity `configure` already fetched, so a refresh costs no call.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{DataSource, Diagnostics};

use crate::aws::{self, SharedContext};
use crate::schema::*;

#[derive(Serialize, Deserialize, Debug, Default)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub account_id: Value<String>,
    #[serde(default)]
    pub arn: Value<String>,
    #[serde(default)]
    pub user_id: Value<String>,
    #[serde(default)]
    pub region: Value<String>,
    #[serde(default)]
    pub partition: Value<String>,
}

pub struct CallerIdentityDataSource {
    ctx: SharedContext,
}

impl CallerIdentityDataSource {
    pub fn new(ctx: SharedContext) -> Self {
        CallerIdentityDataSource { ctx }
    }
}

#[async_trait]
impl DataSource for CallerIdentityDataSource {
    type State<'a> = State;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 0,
            block: block(
                "The AWS identity, region and partition the provider runs as. Useful to build ARNs and bucket names, and as a first check that credentials and endpoints work.",
                [
                    ("id", attr(string(), Computed, "The account ID (kept for parity with `aws_caller_identity`).")),
                    ("account_id", attr(string(), Computed, "AWS account ID of the caller.")),
                    ("arn", attr(string(), Computed, "ARN of the calling user or assumed role.")),
                    ("user_id", attr(string(), Computed, "Unique identifier of the calling entity.")),
                    ("region", attr(string(), Computed, "Region the provider is configured for.")),
                    ("partition", attr(string(), Computed, "AWS partition of that region: `aws`, `aws-cn`, `aws-us-gov`, ...")),
                ],
                [],
            ),
        })
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        _config: State,
        _meta: ValueEmpty,
    ) -> Option<State> {
        let ctx = match self.ctx.get() {
            Ok(ctx) => ctx,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        let identity = match &ctx.identity {
            Some(identity) => identity.clone(),
            None => match aws::sts::get_caller_identity(&ctx.sts, &ctx.retry).await {
                Ok(identity) => identity,
                Err(err) => {
                    diags.add_error(err.to_diagnostic());
                    return None;
                }
            },
        };
        Some(State {
            id: Value::Value(identity.account_id.clone()),
            account_id: Value::Value(identity.account_id),
            arn: Value::Value(identity.arn),
            user_id: Value::Value(identity.user_id),
            region: Value::Value(ctx.region.clone()),
            partition: Value::Value(ctx.partition.to_string()),
        })
    }
}
