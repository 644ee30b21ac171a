//! The expansion: settings in, every child the pipeline manages out, with tags, lifecycle
//! rules and the Glue role's trust policy, least-privilege inline policy and attachments.

use super::*;

/// A bucket as the expansion sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Bucket {
    pub role: BucketRole,
    pub name: String,
    pub arn: String,
    pub create: bool,
    /// Prefixes the role may read and write; empty: the whole bucket.
    pub object_prefixes: Vec<String>,
}

/// Everything a pipeline expands into.
#[derive(Clone, Debug, PartialEq)]
pub struct Desired {
    pub name: String,
    /// The import ID (also the resource's `id`), for advice in errors.
    pub import_id: String,
    pub buckets: Vec<Bucket>,
    pub database: String,
    pub role: String,
    pub role_arn: String,
    pub tags: Tags,
    /// Every child, parents before their children.
    pub children: Vec<Child>,
}

impl Desired {
    pub fn child(&self, key: &ChildKey) -> Option<&Child> {
        self.children.iter().find(|c| &c.key == key)
    }

    /// The role's inline policies the configuration names besides the pipeline's own:
    /// their documents are read (the others are known by name only).
    pub fn other_inline_policies(&self) -> Vec<String> {
        self.children
            .iter()
            .filter(|c| c.key.kind == Kind::IamRolePolicy && c.key.name != INLINE_POLICY_NAME)
            .map(|c| c.key.name.clone())
            .collect()
    }
}

/// Tags on every taggable child: provider defaults, the resource's tags, and ownership.
pub fn effective_tags(s: &Settings, default_tags: &Tags) -> Tags {
    let mut t = tags::effective(default_tags, &Tags::new(), &s.tags);
    t.insert(PIPELINE_TAG.into(), s.name.clone());
    if let Some(o) = &s.owner_id {
        t.extend(ownership::owner_tags(o, None));
    }
    t
}

/// The tags jobs and crawlers inherit through `context`: the resource's tags, the pipeline
/// tag and the pipeline's identity (they add the provider's default tags and their own
/// identity themselves).
pub fn context_tags(s: &Settings) -> Tags {
    let mut t = s.tags.clone();
    t.insert(PIPELINE_TAG.into(), s.name.clone());
    if let Some(o) = &s.owner_id {
        t.insert(ownership::PIPELINE_OWNER_TAG.into(), o.clone());
    }
    t
}

/// The expiries a bucket would have with no `expire_prefixes`. Defaults that delete
/// objects apply to buckets the pipeline creates; an adopted bucket's data expires only
/// where the configuration says so (`temporary/` excepted, as before: Glue's own scratch
/// space).
pub fn default_expiry(role: BucketRole, created: bool) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    match role {
        BucketRole::Assets => {
            out.insert(TEMP_PREFIX.into(), DEFAULT_TEMP_EXPIRY_DAYS);
            if created {
                out.insert(SPARK_LOGS_PREFIX.into(), DEFAULT_SPARK_LOGS_EXPIRY_DAYS);
            }
        }
        BucketRole::Analysis if created => {
            out.extend(DEFAULT_ANALYSIS_EXPIRY.map(|(p, d)| (p.to_string(), d)));
        }
        _ => {}
    }
    out
}

/// Prefix to days for every expiry rule: on the assets bucket the defaults overlaid by
/// `expire_prefixes`; on the analysis bucket `expire_prefixes` replaces its defaults.
pub fn expiry(cfg: &BucketSettings, role: BucketRole) -> BTreeMap<String, i64> {
    let defaults = default_expiry(role, cfg.create.unwrap_or(true));
    if role == BucketRole::Analysis && !cfg.expire_prefixes.is_empty() {
        return cfg.expire_prefixes.clone();
    }
    let mut out = defaults;
    out.extend(cfg.expire_prefixes.clone());
    out
}

/// What `expire_prefixes` reads back as from a bucket's expiry rules. On the assets bucket,
/// what its defaults ([`default_expiry`]) do not explain; on the analysis bucket, every
/// rule, since any entry replaces its defaults (a configuration that relies on them then
/// plans `expire_prefixes` back to null, with no AWS change).
pub fn expire_prefixes_of(
    read: &BTreeMap<String, i64>,
    role: BucketRole,
    created: bool,
) -> BTreeMap<String, i64> {
    let defaults = default_expiry(role, created);
    match role {
        BucketRole::Analysis => read.clone(),
        _ => read
            .iter()
            .filter(|(p, d)| defaults.get(*p) != Some(*d))
            .map(|(p, d)| (p.clone(), *d))
            .collect(),
    }
}

fn lifecycle_rules(s: &Settings, role: BucketRole) -> Vec<LifecycleRule> {
    let tiering = intelligent_tiering(s.bucket(role), role);
    let expire = expiry(s.bucket(role), role);
    let mut rules = vec![LifecycleRule {
        id: format!("{RULE_PREFIX}abort-incomplete-multipart-uploads"),
        prefix: String::new(),
        expiration_days: None,
        abort_multipart_days: Some(ABORT_MULTIPART_DAYS),
        intelligent_tiering_days: None,
    }];
    if tiering {
        rules.push(LifecycleRule {
            id: format!("{RULE_PREFIX}intelligent-tiering"),
            prefix: String::new(),
            expiration_days: None,
            abort_multipart_days: None,
            intelligent_tiering_days: Some(0),
        });
    }
    for (prefix, days) in expire {
        rules.push(LifecycleRule {
            id: format!("{RULE_PREFIX}expire-{}", prefix.trim_end_matches('/')),
            prefix,
            expiration_days: Some(days),
            abort_multipart_days: None,
            intelligent_tiering_days: None,
        });
    }
    rules.sort();
    rules
}

fn object_arns(partition: &str, bucket: &str, prefixes: &[String]) -> Vec<String> {
    if prefixes.is_empty() {
        vec![format!("{}/*", bucket_arn(partition, bucket))]
    } else {
        prefixes
            .iter()
            .map(|p| format!("{}/{p}*", bucket_arn(partition, bucket)))
            .collect()
    }
}

/// The role's inline policy: least privilege for Glue jobs and crawlers on these buckets
/// and, without the AWSGlueServiceRole attachment (`catalog_database` set), on this
/// pipeline's Data Catalog database.
///
/// - `BucketLocation`: `s3:GetBucketLocation` on the three bucket ARNs.
/// - `ListBuckets`: `s3:ListBucket` on the buckets the role may read as a whole (the assets
///   bucket, and the data and analysis buckets when they have no `prefixes`).
/// - `ListDataPrefixes`, `ListAnalysisPrefixes`: `s3:ListBucket` on a bucket with
///   `prefixes`, only for listings under them (`s3:prefix` like `<prefix>*`). Glue jobs
///   and crawlers list from the paths they are given, never from the bucket root, so the
///   empty (root) prefix is not allowed: a root listing would show every key in the
///   bucket, which is what `prefixes` withholds.
/// - `ReadScripts`: `s3:GetObject` on the assets bucket's `scripts/` (jobs never write
///   their own code).
/// - `DenyScriptWrites`: an explicit Deny of `s3:PutObject` and `s3:DeleteObject` on
///   `scripts/`. The AWSGlueServiceRole attachment allows get, put and delete on every
///   `aws-glue-*` bucket's objects (`arn:aws:s3:::aws-glue-*/*` and
///   `arn:aws:s3:::*/*aws-glue-*/*`), which would otherwise let a job rewrite the scripts
///   in a default-named assets bucket; an explicit Deny wins over any Allow. It stays
///   without the attachment too: a policy in `managed_policy_arns` may allow the same.
/// - `ReadWriteObjects`: get, put and delete objects on the data and analysis buckets
///   (limited to their `prefixes`, when given) and the assets bucket's `temporary/` and
///   `sparkHistoryLogs/`.
/// - `CatalogRead` (only without AWSGlueServiceRole): what crawlers and jobs read from the
///   Data Catalog, on the catalog, this database and its tables (Glue authorises a table
///   action against all three ARNs): `glue:GetDatabase` (a crawler checks its target
///   database; a job resolves a catalog table's database), `glue:GetDatabases` (Spark's Glue
///   catalog client lists databases; the resources limit it to this one), `glue:GetTable`
///   and `glue:GetTables` (a crawler compares what it found with the tables there; a job
///   reads a table's schema and location), `glue:GetPartition`, `glue:GetPartitions` and
///   `glue:BatchGetPartition` (a crawler compares partitions; a job prunes them).
/// - `CatalogWrite` (only without AWSGlueServiceRole): what crawlers (schema change policy
///   `UPDATE_IN_DATABASE`, and `DELETE_FROM_DATABASE` when chosen) and jobs that update the
///   catalog write, on the same three ARNs: `glue:CreateTable`, `glue:UpdateTable`,
///   `glue:DeleteTable`, `glue:CreatePartition`, `glue:BatchCreatePartition`,
///   `glue:UpdatePartition`, `glue:BatchUpdatePartition`, `glue:DeletePartition`,
///   `glue:BatchDeletePartition`. Nothing on the database itself (no `CreateDatabase`,
///   `UpdateDatabase` or `DeleteDatabase`: the pipeline owns it), and nothing in any other
///   database.
/// - `GlueLogs`: CloudWatch Logs on the `/aws-glue/*` log groups of this account and region.
/// - `GlueMetrics`: `cloudwatch:PutMetricData` has no resource-level permissions, so AWS
///   requires `Resource "*"`; the `cloudwatch:namespace = Glue` condition limits it.
/// - `KmsKeys`: only when a bucket uses SSE-KMS, decrypt and generate data keys with
///   exactly those keys.
///
/// Without AWSGlueServiceRole the role also lacks what that policy grants beyond these:
/// `glue:*` on every resource, EC2 network interfaces (Glue connections in a VPC), IAM
/// reads of roles, S3 on every `aws-glue-*` bucket, and `s3:ListAllMyBuckets`. Jobs that
/// use Glue connections or other catalogs need them in `managed_policy_arns`.
pub fn inline_policy(
    env: &Env,
    buckets: &[Bucket],
    kms_keys: &BTreeSet<String>,
    catalog_database: Option<&str>,
) -> Value {
    let p = env.partition.as_str();
    let mut rw = Vec::new();
    let mut scripts = Vec::new();
    for b in buckets {
        match b.role {
            BucketRole::Assets => {
                scripts.extend(object_arns(p, &b.name, &[SCRIPTS_PREFIX.to_string()]));
                rw.extend(object_arns(
                    p,
                    &b.name,
                    &[TEMP_PREFIX.to_string(), SPARK_LOGS_PREFIX.to_string()],
                ));
            }
            _ => rw.extend(object_arns(p, &b.name, &b.object_prefixes)),
        }
    }
    let whole: Vec<String> = buckets
        .iter()
        .filter(|b| b.object_prefixes.is_empty())
        .map(|b| b.arn.clone())
        .collect();
    let mut statements = vec![json!({
        "Sid": "BucketLocation",
        "Effect": "Allow",
        "Action": ["s3:GetBucketLocation"],
        "Resource": buckets.iter().map(|b| b.arn.clone()).collect::<Vec<_>>(),
    })];
    if !whole.is_empty() {
        statements.push(json!({
            "Sid": "ListBuckets",
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": whole,
        }));
    }
    for b in buckets.iter().filter(|b| !b.object_prefixes.is_empty()) {
        let sid = match b.role {
            BucketRole::Data => "ListDataPrefixes",
            BucketRole::Assets => "ListAssetsPrefixes",
            BucketRole::Analysis => "ListAnalysisPrefixes",
        };
        let like: Vec<String> = b.object_prefixes.iter().map(|p| format!("{p}*")).collect();
        statements.push(json!({
            "Sid": sid,
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": [b.arn.clone()],
            "Condition": { "StringLike": { "s3:prefix": like } },
        }));
    }
    statements.extend([
        json!({
            "Sid": "ReadScripts",
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": scripts.clone(),
        }),
        json!({
            "Sid": "DenyScriptWrites",
            "Effect": "Deny",
            "Action": ["s3:DeleteObject", "s3:PutObject"],
            "Resource": scripts,
        }),
        json!({
            "Sid": "ReadWriteObjects",
            "Effect": "Allow",
            "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            "Resource": rw,
        }),
    ]);
    if let Some(db) = catalog_database {
        let catalog = catalog_arns(p, &env.region, &env.account, db);
        statements.extend([
            json!({
                "Sid": CATALOG_READ_SID,
                "Effect": "Allow",
                "Action": [
                    "glue:BatchGetPartition",
                    "glue:GetDatabase",
                    "glue:GetDatabases",
                    "glue:GetPartition",
                    "glue:GetPartitions",
                    "glue:GetTable",
                    "glue:GetTables",
                ],
                "Resource": catalog.clone(),
            }),
            json!({
                "Sid": "CatalogWrite",
                "Effect": "Allow",
                "Action": [
                    "glue:BatchCreatePartition",
                    "glue:BatchDeletePartition",
                    "glue:BatchUpdatePartition",
                    "glue:CreatePartition",
                    "glue:CreateTable",
                    "glue:DeletePartition",
                    "glue:DeleteTable",
                    "glue:UpdatePartition",
                    "glue:UpdateTable",
                ],
                "Resource": catalog,
            }),
        ]);
    }
    statements.extend([
        json!({
            "Sid": "GlueLogs",
            "Effect": "Allow",
            "Action": ["logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [format!("arn:{p}:logs:{}:{}:log-group:/aws-glue/*", env.region, env.account)],
        }),
        json!({
            "Sid": "GlueMetrics",
            "Effect": "Allow",
            "Action": ["cloudwatch:PutMetricData"],
            "Resource": ["*"],
            "Condition": { "StringEquals": { "cloudwatch:namespace": "Glue" } },
        }),
    ]);
    if !kms_keys.is_empty() {
        statements.push(json!({
            "Sid": "KmsKeys",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": kms_keys.iter().cloned().collect::<Vec<_>>(),
        }));
    }
    policy::document(statements)
}

/// The full expansion. The configuration is validated first; this cannot fail.
pub fn expand(s: &Settings, env: &Env) -> Desired {
    let tags = effective_tags(s, &env.default_tags);
    let p = env.partition.as_str();
    let mut buckets = Vec::new();
    let mut children = Vec::new();
    let mut kms_keys = BTreeSet::new();
    for role in BucketRole::ALL {
        let cfg = s.bucket(role);
        let name = bucket_name(s, role);
        let b = Bucket {
            role,
            arn: bucket_arn(p, &name),
            create: cfg.create.unwrap_or(true),
            object_prefixes: if role != BucketRole::Assets {
                cfg.prefixes.clone()
            } else {
                Vec::new()
            },
            name: name.clone(),
        };
        // An adopted bucket is configured, not owned: it never carries the identity, so
        // only a bucket this instance created can prove it (see `create` on the block).
        let mut bucket_tags = tags.clone();
        if !b.create {
            bucket_tags.remove(ownership::OWNER_TAG);
        }
        children.push(Child {
            key: ChildKey::top(Kind::Bucket, &name),
            spec: Spec::Bucket {
                create: b.create,
                tags: bucket_tags,
            },
        });
        let sub = |kind| ChildKey::new(kind, &name, &name);
        if let Some(k) = &cfg.kms_key_arn {
            kms_keys.insert(k.clone());
        }
        children.push(Child {
            key: sub(Kind::BucketEncryption),
            spec: encryption_spec(cfg, b.create),
        });
        children.push(Child {
            key: sub(Kind::BucketPublicAccessBlock),
            spec: Spec::PublicAccessBlock { flags: [true; 4] },
        });
        children.push(Child {
            key: sub(Kind::BucketPolicy),
            spec: Spec::BucketPolicy {
                statements: bucket_policy_statements(
                    p,
                    &name,
                    &role_arn(p, &env.account, &role_path(s), &role_name(s)),
                    &cfg.allowed_principal_arns,
                ),
            },
        });
        // ACLs off on the buckets it creates; an adopted bucket's Object Ownership is its
        // owner's (enforcing it would cut off ACL-based writers and log delivery).
        if b.create {
            children.push(Child {
                key: sub(Kind::BucketOwnershipControls),
                spec: Spec::OwnershipControls {
                    object_ownership: BUCKET_OWNER_ENFORCED.into(),
                },
            });
        }
        children.push(Child {
            key: sub(Kind::BucketLifecycle),
            spec: Spec::Lifecycle {
                rules: lifecycle_rules(s, role),
            },
        });
        buckets.push(b);
    }
    let database = database_name(s);
    children.push(Child {
        key: ChildKey::top(Kind::GlueDatabase, &database),
        spec: Spec::Database {
            description: s.database_description.clone().filter(|d| !d.is_empty()),
            tags: tags.clone(),
        },
    });
    let role = role_name(s);
    let path = role_path(s);
    let trust_policy = if s.confused_deputy_conditions {
        policy::glue_trust_policy_confused_deputy(p, &env.region, &env.account)
    } else {
        policy::glue_trust_policy()
    };
    children.push(Child {
        key: ChildKey::top(Kind::IamRole, &role),
        spec: Spec::Role {
            trust_policy: policy::normalize(&trust_policy),
            path: path.clone(),
            permissions_boundary: s.permissions_boundary.clone(),
            tags: tags.clone(),
        },
    });
    let catalog = (!s.attaches_glue_service_role()).then_some(database.as_str());
    children.push(Child {
        key: ChildKey::new(Kind::IamRolePolicy, &role, INLINE_POLICY_NAME),
        spec: Spec::RolePolicy {
            document: policy::normalize(&inline_policy(env, &buckets, &kms_keys, catalog)),
        },
    });
    for (name, document) in &s.inline_policies {
        children.push(Child {
            key: ChildKey::new(Kind::IamRolePolicy, &role, name),
            // As written: IAM and a later import then hold the user's own form.
            spec: Spec::RolePolicy {
                document: document.clone(),
            },
        });
    }
    let mut arns: BTreeSet<String> = s.managed_policy_arns.iter().cloned().collect();
    if s.attaches_glue_service_role() {
        arns.insert(glue_service_role_arn(p));
    }
    for arn in arns {
        children.push(Child {
            key: ChildKey::new(Kind::IamRolePolicyAttachment, &role, &arn),
            spec: Spec::Attachment,
        });
    }
    if let Some(a) = &s.alerts {
        children.extend(alert_children(s, a, env, &tags));
    }
    Desired {
        name: s.name.clone(),
        import_id: import_id(s),
        role_arn: role_arn(p, &env.account, &path, &role),
        buckets,
        database,
        role,
        tags,
        children,
    }
}
