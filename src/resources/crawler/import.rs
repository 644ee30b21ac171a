//! Import by the crawler's name: an explicit claim of the crawler (and of its trigger,
//! unless another instance's identity is on it).

use tf_provider::value::{Value, ValueEmpty};
use tf_provider::Diagnostics;

use super::state::*;
use crate::aws::AwsContext;
use crate::model::crawler as model;
use crate::reconcile::engine::Backend;
use crate::resources::identity;

pub(super) async fn import(
    ctx: &AwsContext,
    diags: &mut Diagnostics,
    id: String,
) -> Option<(State, ValueEmpty)> {
    if let Err(e) = crate::validate::glue_name(&id, model::GLUE_NAME_MAX) {
        diags.root_error(
            "Invalid import ID",
            format!("The import ID is the crawler's name: {e}"),
        );
        return None;
    }
    // Import is an explicit claim: the crawler's own identity if this provider made
    // one, otherwise a new one that the first apply writes. A trigger under the derived
    // name is claimed with it unless it carries another identity (`run_after_job`
    // unknown marks it as recorded for the read).
    let found = match backend(ctx, &id).tags(&model::crawler_key(&id)).await {
        Ok(t) => t,
        Err(e) => {
            diags.add_error(e.to_diagnostic());
            return None;
        }
    };
    let prior = State {
        name: Value::Value(id.clone()),
        owner_id: Value::Value(identity::imported_owner_id(&found)),
        run_after_job: Value::Unknown,
        ..State::default()
    };
    match refresh(ctx, &prior, true, diags).await {
        Some(s) if diags.errors.is_empty() && s.id.is_value() => Some((s, ValueEmpty::default())),
        Some(_) if !diags.errors.is_empty() => None,
        _ => {
            diags.root_error(
                format!("Glue crawler {id:?} not found"),
                "Check the crawler's name and the provider's region.",
            );
            None
        }
    }
}
