//! Importing a `flywheel_job` by its Glue job name.

use super::*;

impl JobResource {
    /// Import is an explicit claim of the job (see `model::ownership`).
    pub(super) async fn import_job(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(State, Option<Private>)> {
        if let Err(e) = model::check_name(&id) {
            diags.root_error(
                "Invalid import ID",
                format!("Import a flywheel_job by its Glue job name: {e}"),
            );
            return None;
        }
        let ctx = self.ctx.get_or_diag(diags)?;
        // Import is an explicit claim: the job's own identity if this provider made one,
        // otherwise a new one that the first apply writes. A trigger under the derived name
        // is claimed with it unless it carries another identity (`schedule` unknown marks
        // it as recorded for the read).
        let trigger = trigger_name(&id);
        let backend = JobBackend {
            ctx: &ctx,
            job: &id,
            trigger: &trigger,
            scripts: &[],
            script_body: None,
            known_hash: None,
        };
        let found = match backend.tags(&ChildKey::top(Kind::GlueJob, &id)).await {
            Ok(t) => t,
            Err(e) => {
                diags.add_error(e.to_diagnostic());
                return None;
            }
        };
        let stub = State {
            id: Value::Value(id.clone()),
            name: Value::Value(id.clone()),
            owner_id: Value::Value(identity::imported_owner_id(&found)),
            schedule: Value::Unknown,
            ..Default::default()
        };
        match read_state(&ctx, &stub, &Private::default()).await {
            Ok(Read::Found(s, p)) => Some((*s, Some(p))),
            Ok(Read::Gone { .. }) => {
                diags.root_error(
                    "Cannot import a job that does not exist",
                    format!("There is no Glue job named {id:?} in {}.", ctx.region),
                );
                None
            }
            Err(d) => {
                diags.add_error(d);
                None
            }
        }
    }
}
