//! Jobs and crawlers: children that outlive their parent (a job's or crawler's trigger, a
//! job's uploaded scripts), triggers under a derived name that may be someone else's, and
//! uploads state still tracks. Judged by what the prior state recorded (`Recorded`).

use super::*;
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
pub(super) fn derived_trigger(kind: Kind) -> bool {
    matches!(kind, Kind::JobTrigger | Kind::GlueCrawlerTrigger)
}

/// A job's child carrying the identity this apply writes was written earlier in this
/// apply (the first apply of a state from 0.1.0 makes the identity): it is this instance's.
pub(super) fn written_by_this_apply(key: &ChildKey, tags: &Tags, own: &Ownership) -> bool {
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
pub(super) fn judged_with_parent(key: &ChildKey, own: &Ownership) -> bool {
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
    let tags = observed.get(&c.key).and_then(Spec::tags)?;
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

/// A wanted alert object (topic, rule) found under its derived name. Alerts came after
/// 0.1.0, so none was ever made untagged by this provider: one the state recorded may be
/// changed when it carries this instance's identity or none (its tags removed since); one
/// it did not record (an `alerts` block added now) only when it carries this identity
/// (this apply's own), so an existing rule or topic of the same name is never taken over.
/// An existing topic given by ARN is configured, not owned: only another identity on it
/// stops it.
pub fn alert_refusal(
    c: &Child,
    observed: &BTreeMap<ChildKey, Spec>,
    own: &Ownership,
    recorded: bool,
) -> Option<Failure> {
    // Every alert object with a name of its own (topic, rule, alarm); the others live
    // inside one of those.
    if !c.key.kind.is_alert() || c.key.parent().is_some() {
        return None;
    }
    let tags = observed.get(&c.key).and_then(Spec::tags)?;
    let v = ownership::verdict(own.owner.as_deref(), None, tags);
    let this_apply = ownership::verdict(own.writing.as_deref(), None, tags) == Verdict::Ours;
    let (allowed, why) = match &c.spec {
        Spec::SnsTopic { create: false, .. } => {
            (!matches!(v, Verdict::Foreign { .. }), Refusal::Foreign)
        }
        _ if recorded => (ownership::on_change(&v) || this_apply, Refusal::Foreign),
        _ => (v == Verdict::Ours || this_apply, Refusal::Exists),
    };
    (!allowed).then(|| Failure::NotOurs {
        key: c.key.clone(),
        verdict: v,
        why,
    })
}

/// A trigger without an identity is described as unproven even to a 0.1.0 state.
pub(super) fn trigger_verdict(own: &Ownership, tags: &Tags) -> Verdict {
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
            .and_then(Spec::tags)
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
            // An alert the configuration dropped: deleted when it carries this instance's
            // identity (an existing topic is only released: see the backend); otherwise left,
            // and named when the state recorded it. Its sub-children follow it.
            k if k.is_alert() => {
                let top = key.parent().unwrap_or_else(|| key.clone());
                let top_tags = observed.get(&top).and_then(Spec::tags);
                let adopted_topic = matches!(
                    observed.get(&top),
                    Some(Spec::SnsTopic { create: false, .. })
                );
                let v = top_tags
                    .map(|t| ownership::verdict(own.owner.as_deref(), None, t))
                    .unwrap_or(Verdict::Ours);
                let ours =
                    v == Verdict::Ours || (adopted_topic && !matches!(v, Verdict::Foreign { .. }));
                if ours {
                    continue;
                }
                if recorded.keys.contains(&top) && key == &top {
                    left_alone.insert(key.clone());
                    failures.push(Failure::NotOurs {
                        key: key.clone(),
                        verdict: v,
                        why: Refusal::Undeletable,
                    });
                } else if recorded.keys.contains(&top) {
                    left_alone.insert(key.clone());
                } else {
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
pub(super) fn after_parents(
    ops: Vec<Operation>,
    left_alone: &BTreeSet<ChildKey>,
) -> Vec<Operation> {
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
