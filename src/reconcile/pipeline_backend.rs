//! The [`Backend`] for a pipeline's children: each kind (bucket and its sub-configurations,
//! catalog database, role and its policies) mapped to its `crate::aws` get, create, update
//! and delete. It decides nothing the engine decides (ownership, order, lost answers).

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::alerts_backend::Alerts;
use super::engine::{Backend, OpError};
use crate::aws::glue::databases;
use crate::aws::iam;
use crate::aws::s3::{buckets, lifecycle};
use crate::aws::{AwsContext, AwsError, ErrorKind};
use crate::model::children::{Child, ChildKey, Kind, Spec, Status};
use crate::model::pipeline::{self as model, compared_tags, Desired, Observed, INLINE_POLICY_NAME};
use crate::model::tags::{self, Tags};

pub struct PipelineBackend<'a> {
    pub ctx: &'a AwsContext,
    pub desired: &'a Desired,
    /// The children of the configuration the state last applied: its alerts are read
    /// too, so those the configuration dropped are found and deleted.
    pub previous: &'a [Child],
    /// `desired` is what the state recorded (a refresh): a batched tag answer that gives
    /// its tags is taken without the object's own tag read (see `aws::tagging`). Never
    /// on apply, where a stale index must not hide a change to make.
    pub refresh: bool,
}

impl PipelineBackend<'_> {
    fn alerts(&self) -> Alerts<'_> {
        Alerts {
            ctx: self.ctx,
            wanted: &self.desired.children,
            previous: self.previous,
            recorded: self.refresh.then_some(self.desired),
        }
    }

    /// The tags the state recorded for the top-level child `kind` `name` (refresh only).
    fn recorded_tags(&self, kind: Kind, name: &str) -> Option<&Tags> {
        if !self.refresh {
            return None;
        }
        self.desired.child(&ChildKey::top(kind, name))?.spec.tags()
    }

    /// [`read`](Self::read), and the documents of every inline policy of the role besides
    /// the pipeline's (GetRolePolicy each): an import reads them back into
    /// `inline_policies`, so adopting a role keeps them.
    pub async fn read_for_import(&self) -> Result<Observed, AwsError> {
        let mut observed = self.read().await?;
        if let Some(r) = observed.role.as_mut() {
            let others: Vec<String> = r
                .inline_policy_names
                .iter()
                .filter(|n| *n != INLINE_POLICY_NAME)
                .cloned()
                .collect();
            r.other_policies = iam::policy_documents(self.ctx, &self.desired.role, &others).await?;
        }
        Ok(observed)
    }

    /// Reads every child concurrently. The read set per child:
    /// - bucket: GetBucketEncryption, GetPublicAccessBlock, GetBucketPolicy,
    ///   GetBucketLifecycleConfiguration, and GetBucketOwnershipControls on a created one
    ///   (only created buckets manage it); its tags from the tagging batch on a refresh
    ///   when it gives what the state recorded, else GetBucketTagging. Encryption and the
    ///   public access block are read, not assumed from S3's defaults for new buckets:
    ///   drift of either is what the pipeline exists to catch;
    /// - database: GetDatabase, and its tags as a bucket's (else GetTags);
    /// - role: GetRole (with its tags), GetRolePolicy for the pipeline's inline policy and
    ///   each one `inline_policies` names, ListRolePolicies (extra inline policies) and
    ///   ListAttachedRolePolicies (more when the lists run over a page);
    /// - alerts: see [`Alerts::read`].
    pub async fn read(&self) -> Result<Observed, AwsError> {
        let (ctx, d) = (self.ctx, self.desired);
        let reads = futures::future::join_all(d.buckets.iter().map(|b| async move {
            let want = self.recorded_tags(Kind::Bucket, &b.name);
            // An adopted bucket's owner keeps their tags: only ours are compared.
            let agrees = want.map(|want| move |t: &Tags| compared_tags(d, b.create, t) == *want);
            buckets::read(ctx, &b.name, b.create, agrees.as_ref().map(|f| f as _))
                .await
                .map(|o| (b.name.clone(), o))
        }));
        let alerts = self.alerts();
        let others = d.other_inline_policies();
        let (bs, db, role, alerts) = futures::join!(
            reads,
            databases::read(
                ctx,
                &d.database,
                self.recorded_tags(Kind::GlueDatabase, &d.database)
            ),
            iam::read(ctx, &d.role, INLINE_POLICY_NAME, &others),
            alerts.read(),
        );
        Ok(Observed {
            buckets: bs.into_iter().collect::<Result<_, _>>()?,
            database: db?,
            role: role?,
            alerts: alerts?,
        })
    }

    async fn create_bucket(&self, name: &str, tags: &Tags) -> Result<(), OpError> {
        match buckets::create(self.ctx, name).await {
            Ok(()) => {}
            Err(e) if buckets::already_owned(&e) => return Err(OpError::Exists(e)),
            Err(e) => return Err(e.into()),
        }
        // The bucket exists: a failed tagging leaves it `differs: tags`, so state records
        // it and the next apply tags it, instead of leaving it orphaned.
        buckets::put_tags(self.ctx, name, tags, true)
            .await
            .map_err(|error| OpError::Failed {
                error,
                left: Some(Status::Differs("tags".into())),
            })
    }

    /// Removes from an adopted bucket what the pipeline added that could affect its
    /// users: its lifecycle rules, its policy statement and its tags. Encryption and the
    /// public access block stay on (turning them off could expose data); the bucket and
    /// its objects stay. A bucket that no longer exists has nothing left to release.
    async fn release(&self, bucket: &str) -> Result<(), AwsError> {
        let ctx = self.ctx;
        if !buckets::exists(ctx, bucket).await? {
            return Ok(());
        }
        let gone = |r: Result<(), AwsError>| match r {
            Err(e) if buckets::no_such_bucket(&e) => Ok(true),
            other => other.map(|()| false),
        };
        if gone(lifecycle::put_lifecycle_rules(ctx, bucket, &[]).await)?
            || gone(buckets::put_policy_statements(ctx, bucket, &[], false).await)?
        {
            return Ok(());
        }
        let keys: Vec<String> = self.desired.tags.keys().cloned().collect();
        gone(buckets::remove_tags(ctx, bucket, &keys).await).map(|_| ())
    }

    /// Brings an existing role to `child`: trust policy, permissions boundary and tags, each
    /// only when `observed` (the refresh's read) shows it differs. Without `observed` (a
    /// create whose answer was lost) the trust policy is written again and a wanted
    /// boundary set; the role was created with both, so nothing is removed. A role under
    /// another path cannot be moved (IAM has no such call): refused with advice.
    async fn update_role(
        &self,
        role: &str,
        child: &Child,
        observed: Option<&Spec>,
    ) -> Result<(), OpError> {
        let ctx = self.ctx;
        let Spec::Role {
            trust_policy,
            path,
            permissions_boundary,
            tags,
        } = &child.spec
        else {
            return Err(OpError::Refused {
                summary: "Unexpected child".into(),
                detail: "The role's spec is not a role. This is a bug in the provider.".into(),
            });
        };
        let have = match observed {
            Some(Spec::Role {
                trust_policy,
                path,
                permissions_boundary,
                tags,
            }) => Some((trust_policy, path, permissions_boundary, tags)),
            _ => None,
        };
        if let Some((_, have_path, _, _)) = have {
            if have_path != path {
                return Err(OpError::Refused {
                    summary: "The role is under another IAM path".into(),
                    detail: format!(
                        "The role {role:?} exists under the path {have_path:?}, and the configuration wants {path:?}. IAM cannot move a role to another path, and the provider does not delete and re-create it on its own (jobs and crawlers use it). Set `role.path = {have_path:?}`, or delete the role and apply again."
                    ),
                });
            }
        }
        if have.map(|h| h.0) != Some(trust_policy) {
            iam::put_trust_policy(ctx, role, trust_policy).await?;
        }
        match (permissions_boundary, have.map(|h| h.2)) {
            (Some(want), Some(Some(h))) if h == want => {}
            (Some(want), _) => iam::put_permissions_boundary(ctx, role, want).await?,
            (None, Some(Some(_))) => iam::delete_permissions_boundary(ctx, role).await?,
            (None, _) => {}
        }
        let have_tags = have.map(|h| h.3.clone()).unwrap_or_default();
        iam::change_tags(ctx, role, &tags::delta(&have_tags, tags))
            .await
            .map_err(OpError::from)
    }

    async fn delete_bucket(&self, name: &str, force: bool) -> Result<(), AwsError> {
        let ctx = self.ctx;
        if force {
            // The policy goes first (the bucket's policy is the pipeline's), so no Deny
            // stands between the provider and the objects it deletes. A bucket already
            // gone (a destroy that stopped partway deleted it) is done.
            match buckets::put_policy_statements(ctx, name, &[], true).await {
                Err(e) if buckets::no_such_bucket(&e) => return Ok(()),
                other => other?,
            }
            buckets::empty(ctx, name).await?;
        }
        buckets::delete(ctx, name).await
    }
}

fn conflict(e: AwsError) -> OpError {
    if e.kind == ErrorKind::Conflict {
        OpError::Exists(e)
    } else {
        e.into()
    }
}

#[async_trait]
impl Backend for PipelineBackend<'_> {
    async fn observe(&self) -> Result<BTreeMap<ChildKey, Spec>, AwsError> {
        Ok(model::observed_children(self.desired, &self.read().await?))
    }

    async fn create(&self, child: &Child) -> Result<(), OpError> {
        if child.key.kind.is_alert() {
            return self.alerts().create(child).await;
        }
        let (ctx, key) = (self.ctx, &child.key);
        match &child.spec {
            Spec::Bucket { create: true, tags } => self.create_bucket(&key.name, tags).await,
            Spec::Bucket { create: false, .. } => Err(OpError::Refused {
                summary: "Adopted bucket does not exist".into(),
                detail: format!(
                    "The bucket {:?} has `create = false`, so the pipeline configures it but never creates it, and it does not exist (or is not visible to these credentials). Create it, or set `create = true`.",
                    key.name
                ),
            }),
            Spec::Database { description, tags } => {
                databases::create(ctx, &key.name, description.as_deref(), tags)
                    .await
                    .map_err(conflict)
            }
            Spec::Role {
                trust_policy,
                path,
                permissions_boundary,
                tags,
            } => {
                let new = iam::NewRole {
                    name: &key.name,
                    path,
                    trust_policy,
                    permissions_boundary: permissions_boundary.as_deref(),
                    tags,
                };
                iam::create(ctx, &new).await.map_err(conflict)
            }
            _ => self.update(child, None).await,
        }
    }

    async fn update(&self, child: &Child, observed: Option<&Spec>) -> Result<(), OpError> {
        if child.key.kind.is_alert() {
            return self.alerts().update(child, observed).await;
        }
        let (ctx, key) = (self.ctx, &child.key);
        let r = match &child.spec {
            Spec::Bucket { create, tags } => buckets::put_tags(ctx, &key.name, tags, *create).await,
            Spec::Encryption { sse, kms_key_arn } => {
                buckets::put_encryption(ctx, &key.owner, sse, kms_key_arn.as_deref()).await
            }
            // Only a bucket without default encryption is written: SSE-S3.
            Spec::EncryptionKept => {
                buckets::put_encryption(ctx, &key.owner, model::SSE_S3, None).await
            }
            Spec::OwnershipControls { object_ownership } => {
                buckets::put_ownership_controls(ctx, &key.owner, object_ownership).await
            }
            Spec::PublicAccessBlock { .. } => {
                buckets::put_public_access_block(ctx, &key.owner).await
            }
            Spec::BucketPolicy { statements } => {
                let whole = self
                    .desired
                    .buckets
                    .iter()
                    .any(|b| b.name == key.owner && b.create);
                buckets::put_policy_statements(ctx, &key.owner, statements, whole).await
            }
            Spec::Lifecycle { rules } => {
                lifecycle::put_lifecycle_rules(ctx, &key.owner, rules).await
            }
            Spec::Database { description, tags } => {
                let (differs, have) = match observed {
                    Some(Spec::Database {
                        description: d,
                        tags: t,
                    }) => (d != description, t.clone()),
                    _ => (true, Tags::new()),
                };
                let delta = tags::delta(&have, tags);
                databases::update(ctx, &key.name, description.as_deref(), differs, &delta).await
            }
            Spec::Role { .. } => return self.update_role(&key.name, child, observed).await,
            Spec::RolePolicy { document } => {
                iam::put_inline_policy(ctx, &key.owner, &key.name, document).await
            }
            Spec::Attachment => iam::attach(ctx, &key.owner, &key.name).await,
            // Another resource's kind: never among a pipeline's children.
            _ => {
                return Err(OpError::Refused {
                    summary: "Unexpected child".into(),
                    detail: "A pipeline has no child of this kind. This is a bug in the provider."
                        .into(),
                })
            }
        };
        r.map_err(OpError::from)
    }

    async fn delete(
        &self,
        key: &ChildKey,
        spec: Option<&Spec>,
        force: bool,
    ) -> Result<(), OpError> {
        if key.kind.is_alert() {
            return self.alerts().delete(key, spec).await;
        }
        let ctx = self.ctx;
        let r = match key.kind {
            Kind::IamRolePolicyAttachment => iam::detach(ctx, &key.owner, &key.name).await,
            // An inline policy the configuration does not want (the pipeline's own goes
            // with the role).
            Kind::IamRolePolicy => iam::delete_inline_policy(ctx, &key.owner, &key.name).await,
            Kind::GlueDatabase => databases::delete(ctx, &key.name).await,
            Kind::IamRole => iam::delete(ctx, &key.name).await,
            Kind::Bucket => match spec {
                Some(Spec::Bucket { create: false, .. }) => self.release(&key.name).await,
                _ => self.delete_bucket(&key.name, force).await,
            },
            _ => {
                return Err(OpError::Refused {
                    summary: "Unexpected deletion".into(),
                    detail: "The provider planned to delete this child on its own, which it never does: its parent's deletion removes it. This is a bug in the provider.".into(),
                })
            }
        };
        r.map_err(OpError::from)
    }

    async fn tags(&self, key: &ChildKey) -> Result<Tags, AwsError> {
        if key.kind.is_alert() {
            return self.alerts().tags(key).await;
        }
        let ctx = self.ctx;
        Ok(match key.kind {
            Kind::Bucket => buckets::current_tags(ctx, &key.name).await?,
            Kind::GlueDatabase => databases::read(ctx, &key.name, None)
                .await?
                .map(|d| d.tags)
                .unwrap_or_default(),
            Kind::IamRole => iam::read(ctx, &key.name, INLINE_POLICY_NAME, &[])
                .await?
                .map(|r| r.tags)
                .unwrap_or_default(),
            _ => Tags::new(),
        })
    }

    async fn holds_data(&self, key: &ChildKey) -> Result<Option<String>, AwsError> {
        let ctx = self.ctx;
        match key.kind {
            // Tables nothing in Terraform may have created (Athena CTAS results, views,
            // crawled tables), which Glue deletes with the database.
            Kind::GlueDatabase => {
                let (count, names) = databases::tables(ctx, &key.name, 5).await?;
                Ok((count > 0).then(|| {
                    format!(
                        "force_destroy: the Glue database {:?} holds {count} table{} ({}{}), and deleting the database deletes {}, so nothing was deleted. Move or drop the tables, or set `force_destroy = true` and apply before destroying.",
                        key.name,
                        if count == 1 { "" } else { "s" },
                        names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", "),
                        if count > names.len() { ", ..." } else { "" },
                        if count == 1 { "it" } else { "them" },
                    )
                }))
            }
            Kind::Bucket => Ok((!buckets::is_empty(ctx, &key.name).await?).then(|| {
                format!(
                    "force_destroy: the pipeline created the bucket {:?} and it still holds objects, so nothing was deleted. Move or delete the data, or set `force_destroy = true` and apply before destroying (that deletes every object and version).",
                    key.name
                )
            })),
            _ => Ok(None),
        }
    }
}
