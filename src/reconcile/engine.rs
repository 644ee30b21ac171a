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

mod derived;
use derived::*;
pub use derived::{destroy_recorded, Recorded};

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

/// The children whose identity is checked before any write, with whether they are owned
/// (created by this instance) or adopted (configured only). Sub-children belong to their
/// parent; derived-name triggers are judged by what the state recorded (see `derived`).
fn claim(spec: &Spec) -> Option<bool> {
    match spec {
        Spec::Bucket { create, .. } => Some(*create),
        Spec::Database { .. }
        | Spec::Role { .. }
        | Spec::GlueJob { .. }
        | Spec::JobScript { .. }
        | Spec::Crawler(_) => Some(true),
        _ => None,
    }
}

/// Every existing child this apply may not touch (pure: see `crate::model::ownership`).
pub fn refusals(
    children: &[Child],
    observed: &BTreeMap<ChildKey, Spec>,
    own: &Ownership,
) -> Vec<Failure> {
    let mut out = Vec::new();
    for c in children {
        let Some(owned) = claim(&c.spec) else {
            continue;
        };
        let Some(tags) = observed.get(&c.key).and_then(Spec::tags) else {
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
/// runs what each child needs. (Every resource passes what its state recorded, through
/// [`converge_recorded`]; this is the engine tests' shorthand for a state with nothing.)
#[cfg(test)]
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
    refused.extend(children.iter().filter_map(|c| {
        trigger_refusal(c, &observed, own, recorded)
            .or_else(|| alert_refusal(c, &observed, own, recorded.keys.contains(&c.key)))
    }));
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
    let mut refused = refusals(children, &observed, own);
    // Every child a destroy is given is in the state.
    refused.extend(
        children
            .iter()
            .filter_map(|c| alert_refusal(c, &observed, own, true)),
    );
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
                .filter(|c| observed.contains_key(&c.key) && claim(&c.spec) == Some(true))
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

#[cfg(test)]
mod tests;
