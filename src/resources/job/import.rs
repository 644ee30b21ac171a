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
            bodies: &BTreeMap::new(),
            known_hash: None,
            expected_tags: None,
            uploaded: Default::default(),
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
        match read_state(&ctx, &stub, &Private::default(), true).await {
            Ok(Read::Found(s, p)) => {
                let mut s = *s;
                // Read back what the job's definition carries; only the local `script` path
                // and the `pipeline` object cannot be (see the resource description).
                let args = known_map(&s.arguments_all)
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                let env = model::imported_environment(
                    &id,
                    s.script_location.as_ref_option().map(String::as_str),
                    &args,
                    model::is_python_shell(s.command.as_ref_option().map(String::as_str)),
                );
                s.script_bucket = opt_value(env.script_bucket);
                s.temp_dir = opt_value(env.temp_dir);
                s.spark_event_logs_path = opt_value(env.spark_event_logs_path);
                Some((s, Some(p)))
            }
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
