//! The engine against a fake AWS layer: ordering, the concurrency bound, skip-on-failure,
//! partial state, ownership refusals, lost answers and destroy's guards.

use std::sync::Mutex;

use super::*;
use crate::aws::ErrorKind;
use crate::model::children::Kind;
use crate::model::ownership::{OWNER_TAG, PIPELINE_OWNER_TAG};

const OURS: &str = "0000000000000000000000000000000a";
const THEIRS: &str = "0000000000000000000000000000000b";

fn tags(owner: Option<&str>) -> Tags {
    let mut t = Tags::new();
    t.insert("team".into(), "data".into());
    if let Some(o) = owner {
        t.insert(OWNER_TAG.into(), o.into());
    }
    t
}

fn bucket(name: &str, create: bool) -> Child {
    Child {
        key: ChildKey::top(Kind::Bucket, name),
        spec: Spec::Bucket {
            create,
            tags: tags(create.then_some(OURS)),
        },
    }
}

fn encryption(bucket: &str) -> Child {
    Child {
        key: ChildKey::new(Kind::BucketEncryption, bucket, bucket),
        spec: Spec::Encryption {
            sse: "AES256".into(),
            kms_key_arn: None,
        },
    }
}

fn role(name: &str) -> Child {
    Child {
        key: ChildKey::top(Kind::IamRole, name),
        spec: Spec::Role {
            trust_policy: serde_json::json!({}),
            path: "/".into(),
            permissions_boundary: None,
            tags: tags(Some(OURS)),
        },
    }
}

fn role_policy(role: &str) -> Child {
    Child {
        key: ChildKey::new(Kind::IamRolePolicy, role, "p"),
        spec: Spec::RolePolicy {
            document: serde_json::json!({}),
        },
    }
}

fn error(kind: ErrorKind) -> AwsError {
    AwsError {
        service: "fake",
        operation: "Op",
        target: "x".into(),
        kind,
        code: None,
        message: "injected".into(),
        status: None,
    }
}

#[derive(Default)]
struct Fake {
    observed: BTreeMap<ChildKey, Spec>,
    /// Creates that fail outright, with the status they leave behind.
    fail: BTreeMap<ChildKey, Option<Status>>,
    /// Creates that find the object there, carrying these tags.
    exists: BTreeMap<ChildKey, Tags>,
    holds: BTreeSet<ChildKey>,
    /// Updates that fail outright.
    fail_update: BTreeSet<ChildKey>,
    log: Mutex<Vec<(&'static str, ChildKey)>>,
    /// (running now, most at once)
    active: Mutex<(usize, usize)>,
}

impl Fake {
    fn with(children: &[Child]) -> Fake {
        Fake {
            observed: children
                .iter()
                .map(|c| (c.key.clone(), c.spec.clone()))
                .collect(),
            ..Fake::default()
        }
    }

    fn calls(&self) -> Vec<(&'static str, ChildKey)> {
        self.log.lock().unwrap().clone()
    }

    fn writes(&self) -> usize {
        self.calls().iter().filter(|(op, _)| *op != "tags").count()
    }

    async fn enter(&self, op: &'static str, key: &ChildKey) {
        {
            let mut a = self.active.lock().unwrap();
            a.0 += 1;
            a.1 = a.1.max(a.0);
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        self.log.lock().unwrap().push((op, key.clone()));
        self.active.lock().unwrap().0 -= 1;
    }
}

#[async_trait]
impl Backend for Fake {
    async fn observe(&self) -> Result<BTreeMap<ChildKey, Spec>, AwsError> {
        Ok(self.observed.clone())
    }

    async fn create(&self, child: &Child) -> Result<(), OpError> {
        self.enter("create", &child.key).await;
        if let Some(left) = self.fail.get(&child.key) {
            return Err(OpError::Failed {
                error: error(ErrorKind::Fatal),
                left: left.clone(),
            });
        }
        if self.exists.contains_key(&child.key) {
            return Err(OpError::Exists(error(ErrorKind::Conflict)));
        }
        Ok(())
    }

    async fn update(&self, child: &Child, _observed: Option<&Spec>) -> Result<(), OpError> {
        self.enter("update", &child.key).await;
        if self.fail_update.contains(&child.key) {
            return Err(OpError::Failed {
                error: error(ErrorKind::Fatal),
                left: None,
            });
        }
        Ok(())
    }

    async fn delete(
        &self,
        key: &ChildKey,
        _spec: Option<&Spec>,
        _force: bool,
    ) -> Result<(), OpError> {
        self.enter("delete", key).await;
        Ok(())
    }

    async fn tags(&self, key: &ChildKey) -> Result<Tags, AwsError> {
        self.log.lock().unwrap().push(("tags", key.clone()));
        Ok(self.exists.get(key).cloned().unwrap_or_default())
    }

    async fn holds_data(&self, key: &ChildKey) -> Result<Option<String>, AwsError> {
        Ok(self
            .holds
            .contains(key)
            .then(|| "it holds data".to_string()))
    }
}

fn creating() -> Ownership {
    Ownership {
        creating: true,
        writing: Some(OURS.into()),
        ..Ownership::default()
    }
}

fn updating() -> Ownership {
    Ownership {
        owner: Some(OURS.into()),
        writing: Some(OURS.into()),
        ..Ownership::default()
    }
}

fn index(calls: &[(&'static str, ChildKey)], key: &ChildKey) -> usize {
    calls
        .iter()
        .position(|(_, k)| k == key)
        .unwrap_or_else(|| panic!("{key} never ran: {calls:?}"))
}

#[tokio::test]
async fn creates_parents_before_children() {
    let children = vec![
        bucket("b", true),
        encryption("b"),
        role("r"),
        role_policy("r"),
    ];
    let fake = Fake::default();
    let c = converge(&fake, &children, &creating()).await;
    assert!(c.failures.is_empty(), "{:?}", c.failures);
    assert!(c.ran);
    assert!(c.statuses.values().all(|s| *s == Status::Ok));
    let calls = fake.calls();
    assert_eq!(calls.len(), 4);
    assert!(index(&calls, &children[0].key) < index(&calls, &children[1].key));
    assert!(index(&calls, &children[2].key) < index(&calls, &children[3].key));
}

#[tokio::test]
async fn concurrency_is_bounded() {
    let children: Vec<Child> = (0..3 * CONCURRENCY)
        .map(|i| bucket(&format!("b{i}"), true))
        .collect();
    let fake = Fake::default();
    let c = converge(&fake, &children, &creating()).await;
    assert!(c.failures.is_empty());
    let (_, most) = *fake.active.lock().unwrap();
    assert_eq!(
        most, CONCURRENCY,
        "at most {CONCURRENCY} at once, and that many"
    );
}

#[tokio::test]
async fn a_failure_skips_only_its_dependants_and_records_partial_state() {
    let children = vec![
        bucket("b", true),
        encryption("b"),
        role("r"),
        role_policy("r"),
    ];
    let mut fake = Fake::default();
    fake.fail.insert(children[2].key.clone(), None);
    fake.fail.insert(
        children[0].key.clone(),
        Some(Status::Differs("tags".into())),
    );
    let c = converge(&fake, &children, &creating()).await;
    // Both creates failed; the encryption and the policy waited for them.
    assert_eq!(c.failures.len(), 3, "{:?}", c.failures);
    assert!(matches!(&c.failures[2], Failure::Skipped(k) if k.len() == 2));
    // The bucket was made but not tagged: state must say so.
    assert_eq!(c.statuses[&children[0].key], Status::Differs("tags".into()));
    assert_eq!(c.statuses[&children[2].key], Status::Missing);
    assert!(c.ran);
}

#[tokio::test]
async fn create_refuses_what_exists_and_changes_nothing() {
    let children = vec![bucket("b", true), role("r"), role_policy("r")];
    for found in [None, Some(THEIRS)] {
        let mut fake = Fake::default();
        fake.observed.insert(
            children[1].key.clone(),
            Spec::Role {
                trust_policy: serde_json::json!({}),
                path: "/".into(),
                permissions_boundary: None,
                tags: tags(found),
            },
        );
        let c = converge(&fake, &children, &creating()).await;
        assert!(!c.ran);
        assert_eq!(fake.writes(), 0, "nothing may be written");
        assert!(matches!(
            &c.failures[..],
            [Failure::NotOurs { why: Refusal::Exists, key, .. }] if *key == children[1].key
        ));
    }
}

#[tokio::test]
async fn update_refuses_another_instances_object_only() {
    let children = vec![bucket("b", true), role("r"), bucket("adopted", false)];
    let mut fake = Fake::with(&children);
    // Untagged (0.1.0, or tags removed behind Terraform's back): ours, retagged.
    fake.observed.insert(
        children[0].key.clone(),
        Spec::Bucket {
            create: true,
            tags: tags(None),
        },
    );
    let c = converge(&fake, &children, &updating()).await;
    assert!(c.failures.is_empty(), "{:?}", c.failures);
    assert_eq!(fake.calls(), vec![("update", children[0].key.clone())]);

    // Another identity on the role, or on the adopted bucket: refused, nothing written.
    for k in [1, 2] {
        let mut fake = Fake::with(&children);
        let mut spec = children[k].spec.clone();
        match &mut spec {
            Spec::Role { tags: t, .. } | Spec::Bucket { tags: t, .. } => {
                t.insert(OWNER_TAG.into(), THEIRS.into());
            }
            _ => unreachable!(),
        }
        fake.observed.insert(children[k].key.clone(), spec);
        let c = converge(&fake, &children, &updating()).await;
        assert_eq!(fake.writes(), 0);
        assert!(matches!(
            &c.failures[..],
            [Failure::NotOurs {
                why: Refusal::Foreign,
                ..
            }]
        ));
    }
}

#[tokio::test]
async fn an_adopted_bucket_becomes_owned_only_with_proof() {
    let children = vec![bucket("b", true)];
    let mut own = updating();
    own.needs_proof.insert(children[0].key.clone());
    let mut fake = Fake::with(&children);
    fake.observed.insert(
        children[0].key.clone(),
        Spec::Bucket {
            create: false,
            tags: tags(None),
        },
    );
    let c = converge(&fake, &children, &own).await;
    assert!(matches!(
        &c.failures[..],
        [Failure::NotOurs {
            why: Refusal::NoProof,
            ..
        }]
    ));
    // With this instance's identity on it, it may.
    let fake = Fake::with(&children);
    let c = converge(&fake, &children, &own).await;
    assert!(c.failures.is_empty());
}

#[tokio::test]
async fn a_lost_answer_is_recognised_by_the_identity_written() {
    let children = vec![role("r"), bucket("b", true)];
    // The role carries this apply's identity; the bucket none yet (S3 tags later).
    let mut fake = Fake::default();
    fake.exists
        .insert(children[0].key.clone(), tags(Some(OURS)));
    fake.exists.insert(children[1].key.clone(), Tags::new());
    let c = converge(&fake, &children, &creating()).await;
    assert!(c.failures.is_empty(), "{:?}", c.failures);
    let calls = fake.calls();
    assert!(calls.contains(&("update", children[0].key.clone())));
    assert!(calls.contains(&("update", children[1].key.clone())));

    // Someone else's role, or an untagged one (the role is tagged as it is created):
    // the error stands, saying whose it is.
    for found in [tags(Some(THEIRS)), Tags::new()] {
        let mut fake = Fake::default();
        fake.exists.insert(children[0].key.clone(), found);
        let c = converge(&fake, &children[..1], &creating()).await;
        assert!(matches!(
            &c.failures[..],
            [Failure::Op { action: Action::Create, found: Some(v), .. }] if *v != Verdict::Ours
        ));
        assert!(!fake.calls().iter().any(|(op, _)| *op == "update"));
    }
}

#[tokio::test]
async fn a_leftover_of_the_same_pipeline_is_taken_on_create() {
    let children = vec![role("r")];
    let mut fake = Fake::default();
    let mut t = tags(Some(THEIRS));
    t.insert(PIPELINE_OWNER_TAG.into(), "p".repeat(32));
    fake.observed.insert(
        children[0].key.clone(),
        Spec::Role {
            trust_policy: serde_json::json!({}),
            path: "/".into(),
            permissions_boundary: None,
            tags: t,
        },
    );
    let own = Ownership {
        pipeline_owner: Some("p".repeat(32)),
        ..creating()
    };
    let c = converge(&fake, &children, &own).await;
    assert!(c.failures.is_empty(), "{:?}", c.failures);
}

#[tokio::test]
async fn destroy_deletes_children_before_parents_and_releases_nothing_it_may_not() {
    let children = vec![
        bucket("b", true),
        encryption("b"),
        role("r"),
        bucket("a", false),
    ];
    let fake = Fake::with(&children);
    let failures = destroy(&fake, &children, &updating(), false).await;
    assert!(failures.is_empty(), "{failures:?}");
    let calls = fake.calls();
    // Only top-level children: a bucket's configuration goes with it.
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert!(calls.iter().all(|(op, _)| *op == "delete"));

    // Data in a created bucket: nothing at all is deleted (adopted ones are never checked).
    let mut fake = Fake::with(&children);
    fake.holds.insert(children[0].key.clone());
    fake.holds.insert(children[3].key.clone());
    let failures = destroy(&fake, &children, &updating(), false).await;
    assert!(matches!(&failures[..], [Failure::HoldsData { key, .. }] if *key == children[0].key));
    assert_eq!(fake.writes(), 0);
    // force: deleted anyway.
    assert!(destroy(&fake, &children, &updating(), true)
        .await
        .is_empty());

    // Another identity anywhere: nothing is deleted.
    let mut fake = Fake::with(&children);
    fake.observed.insert(
        children[2].key.clone(),
        Spec::Role {
            trust_policy: serde_json::json!({}),
            path: "/".into(),
            permissions_boundary: None,
            tags: tags(Some(THEIRS)),
        },
    );
    let failures = destroy(&fake, &children, &updating(), true).await;
    assert!(matches!(&failures[..], [Failure::NotOurs { .. }]));
    assert_eq!(fake.writes(), 0);
}

mod alerts;
mod jobs;
