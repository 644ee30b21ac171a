//! The [`Backend`] for a job's children: the Glue job, its `<job>-schedule` trigger and the
//! script objects it uploaded, each mapped to its `crate::aws` calls. It decides nothing
//! the engine decides (ownership, order, lost answers, which trigger or script may go).
//!
//! The bodies of the files to upload (the script, `extra_py_files`) are read by the
//! resource (never here) and handed over in [`JobBackend::bodies`].

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::engine::{Backend, OpError};
use crate::aws::glue::{jobs, tags as glue_tags, triggers};
use crate::aws::s3::objects;
/// What a read learned about a script's content (hash, and the ETag it had then).
pub use crate::aws::s3::objects::ContentHash;
use crate::aws::tagging;
use crate::aws::{AwsContext, AwsError, ErrorKind};
use crate::model::children::{Child, ChildKey, Kind, Spec};
use crate::model::tags::{self, Tags};

pub struct JobBackend<'a> {
    pub ctx: &'a AwsContext,
    /// The job's name (every child's `owner`).
    pub job: &'a str,
    /// The trigger name derived from the job's (`<job>-schedule`), looked at whether or
    /// not the configuration wants a schedule.
    pub trigger: &'a str,
    /// Script objects to look at, as `bucket/key`: the upload the configuration wants and
    /// the earlier uploads state still tracks.
    pub scripts: &'a [String],
    /// The bytes of each local file to upload (the script, `extra_py_files`), by child
    /// name (`bucket/key`).
    pub bodies: &'a BTreeMap<String, Vec<u8>>,
    /// A hash learned earlier, with the object's `bucket/key` and ETag then: reused while
    /// the ETag is unchanged, so a read does not download the object.
    pub known_hash: Option<(&'a str, &'a ContentHash)>,
    /// The tags state recorded for the job and its trigger (refresh only): a batched tag
    /// read that agrees with them needs no GetTags (see `aws::tagging`).
    pub expected_tags: Option<&'a Tags>,
    /// What this backend uploaded, by `bucket/key`, with its hash and the ETag S3 gave it:
    /// for private state, so the next refresh knows the script's hash from a listing.
    pub uploaded: std::sync::Mutex<BTreeMap<String, ContentHash>>,
}

/// Splits a script child's name (`bucket/key`).
fn bucket_key(name: &str) -> (&str, &str) {
    name.split_once('/').unwrap_or((name, ""))
}

fn conflict(e: AwsError) -> OpError {
    if e.kind == ErrorKind::Conflict {
        OpError::Exists(e)
    } else {
        e.into()
    }
}

impl JobBackend<'_> {
    /// The Glue ARN of the job or trigger named `name` (`kind`: `job`, `trigger`).
    pub fn arn(&self, kind: &str, name: &str) -> String {
        glue_tags::arn(self.ctx, kind, name)
    }

    /// A read for state, beside [`Backend::observe`]: the content hash of the script object
    /// `bucket/key` (`None` when there is none), reusing [`JobBackend::known_hash`] while
    /// the object's ETag is unchanged.
    pub async fn script_hash(&self, name: &str) -> Result<Option<ContentHash>, AwsError> {
        let (bucket, key) = bucket_key(name);
        let known = self.known_hash.filter(|(n, _)| *n == name).map(|(_, h)| h);
        objects::sha256(self.ctx, bucket, key, known).await
    }

    /// The tags of a Glue object; none when it does not exist.
    async fn glue_tags(&self, kind: &str, name: &str) -> Result<Tags, AwsError> {
        let arn = glue_tags::arn(self.ctx, kind, name);
        match tagging::glue_tags(self.ctx, &arn, self.expected_tags).await {
            Ok(t) => Ok(t),
            Err(e) if e.is_not_found() => Ok(Tags::new()),
            Err(e) => Err(e),
        }
    }

    async fn set_glue_tags(
        &self,
        kind: &str,
        name: &str,
        have: &Tags,
        want: &Tags,
    ) -> Result<(), AwsError> {
        let arn = glue_tags::arn(self.ctx, kind, name);
        glue_tags::change(self.ctx, &arn, &tags::delta(have, want)).await
    }

    async fn observe_script(&self, name: &str) -> Result<Option<Spec>, AwsError> {
        let (bucket, key) = bucket_key(name);
        let (hash, found) =
            futures::join!(self.script_hash(name), objects::tags(self.ctx, bucket, key),);
        Ok(match (hash?, found?) {
            (Some(h), tags) => Some(Spec::JobScript {
                sha256: h.sha256,
                tags: tags.unwrap_or_default(),
            }),
            (None, _) => None,
        })
    }

    async fn put_script(&self, name: &str, sha256: &str, tags: &Tags) -> Result<(), OpError> {
        let (bucket, key) = bucket_key(name);
        let Some(body) = self.bodies.get(name) else {
            return Err(OpError::Refused {
                summary: "Script not read".into(),
                detail: format!(
                    "The file for s3://{name} was not read before the upload; this is a bug in the provider."
                ),
            });
        };
        let etag = objects::put(
            self.ctx,
            bucket,
            key,
            body,
            sha256,
            crate::model::job::extra_files::content_type(key),
            tags,
        )
        .await?;
        let hash = ContentHash {
            sha256: sha256.to_string(),
            etag,
        };
        self.uploaded
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_string(), hash);
        Ok(())
    }
}

#[async_trait]
impl Backend for JobBackend<'_> {
    /// The read set: the job and its tags, the trigger, and each script's hash (its ETag
    /// from a listing when the hash is known, else HeadObject) and tags, together; the
    /// trigger's tags only once the trigger was found (most jobs have no schedule, and the
    /// call would only answer "not found"). Reads go through the batches (`aws::coalesce`).
    async fn observe(&self) -> Result<BTreeMap<ChildKey, Spec>, AwsError> {
        let trigger_and_tags = async {
            match triggers::get(self.ctx, self.trigger).await? {
                Some(t) => Ok(Some((t, self.glue_tags("trigger", self.trigger).await?))),
                None => Ok(None),
            }
        };
        let (job, job_tags, trigger, scripts) = futures::join!(
            jobs::get(self.ctx, self.job),
            self.glue_tags("job", self.job),
            trigger_and_tags,
            futures::future::join_all(
                self.scripts
                    .iter()
                    .map(|s| async move { self.observe_script(s).await.map(|o| (s.clone(), o)) })
            ),
        );
        let mut out = BTreeMap::new();
        // A job that is gone makes its tags moot (GetTags of a deleted job may fail).
        if let Some(job) = job? {
            out.insert(
                ChildKey::top(Kind::GlueJob, self.job),
                Spec::ObservedGlueJob {
                    job,
                    tags: job_tags?,
                },
            );
        }
        let trigger: Result<_, AwsError> = trigger;
        if let Some((trigger, tags)) = trigger? {
            out.insert(
                ChildKey::new(Kind::JobTrigger, self.job, self.trigger),
                Spec::ObservedJobTrigger { trigger, tags },
            );
        }
        for r in scripts {
            let (name, spec) = r?;
            if let Some(spec) = spec {
                out.insert(ChildKey::new(Kind::JobScript, self.job, &name), spec);
            }
        }
        Ok(out)
    }

    async fn create(&self, child: &Child) -> Result<(), OpError> {
        match &child.spec {
            // CreateJob retries while a new role propagates.
            Spec::GlueJob { job, tags } => {
                jobs::create(self.ctx, job, tags).await.map_err(conflict)
            }
            Spec::JobTrigger { trigger } => {
                triggers::create(self.ctx, trigger).await.map_err(conflict)
            }
            Spec::JobScript { sha256, tags } => {
                self.put_script(&child.key.name, sha256, tags).await
            }
            _ => Err(unexpected()),
        }
    }

    async fn update(&self, child: &Child, observed: Option<&Spec>) -> Result<(), OpError> {
        let key = &child.key;
        match &child.spec {
            Spec::GlueJob { job, tags } => {
                let (seen, have) = match observed {
                    Some(Spec::ObservedGlueJob { job, tags }) => (Some(job), tags.clone()),
                    _ => (None, self.glue_tags("job", &key.name).await?),
                };
                if !seen.is_some_and(|s| s.matches(job)) {
                    jobs::update(self.ctx, job).await?;
                }
                self.set_glue_tags("job", &key.name, &have, tags).await?;
                Ok(())
            }
            Spec::JobTrigger { trigger } => {
                let seen = match observed {
                    Some(Spec::ObservedJobTrigger { trigger, tags }) => {
                        Some((trigger.clone(), tags.clone()))
                    }
                    _ => None,
                };
                let mut have = match &seen {
                    Some((_, t)) => t.clone(),
                    None => self.glue_tags("trigger", &key.name).await?,
                };
                let found = match &seen {
                    Some((t, _)) => Some(t.clone()),
                    None => triggers::get(self.ctx, &key.name).await?,
                };
                // Paused or resumed: StartTrigger or StopTrigger. A trigger's type and
                // schedule cannot all be changed in place: replaced.
                if let Some(t) = found.as_ref().filter(|t| t.same_definition(trigger)) {
                    if t.activated != trigger.enabled {
                        triggers::set_active(self.ctx, &key.name, trigger.enabled).await?;
                    }
                } else {
                    match triggers::delete(self.ctx, &key.name).await {
                        Err(e) if !e.is_not_found() => return Err(e.into()),
                        _ => {}
                    }
                    triggers::create(self.ctx, trigger).await?;
                    have = self.glue_tags("trigger", &key.name).await?;
                }
                self.set_glue_tags("trigger", &key.name, &have, &trigger.tags)
                    .await?;
                Ok(())
            }
            Spec::JobScript { sha256, tags } => {
                let current = match observed {
                    Some(Spec::JobScript { sha256: h, .. }) => h == sha256,
                    _ => false,
                };
                if current {
                    let (bucket, k) = bucket_key(&key.name);
                    objects::put_tags(self.ctx, bucket, k, tags).await?;
                    Ok(())
                } else {
                    self.put_script(&key.name, sha256, tags).await
                }
            }
            _ => Err(unexpected()),
        }
    }

    async fn delete(
        &self,
        key: &ChildKey,
        _spec: Option<&Spec>,
        _force: bool,
    ) -> Result<(), OpError> {
        let r = match key.kind {
            Kind::GlueJob => jobs::delete(self.ctx, &key.name).await,
            Kind::JobTrigger => triggers::delete(self.ctx, &key.name).await,
            Kind::JobScript => {
                let (bucket, k) = bucket_key(&key.name);
                objects::delete(self.ctx, bucket, k).await
            }
            _ => return Err(unexpected()),
        };
        r.map_err(OpError::from)
    }

    async fn tags(&self, key: &ChildKey) -> Result<Tags, AwsError> {
        match key.kind {
            Kind::GlueJob => self.glue_tags("job", &key.name).await,
            Kind::JobTrigger => self.glue_tags("trigger", &key.name).await,
            Kind::JobScript => {
                let (bucket, k) = bucket_key(&key.name);
                Ok(objects::tags(self.ctx, bucket, k)
                    .await?
                    .unwrap_or_default())
            }
            _ => Ok(Tags::new()),
        }
    }

    /// A job's children hold no data of their own (the script is the resource's upload).
    async fn holds_data(&self, _key: &ChildKey) -> Result<Option<String>, AwsError> {
        Ok(None)
    }
}

fn unexpected() -> OpError {
    OpError::Refused {
        summary: "Unexpected child".into(),
        detail: "A job has no child of this kind. This is a bug in the provider.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_names_split_at_the_first_slash() {
        assert_eq!(bucket_key("b/scripts/x.py"), ("b", "scripts/x.py"));
        assert_eq!(bucket_key("b"), ("b", ""));
    }
}
