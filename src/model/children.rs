//! The children a resource expands into, shared by every resource: a key that names each
//! AWS object (with terraform-provider-aws's type and import ID, so plans and errors name it
//! in terms platform engineers know), what it should be or is (`Spec`), and how an observed
//! child stands against the desired one (`Status`). `crate::reconcile` diffs and applies
//! these; `crate::aws` reads and writes them.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use super::crawler::{self, DesiredCrawler, ObservedCrawler};
use super::tags::Tags;
use super::trigger::{ObservedTrigger, TriggerSpec};

/// Status of a child that matches what the configuration wants.
pub const STATUS_OK: &str = "ok";
pub const STATUS_MISSING: &str = "missing";
pub const SSE_S3: &str = "AES256";
pub const SSE_KMS: &str = "aws:kms";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Bucket,
    BucketEncryption,
    BucketPublicAccessBlock,
    BucketPolicy,
    BucketLifecycle,
    GlueDatabase,
    IamRole,
    IamRolePolicy,
    IamRolePolicyAttachment,
    // Crawlers
    GlueCrawler,
    /// The conditional trigger that starts a crawler after a job (`<crawler>-after-job`).
    GlueCrawlerTrigger,
}

impl Kind {
    /// terraform-provider-aws's resource type for this kind of object.
    pub fn tf_type(self) -> &'static str {
        match self {
            Kind::Bucket => "aws_s3_bucket",
            Kind::BucketEncryption => "aws_s3_bucket_server_side_encryption_configuration",
            Kind::BucketPublicAccessBlock => "aws_s3_bucket_public_access_block",
            Kind::BucketPolicy => "aws_s3_bucket_policy",
            Kind::BucketLifecycle => "aws_s3_bucket_lifecycle_configuration",
            Kind::GlueDatabase => "aws_glue_catalog_database",
            Kind::IamRole => "aws_iam_role",
            Kind::IamRolePolicy => "aws_iam_role_policy",
            Kind::IamRolePolicyAttachment => "aws_iam_role_policy_attachment",
            // Crawlers
            Kind::GlueCrawler => "aws_glue_crawler",
            Kind::GlueCrawlerTrigger => "aws_glue_trigger",
        }
    }

    pub fn is_bucket_config(self) -> bool {
        matches!(
            self,
            Kind::BucketEncryption
                | Kind::BucketPublicAccessBlock
                | Kind::BucketPolicy
                | Kind::BucketLifecycle
        )
    }
}

/// Identifies a child. `owner` is the bucket or role a child belongs to (itself for
/// buckets, roles and databases); `name` is the policy name or ARN for role children.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChildKey {
    pub kind: Kind,
    pub owner: String,
    pub name: String,
}

impl ChildKey {
    pub fn new(kind: Kind, owner: &str, name: &str) -> Self {
        ChildKey {
            kind,
            owner: owner.into(),
            name: name.into(),
        }
    }

    pub fn top(kind: Kind, name: &str) -> Self {
        Self::new(kind, name, name)
    }

    /// The child this one cannot exist without.
    pub fn parent(&self) -> Option<ChildKey> {
        match self.kind {
            k if k.is_bucket_config() => Some(ChildKey::top(Kind::Bucket, &self.owner)),
            Kind::IamRolePolicy | Kind::IamRolePolicyAttachment => {
                Some(ChildKey::top(Kind::IamRole, &self.owner))
            }
            // Crawlers
            Kind::GlueCrawlerTrigger => Some(ChildKey::top(Kind::GlueCrawler, &self.owner)),
            _ => None,
        }
    }

    /// terraform-provider-aws's ID for the object.
    pub fn id(&self) -> String {
        match self.kind {
            Kind::IamRolePolicy => format!("{}:{}", self.owner, self.name),
            Kind::IamRolePolicyAttachment => format!("{}/{}", self.owner, self.name),
            _ => self.name.clone(),
        }
    }

    /// `type.id`, as plans and errors name the child.
    pub fn address(&self) -> String {
        format!("{}.{}", self.kind.tf_type(), self.id())
    }
}

impl fmt::Display for ChildKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address())
    }
}

/// One lifecycle rule the pipeline manages (ID starts with `pipeline::RULE_PREFIX`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LifecycleRule {
    pub id: String,
    /// Key prefix the rule applies to; empty for the whole bucket.
    pub prefix: String,
    pub expiration_days: Option<i64>,
    pub abort_multipart_days: Option<i64>,
    /// Transition to the INTELLIGENT_TIERING storage class after this many days.
    pub intelligent_tiering_days: Option<i64>,
}

/// What a child should be (desired) or is (observed), reduced to what the pipeline manages.
#[derive(Clone, Debug, PartialEq)]
pub enum Spec {
    /// `create`: the pipeline creates (and may delete) the bucket; false: adopted.
    Bucket {
        create: bool,
        tags: Tags,
    },
    Encryption {
        sse: String,
        kms_key_arn: Option<String>,
    },
    /// The four flags: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy,
    /// RestrictPublicBuckets.
    PublicAccessBlock {
        flags: [bool; 4],
    },
    /// The pipeline's statements, normalised.
    BucketPolicy {
        statements: Vec<Value>,
    },
    /// The pipeline's rules, sorted by ID.
    Lifecycle {
        rules: Vec<LifecycleRule>,
    },
    Database {
        description: Option<String>,
        tags: Tags,
    },
    Role {
        trust_policy: Value,
        tags: Tags,
    },
    RolePolicy {
        document: Value,
    },
    Attachment,
    // Crawlers
    /// A Glue crawler as wanted, with every tag it should carry.
    Crawler(Box<DesiredCrawler>),
    /// A Glue crawler as Glue holds it, with its tags.
    SeenCrawler {
        crawler: Box<ObservedCrawler>,
        tags: Tags,
    },
    /// A crawler's trigger as wanted, with its tags.
    CrawlerTrigger(TriggerSpec),
    /// A crawler's trigger as Glue holds it, with its tags.
    SeenCrawlerTrigger {
        trigger: ObservedTrigger,
        tags: Tags,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Child {
    pub key: ChildKey,
    pub spec: Spec,
}

/// How an observed child stands against the desired one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    Missing,
    /// It exists but differs; the text says how.
    Differs(String),
    /// It exists but the configuration no longer wants it.
    Extra,
}

impl Status {
    pub fn text(&self) -> String {
        match self {
            Status::Ok => STATUS_OK.into(),
            Status::Missing => STATUS_MISSING.into(),
            Status::Differs(why) => format!("differs: {why}"),
            Status::Extra => "not in the configuration".into(),
        }
    }
}

pub fn tag_diff(want: &Tags, have: &Tags) -> Option<String> {
    let mut parts = Vec::new();
    for (k, v) in want {
        match have.get(k) {
            None => parts.push(format!("tag {k} missing")),
            Some(h) if h != v => parts.push(format!("tag {k} is {h:?}, want {v:?}")),
            _ => {}
        }
    }
    for k in have.keys().filter(|k| !want.contains_key(*k)) {
        parts.push(format!("extra tag {k}"));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Compares one child; `observed` is `None` when it does not exist.
pub fn compare(want: &Spec, observed: Option<&Spec>) -> Status {
    let Some(have) = observed else {
        return Status::Missing;
    };
    let why = match (want, have) {
        (Spec::Bucket { tags: w, .. }, Spec::Bucket { tags: h, .. }) => tag_diff(w, h),
        (
            Spec::Encryption {
                sse: ws,
                kms_key_arn: wk,
            },
            Spec::Encryption {
                sse: hs,
                kms_key_arn: hk,
            },
        ) => {
            if ws != hs {
                Some(format!("encryption is {hs}, want {ws}"))
            } else if ws == SSE_KMS && wk != hk {
                Some(format!("KMS key is {hk:?}, want {wk:?}"))
            } else {
                None
            }
        }
        (Spec::PublicAccessBlock { flags: w }, Spec::PublicAccessBlock { flags: h }) => {
            const NAMES: [&str; 4] = [
                "block_public_acls",
                "ignore_public_acls",
                "block_public_policy",
                "restrict_public_buckets",
            ];
            let off: Vec<&str> = (0..4)
                .filter(|i| w[*i] != h[*i])
                .map(|i| NAMES[i])
                .collect();
            (!off.is_empty()).then(|| format!("{} not as wanted (all on)", off.join(", ")))
        }
        (Spec::BucketPolicy { statements: w }, Spec::BucketPolicy { statements: h }) => {
            (w != h).then(|| "the TLS-only statement was changed".to_string())
        }
        (Spec::Lifecycle { rules: w }, Spec::Lifecycle { rules: h }) => {
            let missing: Vec<&str> = w
                .iter()
                .filter(|r| !h.contains(r))
                .map(|r| r.id.as_str())
                .collect();
            let extra: Vec<&str> = h
                .iter()
                .filter(|r| !w.contains(r))
                .map(|r| r.id.as_str())
                .collect();
            match (missing.is_empty(), extra.is_empty()) {
                (true, true) => None,
                _ => Some(format!(
                    "lifecycle rules missing or changed: [{}]; unexpected: [{}]",
                    missing.join(", "),
                    extra.join(", ")
                )),
            }
        }
        (
            Spec::Database {
                description: wd,
                tags: wt,
            },
            Spec::Database {
                description: hd,
                tags: ht,
            },
        ) => {
            if wd != hd {
                Some(format!("description is {hd:?}, want {wd:?}"))
            } else {
                tag_diff(wt, ht)
            }
        }
        (
            Spec::Role {
                trust_policy: wp,
                tags: wt,
            },
            Spec::Role {
                trust_policy: hp,
                tags: ht,
            },
        ) => {
            if wp != hp {
                Some("the trust policy was changed".into())
            } else {
                tag_diff(wt, ht)
            }
        }
        (Spec::RolePolicy { document: w }, Spec::RolePolicy { document: h }) => {
            (w != h).then(|| "the policy document was changed".to_string())
        }
        (Spec::Attachment, Spec::Attachment) => None,
        // Crawlers: equivalent spellings (configuration JSON, schedules, target order) are
        // no difference (`model::crawler::differences`).
        (Spec::Crawler(w), Spec::SeenCrawler { crawler: h, tags }) => {
            let off = crawler::differences(w, h);
            if off.is_empty() {
                tag_diff(&w.tags, tags)
            } else {
                Some(off.join(", "))
            }
        }
        (Spec::CrawlerTrigger(w), Spec::SeenCrawlerTrigger { trigger: h, tags }) => {
            if h.matches(w) {
                tag_diff(&w.tags, tags)
            } else {
                Some("its start, action or state".into())
            }
        }
        _ => Some("of a different kind".into()),
    };
    match why {
        None => Status::Ok,
        Some(w) => Status::Differs(w),
    }
}

/// The status of every desired child, and of extra observed ones (attachments).
pub fn statuses(
    children: &[Child],
    observed: &BTreeMap<ChildKey, Spec>,
) -> BTreeMap<ChildKey, Status> {
    let mut out: BTreeMap<ChildKey, Status> = children
        .iter()
        .map(|c| (c.key.clone(), compare(&c.spec, observed.get(&c.key))))
        .collect();
    for k in observed.keys() {
        if !out.contains_key(k) {
            out.insert(k.clone(), Status::Extra);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Crawlers
    mod crawlers {
        use super::*;
        use crate::model::crawler::{expand, CrawlerConfig, S3Target};
        use crate::model::trigger::{TriggerAction, TriggerStart};

        fn want() -> (DesiredCrawler, TriggerSpec) {
            let mut tags = Tags::new();
            tags.insert("team".into(), "data".into());
            let (c, t) = expand(&CrawlerConfig {
                name: "crw".into(),
                role_arn: "arn:aws:iam::123456789012:role/r".into(),
                database: "db".into(),
                s3_targets: vec!["s3://b/a/".into(), "s3://b/b/".into()],
                exclusions: vec![],
                table_prefix: None,
                update_behavior: "UPDATE_IN_DATABASE".into(),
                delete_behavior: "LOG".into(),
                recrawl_behavior: "CRAWL_EVERYTHING".into(),
                schedule: Some("rate(1 day)".into()),
                run_after_job: Some("etl".into()),
                configuration: Some(r#"{"Version":1.0,"Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas"}}"#.into()),
                tags,
            });
            (c, t.expect("a trigger"))
        }

        fn seen(c: &DesiredCrawler) -> ObservedCrawler {
            ObservedCrawler {
                name: c.name.clone(),
                role: Some(c.role.clone()),
                database: Some(c.database.clone()),
                // Another order, another spelling of the same configuration and schedule.
                targets: c.targets.iter().rev().cloned().collect::<Vec<S3Target>>(),
                table_prefix: Some(String::new()),
                update_behavior: Some(c.update_behavior.clone()),
                delete_behavior: Some(c.delete_behavior.clone()),
                recrawl_behavior: Some(c.recrawl_behavior.clone()),
                schedule: Some("cron(0 0 * * ? *)".into()),
                configuration: Some(
                    r#"{ "Grouping": { "TableGroupingPolicy": "CombineCompatibleSchemas" }, "Version": 1 }"#
                        .into(),
                ),
            }
        }

        #[test]
        fn keys_name_the_terraform_provider_aws_objects() {
            let c = ChildKey::top(Kind::GlueCrawler, "crw");
            let t = ChildKey::new(Kind::GlueCrawlerTrigger, "crw", "crw-after-job");
            assert_eq!(c.address(), "aws_glue_crawler.crw");
            assert_eq!(t.address(), "aws_glue_trigger.crw-after-job");
            assert_eq!(c.parent(), None);
            assert_eq!(t.parent(), Some(c));
        }

        #[test]
        fn equivalent_spellings_are_no_difference() {
            let (c, t) = want();
            let have = Spec::SeenCrawler {
                crawler: Box::new(seen(&c)),
                tags: c.tags.clone(),
            };
            assert_eq!(
                compare(&Spec::Crawler(Box::new(c.clone())), Some(&have)),
                Status::Ok
            );
            let trigger = ObservedTrigger {
                name: t.name.clone(),
                start: Some(TriggerStart::AfterJobSucceeded("etl".into())),
                actions: vec![TriggerAction::StartCrawler("crw".into())],
                activated: true,
            };
            let have_t = Spec::SeenCrawlerTrigger {
                trigger: trigger.clone(),
                tags: t.tags.clone(),
            };
            assert_eq!(
                compare(&Spec::CrawlerTrigger(t.clone()), Some(&have_t)),
                Status::Ok
            );
            assert_eq!(compare(&Spec::CrawlerTrigger(t), None), Status::Missing);
        }

        #[test]
        fn definition_tags_and_trigger_shape_differ() {
            let (c, t) = want();
            let mut other = seen(&c);
            other.table_prefix = Some("stale_".into());
            let have = Spec::SeenCrawler {
                crawler: Box::new(other),
                tags: c.tags.clone(),
            };
            assert_eq!(
                compare(&Spec::Crawler(Box::new(c.clone())), Some(&have)),
                Status::Differs("table_prefix".into())
            );
            let have = Spec::SeenCrawler {
                crawler: Box::new(seen(&c)),
                tags: Tags::new(),
            };
            assert_eq!(
                compare(&Spec::Crawler(Box::new(c)), Some(&have)),
                Status::Differs("tag team missing".into())
            );
            let have_t = Spec::SeenCrawlerTrigger {
                trigger: ObservedTrigger {
                    name: t.name.clone(),
                    start: Some(TriggerStart::AfterJobSucceeded("other".into())),
                    actions: vec![TriggerAction::StartCrawler("crw".into())],
                    activated: true,
                },
                tags: t.tags.clone(),
            };
            assert!(matches!(
                compare(&Spec::CrawlerTrigger(t), Some(&have_t)),
                Status::Differs(_)
            ));
        }
    }
}
