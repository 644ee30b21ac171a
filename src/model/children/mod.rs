//! The children a resource expands into, shared by every resource: a key that names each
//! AWS object (with terraform-provider-aws's type and import ID, so plans and errors name it
//! in terms platform engineers know), what it should be or is (`Spec`), and how an observed
//! child stands against the desired one (`Status`). `crate::reconcile` diffs and applies
//! these; `crate::aws` reads and writes them.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use super::alarm::{self, SizeAlarm};
use super::budget::{self, Budget};
use super::crawler::{self, DesiredCrawler, ObservedCrawler};
use super::dashboard::{self, Dashboard};
use super::job::{JobDefinition, ObservedJob};
use super::policy;
use super::tags::Tags;
use super::trigger::{ObservedTrigger, TriggerSpec};

mod status;
pub use status::*;

/// Status of a child that matches what the configuration wants.
pub const STATUS_OK: &str = "ok";
pub const STATUS_MISSING: &str = "missing";
pub const SSE_S3: &str = "AES256";
pub const SSE_KMS: &str = "aws:kms";
pub const SSE_DSSE: &str = "aws:kms:dsse";
/// Every default-encryption algorithm S3 offers; an adopted bucket with any of them is
/// kept as it is unless the configuration says otherwise.
pub const SSE_ALGORITHMS: [&str; 3] = [SSE_S3, SSE_KMS, SSE_DSSE];
/// Object Ownership that disables ACLs: the bucket owner owns every object.
pub const BUCKET_OWNER_ENFORCED: &str = "BucketOwnerEnforced";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Bucket,
    BucketEncryption,
    BucketPublicAccessBlock,
    BucketPolicy,
    BucketLifecycle,
    BucketOwnershipControls,
    GlueDatabase,
    IamRole,
    IamRolePolicy,
    IamRolePolicyAttachment,
    // Jobs
    /// A Glue job (`flywheel_job`).
    GlueJob,
    /// The job's `<job>-schedule` trigger; `owner` is the job.
    JobTrigger,
    /// The job's uploaded script object, named `bucket/key`; `owner` is the job.
    JobScript,
    // Crawlers
    GlueCrawler,
    /// The conditional trigger that starts a crawler after a job (`<crawler>-after-job`).
    GlueCrawlerTrigger,
    // Alerts (the pipeline's `alerts` block)
    /// The alerts topic, named by its ARN (created, or an existing one).
    SnsTopic,
    /// The topic's policy; `owner` is the topic ARN.
    SnsTopicPolicy,
    /// An email subscription to the topic: `owner` the topic ARN, `name` the address.
    SnsSubscription,
    /// An EventBridge rule on the default bus.
    EventRule,
    /// A rule's target: `owner` the rule, `name` the target ID.
    EventTarget,
    /// A CloudWatch alarm on a bucket's size, named by the alarm.
    MetricAlarm,
    /// The monthly cost budget with its notifications: `owner` the account, `name` the
    /// budget (terraform-provider-aws's ID is `<account>:<name>`).
    Budget,
    /// The pipeline's CloudWatch dashboard, named by the dashboard.
    Dashboard,
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
            Kind::BucketOwnershipControls => "aws_s3_bucket_ownership_controls",
            Kind::GlueDatabase => "aws_glue_catalog_database",
            Kind::IamRole => "aws_iam_role",
            Kind::IamRolePolicy => "aws_iam_role_policy",
            Kind::IamRolePolicyAttachment => "aws_iam_role_policy_attachment",
            // Jobs
            Kind::GlueJob => "aws_glue_job",
            Kind::JobTrigger => "aws_glue_trigger",
            Kind::JobScript => "aws_s3_object",
            // Crawlers
            Kind::GlueCrawler => "aws_glue_crawler",
            Kind::GlueCrawlerTrigger => "aws_glue_trigger",
            // Alerts
            Kind::SnsTopic => "aws_sns_topic",
            Kind::SnsTopicPolicy => "aws_sns_topic_policy",
            Kind::SnsSubscription => "aws_sns_topic_subscription",
            Kind::EventRule => "aws_cloudwatch_event_rule",
            Kind::EventTarget => "aws_cloudwatch_event_target",
            Kind::MetricAlarm => "aws_cloudwatch_metric_alarm",
            Kind::Budget => "aws_budgets_budget",
            Kind::Dashboard => "aws_cloudwatch_dashboard",
        }
    }

    /// The kinds the `alerts` block expands into.
    pub fn is_alert(self) -> bool {
        matches!(
            self,
            Kind::SnsTopic
                | Kind::SnsTopicPolicy
                | Kind::SnsSubscription
                | Kind::EventRule
                | Kind::EventTarget
                | Kind::MetricAlarm
                | Kind::Budget
                | Kind::Dashboard
        )
    }

    pub fn is_bucket_config(self) -> bool {
        matches!(
            self,
            Kind::BucketEncryption
                | Kind::BucketPublicAccessBlock
                | Kind::BucketPolicy
                | Kind::BucketLifecycle
                | Kind::BucketOwnershipControls
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
            // Jobs
            Kind::JobTrigger | Kind::JobScript => Some(ChildKey::top(Kind::GlueJob, &self.owner)),
            // Crawlers
            Kind::GlueCrawlerTrigger => Some(ChildKey::top(Kind::GlueCrawler, &self.owner)),
            // Alerts
            Kind::SnsTopicPolicy | Kind::SnsSubscription => {
                Some(ChildKey::top(Kind::SnsTopic, &self.owner))
            }
            Kind::EventTarget => Some(ChildKey::top(Kind::EventRule, &self.owner)),
            _ => None,
        }
    }

    /// terraform-provider-aws's ID for the object.
    pub fn id(&self) -> String {
        match self.kind {
            Kind::IamRolePolicy => format!("{}:{}", self.owner, self.name),
            Kind::IamRolePolicyAttachment => format!("{}/{}", self.owner, self.name),
            // Its ARN is unknown while the subscription is pending: topic and address.
            Kind::SnsSubscription => format!("{}:email:{}", self.owner, self.name),
            // terraform-provider-aws's `<rule>/<target-id>` on the default bus.
            Kind::EventTarget => format!("{}/{}", self.owner, self.name),
            Kind::Budget => format!("{}:{}", self.owner, self.name),
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
    /// Default encryption: `sse` is one of [`SSE_ALGORITHMS`]; `kms_key_arn` `None` with a
    /// KMS algorithm is the AWS managed key `aws/s3`.
    Encryption {
        sse: String,
        kms_key_arn: Option<String>,
    },
    /// Desired only, for an adopted bucket without an explicit encryption setting: the
    /// default encryption it has (any of [`SSE_ALGORITHMS`], any key) is kept, so adopting
    /// never weakens SSE-KMS or DSSE-KMS to SSE-S3; a bucket without one gets SSE-S3.
    EncryptionKept,
    /// Object Ownership (one rule): [`BUCKET_OWNER_ENFORCED`] on the buckets it creates.
    OwnershipControls {
        object_ownership: String,
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
    /// The role: its trust policy (normalised), IAM path, permissions boundary (a managed
    /// policy ARN) and tags.
    Role {
        trust_policy: Value,
        path: String,
        permissions_boundary: Option<String>,
        tags: Tags,
    },
    RolePolicy {
        document: Value,
    },
    /// An inline policy ListRolePolicies named that the pipeline does not want (not
    /// [`INLINE_POLICY_NAME`](super::pipeline::INLINE_POLICY_NAME)). Its document is never
    /// read: whatever it says, it is deleted, so a refresh costs no GetRolePolicy per policy.
    UnwantedRolePolicy,
    Attachment,
    // Jobs
    /// The Glue job wanted, with its tags (owner tags included).
    GlueJob {
        job: JobDefinition,
        tags: Tags,
    },
    /// The Glue job as GetJob and GetTags report it.
    ObservedGlueJob {
        job: ObservedJob,
        tags: Tags,
    },
    /// The schedule trigger wanted (its tags are in the spec).
    JobTrigger {
        trigger: TriggerSpec,
    },
    /// A trigger under the job's trigger name, as GetTrigger and GetTags report it.
    ObservedJobTrigger {
        trigger: ObservedTrigger,
        tags: Tags,
    },
    /// An uploaded script: its content hash (hex SHA-256) and the object's tags. The body
    /// is the backend's, read by the resource.
    JobScript {
        sha256: String,
        tags: Tags,
    },
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
    // Alerts
    /// `create`: the pipeline created the topic (and deletes it); false: an existing one.
    SnsTopic {
        create: bool,
        tags: Tags,
    },
    /// The pipeline's statements of the topic policy, normalised (on an existing topic
    /// only those whose Sid starts with `alerts::TOPIC_SID_PREFIX` are compared).
    TopicPolicy {
        statements: Vec<Value>,
    },
    /// An email subscription; `arn` is `None` while it waits for confirmation (and in
    /// the desired spec). A pending subscription is no drift.
    Subscription {
        arn: Option<String>,
    },
    /// An EventBridge rule: its event pattern (JSON), description, state and tags.
    EventRule {
        pattern: Value,
        description: String,
        enabled: bool,
        tags: Tags,
    },
    /// A rule's target: the topic, and the input transformer's paths and template.
    EventTarget {
        arn: String,
        input_paths: BTreeMap<String, String>,
        input_template: String,
    },
    /// A bucket size alarm, wanted or read.
    MetricAlarm(SizeAlarm),
    /// The monthly cost budget, wanted or read.
    Budget(Budget),
    /// The dashboard, wanted or read; its tags are the identity its body carries.
    Dashboard(Dashboard),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Child {
    pub key: ChildKey,
    pub spec: Spec,
}

impl Spec {
    /// The tags the child carries (observed) or should carry (desired); `None` for
    /// children without tags of their own (a bucket's configuration, a role's policies).
    pub fn tags(&self) -> Option<&Tags> {
        match self {
            Spec::Bucket { tags, .. }
            | Spec::Database { tags, .. }
            | Spec::Role { tags, .. }
            | Spec::GlueJob { tags, .. }
            | Spec::ObservedGlueJob { tags, .. }
            | Spec::ObservedJobTrigger { tags, .. }
            | Spec::JobScript { tags, .. }
            | Spec::SeenCrawler { tags, .. }
            | Spec::SeenCrawlerTrigger { tags, .. }
            | Spec::SnsTopic { tags, .. }
            | Spec::EventRule { tags, .. } => Some(tags),
            Spec::JobTrigger { trigger } | Spec::CrawlerTrigger(trigger) => Some(&trigger.tags),
            Spec::MetricAlarm(a) => Some(&a.tags),
            Spec::Budget(b) => Some(&b.tags),
            Spec::Dashboard(d) => Some(&d.tags),
            Spec::Crawler(c) => Some(&c.tags),
            Spec::Encryption { .. }
            | Spec::EncryptionKept
            | Spec::OwnershipControls { .. }
            | Spec::PublicAccessBlock { .. }
            | Spec::BucketPolicy { .. }
            | Spec::Lifecycle { .. }
            | Spec::RolePolicy { .. }
            | Spec::UnwantedRolePolicy
            | Spec::Attachment
            | Spec::TopicPolicy { .. }
            | Spec::Subscription { .. }
            | Spec::EventTarget { .. } => None,
        }
    }
}

// Jobs
#[cfg(test)]
mod job_tests {
    use super::*;
    use crate::model::job::COMMAND_NAME;
    use crate::model::trigger::{TriggerAction, TriggerStart};

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn definition() -> JobDefinition {
        JobDefinition {
            name: "etl".into(),
            role_arn: "arn:aws:iam::123456789012:role/r".into(),
            command: "glueetl".into(),
            script_location: "s3://assets/scripts/etl.py".into(),
            python_version: "3".into(),
            worker_type: Some("G.1X".into()),
            number_of_workers: Some(10),
            max_capacity: None,
            job_mode: "SCRIPT".into(),
            source_control: None,
            timeout_minutes: 600,
            max_retries: 2,
            glue_version: "4.0".into(),
            description: None,
            default_arguments: [("--TempDir".to_string(), "s3://assets/tmp/".to_string())].into(),
            notify_delay_after: None,
            execution_class: "STANDARD".into(),
            max_concurrent_runs: 1,
            job_run_queuing_enabled: false,
            security_configuration: None,
            connections: Vec::new(),
            non_overridable_arguments: BTreeMap::new(),
        }
    }

    fn observed(d: &JobDefinition) -> ObservedJob {
        ObservedJob {
            name: d.name.clone(),
            role_arn: Some(d.role_arn.clone()),
            command_name: Some(COMMAND_NAME.into()),
            script_location: Some(d.script_location.clone()),
            python_version: Some(d.python_version.clone()),
            worker_type: d.worker_type.clone(),
            number_of_workers: d.number_of_workers,
            max_capacity: d.max_capacity,
            // Glue reports none for SCRIPT, its default.
            job_mode: None,
            source_control: None,
            timeout_minutes: Some(d.timeout_minutes),
            max_retries: Some(d.max_retries),
            glue_version: Some(d.glue_version.clone()),
            // Glue reports an empty description as "": the job comparison ignores it.
            description: Some(String::new()),
            default_arguments: d.default_arguments.clone(),
            created_on: Some(1),
            notify_delay_after: d.notify_delay_after,
            // Glue reports neither when they were never set.
            execution_class: None,
            max_concurrent_runs: None,
            job_run_queuing_enabled: None,
            security_configuration: None,
            connections: Vec::new(),
            non_overridable_arguments: BTreeMap::new(),
            unmanaged: BTreeMap::new(),
        }
    }

    #[test]
    fn job_children_are_named_as_terraform_provider_aws_names_them() {
        let job = ChildKey::top(Kind::GlueJob, "etl");
        let trigger = ChildKey::new(Kind::JobTrigger, "etl", "etl-schedule");
        let script = ChildKey::new(Kind::JobScript, "etl", "assets/scripts/etl.py");
        assert_eq!(job.address(), "aws_glue_job.etl");
        assert_eq!(trigger.address(), "aws_glue_trigger.etl-schedule");
        assert_eq!(script.address(), "aws_s3_object.assets/scripts/etl.py");
        // The job goes first: a name clash stops the apply before any upload.
        assert_eq!(job.parent(), None);
        assert_eq!(trigger.parent(), Some(job.clone()));
        assert_eq!(script.parent(), Some(job));
    }

    #[test]
    fn job_comparison_is_the_job_models() {
        let d = definition();
        let t = tags(&[("team", "data")]);
        let want = Spec::GlueJob {
            job: d.clone(),
            tags: t.clone(),
        };
        let same = Spec::ObservedGlueJob {
            job: observed(&d),
            tags: t.clone(),
        };
        assert_eq!(compare(&want, Some(&same)), Status::Ok);
        let mut other = observed(&d);
        other.number_of_workers = Some(8);
        assert!(matches!(
            compare(
                &want,
                Some(&Spec::ObservedGlueJob {
                    job: other,
                    tags: t.clone()
                })
            ),
            Status::Differs(_)
        ));
        let retagged = Spec::ObservedGlueJob {
            job: observed(&d),
            tags: tags(&[("team", "ops")]),
        };
        assert!(
            matches!(compare(&want, Some(&retagged)), Status::Differs(w) if w.contains("team"))
        );
        assert_eq!(compare(&want, None), Status::Missing);
    }

    #[test]
    fn trigger_and_script_comparison() {
        let t = tags(&[("team", "data")]);
        let spec = TriggerSpec::new(
            TriggerAction::StartJob("etl".into()),
            TriggerStart::Schedule("cron(0 3 * * ? *)".into()),
            t.clone(),
        );
        let seen = ObservedTrigger {
            name: "etl-schedule".into(),
            start: Some(TriggerStart::Schedule("cron(0 3 * * ? *)".into())),
            actions: vec![TriggerAction::StartJob("etl".into())],
            activated: true,
        };
        let want = Spec::JobTrigger { trigger: spec };
        let have =
            |trigger: ObservedTrigger, tags: Tags| Spec::ObservedJobTrigger { trigger, tags };
        assert_eq!(
            compare(&want, Some(&have(seen.clone(), t.clone()))),
            Status::Ok
        );
        let off = ObservedTrigger {
            activated: false,
            ..seen.clone()
        };
        assert!(matches!(
            compare(&want, Some(&have(off, t.clone()))),
            Status::Differs(_)
        ));
        assert!(matches!(
            compare(&want, Some(&have(seen, Tags::new()))),
            Status::Differs(_)
        ));

        let script = |sha: &str, tags: &Tags| Spec::JobScript {
            sha256: sha.into(),
            tags: tags.clone(),
        };
        assert_eq!(
            compare(&script("a", &t), Some(&script("a", &t))),
            Status::Ok
        );
        assert!(matches!(
            compare(&script("a", &t), Some(&script("b", &t))),
            Status::Differs(w) if w.contains("SHA-256")
        ));
        assert!(matches!(
            compare(&script("a", &t), Some(&script("a", &Tags::new()))),
            Status::Differs(_)
        ));
    }
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
                s3_blocks: vec![],
                other_targets: Default::default(),
                table_prefix: None,
                update_behavior: "UPDATE_IN_DATABASE".into(),
                delete_behavior: "LOG".into(),
                recrawl_behavior: "CRAWL_EVERYTHING".into(),
                schedule: Some("rate(1 day)".into()),
                run_after_job: Some("etl".into()),
                run_after_job_states: Vec::new(),
                configuration: Some(r#"{"Version":1.0,"Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas"}}"#.into()),
                sample_size: None,
                event_queue_arn: None,
                dlq_event_queue_arn: None,
                settings: Default::default(),
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
                other_targets: c.other_targets.clone(),
                table_prefix: Some(String::new()),
                update_behavior: Some(c.update_behavior.clone()),
                delete_behavior: Some(c.delete_behavior.clone()),
                recrawl_behavior: Some(c.recrawl_behavior.clone()),
                schedule: Some("cron(0 0 * * ? *)".into()),
                configuration: Some(
                    r#"{ "Grouping": { "TableGroupingPolicy": "CombineCompatibleSchemas" }, "Version": 1 }"#
                        .into(),
                ),
                settings: crate::model::crawler_settings::ObservedSettings {
                    description: Some(c.settings.description_text().into()),
                    ..Default::default()
                },
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
                start: Some(TriggerStart::after_job_succeeded("etl")),
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
                    start: Some(TriggerStart::after_job_succeeded("other")),
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
