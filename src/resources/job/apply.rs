//! Applying through the engine: the job's identities, its backend, the values only apply
//! can know, and the engine's failures as diagnostics on the attribute each child comes
//! from (`name` for the job, `schedule` for its trigger, `script` for its upload).

use super::*;

/// The `bucket/key` child name of an `s3://` URI, when it is one.
pub(super) fn uri_child_name(uri: &str) -> Option<String> {
    validate::s3_uri(uri, true)
        .ok()
        .map(|(b, k)| model::script_child_name(&b, &k))
}

/// The `s3://` URI of a script child.
pub(super) fn child_uri(name: &str) -> String {
    format!("s3://{name}")
}

/// The hash private state recorded, as the backend takes it (`bucket/key`, hash).
pub(super) fn known_hash(private: &Private) -> Option<(String, ContentHash)> {
    let h = private.script_hash.as_ref()?;
    Some((
        uri_child_name(&h.location)?,
        ContentHash {
            sha256: h.sha256.clone(),
            etag: Some(h.etag.clone()),
        },
    ))
}

/// Records the script this apply uploaded (at `location`, the state's `script_location`)
/// with the ETag S3 gave it (see `JobBackend::uploaded`), so the next refresh finds the
/// hash from a listing.
pub(super) fn record_upload(
    backend: &JobBackend<'_>,
    location: &Value<String>,
    private: &mut Private,
) {
    let Some(name) = location.as_ref_option().and_then(|l| uri_child_name(l)) else {
        return;
    };
    let uploaded = backend.uploaded.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(ContentHash {
        sha256,
        etag: Some(etag),
    }) = uploaded.get(&name)
    {
        private.script_hash = Some(KnownHash {
            location: child_uri(&name),
            sha256: sha256.clone(),
            etag: etag.clone(),
        });
    }
}

/// Who this apply is (see `model::ownership`): the identity it writes, the prior state's
/// (`None` on create and for a state from 0.1.0), and the pipeline's.
pub(super) struct Identity {
    pub(super) owner: String,
    pub(super) state_owner: Option<String>,
    pub(super) pipeline_owner: Option<String>,
}

impl Identity {
    pub(super) fn tags(&self) -> Tags {
        ownership::owner_tags(&self.owner, self.pipeline_owner.as_deref())
    }

    pub(super) fn ownership(&self, creating: bool) -> Ownership {
        Ownership {
            creating,
            owner: if creating {
                None
            } else {
                self.state_owner.clone()
            },
            writing: Some(self.owner.clone()).filter(|o| !o.is_empty()),
            pipeline_owner: self.pipeline_owner.clone(),
            ..Ownership::default()
        }
    }
}

/// The planned hash must still be the file's: a file edited between plan and apply would
/// otherwise upload content the plan never showed.
pub(super) fn check_unchanged_since_plan(planned: &State, now: &State) -> Result<(), Diagnostic> {
    if let (Value::Value(a), Value::Value(b), Value::Value(path)) =
        (&planned.script_sha256, &now.script_sha256, &planned.script)
    {
        if a != b {
            return Err(Diagnostic::new(
                "Script changed since plan",
                format!("{path:?} changed between plan and apply (SHA-256 {a} planned, {b} now). Run the plan again."),
                AttributePath::new("script"),
            ));
        }
    }
    if let (Value::Value(_), Value::Value(_)) =
        (&planned.extra_py_files_sha256, &now.extra_py_files_sha256)
    {
        if planned.extra_py_files_sha256 != now.extra_py_files_sha256 {
            return Err(Diagnostic::new(
                "File changed since plan",
                "A file of `extra_py_files` changed between plan and apply, so its upload would not be the one the plan showed. Run the plan again.",
                AttributePath::new("extra_py_files"),
            ));
        }
    }
    Ok(())
}

/// The `s3://` locations of the `extra_py_files` uploads a state records.
pub(super) fn recorded_extra_uploads(s: &State) -> Vec<String> {
    match known_map(&s.extra_py_files_sha256) {
        Ok(Some(m)) => m.into_keys().collect(),
        _ => Vec::new(),
    }
}

/// Fills what only apply can know (the ARN and managed objects of a new job).
pub(super) async fn finish_state(
    ctx: &AwsContext,
    backend: &JobBackend<'_>,
    mut s: State,
    desired: &model::Desired,
    private: &mut Private,
) -> State {
    if let Script::Existing { .. } = &desired.script {
        // The user's object: not read (see `state::read_state`).
        s.script_sha256 = Value::Null;
        private.script_hash = None;
    }
    if s.arn.is_unknown() {
        s.arn = Value::Value(backend.arn("job", &desired.job.name));
    }
    if s.managed_objects.is_unknown() {
        let extra: Vec<String> = desired
            .extra_files
            .iter()
            .map(model::ExtraFile::location)
            .collect();
        s.managed_objects = Value::Value(with_uploads(
            tf_managed::values(&model::managed_objects(
                &desired.job.name,
                Some(&desired.script),
                desired.trigger.is_some(),
                ctx.partition,
                &ctx.region,
                None,
            )),
            &extra,
            ctx.partition,
        ));
    }
    s
}

/// The engine's failures for the job `name`, as diagnostics. `wants_trigger`: the
/// configuration has a schedule (a refused trigger is then one it wanted).
pub(super) fn diagnostics(
    ctx: &AwsContext,
    name: &str,
    wants_trigger: bool,
    failures: &[Failure],
) -> Vec<Diagnostic> {
    failures
        .iter()
        .map(|f| diagnostic(ctx, name, wants_trigger, f))
        .collect()
}

/// The attribute a child's failure points at.
fn child_path(key: Option<&ChildKey>) -> AttributePath {
    match key.map(|k| k.kind) {
        Some(Kind::JobTrigger) => AttributePath::new("schedule"),
        Some(Kind::JobScript) => AttributePath::new("script"),
        _ => AttributePath::new("name"),
    }
}

fn diagnostic(ctx: &AwsContext, name: &str, wants_trigger: bool, f: &Failure) -> Diagnostic {
    let Failure::NotOurs { key, verdict, why } = f else {
        let (summary, detail) = f.text();
        return match f {
            Failure::Op { key, error, .. } if key.kind == Kind::GlueJob => {
                // Job errors name the job; a failed tagging is about `tags`.
                let path = if error.operation.contains("Tag") {
                    AttributePath::new("tags")
                } else {
                    AttributePath::root()
                };
                Diagnostic::new(summary, detail, path)
            }
            Failure::Op { key, .. } | Failure::Refused { key, .. } => {
                Diagnostic::new(summary, detail, child_path(Some(key)))
            }
            _ => Diagnostic::root(summary, detail),
        };
    };
    let label = match key.kind {
        Kind::GlueJob => format!("Glue job {name:?}"),
        Kind::JobTrigger => format!("Glue trigger {:?}", key.name),
        _ => format!("Script {}", child_uri(&key.name)),
    };
    let refusal = ownership::refusal(&label, verdict);
    let advice = ownership::import_advice("flywheel_job", name, "name");
    let path = child_path(Some(key));
    match (key.kind, why) {
        (Kind::GlueJob, Refusal::Exists) => Diagnostic::new(
            format!("{label} already exists"),
            format!(
                "A Glue job named {name:?} already exists in {}. {refusal}\n\n{advice}",
                ctx.region
            ),
            path,
        ),
        (Kind::GlueJob, _) => Diagnostic::new(
            format!("{label} is not this resource's"),
            format!("{refusal} Nothing was changed. If this configuration should manage it, remove it from the other state first, then import it here:\n\n{advice}"),
            path,
        ),
        (Kind::JobTrigger, _) if wants_trigger => Diagnostic::new(
            format!("{label} already exists"),
            format!(
                "{refusal} It has the name this flywheel_job gives its trigger. Rename the job (`name`), or delete the trigger {:?} if nothing uses it, then apply again. Nothing was changed.",
                key.name
            ),
            path,
        ),
        (Kind::JobTrigger, _) => Diagnostic::new(
            format!("{label} was not deleted"),
            format!("{refusal} This resource no longer manages it; delete it yourself if nothing else uses it."),
            path,
        ),
        (_, Refusal::Exists) => Diagnostic::new(
            format!("{label} already exists"),
            format!("{refusal} It is where this job uploads its script, so nothing was uploaded. Choose another `name` (or scripts prefix), or delete the object if nothing uses it, then apply again."),
            path,
        ),
        _ => Diagnostic::root(
            format!("{label} is not this resource's"),
            format!("{refusal} It was neither changed nor deleted; delete it yourself if nothing uses it."),
        ),
    }
}
