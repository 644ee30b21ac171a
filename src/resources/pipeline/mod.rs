//! `flywheel_pipeline`: an environment's buckets, Glue catalog database and Glue role,
//! expanded with the organisation's defaults, and the `context` jobs and crawlers take.
//!
//! This folder maps Terraform values to and from `crate::model::pipeline` and makes no AWS
//! call: `validate` (offline checks), `plan` (planned state), `apply` (create and update
//! through `crate::reconcile`'s engine, failures as diagnostics), `import`, `schema`; this
//! file holds the state types and the `Resource` implementation.
//!
//! Identity: `owner_id`, made at the first apply (see `crate::model::ownership`), is kept
//! in state and written as `flywheel:owner` on what the pipeline creates.
//!
//! State shape: the configuration as written, with each block's `name` (and a bucket's
//! `create`) filled with its effective value; computed `id`, ARNs, `context`,
//! `managed_objects`, `tags_all`; and `children`, every child object's address with its
//! status as last read (`ok`, `missing`, `differs: ...`). Plans propose `ok` for every
//! child, so out-of-band drift in any child shows as a change on that child's entry, and
//! apply repairs exactly the children that are not `ok`. A failed apply returns the state
//! with the statuses it reached, so what was created is recorded.
//!
//! Import ID: see [`model::import_id`]; it is also the resource's `id`.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use tf_provider::schema::{NestedBlock, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostic, Diagnostics, Resource};

mod alerts;
mod apply;
#[cfg(test)]
mod bucket_tests;
mod buckets;
mod import;
mod plan;
#[cfg(test)]
mod role_tests;
mod schema;
#[cfg(test)]
mod tests;
mod validate;

use alerts::*;
use apply::*;
use buckets::*;
use import::*;
pub(crate) use plan::env_of;
use plan::*;
use schema::*;
pub use validate::validate_config;
use validate::*;

use crate::aws::{AwsContext, SharedContext};
use crate::model::ownership;
use crate::model::pipeline::{
    self as model, BucketRole, BucketSettings, ChildKey, Desired, Env, Kind, Observed, Settings,
    Status,
};
use crate::model::tags::{self, Tags};
use crate::reconcile::pipeline_backend::PipelineBackend;
use crate::reconcile::{self, Converged, Failure, Ownership, Refusal};
use crate::resources::context::{self, PipelineContextValue};
use crate::resources::managed::{self as tf_managed, ManagedObject};
use crate::schema::*;
use crate::values::{known_map, known_str, opt_value, to_map, Number, StringMap, Unknown};

type Map = StringMap;

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct DatabaseBlock {
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub description: Value<String>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct RoleBlock {
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub managed_policy_arns: Value<Vec<Value<String>>>,
    /// Null: `/` (the plan leaves it null, so states from before it plan no change).
    #[serde(default)]
    pub path: Value<String>,
    #[serde(default)]
    pub permissions_boundary: Value<String>,
    /// Null: false.
    #[serde(default)]
    pub confused_deputy_conditions: Value<bool>,
    /// Null: true.
    #[serde(default)]
    pub attach_glue_service_role: Value<bool>,
    /// Policy name to its JSON document.
    #[serde(default)]
    pub inline_policies: Value<StringMap>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct BucketBlock {
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub create: Value<bool>,
    #[serde(default)]
    pub prefixes: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub expire_prefixes: Value<BTreeMap<String, Value<Number>>>,
    #[serde(default)]
    pub kms_key_arn: Value<String>,
    #[serde(default)]
    pub sse_algorithm: Value<String>,
    #[serde(default)]
    pub intelligent_tiering: Value<bool>,
    #[serde(default)]
    pub allowed_principal_arns: Value<Vec<Value<String>>>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub environment: Value<String>,
    #[serde(default)]
    pub force_destroy: Value<bool>,
    #[serde(default)]
    pub tags: Value<Map>,
    #[serde(default)]
    pub tags_all: Value<Map>,
    #[serde(default)]
    pub database: Value<DatabaseBlock>,
    #[serde(default)]
    pub role: Value<RoleBlock>,
    #[serde(default)]
    pub data_bucket: Value<BucketBlock>,
    #[serde(default)]
    pub assets_bucket: Value<BucketBlock>,
    #[serde(default)]
    pub analysis_bucket: Value<BucketBlock>,
    #[serde(default)]
    pub role_arn: Value<String>,
    #[serde(default)]
    pub database_name: Value<String>,
    #[serde(default)]
    pub data_bucket_arn: Value<String>,
    #[serde(default)]
    pub assets_bucket_arn: Value<String>,
    #[serde(default)]
    pub analysis_bucket_arn: Value<String>,
    #[serde(default)]
    pub context: Value<PipelineContextValue>,
    #[serde(default)]
    pub managed_objects: Value<Vec<ManagedObject>>,
    #[serde(default)]
    pub children: Value<Map>,
    #[serde(default)]
    pub owner_id: Value<String>,
    /// An optional block: absent is null (a group block would always be there).
    #[serde(default, with = "crate::values::optional_block")]
    pub alerts: Value<AlertsBlock>,
    #[serde(default)]
    pub alerts_topic_arn: Value<String>,
}

/// The ARN the provider runs as, when STS was asked at configure time.
fn caller_arn(ctx: &AwsContext) -> Option<&str> {
    ctx.identity.as_ref().map(|i| i.arn.as_str())
}

/// The identity in `s`, when it has one (a state from 0.1.0, or a plan for a create,
/// has none).
fn owner_of(s: &State) -> Option<String> {
    known_str(&s.owner_id).ok().flatten()
}

/// Marks the identity as known after apply: in `owner_id`, in `tags_all` and in the
/// `context` tags (jobs and crawlers then plan their own tags as unknown).
fn owner_unknown(s: &mut State) {
    s.owner_id = Value::Unknown;
    if let Value::Value(t) = &mut s.tags_all {
        t.insert(ownership::OWNER_TAG.into(), Value::Unknown);
    }
    if let Value::Value(c) = &mut s.context {
        if let Value::Value(t) = &mut c.tags {
            t.insert(ownership::PIPELINE_OWNER_TAG.into(), Value::Unknown);
        }
    }
}

impl State {
    fn bucket_block(&self, role: BucketRole) -> &Value<BucketBlock> {
        match role {
            BucketRole::Data => &self.data_bucket,
            BucketRole::Assets => &self.assets_bucket,
            BucketRole::Analysis => &self.analysis_bucket,
        }
    }

    fn bucket_block_mut(&mut self, role: BucketRole) -> &mut Value<BucketBlock> {
        match role {
            BucketRole::Data => &mut self.data_bucket,
            BucketRole::Assets => &mut self.assets_bucket,
            BucketRole::Analysis => &mut self.analysis_bucket,
        }
    }
}

pub struct PipelineResource {
    ctx: SharedContext,
}

impl PipelineResource {
    pub fn new(ctx: SharedContext) -> Self {
        PipelineResource { ctx }
    }
}

use crate::resources::identity::SCHEMA_VERSION;

#[async_trait]
impl Resource for PipelineResource {
    type State<'a> = State;
    type PrivateState<'a> = ValueEmpty;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: SCHEMA_VERSION,
            block: schema_block(),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: State) -> Option<()> {
        validate_config(&config, diags);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: State,
        private_state: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty)> {
        let Some(ctx) = self.ctx.get_or_diag(diags) else {
            return Some((state, private_state));
        };
        let env = match env_of(&ctx) {
            Ok(e) => e,
            Err(d) => {
                diags.add_error(d);
                return Some((state, private_state));
            }
        };
        // The values the plan fills in where the configuration leaves them out (the
        // alerts' flags, the analysis bucket's expiries): states written before they were
        // computed get them here, so they plan no change.
        let (planned, desired) = match plan(&env, &state, owner_of(&state).as_deref()) {
            Ok((planned, Some((_, d)))) => (planned, d),
            Ok(_) => return Some((state, private_state)),
            Err(d) => {
                diags.add_error(d);
                return Some((state, private_state));
            }
        };
        // `desired` is the state's own configuration: the refresh's read set.
        let refresh = PipelineBackend {
            refresh: true,
            ..backend(&ctx, &desired, &[])
        };
        let observed = match refresh.read().await {
            Ok(o) => o,
            Err(e) => {
                diags.add_error(e.to_diagnostic());
                return Some((state, private_state));
            }
        };
        if all_gone(&desired, &observed) {
            tracing::info!(
                pipeline = desired.name.as_str(),
                "pipeline no longer exists; removing it from state"
            );
            return None;
        }
        let specs = model::observed_children(&desired, &observed);
        let statuses = model::statuses(&desired.children, &specs);
        let mut s = state;
        s.alerts = planned.alerts;
        if let (Value::Value(b), Value::Value(p)) = (
            s.bucket_block_mut(BucketRole::Analysis),
            planned.analysis_bucket,
        ) {
            b.expire_prefixes = p.expire_prefixes;
        }
        s.children = children_value(&statuses);
        if let Some(r) = &observed.role {
            s.role_arn = Value::Value(r.arn.clone());
        }
        Some((s, private_state))
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        _proposed: State,
        config: State,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty)> {
        let ctx = self.ctx.get_or_diag(diags)?;
        // The identity is made at apply (see `crate::model::ownership`).
        let planned = env_of(&ctx).and_then(|env| plan(&env, &config, None));
        match planned {
            Ok((s, full)) => {
                if let Some((settings, _)) = &full {
                    for w in deployer_warnings(caller_arn(&ctx), settings) {
                        diags.add_warning(w);
                    }
                }
                Some((s, ValueEmpty::default()))
            }
            Err(d) => {
                diags.add_error(d);
                None
            }
        }
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        _proposed: State,
        config: State,
        _private: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty, Vec<AttributePath>)> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let owner = owner_of(&prior);
        let env = match env_of(&ctx) {
            Ok(e) => e,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        let planned = match plan(&env, &config, owner.as_deref()) {
            Ok((mut s, full)) => {
                if let Some((settings, desired)) = &full {
                    for w in deployer_warnings(caller_arn(&ctx), settings) {
                        diags.add_warning(w);
                    }
                    if let Ok((_, Some((_, before)))) = plan(&env, &prior, owner.as_deref()) {
                        mark_changed_children(&before, desired, &mut s);
                    }
                }
                s
            }
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        let replace = replace_paths(&prior, &planned);
        Some((planned, ValueEmpty::default(), replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: State,
        _private: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<ValueEmpty> {
        Some(ValueEmpty::default())
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: State,
        config: State,
        _private: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty)> {
        self.apply(diags, None, planned, config).await
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        planned: State,
        config: State,
        _private: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty)> {
        self.apply(diags, Some(&prior), planned, config).await
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        _private: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<()> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let owner = owner_of(&prior);
        let desired = match env_of(&ctx).and_then(|env| plan(&env, &prior, owner.as_deref())) {
            Ok((_, Some((_, d)))) => d,
            Ok(_) => {
                diags.root_error(
                    "Pipeline state is incomplete",
                    "The state of this flywheel_pipeline lacks the names of its children; remove it from the state and import it.",
                );
                return None;
            }
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        let force = prior
            .force_destroy
            .as_ref_option()
            .copied()
            .unwrap_or(false);
        let own = Ownership {
            owner,
            ..Ownership::default()
        };
        let failures = reconcile::destroy(
            &backend(&ctx, &desired, &[]),
            &desired.children,
            &own,
            force,
        )
        .await;
        if failures.is_empty() {
            return Some(());
        }
        for d in diagnostics(&desired, &failures) {
            diags.add_error(d);
        }
        None
    }

    async fn upgrade<'a>(
        &self,
        diags: &mut Diagnostics,
        version: i64,
        prior_state: tf_provider::RawValue,
    ) -> Option<State> {
        crate::resources::identity::upgrade(diags, "flywheel_pipeline", version, prior_state)
    }

    async fn import<'a>(&self, diags: &mut Diagnostics, id: String) -> Option<(State, ValueEmpty)> {
        let parsed = match model::parse_import_id(&id) {
            Ok(p) => p,
            Err(e) => {
                diags.root_error(
                    "Invalid import ID",
                    format!("Import a flywheel_pipeline with name=<name>[,environment=<env>],role=<role>,database=<database>,data_bucket=<bucket>,assets_bucket=<bucket>,analysis_bucket=<bucket>[,adopted=data_bucket+...] (names left out take their defaults): {e}"),
                );
                return None;
            }
        };
        let ctx = self.ctx.get_or_diag(diags)?;
        let env = match env_of(&ctx) {
            Ok(e) => e,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        let base = parsed.settings();
        // Every alert object the pipeline could have is looked for by name, so the
        // `alerts` block is read back with the rest (see `model::pipeline::alerts_import`).
        let probe = Settings {
            alerts: Some(model::probe_alerts()),
            ..base.clone()
        };
        let desired = model::expand(&probe, &env);
        let mut observed = match backend(&ctx, &desired, &[]).read_for_import().await {
            Ok(o) => o,
            Err(e) => {
                diags.add_error(e.to_diagnostic());
                return None;
            }
        };
        if all_gone(&desired, &observed) {
            diags.root_error(
                "Cannot import a pipeline that does not exist",
                format!(
                    "Neither the role {:?}, the database {:?} nor any created bucket exists in {}.",
                    desired.role, desired.database, ctx.region
                ),
            );
            return None;
        }
        // Import is an explicit claim: the identity the children carry, or a new one that
        // the first apply writes. Buckets not named in `adopted=` are the pipeline's only
        // when they carry that identity; others are adopted (configured, never deleted).
        let owner = imported_owner(&desired, &observed);
        let mut settings = imported_settings(base, &env, &observed);
        settings.alerts = model::imported_alerts(&settings, &env, &owner, &observed.alerts);
        // A topic the pipeline did not create was found through its rules: read it too,
        // so its policy and subscriptions get their status like every child's.
        if let Some(model::TopicChoice::Existing(_)) = settings.alerts.as_ref().map(|a| &a.topic) {
            let found = model::expand(&settings, &env);
            match backend(&ctx, &found, &[]).read().await {
                Ok(o) => observed.alerts = o.alerts,
                Err(e) => {
                    diags.add_error(e.to_diagnostic());
                    return None;
                }
            }
        }
        for b in &desired.buckets {
            if parsed.adopted.contains(&b.role) {
                continue;
            }
            let ours = matches!(observed.buckets.get(&b.name), Some(Some(ob))
                if ob.tags.get(ownership::OWNER_TAG) == Some(&owner));
            match b.role {
                BucketRole::Data => settings.data.create = Some(ours),
                BucketRole::Assets => settings.assets.create = Some(ours),
                BucketRole::Analysis => settings.analysis.create = Some(ours),
            }
        }
        let config = state_from_settings(&settings);
        let (mut s, full) = match plan(&env, &config, Some(&owner)) {
            Ok(p) => p,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        if let Some((_, d)) = full {
            let specs = model::observed_children(&d, &observed);
            s.children = children_value(&model::statuses(&d.children, &specs));
        }
        Some((s, ValueEmpty::default()))
    }

    /// What `-generate-config-out` writes: the settings the plan needs to plan this state
    /// (see `resources::generate`).
    async fn generate_config<'a>(&self, diags: &mut Diagnostics, state: State) -> Option<State> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let env = match env_of(&ctx) {
            Ok(e) => e,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        let owner = owner_of(&state);
        let planned = |c: &State| plan(&env, c, owner.as_deref()).ok().map(|(s, _)| s);
        match crate::resources::generate::minimal_config(&state, &schema_block(), planned) {
            Ok(config) => Some(config),
            Err(e) => {
                diags.root_error("Cannot generate the pipeline's configuration", e);
                None
            }
        }
    }
}
