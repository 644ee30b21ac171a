//! `flywheel_crawler`: a Glue crawler over S3 prefixes, with its schema change and recrawl
//! policies, an optional schedule (the crawler's own Glue schedule, see `model::crawler`)
//! and an optional conditional trigger that starts it when a job succeeds.
//!
//! This folder maps Terraform values to and from `model::crawler` and makes no AWS call:
//! `state` (the state types, and AWS read into state through the crawler's backend),
//! `validate` (offline checks), `plan` (planned values), `apply` (create, update and destroy
//! through the engine, `reconcile::converge_recorded` / `destroy_recorded`, which decides whose each
//! object is; failures become diagnostics that name the child), `import` and `schema`; this
//! file holds the `Resource` implementation. (`AwsContext` is only passed through to the
//! backend.)
//!
//! Spellings the user chose are kept: when AWS holds an equivalent `configuration` JSON,
//! schedule or target order, state keeps the user's text and plans show no diff.
//! `name` and `database` changes replace the crawler; everything else updates in place.

use std::sync::Arc;

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::value::ValueEmpty;
use tf_provider::{AttributePath, Diagnostics, Resource};

use crate::aws::{AwsContext, SharedContext};

mod apply;
mod import;
mod moved;
mod plan;
mod read_back;
mod schema;
mod state;
mod targets;
mod validate;

use plan::plan_state;
use state::refresh;
pub use state::State;
pub(crate) use validate::validate_config;

pub struct CrawlerResource {
    ctx: SharedContext,
}

impl CrawlerResource {
    pub fn new(ctx: SharedContext) -> Self {
        CrawlerResource { ctx }
    }

    fn ctx(&self, diags: &mut Diagnostics) -> Option<Arc<AwsContext>> {
        self.ctx.get_or_diag(diags)
    }
}

#[async_trait]
impl Resource for CrawlerResource {
    type State<'a> = State;
    type PrivateState<'a> = ValueEmpty;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema::schema())
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
        let ctx = self.ctx(diags)?;
        let check_trigger = !state.run_after_job.is_null();
        let s = refresh(&ctx, &state, check_trigger, diags).await?;
        Some((s, private_state))
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: State,
        config: State,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty)> {
        let ctx = self.ctx(diags)?;
        Some((
            plan_state(&ctx, &config, proposed, None, diags),
            ValueEmpty::default(),
        ))
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        proposed: State,
        config: State,
        private_state: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty, Vec<AttributePath>)> {
        let ctx = self.ctx(diags)?;
        let planned = plan_state(&ctx, &config, proposed, Some(&prior), diags);
        let mut replace = Vec::new();
        if planned.name != prior.name {
            replace.push(AttributePath::new("name"));
        }
        if planned.database != prior.database {
            replace.push(AttributePath::new("database"));
        }
        // The crawler is gone and its trigger is left (see `refresh`): replace it.
        if prior.id.is_null() {
            replace.push(AttributePath::new("id"));
        }
        Some((planned, private_state, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: State,
        private_state: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<ValueEmpty> {
        Some(private_state)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: State,
        config: State,
        _private: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(State, ValueEmpty)> {
        let ctx = self.ctx(diags)?;
        apply::create(&ctx, diags, planned, config).await
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
        let ctx = self.ctx(diags)?;
        apply::update(&ctx, diags, prior, planned, config).await
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        _private: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<()> {
        let ctx = self.ctx(diags)?;
        apply::destroy(&ctx, diags, prior).await
    }

    async fn upgrade<'a>(
        &self,
        diags: &mut Diagnostics,
        version: i64,
        prior_state: tf_provider::RawValue,
    ) -> Option<State> {
        crate::resources::identity::upgrade(diags, "flywheel_crawler", version, prior_state)
    }

    async fn import<'a>(&self, diags: &mut Diagnostics, id: String) -> Option<(State, ValueEmpty)> {
        let ctx = self.ctx(diags)?;
        import::import(&ctx, diags, id).await
    }

    /// `moved` from `aws_glue_crawler` (see `resources::moved`).
    async fn move_state<'a>(
        &self,
        diags: &mut Diagnostics,
        source: tf_provider::MoveSource,
    ) -> Option<(State, ValueEmpty)> {
        let moved = crate::resources::moved::aws_attributes(
            &source,
            "aws_glue_crawler",
            "flywheel_crawler",
        )
        .and_then(|v| moved::from_aws_glue_crawler(&v));
        match moved {
            Ok(s) => Some((s, ValueEmpty::default())),
            Err((summary, detail)) => {
                diags.root_error(summary, detail);
                None
            }
        }
    }

    /// What `-generate-config-out` writes: the settings the plan needs to plan this state
    /// (see `resources::generate`).
    async fn generate_config<'a>(&self, diags: &mut Diagnostics, state: State) -> Option<State> {
        let ctx = self.ctx(diags)?;
        let planned = |c: &State| {
            let mut d = Diagnostics::default();
            let p = plan_state(&ctx, c, c.clone(), Some(&state), &mut d);
            d.errors.is_empty().then_some(p)
        };
        match crate::resources::generate::minimal_config(&state, &schema::schema().block, planned) {
            Ok(config) => Some(config),
            Err(e) => {
                diags.root_error("Cannot generate the crawler's configuration", e);
                None
            }
        }
    }
}
