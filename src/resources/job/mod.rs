//! `flywheel_job`: a Glue ETL job with its script, the organisation's defaults and an
//! optional schedule.
//!
//! By concern: `schema`, offline `validation`, `plan` (configuration -> planned state and
//! desired objects), `state` (what Terraform stores, and reads from AWS), `import`, `apply`
//! (helpers of create and update), and here the `Resource` implementation. Every AWS call is
//! in `crate::aws` (`glue::jobs`, `glue::triggers`, `glue::tags`, `s3::objects`).
//!
//! State shape: the configuration attributes as written (`arguments`, `tags`, `pipeline`,
//! `script`, ...) plus computed effective values (`arguments_all`, `tags_all`, `role_arn`,
//! `script_location`, `script_sha256`, `arn`, `managed_objects`). Plans compute the
//! effective values from the configuration, including the script file's hash, so the
//! values planned are exactly the values applied, and reads fill them from AWS, so drift in
//! any of them shows as a diff on that attribute.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostic, Diagnostics, Resource};

use crate::aws::glue::{jobs, tags as glue_tags, triggers};
use crate::aws::s3::objects;
use crate::aws::{AwsContext, ErrorKind, SharedContext};
use crate::model::context::{self, PipelineContextValue};
use crate::model::job::{self as model, Environment, EnvironmentInput, JobSettings, Script};
use crate::model::managed::{self, ManagedObject};
use crate::model::ownership;
use crate::model::schedule;
use crate::model::tags::{self, Tags};
use crate::model::trigger::{TriggerAction, TriggerStart, SCHEDULE_SUFFIX};
use crate::resources::children::{self, Owners};
use crate::schema::*;
use crate::validate;
use crate::values::{attr_error, known_map, known_str, opt_value, to_map, Number, StringMap};

type Map = StringMap;

mod apply;
mod import;
mod plan;
mod schema;
mod state;
mod validation;

use self::apply::*;
use self::plan::*;
use self::schema::*;
pub use self::state::*;
pub use self::validation::*;

pub struct JobResource {
    ctx: SharedContext,
}

impl JobResource {
    pub fn new(ctx: SharedContext) -> Self {
        JobResource { ctx }
    }
}

// ---------------------------------------------------------------------------------------
// The resource

#[async_trait]
impl Resource for JobResource {
    type State<'a> = State;
    type PrivateState<'a> = Option<Private>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            // Still 0, although 0.2 added `owner_id`: tf-provider 0.2.2 calls
            // `Resource::upgrade` only for another version, and that method takes a `RawValue` the
            // crate does not export, so no resource can implement it. A 0.1.0 state deserializes
            // as it is (every attribute has a default; `owner_id` is null), the plan makes
            // `owner_id` unknown and the first apply writes the owner tags: that is the upgrade.
            version: 0,
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
        private_state: Option<Private>,
        _meta: ValueEmpty,
    ) -> Option<(State, Option<Private>)> {
        let Some(ctx) = self.ctx.get_or_diag(diags) else {
            return Some((state, private_state));
        };
        let private = private_state.clone().unwrap_or_default();
        match read_state(&ctx, &state, &private).await {
            Ok(Some((s, p))) => Some((s, Some(p))),
            Ok(None) => {
                if let Some(name) = state.name.as_ref_option() {
                    match children::leftover_trigger(
                        &ctx,
                        &trigger_name(name),
                        children::state_owner(&state.owner_id),
                        state.schedule.is_value(),
                    )
                    .await
                    {
                        Ok(true) => {
                            tracing::info!(job = %name, "job no longer exists but its trigger does; planning a replacement");
                            let mut s = state;
                            s.id = Value::Null;
                            return Some((s, private_state));
                        }
                        Ok(false) => {}
                        Err(d) => {
                            diags.add_error(d);
                            return Some((state, private_state));
                        }
                    }
                }
                tracing::info!(job = ?state.name, "job no longer exists; removing it from state");
                None
            }
            Err(d) => {
                diags.add_error(d);
                Some((state, private_state))
            }
        }
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        _proposed: State,
        config: State,
        _meta: ValueEmpty,
    ) -> Option<(State, Option<Private>)> {
        let ctx = self.ctx.get_or_diag(diags)?;
        match plan(&ctx, &config, None) {
            Ok(p) => Some((p.state, None)),
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
        private: Option<Private>,
        _meta: ValueEmpty,
    ) -> Option<(State, Option<Private>, Vec<AttributePath>)> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let planned = match plan(&ctx, &config, Some(&prior)) {
            Ok(p) => p.state,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        let mut replace = Vec::new();
        if planned.name != prior.name {
            replace.push(AttributePath::new("name"));
        }
        // The job is gone and a child of it is left (see `read`): replace it.
        if prior.id.is_null() {
            replace.push(AttributePath::new("id"));
        }
        Some((planned, private, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: State,
        private: Option<Private>,
        _meta: ValueEmpty,
    ) -> Option<Option<Private>> {
        Some(private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: State,
        config: State,
        _private: Option<Private>,
        _meta: ValueEmpty,
    ) -> Option<(State, Option<Private>)> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let now = match plan(&ctx, &config, None) {
            Ok(p) => p,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        if let Err(d) = check_unchanged_since_plan(&planned, &now.state) {
            diags.add_error(d);
            return None;
        }
        let Some(desired) = now.desired else {
            diags.add_error(not_known(&config));
            return None;
        };
        // This instance's identity, made now (see `model::ownership` for why not at plan).
        let owner = children::new_owner_id();
        let pipeline_owner = ownership::pipeline_owner(&desired.tags).map(str::to_string);
        let who = Owners {
            owner: &owner,
            state_owner: Some(&owner),
            pipeline: pipeline_owner.as_deref(),
        };
        let desired = desired.with_owner_tags(&who.tags());
        let res = resource(&desired.job.name);
        let mut private = Private::default();
        let mut state = finish_state(&ctx, now.state, &desired, &mut private).await;
        state.owner_id = Value::Value(owner.clone());
        state.tags_all = to_map(&desired.tags);

        // 1. The job (retrying while a new role propagates). It goes first, before its
        // script is uploaded, so that a name already taken by a job this instance may not
        // take stops the apply before anything is written: the upload would otherwise
        // overwrite that job's script at the same key. Glue does not read the script until
        // a run starts. Nothing exists yet if this fails.
        let adopted = match jobs::create(&ctx, &desired.job, &desired.tags).await {
            Ok(()) => None,
            Err(e) if e.kind == ErrorKind::Conflict => {
                match children::check_create_conflict(&ctx, res, who).await {
                    Ok(found) => Some(found),
                    Err(d) => {
                        diags.add_error(d);
                        return None;
                    }
                }
            }
            Err(e) => {
                diags.add_error(e.to_diagnostic());
                return None;
            }
        };
        // From here on a failure returns the state so far: Terraform records it (tainted)
        // and the next apply cleans up, so nothing is orphaned.
        let partial = |diags: &mut Diagnostics, d: Diagnostic, s: State, p: Private| {
            diags.add_error(d);
            Some((s, Some(p)))
        };
        // An adopted job (this apply's own after a lost response, or a leftover of its
        // pipeline) is brought to the desired definition and tags.
        if let Some(found) = &adopted {
            if let Err(d) = converge_adopted(&ctx, &desired, found).await {
                return partial(diags, d, state, private);
            }
        }
        // 2. The script.
        if let Err(d) =
            upload_if_needed(&ctx, &desired, now.script_body.as_deref(), None, &who).await
        {
            return partial(diags, d, state, private);
        }
        // 3. The trigger. One this instance may not take is left alone; the state then
        // records no schedule, so the next plan shows it again.
        let name = trigger_name(&desired.job.name);
        if let Err(d) = children::converge_trigger(
            &ctx,
            res,
            who,
            &name,
            desired.trigger.as_ref(),
            false,
            "schedule",
        )
        .await
        {
            if desired.trigger.is_some() {
                state.schedule = Value::Null;
            }
            return partial(diags, d, state, private);
        }
        Some((state, Some(private)))
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        planned: State,
        config: State,
        planned_private: Option<Private>,
        _meta: ValueEmpty,
    ) -> Option<(State, Option<Private>)> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let now = match plan(&ctx, &config, Some(&prior)) {
            Ok(p) => p,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        if let Err(d) = check_unchanged_since_plan(&planned, &now.state) {
            diags.add_error(d);
            return None;
        }
        let Some(desired) = now.desired else {
            diags.add_error(not_known(&config));
            return None;
        };
        // The identity: the prior state's, or made now for a state written by 0.1.0.
        let state_owner = children::state_owner(&prior.owner_id).map(str::to_string);
        let owner = state_owner.clone().unwrap_or_else(children::new_owner_id);
        let pipeline_owner = ownership::pipeline_owner(&desired.tags).map(str::to_string);
        let who = Owners {
            owner: &owner,
            state_owner: state_owner.as_deref(),
            pipeline: pipeline_owner.as_deref(),
        };
        let desired = desired.with_owner_tags(&who.tags());
        let res = resource(&desired.job.name);
        let mut private = planned_private.unwrap_or_default();
        let mut state = finish_state(&ctx, now.state, &desired, &mut private).await;
        state.owner_id = Value::Value(owner.clone());
        state.tags_all = to_map(&desired.tags);
        let location = desired.script.location();

        // 0. Before any write: the job must still be this instance's.
        let job_tags = match children::check_change(&ctx, res, who).await {
            Ok(t) => t,
            Err(d) => {
                diags.add_error(d);
                return Some((prior, Some(private)));
            }
        };

        // A script this resource uploaded that moves: the old object is deleted once the
        // job points elsewhere; until then private state keeps it.
        if let (Value::Value(_), Value::Value(old)) = (&prior.script, &prior.script_location) {
            if *old != location {
                private.add_stale(old);
            }
        }

        // 1. The script, unless S3 already holds this content at this location.
        let current = match (&prior.script_location, &prior.script_sha256) {
            (Value::Value(l), Value::Value(h)) => Some((l.as_str(), h.as_str())),
            _ => None,
        };
        let uploaded =
            match upload_if_needed(&ctx, &desired, now.script_body.as_deref(), current, &who).await
            {
                Ok(u) => u,
                // Nothing was written: the prior state stands.
                Err(d) => {
                    diags.add_error(d);
                    return Some((prior, Some(private)));
                }
            };
        if !uploaded {
            if let Err(d) = tag_script(&ctx, &desired.script, &who).await {
                diags.add_error(d);
                return Some((prior, Some(private)));
            }
        }
        // An upload to a new location is tracked both ways until the job uses it: state
        // records it as the script, and private state as one to delete should the job never
        // be switched to it (a read puts the job's actual location back in state).
        if uploaded && prior.script_location.as_ref_option() != Some(&location) {
            private.add_stale(&location);
        }
        // On a failure from here on, the prior state stands for what was not done, except
        // the script, which now is the one uploaded; the next plan's read re-checks the rest.
        let after_upload = {
            let mut s = prior.clone();
            // Owner tags may be written from here on: the state must know the identity.
            s.owner_id = Value::Value(owner.clone());
            s.script_location = state.script_location.clone();
            s.script_sha256 = state.script_sha256.clone();
            if let Value::Value(objects) = &s.managed_objects {
                s.managed_objects = Value::Value(with_stale_scripts(
                    objects.clone(),
                    &private,
                    Some(&location),
                    ctx.partition,
                ));
            }
            s
        };
        let fail = |diags: &mut Diagnostics, d: Diagnostic, p: &Private| {
            diags.add_error(d);
            Some((after_upload.clone(), Some(p.clone())))
        };

        // 2. The job: UpdateJob with the whole definition, only when AWS differs.
        match jobs::get(&ctx, &desired.job.name).await {
            Ok(Some(seen)) if seen.matches(&desired.job) => {}
            Ok(Some(_)) => {
                if let Err(e) = jobs::update(&ctx, &desired.job).await {
                    return fail(diags, e.to_diagnostic(), &private);
                }
            }
            Ok(None) => {
                if let Err(e) = jobs::create(&ctx, &desired.job, &desired.tags).await {
                    return fail(diags, e.to_diagnostic(), &private);
                }
            }
            Err(e) => return fail(diags, e.to_diagnostic(), &private),
        }
        if let Err(d) =
            children::set_glue_tags(&ctx, "job", &desired.job.name, &job_tags, &desired.tags).await
        {
            return fail(diags, d, &private);
        }
        // 3. The trigger: created, replaced or removed to match `schedule`, as far as
        // ownership allows.
        let name = trigger_name(&desired.job.name);
        if let Err(d) = children::converge_trigger(
            &ctx,
            res,
            who,
            &name,
            desired.trigger.as_ref(),
            prior.schedule.is_value(),
            "schedule",
        )
        .await
        {
            return fail(diags, d, &private);
        }
        // 4. Uploaded scripts the job no longer uses. One that cannot be deleted stays in
        // private state and in `managed_objects`, so the next plan shows it and the next
        // apply (or the destroy) retries.
        let mut left = Vec::new();
        for uri in std::mem::take(&mut private.stale_scripts) {
            if uri == location {
                continue;
            }
            if let Err(d) = delete_script(&ctx, &uri, who).await {
                diags.add_error(d);
                left.push(uri);
            }
        }
        private.stale_scripts = left;
        if !private.stale_scripts.is_empty() {
            if let Value::Value(objects) = &state.managed_objects {
                state.managed_objects = Value::Value(with_stale_scripts(
                    objects.clone(),
                    &private,
                    Some(&location),
                    ctx.partition,
                ));
            }
        }
        Some((state, Some(private)))
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        private: Option<Private>,
        _meta: ValueEmpty,
    ) -> Option<()> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let Some(name) = prior.name.as_ref_option() else {
            return Some(());
        };
        let state_owner = children::state_owner(&prior.owner_id);
        let context_tags = prior
            .pipeline
            .as_ref_option()
            .and_then(|p| known_map(&p.tags).ok().flatten())
            .unwrap_or_default();
        let who = Owners {
            owner: state_owner.unwrap_or_default(),
            state_owner,
            pipeline: ownership::pipeline_owner(&context_tags),
        };
        let res = resource(name);
        // Each child is deleted only when this state can prove it is its own; a refused one
        // is named in an error and left, and the others are still deleted.
        let mut failed = false;
        if let Err(d) = children::converge_trigger(
            &ctx,
            res,
            who,
            &trigger_name(name),
            None,
            prior.schedule.is_value(),
            "schedule",
        )
        .await
        {
            diags.add_error(d);
            failed = true;
        }
        match children::check_change(&ctx, res, who).await {
            Ok(_) => {
                if let Err(e) = jobs::delete(&ctx, name).await {
                    diags.add_error(e.to_diagnostic());
                    return None;
                }
            }
            // Not ours: neither the job nor its script is deleted.
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        }
        // Only scripts this resource uploaded; a `script_location` object is never deleted.
        let mut uploaded = private.map(|p| p.stale_scripts).unwrap_or_default();
        if let (Value::Value(_), Value::Value(loc)) = (&prior.script, &prior.script_location) {
            uploaded.push(loc.clone());
        }
        for uri in uploaded {
            if let Err(d) = delete_script(&ctx, &uri, who).await {
                diags.add_error(d);
                failed = true;
            }
        }
        (!failed).then_some(())
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(State, Option<Private>)> {
        self.import_job(diags, id).await
    }
}
