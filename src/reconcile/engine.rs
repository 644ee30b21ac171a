//! The convergence engine, one for every resource: observe the children, refuse what this
//! instance may not touch, diff, order, run with bounded concurrency, and report every
//! child's status and every failure, so the resource records partial progress in state.
//!
//! Written once here: the ownership checks before any write (see `crate::model::ownership`),
//! the adoption of this apply's own object after a lost answer, the data guards before a
//! destroy deletes anything, and what each failure says. What a child kind means in AWS is
//! the [`Backend`]'s business; what a failure's attribute path is, the resource's.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;

use super::execute::execute;
use super::plan::{self, Action, Operation};
use crate::aws::AwsError;
use crate::model::children::{Child, ChildKey, Spec, Status};
use crate::model::ownership::{self, Verdict};
use crate::model::tags::Tags;

/// At most this many AWS operations of one resource run at once.
pub const CONCURRENCY: usize = 8;

/// How a [`Backend`] operation failed.
#[derive(Debug)]
pub enum OpError {
    /// A create found the object there already; the engine decides whether it is this
    /// apply's own (a lost answer) from its tags.
    Exists(AwsError),
    /// AWS refused or failed. `left`: the status the child is in now, when the operation
    /// got partway (a bucket created, its tagging failed: `differs: tags`).
    Failed {
        error: AwsError,
        left: Option<Status>,
    },
    /// Not attempted: the configuration cannot work this way (an adopted bucket that does
    /// not exist), or the provider asked for something it never does (a bug).
    Refused { summary: String, detail: String },
}

impl From<AwsError> for OpError {
    fn from(error: AwsError) -> Self {
        OpError::Failed { error, left: None }
    }
}

/// What the engine needs from AWS for one resource's children.
#[async_trait]
pub trait Backend: Sync {
    /// Every child as it is now, keyed like the desired ones; extra ones too (a role's
    /// attachments the configuration no longer names).
    async fn observe(&self) -> Result<BTreeMap<ChildKey, Spec>, AwsError>;
    async fn create(&self, child: &Child) -> Result<(), OpError>;
    /// `observed`: what [`Backend::observe`] read, so updates need no second read.
    async fn update(&self, child: &Child, observed: Option<&Spec>) -> Result<(), OpError>;
    /// Deletes (or, for an adopted object, releases) a child; `force` empties what holds
    /// data first.
    async fn delete(&self, key: &ChildKey, spec: Option<&Spec>, force: bool)
        -> Result<(), OpError>;
    /// The tags an existing child carries now, read after a create found it there.
    async fn tags(&self, key: &ChildKey) -> Result<Tags, AwsError>;
    /// Why deleting this existing child without `force` would lose data (a bucket holding
    /// objects, a database holding tables), if it would.
    async fn holds_data(&self, key: &ChildKey) -> Result<Option<String>, AwsError>;
}

/// Whose the children are, and what this apply may take.
#[derive(Clone, Debug, Default)]
pub struct Ownership {
    /// A create: an existing owned child is refused unless it is this instance's.
    pub creating: bool,
    /// The identity the children must carry (`None`: a state from 0.1.0, or a create,
    /// where nothing may carry one yet).
    pub owner: Option<String>,
    /// The identity this apply writes (the new one on create), to recognise a lost answer.
    pub writing: Option<String>,
    /// The pipeline's identity, for jobs and crawlers.
    pub pipeline_owner: Option<String>,
    /// Children that become owned in this apply (an adopted bucket set to `create = true`):
    /// they must already carry this instance's identity.
    pub needs_proof: BTreeSet<ChildKey>,
}

/// Why a child was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// On create: it exists and is not provably this instance's.
    Exists,
    /// On update or destroy: another instance's identity is on it.
    Foreign,
    /// It would become owned (deletable) without proof.
    NoProof,
    /// No longer wanted, and the state recorded it, but nothing proves it is this
    /// instance's (a trigger whose identity was removed): left where it is.
    Undeletable,
}

/// Why the engine did not (fully) get a child where it should be.
#[derive(Debug)]
pub enum Failure {
    /// Observing failed: nothing was changed.
    Observe(AwsError),
    /// The child is not this instance's to touch; nothing at all was changed.
    NotOurs {
        key: ChildKey,
        verdict: Verdict,
        why: Refusal,
    },
    /// An operation failed. `found`: after a create met an existing object, whose it is.
    Op {
        key: ChildKey,
        action: Action,
        error: AwsError,
        found: Option<Verdict>,
    },
    /// An operation was refused before any call.
    Refused {
        key: ChildKey,
        summary: String,
        detail: String,
    },
    /// A destroy would lose data; nothing was deleted.
    HoldsData { key: ChildKey, detail: String },
    /// These waited for a child that failed, and were left for the next apply.
    Skipped(Vec<ChildKey>),
}

impl Failure {
    /// The child the failure is about, when there is one.
    pub fn key(&self) -> Option<&ChildKey> {
        match self {
            Failure::NotOurs { key, .. }
            | Failure::Op { key, .. }
            | Failure::Refused { key, .. }
            | Failure::HoldsData { key, .. } => Some(key),
            Failure::Observe(_) | Failure::Skipped(_) => None,
        }
    }

    /// Summary and detail: what failed, on which child, and what to do.
    pub fn text(&self) -> (String, String) {
        match self {
            Failure::Observe(e) => {
                let d = e.to_diagnostic();
                (d.summary.into_owned(), d.detail.into_owned())
            }
            Failure::NotOurs { key, verdict, why } => {
                let what = key.address();
                let advice = match why {
                    Refusal::Exists => "Choose another name for it, or import it (see below).",
                    Refusal::Foreign => "If the other state should keep it, remove this resource from this state with `terraform state rm`; if this state should, remove the tag from it (or import it here and remove it from the other state).",
                    Refusal::Undeletable => "This resource no longer manages it, so it was left where it is; delete it yourself if nothing else uses it.",
                    Refusal::NoProof => "Making an adopted object one this resource created (`create = true` on a bucket) needs proof that it did, since destroy would then delete it and could lose someone's data. Keep it adopted; or, if it is an empty object an interrupted apply left behind, delete it and apply again.",
                };
                (
                    format!("{what} is not this resource's"),
                    format!("{}\n\n{advice}", ownership::refusal(&what, verdict)),
                )
            }
            Failure::Op { key, action, error, found } => {
                let verb = match action {
                    Action::Create => "Creating",
                    Action::Update => "Updating",
                    Action::Delete => "Deleting",
                };
                let d = error.to_diagnostic();
                let mut detail = format!("{}\n\n{}", d.summary, d.detail);
                if let Some(v) = found {
                    detail.push_str("\n\n");
                    detail.push_str(&ownership::refusal(&key.address(), v));
                }
                (format!("{verb} {} failed", key.address()), detail)
            }
            Failure::Refused { key, summary, detail } => {
                (format!("{summary}: {}", key.address()), detail.clone())
            }
            Failure::HoldsData { key, detail } => {
                (format!("{} still holds data", key.address()), detail.clone())
            }
            Failure::Skipped(keys) => (
                "Some children were not changed".into(),
                format!(
                    "These wait for a child that failed above, and were left for the next apply: {}",
                    keys.iter().map(ChildKey::address).collect::<Vec<_>>().join(", ")
                ),
            ),
        }
    }
}

/// What [`converge`] reached.
#[derive(Debug)]
pub struct Converged {
    /// Each child's status after the operations (every child `ok` on success).
    pub statuses: BTreeMap<ChildKey, Status>,
    pub failures: Vec<Failure>,
    /// Whether any operation was sent to AWS: then something may exist that state must
    /// record.
    pub ran: bool,
}

/// The children that must carry an identity, with whether they are owned (created by
/// this instance) or adopted (configured only). Sub-children belong to their parent.
fn claim(spec: &Spec) -> Option<(bool, &Tags)> {
    match spec {
        Spec::Bucket { create, tags } => Some((*create, tags)),
        Spec::Database { tags, .. } | Spec::Role { tags, .. } => Some((true, tags)),
        _ => job_claim(spec),
    }
}

fn observed_tags(spec: &Spec) -> Option<&Tags> {
    claim(spec)
        .map(|(_, t)| t)
        .or_else(|| job_observed_tags(spec))
}

/// Every existing child this apply may not touch (pure: see `crate::model::ownership`).
pub fn refusals(
    children: &[Child],
    observed: &BTreeMap<ChildKey, Spec>,
    own: &Ownership,
) -> Vec<Failure> {
    let mut out = Vec::new();
    for c in children {
        let Some((owned, _)) = claim(&c.spec) else {
            continue;
        };
        let Some(tags) = observed.get(&c.key).and_then(observed_tags) else {
            continue;
        };
        let v = ownership::verdict(own.owner.as_deref(), own.pipeline_owner.as_deref(), tags);
        if written_by_this_apply(&c.key, tags, own) || judged_with_parent(&c.key, own) {
            continue;
        }
        let why = if !owned {
            // Configured, never deleted: only another instance's identity stops it.
            matches!(v, Verdict::Foreign { .. }).then_some(Refusal::Foreign)
        } else if own.needs_proof.contains(&c.key) {
            (v != Verdict::Ours).then_some(Refusal::NoProof)
        } else if own.creating {
            (!ownership::on_create(&v)).then_some(Refusal::Exists)
        } else {
            (!ownership::on_change(&v)).then_some(Refusal::Foreign)
        };
        if let Some(why) = why {
            out.push(Failure::NotOurs {
                key: c.key.clone(),
                verdict: v,
                why,
            });
        }
    }
    out
}

/// Observes, refuses what is not this instance's (then changes nothing), and otherwise
/// runs what each child needs.
pub async fn converge(backend: &dyn Backend, children: &[Child], own: &Ownership) -> Converged {
    converge_recorded(backend, children, own, &Recorded::default()).await
}

/// [`converge`], knowing which children the prior state recorded (see [`Recorded`]).
pub async fn converge_recorded(
    backend: &dyn Backend,
    children: &[Child],
    own: &Ownership,
    recorded: &Recorded,
) -> Converged {
    let observed = match backend.observe().await {
        Ok(o) => o,
        Err(e) => {
            return Converged {
                statuses: children
                    .iter()
                    .map(|c| (c.key.clone(), Status::Missing))
                    .collect(),
                failures: vec![Failure::Observe(e)],
                ran: false,
            }
        }
    };
    let mut statuses = crate::model::children::statuses(children, &observed);
    let mut refused = refusals(children, &observed, own);
    refused.extend(
        children
            .iter()
            .filter_map(|c| trigger_refusal(c, &observed, own, recorded)),
    );
    if !refused.is_empty() {
        return Converged {
            statuses,
            failures: refused,
            ran: false,
        };
    }
    let (left_alone, left) = extras(&mut statuses, &observed, own, recorded);
    let ops = after_parents(plan::diff(children, &statuses), &left_alone);
    for op in &ops {
        tracing::info!(child = %op.key, action = ?op.action, reason = op.reason.as_str(), "reconciling");
    }
    let outcome = execute(&ops, CONCURRENCY, |op| {
        run(backend, children, &observed, own, op)
    })
    .await;
    let ran = !outcome.done.is_empty() || !outcome.failed.is_empty();
    for &i in &outcome.done {
        let op = &ops[i];
        match op.action {
            Action::Delete => {
                statuses.remove(&op.key);
            }
            _ => {
                statuses.insert(op.key.clone(), Status::Ok);
            }
        }
    }
    let mut failures = left;
    for (i, (failure, left)) in outcome.failed {
        if let Some(status) = left {
            statuses.insert(ops[i].key.clone(), status);
        }
        failures.push(failure);
    }
    if !outcome.skipped.is_empty() {
        failures.push(Failure::Skipped(
            outcome
                .skipped
                .iter()
                .map(|&i| ops[i].key.clone())
                .collect(),
        ));
    }
    Converged {
        statuses,
        failures,
        ran,
    }
}

/// One operation, with a lost answer to a create recognised by the identity it wrote.
async fn run(
    backend: &dyn Backend,
    children: &[Child],
    observed: &BTreeMap<ChildKey, Spec>,
    own: &Ownership,
    op: &Operation,
) -> Result<(), (Failure, Option<Status>)> {
    let key = &op.key;
    let child = children.iter().find(|c| &c.key == key);
    let result = match (op.action, child) {
        (Action::Create, Some(c)) => backend.create(c).await,
        (Action::Update, Some(c)) => backend.update(c, observed.get(key)).await,
        (Action::Delete, _) => backend.delete(key, observed.get(key), false).await,
        (_, None) => Err(OpError::Refused {
            summary: "Operation without a desired value".into(),
            detail: "This is a bug in the provider.".into(),
        }),
    };
    match result {
        Ok(()) => Ok(()),
        Err(OpError::Exists(error)) => {
            let tags = backend
                .tags(key)
                .await
                .map_err(|e| (op_failure(op, e, None), None))?;
            let v = ownership::verdict(own.writing.as_deref(), None, &tags);
            // Tags set by a second call (S3) may not be there yet: an object that was
            // missing when this apply looked is still its own if it carries none.
            let tagged_on_create = !matches!(child.map(|c| &c.spec), Some(Spec::Bucket { .. }));
            if ownership::lost_create(&v, tagged_on_create) {
                tracing::info!(child = %key, "created by an earlier attempt whose answer was lost");
                let c = child.expect("a create has its child");
                return backend.update(c, None).await.map_err(|e| op_error(op, e));
            }
            Err((op_failure(op, error, Some(v)), None))
        }
        Err(e) => Err(op_error(op, e)),
    }
}

fn op_failure(op: &Operation, error: AwsError, found: Option<Verdict>) -> Failure {
    Failure::Op {
        key: op.key.clone(),
        action: op.action,
        error,
        found,
    }
}

fn op_error(op: &Operation, e: OpError) -> (Failure, Option<Status>) {
    match e {
        OpError::Exists(error) => (op_failure(op, error, None), None),
        OpError::Failed { error, left } => (op_failure(op, error, None), left),
        OpError::Refused { summary, detail } => (
            Failure::Refused {
                key: op.key.clone(),
                summary,
                detail,
            },
            None,
        ),
    }
}

/// Deletes (or releases) every top-level child, parents after their children. Before
/// anything is deleted: every existing child must be this instance's, and, without
/// `force`, none may hold data. Then nothing is deleted at all.
pub async fn destroy(
    backend: &dyn Backend,
    children: &[Child],
    own: &Ownership,
    force: bool,
) -> Vec<Failure> {
    let observed = match backend.observe().await {
        Ok(o) => o,
        Err(e) => return vec![Failure::Observe(e)],
    };
    let refused = refusals(children, &observed, own);
    if !refused.is_empty() {
        return refused;
    }
    let top: Vec<&Child> = children
        .iter()
        .filter(|c| c.key.parent().is_none())
        .collect();
    if !force {
        let checks = futures::future::join_all(
            top.iter()
                .filter(|c| {
                    observed.contains_key(&c.key) && claim(&c.spec).is_some_and(|(owned, _)| owned)
                })
                .map(|c| async move { (c, backend.holds_data(&c.key).await) }),
        )
        .await;
        let mut guards = Vec::new();
        for (c, r) in checks {
            match r {
                Ok(None) => {}
                Ok(Some(detail)) => guards.push(Failure::HoldsData {
                    key: c.key.clone(),
                    detail,
                }),
                Err(e) => guards.push(Failure::Observe(e)),
            }
        }
        if !guards.is_empty() {
            return guards;
        }
    }
    let ops = plan::order(
        top.iter()
            .map(|c| plan::delete(c.key.clone(), "destroy".into()))
            .collect(),
    );
    let outcome = execute(&ops, CONCURRENCY, |op| {
        let spec = children.iter().find(|c| c.key == op.key).map(|c| &c.spec);
        async move {
            backend
                .delete(&op.key, spec, force)
                .await
                .map_err(|e| op_error(op, e).0)
        }
    })
    .await;
    outcome.failed.into_iter().map(|(_, f)| f).collect()
}

// ---------------------------------------------------------------------------------------
// Jobs and crawlers: children that outlive their parent (a job's or crawler's trigger, a
// job's uploaded scripts), triggers under a derived name that may be someone else's, and
// uploads state still tracks.

use crate::model::children::Kind;

/// What the prior state recorded beyond [`Ownership`]: whether a derived-name trigger was
/// this state's (its `schedule` was set), which decides whether it may be read, changed or
/// deleted (see `ownership::trigger_is_managed` and `ownership::may_delete_trigger`).
#[derive(Clone, Debug, Default)]
pub struct Recorded {
    pub keys: BTreeSet<ChildKey>,
}

/// Children that deleting their parent does not remove: deleted on their own, and, when
/// no longer wanted, only after their parent's create or update (a job no longer points
/// at a script that is deleted).
pub fn outlives_parent(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::JobTrigger | Kind::JobScript | Kind::GlueCrawlerTrigger
    )
}

/// Triggers named after their parent (`<job>-schedule`, `<crawler>-after-job`): anyone may
/// have made one under that name, so whose it is follows the state's record too.
fn derived_trigger(kind: Kind) -> bool {
    matches!(kind, Kind::JobTrigger | Kind::GlueCrawlerTrigger)
}

fn job_claim(spec: &Spec) -> Option<(bool, &Tags)> {
    match spec {
        Spec::GlueJob { tags, .. } | Spec::JobScript { tags, .. } => Some((true, tags)),
        Spec::Crawler(c) => Some((true, &c.tags)),
        _ => None,
    }
}

fn job_observed_tags(spec: &Spec) -> Option<&Tags> {
    match spec {
        Spec::ObservedGlueJob { tags, .. }
        | Spec::ObservedJobTrigger { tags, .. }
        | Spec::SeenCrawler { tags, .. }
        | Spec::SeenCrawlerTrigger { tags, .. } => Some(tags),
        other => job_claim(other).map(|(_, t)| t),
    }
}

/// A job's child carrying the identity this apply writes was written earlier in this
/// apply (the first apply of a state from 0.1.0 makes the identity): it is this instance's.
fn written_by_this_apply(key: &ChildKey, tags: &Tags, own: &Ownership) -> bool {
    matches!(
        key.kind,
        Kind::GlueJob
            | Kind::JobTrigger
            | Kind::JobScript
            | Kind::GlueCrawler
            | Kind::GlueCrawlerTrigger
    ) && own.writing.is_some()
        && ownership::verdict(own.writing.as_deref(), None, tags) == Verdict::Ours
}

/// On create, the uploaded script is judged with its job: its key derives from the job's
/// name, and the job, which goes first, is refused unless this instance may create or take
/// it. An object already at the key (left by this resource before its job was deleted
/// behind Terraform's back, whose identity went with the state) is then overwritten.
fn judged_with_parent(key: &ChildKey, own: &Ownership) -> bool {
    own.creating && key.kind == Kind::JobScript
}

/// A wanted trigger found under its derived name: taken when the state recorded it and it
/// is this instance's, or, when the state never recorded it, when `ownership::on_create`
/// allows it (this apply's own, or its pipeline's leftover). Otherwise refused.
pub fn trigger_refusal(
    c: &Child,
    observed: &BTreeMap<ChildKey, Spec>,
    own: &Ownership,
    recorded: &Recorded,
) -> Option<Failure> {
    if !matches!(c.spec, Spec::JobTrigger { .. } | Spec::CrawlerTrigger(_)) {
        return None;
    }
    let tags = observed.get(&c.key).and_then(observed_tags)?;
    let this_apply =
        ownership::verdict(own.writing.as_deref(), own.pipeline_owner.as_deref(), tags);
    let was = recorded.keys.contains(&c.key);
    let allowed = if was {
        ownership::trigger_is_managed(own.owner.as_deref(), true, tags)
            || this_apply == Verdict::Ours
    } else {
        ownership::on_create(&this_apply)
    };
    (!allowed).then(|| Failure::NotOurs {
        key: c.key.clone(),
        verdict: trigger_verdict(own, tags),
        why: if was {
            Refusal::Foreign
        } else {
            Refusal::Exists
        },
    })
}

/// A trigger without an identity is described as unproven even to a 0.1.0 state.
fn trigger_verdict(own: &Ownership, tags: &Tags) -> Verdict {
    match ownership::verdict(own.owner.as_deref(), None, tags) {
        Verdict::Ours => Verdict::Untagged,
        v => v,
    }
}

/// Decides the extra (unwanted) children a job's backend observed. A trigger is deleted
/// only when `ownership::may_delete_trigger` allows it; one the state recorded that is not
/// provably its own is left, with a failure; one it never recorded is someone else's and
/// is dropped silently. A tracked upload is deleted unless another identity is on it.
/// Returns the extras left alone (their status stays `Extra`) and the failures, which do
/// not stop the other operations.
pub fn extras(
    statuses: &mut BTreeMap<ChildKey, Status>,
    observed: &BTreeMap<ChildKey, Spec>,
    own: &Ownership,
    recorded: &Recorded,
) -> (BTreeSet<ChildKey>, Vec<Failure>) {
    let mut left_alone = BTreeSet::new();
    let mut failures = Vec::new();
    let mut dropped = Vec::new();
    for (key, status) in statuses.iter() {
        if *status != Status::Extra {
            continue;
        }
        let tags = observed
            .get(key)
            .and_then(observed_tags)
            .cloned()
            .unwrap_or_default();
        match key.kind {
            k if derived_trigger(k) => {
                let was = recorded.keys.contains(key);
                if ownership::may_delete_trigger(own.owner.as_deref(), was, &tags) {
                    continue;
                }
                if was {
                    left_alone.insert(key.clone());
                    failures.push(Failure::NotOurs {
                        key: key.clone(),
                        verdict: trigger_verdict(own, &tags),
                        why: Refusal::Undeletable,
                    });
                } else {
                    tracing::info!(child = %key, "leaving a trigger this resource did not create");
                    dropped.push(key.clone());
                }
            }
            Kind::JobScript => {
                let v =
                    ownership::verdict(own.owner.as_deref(), own.pipeline_owner.as_deref(), &tags);
                if ownership::on_change(&v) || written_by_this_apply(key, &tags, own) {
                    continue;
                }
                left_alone.insert(key.clone());
                failures.push(Failure::NotOurs {
                    key: key.clone(),
                    verdict: v,
                    why: Refusal::Foreign,
                });
            }
            _ => {}
        }
    }
    for k in dropped {
        statuses.remove(&k);
    }
    (left_alone, failures)
}

/// Drops the deletes of extras left alone, orders, and makes the delete of a child that
/// outlives its parent wait for the parent's create or update.
fn after_parents(ops: Vec<Operation>, left_alone: &BTreeSet<ChildKey>) -> Vec<Operation> {
    let ops: Vec<Operation> = ops
        .into_iter()
        .filter(|o| !(o.action == Action::Delete && left_alone.contains(&o.key)))
        .collect();
    let mut ops = plan::order(ops);
    let parents: BTreeMap<ChildKey, usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| o.action != Action::Delete)
        .map(|(i, o)| (o.key.clone(), i))
        .collect();
    for o in ops.iter_mut() {
        if o.action != Action::Delete || !outlives_parent(o.key.kind) {
            continue;
        }
        if let Some(&j) = o.key.parent().and_then(|p| parents.get(&p)) {
            o.deps.push(j);
        }
    }
    ops
}

/// Destroys a resource whose children outlive their parent (a job): every existing child
/// must be this instance's (then nothing is deleted otherwise); a trigger goes only as
/// [`extras`] allows; children before their parent. `children`: what the prior state
/// recorded, without the trigger, which is observed and judged as an extra.
pub async fn destroy_recorded(
    backend: &dyn Backend,
    children: &[Child],
    own: &Ownership,
    recorded: &Recorded,
) -> Vec<Failure> {
    let observed = match backend.observe().await {
        Ok(o) => o,
        Err(e) => return vec![Failure::Observe(e)],
    };
    let refused = refusals(children, &observed, own);
    if !refused.is_empty() {
        return refused;
    }
    let mut statuses = crate::model::children::statuses(children, &observed);
    let (left_alone, mut failures) = extras(&mut statuses, &observed, own, recorded);
    let mut ops: Vec<Operation> = children
        .iter()
        .filter(|c| {
            c.key.parent().is_none()
                || (outlives_parent(c.key.kind) && observed.contains_key(&c.key))
        })
        .map(|c| plan::delete(c.key.clone(), "destroy".into()))
        .collect();
    ops.extend(
        statuses
            .iter()
            .filter(|(k, s)| **s == Status::Extra && !left_alone.contains(*k))
            .map(|(k, _)| plan::delete(k.clone(), "destroy".into())),
    );
    let ops = plan::order(ops);
    let outcome = execute(&ops, CONCURRENCY, |op| {
        let spec = children.iter().find(|c| c.key == op.key).map(|c| &c.spec);
        async move {
            backend
                .delete(&op.key, spec, false)
                .await
                .map_err(|e| op_error(op, e).0)
        }
    })
    .await;
    failures.extend(outcome.failed.into_iter().map(|(_, f)| f));
    failures
}

#[cfg(test)]
mod tests;
