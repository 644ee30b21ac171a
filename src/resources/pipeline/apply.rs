//! Create and update through the engine (`crate::reconcile`), and the engine's failures as
//! diagnostics at the attribute each child comes from.

use super::*;
use crate::model::pipeline::{Child, Spec};
use crate::reconcile::Recorded;

/// `previous`: the children of the configuration the state last applied (see
/// `PipelineBackend::previous`).
pub(super) fn backend<'a>(
    ctx: &'a AwsContext,
    desired: &'a Desired,
    previous: &'a [Child],
) -> PipelineBackend<'a> {
    PipelineBackend {
        ctx,
        desired,
        previous,
        refresh: false,
    }
}

/// Whether nothing the pipeline created exists any more (adopted buckets do not count).
pub(super) fn all_gone(d: &Desired, o: &Observed) -> bool {
    o.role.is_none()
        && o.database.is_none()
        && d.buckets
            .iter()
            .filter(|b| b.create)
            .all(|b| !matches!(o.buckets.get(&b.name), Some(Some(_))))
}

/// The configuration attribute a child comes from: its block's `name`; for the role's
/// attachments, `managed_policy_arns`, or `attach_glue_service_role` for AWSGlueServiceRole
/// when the configuration leaves it out.
pub(super) fn child_path(d: &Desired, key: &ChildKey) -> AttributePath {
    if key.kind.is_alert() {
        let topic = ChildKey::top(Kind::SnsTopic, &key.owner);
        let created = !matches!(
            d.child(&topic).map(|c| &c.spec),
            Some(Spec::SnsTopic { create: false, .. })
        );
        return alert_path(key, created);
    }
    match key.kind {
        Kind::GlueDatabase => path_of(&["database", "name"]),
        Kind::IamRole | Kind::IamRolePolicy => path_of(&["role", "name"]),
        Kind::IamRolePolicyAttachment
            if !key
                .name
                .ends_with(":policy/service-role/AWSGlueServiceRole") =>
        {
            path_of(&["role", "managed_policy_arns"])
        }
        Kind::IamRolePolicyAttachment if d.child(key).is_none() => {
            path_of(&["role", "attach_glue_service_role"])
        }
        Kind::IamRolePolicyAttachment => path_of(&["role", "name"]),
        _ => {
            let block = d
                .buckets
                .iter()
                .find(|b| b.name == key.owner)
                .map(|b| b.role.block())
                .unwrap_or("id");
            if block == "id" {
                AttributePath::new("id")
            } else {
                path_of(&[block, "name"])
            }
        }
    }
}

/// The engine's failures as diagnostics, each at the attribute its child comes from; when
/// a create met objects it may not take, the import advice follows once.
pub(super) fn diagnostics(d: &Desired, failures: &[Failure]) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = failures
        .iter()
        .map(|f| {
            let (summary, detail) = f.text();
            match (f, f.key()) {
                (Failure::HoldsData { .. }, _) => {
                    Diagnostic::new(summary, detail, AttributePath::new("force_destroy"))
                }
                (_, Some(k)) => Diagnostic::new(summary, detail, child_path(d, k)),
                (_, None) => Diagnostic::root(summary, detail),
            }
        })
        .collect();
    let refused_existing = failures.iter().any(|f| {
        matches!(
            f,
            Failure::NotOurs {
                why: Refusal::Exists,
                ..
            }
        )
    });
    if refused_existing {
        out.push(Diagnostic::root(
            "Existing objects were not taken over",
            format!(
                "Nothing was changed. A bucket may instead be adopted (configured, never deleted) with `create = false` in its block. {}",
                ownership::import_advice("flywheel_pipeline", &d.import_id, "name")
            ),
        ));
    }
    out
}

/// Buckets adopted in `prior` (`create = false`) that `desired` creates.
pub(super) fn flipped_buckets(prior: &State, desired: &Desired) -> BTreeSet<ChildKey> {
    desired
        .buckets
        .iter()
        .filter(|b| {
            b.create
                && matches!(prior.bucket_block(b.role), Value::Value(p)
                    if p.create == Value::Value(false))
        })
        .map(|b| ChildKey::top(Kind::Bucket, &b.name))
        .collect()
}

impl PipelineResource {
    /// Create (`prior` is `None`) or update. The identity is the prior state's, or made
    /// now: on create, and on the first apply over a state from 0.1.0.
    pub(super) async fn apply(
        &self,
        diags: &mut Diagnostics,
        prior: Option<&State>,
        planned: State,
        config: State,
    ) -> Option<(State, ValueEmpty)> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let creating = prior.is_none();
        let prior_owner = prior.and_then(owner_of);
        let owner = prior_owner
            .clone()
            .unwrap_or_else(|| ownership::new_owner_id(rand::random()));
        let (mut state, desired) = match env_of(&ctx)
            .and_then(|env| plan(&env, &config, Some(&owner)))
        {
            Ok((s, Some((_, d)))) => (s, d),
            Ok(_) => {
                diags.root_error(
                    "Configuration not fully known at apply",
                    format!(
                        "Terraform sent values that are still unknown at apply time ({}); this is a bug in Terraform or the provider.",
                        unknown_paths(&config).join(", ")
                    ),
                );
                return None;
            }
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        // An id unknown at plan may be anything now; a known one must not have changed.
        if planned.id.is_value() && state.id != planned.id {
            diags.root_error(
                "Plan and apply disagree",
                format!(
                    "The configuration expanded differently at apply than at plan; this is a bug in the provider.\n\nplanned: {}\napply:   {}",
                    planned.id.as_ref_option().map(String::as_str).unwrap_or("(unknown)"),
                    state.id.as_ref_option().map(String::as_str).unwrap_or("(null)"),
                ),
            );
            return None;
        }
        let own = Ownership {
            creating,
            owner: prior_owner.clone(),
            writing: Some(owner.clone()),
            pipeline_owner: None,
            needs_proof: prior
                .map(|p| flipped_buckets(p, &desired))
                .unwrap_or_default(),
        };
        // The alerts the state last applied: read, so dropped ones are deleted, and
        // recorded, so those it holds may be changed (see `reconcile::engine`).
        let previous: Vec<Child> = match prior
            .map(|p| env_of(&ctx).and_then(|env| plan(&env, p, prior_owner.as_deref())))
        {
            Some(Ok((_, Some((_, d))))) => d
                .children
                .into_iter()
                .filter(|c| c.key.kind.is_alert())
                .collect(),
            _ => Vec::new(),
        };
        let recorded = Recorded {
            keys: previous.iter().map(|c| c.key.clone()).collect(),
        };
        let Converged {
            statuses,
            failures,
            ran,
        } = reconcile::converge_recorded(
            &backend(&ctx, &desired, &previous),
            &desired.children,
            &own,
            &recorded,
        )
        .await;
        let errors = diagnostics(&desired, &failures);
        state.children = children_value(
            &statuses
                .into_iter()
                .filter(|(k, _)| desired.child(k).is_some())
                .collect(),
        );
        let failed = !errors.is_empty();
        for e in errors {
            diags.add_error(e);
        }
        if failed && creating && !ran {
            // Nothing was sent to AWS, so nothing was created: no state to record. Once
            // any operation ran, the state is returned even if every one failed: a create
            // may have half-succeeded (a bucket made but not tagged), and the next
            // refresh drops the pipeline from state if nothing exists after all.
            return None;
        }
        Some((state, ValueEmpty::default()))
    }
}
