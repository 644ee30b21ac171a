//! What was read from AWS, as children keyed like the desired ones.

use super::*;

/// A bucket as read from S3, reduced to what the pipeline manages. `None` fields: not
/// configured on the bucket.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObservedBucket {
    pub tags: Tags,
    pub encryption: Option<(String, Option<String>)>,
    pub public_access_block: Option<[bool; 4]>,
    /// Every statement of the bucket policy, normalised.
    pub policy_statements: Option<Vec<Value>>,
    /// Object Ownership, when it was read (only on buckets the pipeline creates).
    pub object_ownership: Option<String>,
    /// The pipeline's rules (ID starts with [`RULE_PREFIX`]).
    pub lifecycle_rules: Option<Vec<LifecycleRule>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObservedRole {
    pub arn: String,
    /// The IAM path (`/` unless the role was created under another).
    pub path: String,
    pub trust_policy: Value,
    /// The permissions boundary's policy ARN, when the role has one.
    pub permissions_boundary: Option<String>,
    pub tags: Tags,
    /// The pipeline's inline policy, when present.
    pub inline_policy: Option<Value>,
    /// The names of every inline policy the role has (ListRolePolicies), the pipeline's
    /// own included.
    pub inline_policy_names: BTreeSet<String>,
    /// The documents of the other inline policies the configuration names (`inline_policies`),
    /// those that exist; the rest are known by name only.
    pub other_policies: BTreeMap<String, Value>,
    pub attached: BTreeSet<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObservedDatabase {
    pub description: Option<String>,
    pub tags: Tags,
}

/// An SNS topic as read: tags, policy, email subscriptions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObservedTopic {
    /// Whether the pipeline created it (then its whole policy and every email
    /// subscription are the pipeline's).
    pub created: bool,
    pub tags: Tags,
    /// The policy document, parsed (`None`: none, or not JSON).
    pub policy: Option<Value>,
    /// Email subscriptions: address (lowercased) to subscription ARN, `None` while pending.
    pub subscriptions: BTreeMap<String, Option<String>>,
}

/// A rule's target as read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObservedTarget {
    pub arn: String,
    pub input_paths: BTreeMap<String, String>,
    pub input_template: String,
}

/// An EventBridge rule as read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObservedRule {
    /// The event pattern, parsed (`Null` when it is not JSON).
    pub pattern: Value,
    pub description: String,
    pub enabled: bool,
    pub tags: Tags,
    pub targets: BTreeMap<String, ObservedTarget>,
}

/// The alert objects read, by topic ARN and rule name (`None`: it does not exist).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObservedAlerts {
    pub topics: BTreeMap<String, Option<ObservedTopic>>,
    pub rules: BTreeMap<String, Option<ObservedRule>>,
    /// Bucket size alarms, by alarm name.
    pub alarms: BTreeMap<String, Option<crate::model::alarm::SizeAlarm>>,
    /// Budgets, by account and name.
    pub budgets: BTreeMap<(String, String), Option<crate::model::budget::Budget>>,
    /// Dashboards, by name.
    pub dashboards: BTreeMap<String, Option<crate::model::dashboard::Dashboard>>,
}

/// Everything read for one pipeline (`None`: the object does not exist).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observed {
    pub buckets: BTreeMap<String, Option<ObservedBucket>>,
    pub database: Option<ObservedDatabase>,
    pub role: Option<ObservedRole>,
    pub alerts: ObservedAlerts,
}

/// The tags compared with the configuration's: all of them on an object the pipeline
/// created (`whole`); on one it uses without owning (an adopted bucket, an existing
/// topic), only the configuration's keys and `flywheel:` ones, the owner's others being
/// theirs.
pub fn compared_tags(d: &Desired, whole: bool, tags: &Tags) -> Tags {
    tags.iter()
        .filter(|(k, _)| whole || d.tags.contains_key(*k) || k.starts_with("flywheel:"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Observed children as specs, keyed like the desired ones. Attachments and inline
/// policies not in `desired` appear too: the role is the pipeline's, so they are extra, and
/// get detached or deleted. Only the pipeline's own inline policy is read; the others are
/// known by name ([`Spec::UnwantedRolePolicy`]).
pub fn observed_children(d: &Desired, o: &Observed) -> BTreeMap<ChildKey, Spec> {
    let mut out = BTreeMap::new();
    for b in &d.buckets {
        let Some(Some(ob)) = o.buckets.get(&b.name) else {
            continue;
        };
        let name = &b.name;
        let tags = compared_tags(d, b.create, &ob.tags);
        out.insert(
            ChildKey::top(Kind::Bucket, name),
            Spec::Bucket {
                create: b.create,
                tags,
            },
        );
        let sub = |kind| ChildKey::new(kind, name, name);
        if let Some((sse, key)) = &ob.encryption {
            out.insert(
                sub(Kind::BucketEncryption),
                Spec::Encryption {
                    sse: sse.clone(),
                    kms_key_arn: key.clone(),
                },
            );
        }
        if let Some(flags) = ob.public_access_block {
            out.insert(
                sub(Kind::BucketPublicAccessBlock),
                Spec::PublicAccessBlock { flags },
            );
        }
        // A created bucket's whole policy is the pipeline's; an adopted bucket's owner
        // keeps their statements, and only ours (Sid prefix) are compared.
        let statements: Vec<Value> = ob
            .policy_statements
            .iter()
            .flatten()
            .filter(|st| {
                b.create
                    || st
                        .get("Sid")
                        .and_then(Value::as_str)
                        .is_some_and(|sid| sid.starts_with(SID_PREFIX))
            })
            .cloned()
            .collect();
        if !statements.is_empty() {
            out.insert(sub(Kind::BucketPolicy), Spec::BucketPolicy { statements });
        }
        if let Some(o) = &ob.object_ownership {
            out.insert(
                sub(Kind::BucketOwnershipControls),
                Spec::OwnershipControls {
                    object_ownership: o.clone(),
                },
            );
        }
        if let Some(rules) = ob.lifecycle_rules.as_ref().filter(|r| !r.is_empty()) {
            let mut rules = rules.clone();
            rules.sort();
            out.insert(sub(Kind::BucketLifecycle), Spec::Lifecycle { rules });
        }
    }
    if let Some(db) = &o.database {
        out.insert(
            ChildKey::top(Kind::GlueDatabase, &d.database),
            Spec::Database {
                description: db.description.clone().filter(|x| !x.is_empty()),
                tags: db.tags.clone(),
            },
        );
    }
    if let Some(r) = &o.role {
        out.insert(
            ChildKey::top(Kind::IamRole, &d.role),
            Spec::Role {
                trust_policy: policy::normalize(&r.trust_policy),
                path: r.path.clone(),
                permissions_boundary: r.permissions_boundary.clone(),
                tags: r.tags.clone(),
            },
        );
        for name in r
            .inline_policy_names
            .iter()
            .filter(|n| *n != INLINE_POLICY_NAME)
        {
            let spec = match r.other_policies.get(name) {
                Some(doc) => Spec::RolePolicy {
                    document: policy::normalize(doc),
                },
                None => Spec::UnwantedRolePolicy,
            };
            out.insert(ChildKey::new(Kind::IamRolePolicy, &d.role, name), spec);
        }
        if let Some(doc) = &r.inline_policy {
            out.insert(
                ChildKey::new(Kind::IamRolePolicy, &d.role, INLINE_POLICY_NAME),
                Spec::RolePolicy {
                    document: policy::normalize(doc),
                },
            );
        }
        for arn in &r.attached {
            out.insert(
                ChildKey::new(Kind::IamRolePolicyAttachment, &d.role, arn),
                Spec::Attachment,
            );
        }
    }
    observed_alerts(d, &o.alerts, &mut out);
    out
}

/// The alert objects as children. A topic the pipeline created is wholly its own: every
/// statement of its policy and every email subscription is compared. An existing topic
/// keeps its owner's statements and subscriptions: only the pipeline's (Sid prefix,
/// wanted addresses) are.
fn observed_alerts(d: &Desired, o: &ObservedAlerts, out: &mut BTreeMap<ChildKey, Spec>) {
    for (arn, t) in &o.topics {
        let Some(t) = t else { continue };
        let tags = compared_tags(d, t.created, &t.tags);
        out.insert(
            ChildKey::top(Kind::SnsTopic, arn),
            Spec::SnsTopic {
                create: t.created,
                tags,
            },
        );
        let statements: Vec<Value> = t
            .policy
            .as_ref()
            .map(|p| {
                if t.created {
                    policy::statements(p)
                } else {
                    policy::split_by_sid(p, TOPIC_SID_PREFIX).0
                }
            })
            .unwrap_or_default()
            .iter()
            .map(policy::normalize)
            .collect();
        if !statements.is_empty() {
            out.insert(
                ChildKey::new(Kind::SnsTopicPolicy, arn, arn),
                Spec::TopicPolicy { statements },
            );
        }
        for (email, sub) in &t.subscriptions {
            let key = ChildKey::new(Kind::SnsSubscription, arn, email);
            if t.created || d.child(&key).is_some() {
                out.insert(key, Spec::Subscription { arn: sub.clone() });
            }
        }
    }
    for (name, a) in &o.alarms {
        if let Some(a) = a {
            out.insert(
                ChildKey::top(Kind::MetricAlarm, name),
                Spec::MetricAlarm(a.clone()),
            );
        }
    }
    for ((account, name), b) in &o.budgets {
        if let Some(b) = b {
            out.insert(
                ChildKey::new(Kind::Budget, account, name),
                Spec::Budget(b.clone()),
            );
        }
    }
    for (name, d) in &o.dashboards {
        if let Some(d) = d {
            out.insert(
                ChildKey::top(Kind::Dashboard, name),
                Spec::Dashboard(d.clone()),
            );
        }
    }
    for (name, r) in &o.rules {
        let Some(r) = r else { continue };
        out.insert(
            ChildKey::top(Kind::EventRule, name),
            Spec::EventRule {
                pattern: r.pattern.clone(),
                description: r.description.clone(),
                enabled: r.enabled,
                tags: r.tags.clone(),
            },
        );
        for (id, t) in &r.targets {
            out.insert(
                ChildKey::new(Kind::EventTarget, name, id),
                Spec::EventTarget {
                    arn: t.arn.clone(),
                    input_paths: t.input_paths.clone(),
                    input_template: t.input_template.clone(),
                },
            );
        }
    }
}
