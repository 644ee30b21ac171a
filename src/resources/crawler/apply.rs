//! Create, update and destroy through the engine (`reconcile::converge_recorded`,
//! `reconcile::destroy_recorded`) and the crawler's backend, which decide whose each object is;
//! here their results become state (partial on failure, so what exists is recorded) and
//! diagnostics that name the child.

use std::collections::{BTreeMap, BTreeSet};

use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostic, Diagnostics};

use super::plan::{plan_state, to_config};
use super::state::*;
use crate::aws::AwsContext;
use crate::model::children::{ChildKey, Kind, Status};
use crate::model::crawler as model;
use crate::model::ownership::{self, Verdict};
use crate::reconcile::{self, Converged, Failure, Ownership, Recorded, Refusal};
use crate::resources::identity;
use crate::values::to_map;

/// The trigger keys the prior state recorded (its `run_after_job` was set, or is unknown
/// after an import, which claims the trigger).
pub(super) fn recorded(name: &str, run_after_job: &Value<String>) -> BTreeSet<ChildKey> {
    (!run_after_job.is_null())
        .then(|| model::trigger_key(name))
        .into_iter()
        .collect()
}

/// The engine's failures as diagnostics, each naming its child at the attribute it comes
/// from: `name` for the crawler (with the import command when it was refused),
/// `run_after_job` for its trigger (with what to rename or delete).
pub(super) fn diagnostics(region: &str, name: &str, failures: &[Failure]) -> Vec<Diagnostic> {
    failures
        .iter()
        .map(|f| diagnostic(region, name, f))
        .collect()
}

pub(super) fn diagnostic(region: &str, name: &str, f: &Failure) -> Diagnostic {
    let (summary, detail) = f.text();
    let Some(key) = f.key() else {
        return Diagnostic::root(summary, detail);
    };
    let at = AttributePath::new;
    let advice = || ownership::import_advice("flywheel_crawler", name, "name");
    if key.kind == Kind::GlueCrawlerTrigger {
        let label = format!("Glue trigger {:?}", key.name);
        return match f {
            Failure::NotOurs { verdict, why, .. } => {
                // A trigger without an identity that this state cannot prove it made.
                let v = match verdict {
                    Verdict::Ours => &Verdict::Untagged,
                    v => v,
                };
                let refusal = ownership::refusal(&label, v);
                if *why == Refusal::Undeletable {
                    Diagnostic::new(
                        format!("{label} was not deleted"),
                        format!("{refusal} This resource no longer manages it; delete it yourself if nothing else uses it."),
                        at("run_after_job"),
                    )
                } else {
                    Diagnostic::new(
                        format!("{label} already exists"),
                        format!(
                            "{refusal} It has the name this flywheel_crawler gives its trigger. Rename the crawler (`name`), or delete the trigger {:?} if nothing uses it, then apply again.",
                            key.name
                        ),
                        at("run_after_job"),
                    )
                }
            }
            _ => Diagnostic::new(summary, detail, at("run_after_job")),
        };
    }
    let label = format!("Glue crawler {:?}", key.name);
    match f {
        Failure::NotOurs {
            verdict,
            why: Refusal::Exists,
            ..
        } => Diagnostic::new(
            format!("{label} already exists"),
            format!(
                "A Glue crawler named {name:?} already exists in {region}. {}\n\n{}",
                ownership::refusal(&label, verdict),
                advice()
            ),
            at("name"),
        ),
        Failure::NotOurs { verdict, .. } => Diagnostic::new(
            format!("{label} is not this resource's"),
            format!(
                "{} Nothing was changed. If this configuration should manage it, remove it from the other state first, then import it here:\n\n{}",
                ownership::refusal(&label, verdict),
                advice()
            ),
            at("name"),
        ),
        Failure::Op { found: Some(_), .. } => {
            Diagnostic::new(summary, format!("{detail}\n\n{}", advice()), at("name"))
        }
        _ => Diagnostic::root(summary, detail),
    }
}

/// Whether the trigger is where the configuration wants it after a converge: wanted and
/// `ok`, or not wanted and gone (or left as someone else's).
pub(super) fn trigger_done(
    statuses: &BTreeMap<ChildKey, Status>,
    name: &str,
    wanted: bool,
) -> bool {
    match statuses.get(&model::trigger_key(name)) {
        Some(s) => wanted && *s == Status::Ok,
        None => !wanted,
    }
}

pub(super) async fn create(
    ctx: &AwsContext,
    diags: &mut Diagnostics,
    planned: State,
    config: State,
) -> Option<(State, ValueEmpty)> {
    let mut state = plan_state(ctx, &config, planned, None, diags);
    let mut cfg = match to_config(ctx, &state) {
        Ok(c) => c,
        Err(d) => {
            diags.add_error(d);
            return None;
        }
    };
    // This instance's identity, made now (see `model::ownership` for why not at plan).
    let owner = identity::new_owner_id();
    let pipeline_owner = ownership::pipeline_owner(&cfg.tags).map(str::to_string);
    cfg.tags
        .extend(ownership::owner_tags(&owner, pipeline_owner.as_deref()));
    let (crawler, trigger) = model::expand(&cfg);
    // An existing crawler or trigger is taken only when it is this apply's own (a lost
    // answer) or its pipeline's (a killed apply); anything else fails before any write.
    let own = Ownership {
        creating: true,
        owner: None,
        writing: Some(owner.clone()),
        pipeline_owner,
        ..Ownership::default()
    };
    let Converged {
        statuses,
        failures,
        ran,
    } = reconcile::converge_recorded(
        &writer(ctx, &cfg.name, &state),
        &model::children(&crawler, trigger.as_ref()),
        &own,
        &Recorded::default(),
    )
    .await;
    for d in diagnostics(&ctx.region, &cfg.name, &failures) {
        diags.add_error(d);
    }
    let crawler_status = statuses.get(&model::crawler_key(&cfg.name));
    if (!ran && !failures.is_empty()) || matches!(crawler_status, None | Some(Status::Missing)) {
        // Refused before any write, or the crawler was not made: nothing to record.
        return None;
    }
    // From here the crawler exists with this identity (or is being taken): the state
    // records it, with the error when something failed.
    state.owner_id = Value::Value(owner);
    if crawler_status == Some(&Status::Ok) {
        state.tags_all = to_map(&cfg.tags);
    }
    let with_trigger = trigger.is_some() && trigger_done(&statuses, &cfg.name, true);
    if !with_trigger {
        state.run_after_job = Value::Null;
    }
    finish_state(ctx, &mut state, with_trigger, diags).await;
    Some((state, ValueEmpty::default()))
}

pub(super) async fn update(
    ctx: &AwsContext,
    diags: &mut Diagnostics,
    prior: State,
    planned: State,
    config: State,
) -> Option<(State, ValueEmpty)> {
    let mut state = plan_state(ctx, &config, planned, Some(&prior), diags);
    let mut cfg = match to_config(ctx, &state) {
        Ok(c) => c,
        Err(d) => {
            diags.add_error(d);
            return None;
        }
    };
    // The identity: the prior state's, or made now for a state written by 0.1.0.
    let state_owner = identity::state_owner(&prior.owner_id).map(str::to_string);
    let owner = state_owner.clone().unwrap_or_else(identity::new_owner_id);
    let pipeline_owner = ownership::pipeline_owner(&cfg.tags).map(str::to_string);
    cfg.tags
        .extend(ownership::owner_tags(&owner, pipeline_owner.as_deref()));
    let (crawler, trigger) = model::expand(&cfg);
    let own = Ownership {
        creating: false,
        owner: state_owner,
        writing: Some(owner.clone()),
        pipeline_owner,
        ..Ownership::default()
    };
    let Converged {
        statuses,
        failures,
        ran,
    } = reconcile::converge_recorded(
        &writer(ctx, &cfg.name, &state),
        &model::children(&crawler, trigger.as_ref()),
        &own,
        &Recorded {
            keys: recorded(&cfg.name, &prior.run_after_job),
        },
    )
    .await;
    for d in diagnostics(&ctx.region, &cfg.name, &failures) {
        diags.add_error(d);
    }
    if (!ran && !failures.is_empty())
        || statuses.get(&model::crawler_key(&cfg.name)) != Some(&Status::Ok)
    {
        // Refused (nothing changed), or the crawler's change failed: the state keeps
        // what it had, and the identity once owner tags may have been written.
        let mut kept = prior;
        if ran {
            kept.owner_id = Value::Value(owner);
        }
        return Some((kept, ValueEmpty::default()));
    }
    state.owner_id = Value::Value(owner);
    state.tags_all = to_map(&cfg.tags);
    let mut with_trigger = trigger.is_some();
    if !trigger_done(&statuses, &cfg.name, with_trigger) {
        state.run_after_job = prior.run_after_job.clone();
        with_trigger = !prior.run_after_job.is_null();
    }
    finish_state(ctx, &mut state, with_trigger, diags).await;
    Some((state, ValueEmpty::default()))
}

pub(super) async fn destroy(ctx: &AwsContext, diags: &mut Diagnostics, prior: State) -> Option<()> {
    let name = prior.name.as_ref_option()?.clone();
    let state_owner = identity::state_owner(&prior.owner_id).map(str::to_string);
    let context = context_tags(&prior.pipeline).unwrap_or_default();
    let own = Ownership {
        owner: state_owner.clone(),
        writing: state_owner,
        pipeline_owner: ownership::pipeline_owner(&context).map(str::to_string),
        ..Ownership::default()
    };
    // Each child is deleted only when this state can prove it is its own; otherwise
    // nothing is deleted and the refused child is named.
    let failures = reconcile::destroy_recorded(
        &writer(ctx, &name, &prior),
        &[model::existing(&name)],
        &own,
        &Recorded {
            keys: recorded(&name, &prior.run_after_job),
        },
    )
    .await;
    if failures.is_empty() {
        return Some(());
    }
    for d in diagnostics(&ctx.region, &name, &failures) {
        diags.add_error(d);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_failures_name_the_child_at_its_attribute() {
        let crawler = model::crawler_key("crw");
        let trigger = model::trigger_key("crw");
        let d = |f: Failure| diagnostic("us-east-1", "crw", &f);
        let refused = d(Failure::NotOurs {
            key: crawler.clone(),
            verdict: Verdict::Untagged,
            why: Refusal::Exists,
        });
        assert_eq!(refused.summary, "Glue crawler \"crw\" already exists");
        assert!(refused
            .detail
            .contains("terraform import flywheel_crawler.<name> 'crw'"));
        assert_eq!(refused.attribute, AttributePath::new("name"));
        let foreign = d(Failure::NotOurs {
            key: crawler,
            verdict: Verdict::Foreign { owner: "x".into() },
            why: Refusal::Foreign,
        });
        assert!(foreign.summary.contains("is not this resource's"));
        let kept = d(Failure::NotOurs {
            key: trigger.clone(),
            verdict: Verdict::Untagged,
            why: Refusal::Undeletable,
        });
        assert_eq!(
            kept.summary,
            "Glue trigger \"crw-after-job\" was not deleted"
        );
        assert_eq!(kept.attribute, AttributePath::new("run_after_job"));
        let taken = d(Failure::NotOurs {
            key: trigger,
            verdict: Verdict::Untagged,
            why: Refusal::Exists,
        });
        assert!(
            taken.detail.contains("Rename the crawler"),
            "{}",
            taken.detail
        );
    }

    #[test]
    fn the_trigger_is_recorded_only_where_the_configuration_wants_it() {
        let mut st = BTreeMap::new();
        assert!(trigger_done(&st, "crw", false));
        assert!(!trigger_done(&st, "crw", true));
        st.insert(model::trigger_key("crw"), Status::Ok);
        assert!(trigger_done(&st, "crw", true));
        st.insert(model::trigger_key("crw"), Status::Extra);
        assert!(!trigger_done(&st, "crw", false));
        assert!(recorded("crw", &Value::Null).is_empty());
        assert!(recorded("crw", &Value::Unknown).contains(&model::trigger_key("crw")));
    }
}
