//! `flywheel_job`: a Glue ETL job with its script, the organisation's defaults and an
//! optional schedule.
//!
//! By concern: `schema`, offline `validation`, `plan` (configuration -> planned state and
//! desired objects), `state` (what Terraform stores, and reads from AWS), `import`, `apply`
//! (identities, engine failures as diagnostics), and here the `Resource` implementation.
//! It makes no AWS call: create, update and destroy run `crate::reconcile`'s engine over the
//! job's children (the Glue job, its uploaded script, its schedule trigger; see
//! `model::job::children`) through `reconcile::job_backend`, which also serves reads. The
//! script file is read here, at plan and apply, and its bytes handed to the backend.
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

use crate::aws::{AwsContext, SharedContext};
use crate::model::children::{Child, ChildKey, Kind, Spec, Status};
use crate::model::job::{self as model, Environment, EnvironmentInput, JobSettings, Script};
use crate::model::managed;
use crate::model::ownership;
use crate::model::schedule;
use crate::model::tags::{self, Tags};
use crate::model::trigger::{TriggerAction, TriggerStart, SCHEDULE_SUFFIX};
use crate::reconcile::engine::Backend;
use crate::reconcile::job_backend::{ContentHash, JobBackend};
use crate::reconcile::{self, Failure, Ownership, Recorded, Refusal};
use crate::resources::context::{self, PipelineContextValue};
use crate::resources::identity;
use crate::resources::managed::{self as tf_managed, ManagedObject};
use crate::schema::*;
use crate::validate;
use crate::values::{attr_error, known_map, known_str, opt_value, to_map, Number, StringMap};

type Map = StringMap;

mod apply;
mod cost;
mod guardrails;
mod import;
mod moved;
mod plan;
mod schema;
mod state;
mod validation;

use self::apply::*;
use self::cost::*;
use self::guardrails::violations;
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

/// The script children's names (`bucket/key`).
fn script_names(kids: &[Child]) -> Vec<String> {
    kids.iter()
        .filter(|c| c.key.kind == Kind::JobScript)
        .map(|c| c.key.name.clone())
        .collect()
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
            version: crate::resources::identity::SCHEMA_VERSION,
            block: schema_block(),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: State) -> Option<()> {
        validate_config(&config, diags);
        for d in violations(self.ctx.guardrails().as_ref(), &config) {
            diags.add_error(d);
        }
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
        match read_state(&ctx, &state, &private, false).await {
            Ok(Read::Found(s, p)) => Some((*s, Some(p))),
            // The job is gone but its trigger is still this instance's: the read keeps the
            // resource, marked gone (`id` null), so the plan replaces it. The destroy removes
            // what is left and the identity is not lost with the state; forgetting the
            // resource would leave a trigger no state can prove it owns.
            Ok(Read::Gone {
                leftover_trigger: true,
            }) => {
                tracing::info!(job = ?state.name, "job no longer exists but its trigger does; planning a replacement");
                let mut s = state;
                s.id = Value::Null;
                Some((s, private_state))
            }
            Ok(Read::Gone { .. }) => {
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
            Ok(p) => {
                let v = violations(self.ctx.guardrails().as_ref(), &p.state);
                if !v.is_empty() {
                    v.into_iter().for_each(|d| diags.add_error(d));
                    return None;
                }
                Some((p.state, None))
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
        let v = violations(self.ctx.guardrails().as_ref(), &planned);
        if !v.is_empty() {
            v.into_iter().for_each(|d| diags.add_error(d));
            return None;
        }
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
        // Values unknown at plan are known now: the guardrails hold before any AWS call.
        let v = violations(self.ctx.guardrails().as_ref(), &now.state);
        if !v.is_empty() {
            v.into_iter().for_each(|d| diags.add_error(d));
            return None;
        }
        let Some(desired) = now.desired else {
            diags.add_error(not_known(&config));
            return None;
        };
        // This instance's identity, made now (see `model::ownership` for why not at plan).
        let who = Identity {
            owner: identity::new_owner_id(),
            state_owner: None,
            pipeline_owner: ownership::pipeline_owner(&desired.tags).map(str::to_string),
        };
        let desired = desired.with_owner_tags(&who.tags());
        let kids = model::children(&desired, &model::script_tags(&who.tags()));
        let scripts = script_names(&kids);
        let name = desired.job.name.clone();
        let trigger = trigger_name(&name);
        let backend = JobBackend {
            ctx: &ctx,
            job: &name,
            trigger: &trigger,
            scripts: &scripts,
            bodies: &now.bodies,
            known_hash: None,
            expected_tags: None,
            uploaded: Default::default(),
        };
        let mut private = Private::default();
        let mut state = finish_state(&ctx, &backend, now.state, &desired, &mut private).await;
        state.owner_id = Value::Value(who.owner.clone());
        state.tags_all = to_map(&desired.tags);

        // The job goes first, before its script is uploaded and its trigger made: a name
        // already taken by a job (or a script object) this instance may not take stops the
        // apply before anything is written (see `reconcile::engine`). Glue does not read
        // the script until a run starts.
        let c = reconcile::converge_recorded(
            &backend,
            &kids,
            &who.ownership(true),
            &Recorded::default(),
        )
        .await;
        record_upload(&backend, &state.script_location, &mut private);
        if c.failures.is_empty() {
            return Some((state, Some(private)));
        }
        for d in diagnostics(&ctx, &name, desired.trigger.is_some(), &c.failures) {
            diags.add_error(d);
        }
        if !c.ran {
            // Nothing was sent to AWS: nothing to record.
            return None;
        }
        // A failure part-way returns the state so far: Terraform records it (tainted) and
        // the next apply cleans up, so nothing is orphaned. A trigger not made is not
        // recorded, so the next plan shows the schedule again.
        let trigger_key = ChildKey::new(Kind::JobTrigger, &name, &trigger);
        if desired.trigger.is_some() && c.statuses.get(&trigger_key) != Some(&Status::Ok) {
            state.schedule = Value::Null;
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
        // Values unknown at plan are known now: the guardrails hold before any AWS call.
        let v = violations(self.ctx.guardrails().as_ref(), &now.state);
        if !v.is_empty() {
            v.into_iter().for_each(|d| diags.add_error(d));
            return None;
        }
        let Some(desired) = now.desired else {
            diags.add_error(not_known(&config));
            return None;
        };
        // The identity: the prior state's, or made now for a state written by 0.1.0.
        let state_owner = identity::state_owner(&prior.owner_id).map(str::to_string);
        let who = Identity {
            owner: state_owner.clone().unwrap_or_else(identity::new_owner_id),
            state_owner,
            pipeline_owner: ownership::pipeline_owner(&desired.tags).map(str::to_string),
        };
        let desired = desired.with_owner_tags(&who.tags());
        let kids = model::children(&desired, &model::script_tags(&who.tags()));
        let name = desired.job.name.clone();
        let trigger = trigger_name(&name);
        let location = desired.script.location();
        let mut private = planned_private.unwrap_or_default();

        // A script this resource uploaded that moves, or an extra file no longer wanted:
        // the old object is deleted once the job points elsewhere; until then private state
        // keeps it.
        let wanted: Vec<String> = std::iter::once(location.clone())
            .chain(desired.extra_files.iter().map(model::ExtraFile::location))
            .collect();
        if let (Value::Value(_), Value::Value(old)) = (&prior.script, &prior.script_location) {
            if !wanted.contains(old) {
                private.add_stale(old);
            }
        }
        for old in recorded_extra_uploads(&prior) {
            if !wanted.contains(&old) {
                private.add_stale(&old);
            }
        }
        // The engine looks at the wanted upload and at every tracked one, and deletes a
        // tracked one (an extra child) only after the job's update.
        let mut scripts = script_names(&kids);
        for uri in &private.stale_scripts {
            if wanted.contains(uri) {
                continue;
            }
            if let Some(n) = uri_child_name(uri) {
                if !scripts.contains(&n) {
                    scripts.push(n);
                }
            }
        }
        let known = known_hash(&private);
        let backend = JobBackend {
            ctx: &ctx,
            job: &name,
            trigger: &trigger,
            scripts: &scripts,
            bodies: &now.bodies,
            known_hash: known.as_ref().map(|(n, h)| (n.as_str(), h)),
            expected_tags: None,
            uploaded: Default::default(),
        };
        let mut state = finish_state(&ctx, &backend, now.state, &desired, &mut private).await;
        state.owner_id = Value::Value(who.owner.clone());
        state.tags_all = to_map(&desired.tags);
        let trigger_key = ChildKey::new(Kind::JobTrigger, &name, &trigger);
        let recorded = Recorded {
            keys: prior
                .schedule
                .is_value()
                .then(|| trigger_key.clone())
                .into_iter()
                .collect(),
        };
        let c =
            reconcile::converge_recorded(&backend, &kids, &who.ownership(false), &recorded).await;
        record_upload(&backend, &state.script_location, &mut private);

        // Uploads still tracked: those the engine did not delete (left, refused or skipped
        // because the job's update failed).
        let job_key = ChildKey::top(Kind::GlueJob, &name);
        let job_ok = c.statuses.get(&job_key) == Some(&Status::Ok);
        // (Unless nothing could be observed: then every one stays.)
        let observed = !c.failures.iter().any(|f| matches!(f, Failure::Observe(_)));
        private.stale_scripts.retain(|uri| {
            if !observed {
                return true;
            }
            !wanted.contains(uri)
                && uri_child_name(uri).is_some_and(|n| {
                    c.statuses.get(&ChildKey::new(Kind::JobScript, &name, &n))
                        == Some(&Status::Extra)
                })
        });
        // An upload to a new location is tracked both ways until the job uses it: state
        // records it as the script, and private state as one to delete should the job never
        // be switched to it (a read puts the job's actual location back in state).
        let moved_upload = matches!(desired.script, Script::Upload { .. })
            && prior.script_location.as_ref_option() != Some(&location)
            && c.ran;
        if moved_upload && !job_ok {
            private.add_stale(&location);
        }
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
        if c.failures.is_empty() {
            return Some((state, Some(private)));
        }
        for d in diagnostics(&ctx, &name, desired.trigger.is_some(), &c.failures) {
            diags.add_error(d);
        }
        if !c.ran {
            // Nothing was written: the prior state stands.
            return Some((prior, Some(private)));
        }
        // On a failure part-way, the prior state stands for what was not done, except
        // the identity (owner tags may be written) and the script, which now is the one
        // uploaded; the next plan's read re-checks the rest. Tracked uploads stay listed.
        let script_key = match &desired.script {
            Script::Upload { bucket, key, .. } => Some(ChildKey::new(
                Kind::JobScript,
                &name,
                &model::script_child_name(bucket, key),
            )),
            Script::Existing { .. } => None,
        };
        let mut s = prior.clone();
        s.owner_id = Value::Value(who.owner.clone());
        if script_key.is_none_or(|k| c.statuses.get(&k) == Some(&Status::Ok)) {
            s.script_location = state.script_location.clone();
            s.script_sha256 = state.script_sha256.clone();
        }
        // The extra files as uploaded so far: the next plan uploads the rest.
        if state.extra_py_files_sha256.is_value() {
            let done: BTreeMap<String, String> = known_map(&state.extra_py_files_sha256)
                .ok()
                .flatten()
                .unwrap_or_default()
                .into_iter()
                .filter(|(uri, _)| {
                    uri_child_name(uri).is_some_and(|n| {
                        c.statuses.get(&ChildKey::new(Kind::JobScript, &name, &n))
                            == Some(&Status::Ok)
                    })
                })
                .collect();
            s.extra_py_files = state.extra_py_files.clone();
            s.extra_py_files_sha256 = to_map(&done);
        }
        if let Value::Value(objects) = &s.managed_objects {
            s.managed_objects = Value::Value(with_stale_scripts(
                objects.clone(),
                &private,
                Some(&location),
                ctx.partition,
            ));
        }
        Some((s, Some(private)))
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
        let context_tags = prior
            .pipeline
            .as_ref_option()
            .and_then(|p| known_map(&p.tags).ok().flatten())
            .unwrap_or_default();
        let state_owner = identity::state_owner(&prior.owner_id).map(str::to_string);
        let who = Identity {
            owner: state_owner.clone().unwrap_or_default(),
            state_owner,
            pipeline_owner: ownership::pipeline_owner(&context_tags).map(str::to_string),
        };
        // Only scripts this resource uploaded; a `script_location` object is never deleted.
        let mut uploaded = private.map(|p| p.stale_scripts).unwrap_or_default();
        if let (Value::Value(_), Value::Value(loc)) = (&prior.script, &prior.script_location) {
            uploaded.push(loc.clone());
        }
        uploaded.extend(recorded_extra_uploads(&prior));
        let uploaded: Vec<String> = uploaded.iter().filter_map(|u| uri_child_name(u)).collect();
        let kids = model::recorded_children(name, &uploaded);
        let scripts = script_names(&kids);
        let trigger = trigger_name(name);
        let backend = JobBackend {
            ctx: &ctx,
            job: name,
            trigger: &trigger,
            scripts: &scripts,
            bodies: &BTreeMap::new(),
            known_hash: None,
            expected_tags: None,
            uploaded: Default::default(),
        };
        let recorded = Recorded {
            keys: prior
                .schedule
                .is_value()
                .then(|| ChildKey::new(Kind::JobTrigger, name, &trigger))
                .into_iter()
                .collect(),
        };
        // Each child is deleted only when this state can prove it is its own; a trigger
        // under the job's trigger name that it never recorded is someone else's and stays.
        let failures =
            reconcile::destroy_recorded(&backend, &kids, &who.ownership(false), &recorded).await;
        if failures.is_empty() {
            return Some(());
        }
        for d in diagnostics(&ctx, name, false, &failures) {
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
        crate::resources::identity::upgrade(diags, "flywheel_job", version, prior_state)
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(State, Option<Private>)> {
        self.import_job(diags, id).await
    }

    /// `moved` from `aws_glue_job` (see `resources::moved`).
    async fn move_state<'a>(
        &self,
        diags: &mut Diagnostics,
        source: tf_provider::MoveSource,
    ) -> Option<(State, Option<Private>)> {
        let moved =
            crate::resources::moved::aws_attributes(&source, "aws_glue_job", "flywheel_job")
                .and_then(|v| moved::from_aws_glue_job(&v));
        match moved {
            Ok(s) => Some((s, None)),
            Err((summary, detail)) => {
                diags.root_error(summary, detail);
                None
            }
        }
    }

    /// What `-generate-config-out` writes: the settings the plan needs to plan this state
    /// (see `resources::generate`).
    async fn generate_config<'a>(&self, diags: &mut Diagnostics, state: State) -> Option<State> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let planned = |c: &State| plan(&ctx, c, Some(&state)).ok().map(|p| p.state);
        match crate::resources::generate::minimal_config(&state, &schema_block(), planned) {
            Ok(config) => Some(config),
            Err(e) => {
                diags.root_error("Cannot generate the job's configuration", e);
                None
            }
        }
    }
}
