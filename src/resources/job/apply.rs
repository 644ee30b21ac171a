//! Applying helpers: the script upload and its tags, the adopted job, the values only
//! apply can know.

use super::*;

/// Uploads the script when it is a local file whose object is not already current.
pub(super) async fn upload_if_needed(
    ctx: &AwsContext,
    desired: &model::Desired,
    body: Option<&[u8]>,
    current: Option<(&str, &str)>,
    who: &Owners<'_>,
) -> Result<bool, Diagnostic> {
    let Script::Upload {
        bucket,
        key,
        sha256,
    } = &desired.script
    else {
        return Ok(false);
    };
    let location = desired.script.location();
    if current == Some((location.as_str(), sha256.as_str())) {
        return Ok(false);
    }
    let body = body.ok_or_else(|| {
        Diagnostic::root(
            "Script not read",
            "The script file was not read before the upload; this is a bug in the provider.",
        )
    })?;
    let object_tags = script_tags(who);
    objects::put(
        ctx,
        bucket,
        key,
        body,
        sha256,
        "text/x-python",
        &object_tags,
    )
    .await
    .map_err(|e| e.to_diagnostic_at(AttributePath::new("script")))?;
    Ok(true)
}

/// The planned hash must still be the file's: a file edited between plan and apply would
/// otherwise upload content the plan never showed.
pub(super) fn check_unchanged_since_plan(planned: &State, now: &State) -> Result<(), Diagnostic> {
    match (&planned.script_sha256, &now.script_sha256, &planned.script) {
        (Value::Value(a), Value::Value(b), Value::Value(path)) if a != b => Err(Diagnostic::new(
            "Script changed since plan",
            format!("{path:?} changed between plan and apply (SHA-256 {a} planned, {b} now). Run the plan again."),
            AttributePath::new("script"),
        )),
        _ => Ok(()),
    }
}

/// Fills what only apply can know (the hash of an existing script object).
pub(super) async fn finish_state(
    ctx: &AwsContext,
    mut s: State,
    desired: &model::Desired,
    private: &mut Private,
) -> State {
    if let (Script::Existing { uri }, true) = (&desired.script, s.script_sha256.is_unknown()) {
        let hash = script_hash(ctx, uri, private).await.ok().flatten();
        s.script_sha256 = opt_value(hash.as_ref().map(|h| h.sha256.clone()));
        private.script_hash = hash.and_then(|h| {
            h.etag.map(|etag| KnownHash {
                location: uri.clone(),
                sha256: h.sha256,
                etag,
            })
        });
    }
    if s.arn.is_unknown() {
        s.arn = Value::Value(glue_tags::arn(ctx, "job", &desired.job.name));
    }
    if s.managed_objects.is_unknown() {
        s.managed_objects = Value::Value(model::managed_objects(
            &desired.job.name,
            Some(&desired.script),
            desired.trigger.is_some(),
            ctx.partition,
            &ctx.region,
            None,
        ));
    }
    s
}

/// What a refusal names and advises for this job.
pub(super) fn resource(name: &str) -> children::Resource<'_> {
    children::Resource {
        type_name: "flywheel_job",
        kind: "job",
        name,
    }
}

/// CreateJob found the name taken by a job this instance may take (`found` its tags): it is
/// brought to the desired definition and tags.
pub(super) async fn converge_adopted(
    ctx: &AwsContext,
    desired: &model::Desired,
    found: &Tags,
) -> Result<(), Diagnostic> {
    let name = &desired.job.name;
    match jobs::get(ctx, name).await.map_err(|e| e.to_diagnostic())? {
        Some(seen) if seen.matches(&desired.job) => {}
        Some(_) => jobs::update(ctx, &desired.job)
            .await
            .map_err(|e| e.to_diagnostic())?,
        // Deleted since: create it after all.
        None => {
            return jobs::create(ctx, &desired.job, &desired.tags)
                .await
                .map_err(|e| e.to_diagnostic())
        }
    }
    children::set_glue_tags(ctx, "job", name, found, &desired.tags).await
}

/// The tags of an uploaded script: S3 takes at most 10 per object, so only the ownership
/// tags and the informational one.
pub(super) fn script_tags(who: &Owners<'_>) -> Tags {
    let mut t = who.tags();
    t.insert(tags::MANAGED_BY_KEY.into(), tags::MANAGED_BY_VALUE.into());
    t
}

/// An uploaded script that is current but lacks the ownership tags (uploaded by 0.1.0, or
/// its tags changed since) gets them, unless its tags name another owner.
pub(super) async fn tag_script(
    ctx: &AwsContext,
    script: &Script,
    who: &Owners<'_>,
) -> Result<(), Diagnostic> {
    let Script::Upload { bucket, key, .. } = script else {
        return Ok(());
    };
    let at = |e: crate::aws::AwsError| e.to_diagnostic_at(AttributePath::new("script"));
    let Some(found) = objects::tags(ctx, bucket, key).await.map_err(at)? else {
        return Ok(());
    };
    let want = script_tags(who);
    if found == want {
        return Ok(());
    }
    if let Err(why) = children::may_delete_recorded(*who, Some(&found)) {
        return Err(Diagnostic::new(
            format!("Script s3://{bucket}/{key} is not this resource's"),
            format!("{why} Its tags were not changed."),
            AttributePath::new("script"),
        ));
    }
    objects::put_tags(ctx, bucket, key, &want).await.map_err(at)
}

/// Deletes a script object this resource uploaded at an `s3://` URI, unless its tags name
/// another owner; one that is already gone is fine.
pub(super) async fn delete_script(
    ctx: &AwsContext,
    uri: &str,
    who: Owners<'_>,
) -> Result<(), Diagnostic> {
    let Ok((b, k)) = validate::s3_uri(uri, true) else {
        return Ok(());
    };
    let found = objects::tags(ctx, &b, &k)
        .await
        .map_err(|e| e.to_diagnostic())?;
    if let Err(why) = children::may_delete_recorded(who, found.as_ref()) {
        return Err(Diagnostic::root(
            format!("Script {uri} was not deleted"),
            format!("{why} It is left in place; delete it yourself if nothing uses it."),
        ));
    }
    objects::delete(ctx, &b, &k)
        .await
        .map_err(|e| e.to_diagnostic())
}
