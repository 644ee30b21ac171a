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
            tags: tags(Some(THEIRS)),
        },
    );
    let failures = destroy(&fake, &children, &updating(), true).await;
    assert!(matches!(&failures[..], [Failure::NotOurs { .. }]));
    assert_eq!(fake.writes(), 0);
}

// ---------------------------------------------------------------------------------------
// Derived-name children: a crawler's trigger, whose ownership follows the state's record
// ---------------------------------------------------------------------------------------

mod derived {
    use super::*;
    use crate::model::crawler::ObservedCrawler;
    use crate::model::trigger::{ObservedTrigger, TriggerAction, TriggerSpec, TriggerStart};

    fn crawler_key() -> ChildKey {
        ChildKey::top(Kind::GlueCrawler, "crw")
    }

    fn trigger_key() -> ChildKey {
        ChildKey::new(Kind::GlueCrawlerTrigger, "crw", "crw-after-job")
    }

    fn seen_crawler(owner: Option<&str>) -> Spec {
        Spec::SeenCrawler {
            crawler: Box::new(ObservedCrawler {
                name: "crw".into(),
                ..ObservedCrawler::default()
            }),
            tags: tags(owner),
        }
    }

    fn seen_trigger(t: Tags) -> Spec {
        Spec::SeenCrawlerTrigger {
            trigger: ObservedTrigger {
                name: "crw-after-job".into(),
                start: Some(TriggerStart::AfterJobSucceeded("etl".into())),
                actions: vec![TriggerAction::StartCrawler("crw".into())],
                activated: true,
            },
            tags: t,
        }
    }

    fn wanted_trigger() -> Child {
        Child {
            key: trigger_key(),
            spec: Spec::CrawlerTrigger(TriggerSpec::new(
                TriggerAction::StartCrawler("crw".into()),
                TriggerStart::AfterJobSucceeded("etl".into()),
                tags(Some(OURS)),
            )),
        }
    }

    /// The crawler as desired never equals what is observed in these tests: an update.
    fn crawler_child() -> Child {
        Child {
            key: crawler_key(),
            spec: seen_crawler(Some(OURS)),
        }
    }

    fn fake(trigger: Option<Tags>) -> Fake {
        let mut f = Fake::default();
        f.observed.insert(crawler_key(), seen_crawler(Some(OURS)));
        if let Some(t) = trigger {
            f.observed.insert(trigger_key(), seen_trigger(t));
        }
        f
    }

    fn recorded(yes: bool) -> BTreeSet<ChildKey> {
        yes.then(trigger_key).into_iter().collect()
    }

    fn deleted(f: &Fake) -> bool {
        f.calls().contains(&("delete", trigger_key()))
    }

    #[tokio::test]
    async fn an_unwanted_trigger_is_deleted_only_when_provably_ours() {
        let children = vec![crawler_child()];
        // Ours: deleted, recorded or not.
        for rec in [true, false] {
            let f = fake(Some(tags(Some(OURS))));
            let c = converge_with(&f, &children, &updating(), &recorded(rec)).await;
            assert!(c.failures.is_empty(), "{:?}", c.failures);
            assert!(deleted(&f));
            assert!(!c.statuses.contains_key(&trigger_key()));
        }
        // Untagged and never recorded: someone else's, left silently.
        let f = fake(Some(Tags::new()));
        let c = converge_with(&f, &children, &updating(), &recorded(false)).await;
        assert!(c.failures.is_empty(), "{:?}", c.failures);
        assert!(!deleted(&f));
        assert!(!c.statuses.contains_key(&trigger_key()));
        // Untagged and recorded by a state that has an identity: left, and said; nothing
        // else is changed.
        let f = fake(Some(Tags::new()));
        let c = converge_with(&f, &children, &updating(), &recorded(true)).await;
        assert!(matches!(
            &c.failures[..],
            [Failure::NotOurs { why: Refusal::Undeletable, key, .. }] if *key == trigger_key()
        ));
        assert_eq!(f.writes(), 0);
        // It is still there, and not where the configuration wants it.
        assert_eq!(c.statuses.get(&trigger_key()), Some(&Status::Extra));
        // ... while a 0.1.0 state (no identity yet, nothing tagged) that recorded it
        // deletes it.
        let mut f = fake(Some(Tags::new()));
        f.observed.insert(crawler_key(), seen_crawler(None));
        let own = Ownership {
            owner: None,
            ..updating()
        };
        let c = converge_with(&f, &children, &own, &recorded(true)).await;
        assert!(c.failures.is_empty(), "{:?}", c.failures);
        assert!(deleted(&f));
        // Another instance's: never deleted.
        let f = fake(Some(tags(Some(THEIRS))));
        let c = converge_with(&f, &children, &updating(), &recorded(true)).await;
        assert!(matches!(&c.failures[..], [Failure::NotOurs { .. }]));
        assert!(!deleted(&f));
    }

    #[tokio::test]
    async fn a_wanted_trigger_is_taken_as_the_state_recorded_it() {
        let children = vec![crawler_child(), wanted_trigger()];
        // Recorded and untagged (0.1.0, or tags removed): retagged.
        let f = fake(Some(Tags::new()));
        let c = converge_with(&f, &children, &updating(), &recorded(true)).await;
        assert!(c.failures.is_empty(), "{:?}", c.failures);
        assert!(f.calls().contains(&("update", trigger_key())));
        // Not recorded and untagged: someone's, refused as on a create.
        let f = fake(Some(Tags::new()));
        let c = converge_with(&f, &children, &updating(), &recorded(false)).await;
        assert!(matches!(
            &c.failures[..],
            [Failure::NotOurs { why: Refusal::Exists, key, .. }] if *key == trigger_key()
        ));
        assert_eq!(f.writes(), 0);
        // Not recorded, left by a killed apply of the same pipeline: taken.
        let mut t = tags(Some(THEIRS));
        t.insert(PIPELINE_OWNER_TAG.into(), "p".repeat(32));
        let f = fake(Some(t));
        let own = Ownership {
            pipeline_owner: Some("p".repeat(32)),
            ..updating()
        };
        let c = converge_with(&f, &children, &own, &recorded(false)).await;
        assert!(c.failures.is_empty(), "{:?}", c.failures);
        // Missing: created.
        let f = fake(None);
        let c = converge_with(&f, &children, &updating(), &recorded(false)).await;
        assert!(c.failures.is_empty(), "{:?}", c.failures);
        assert!(f.calls().contains(&("create", trigger_key())));
    }

    #[tokio::test]
    async fn destroy_deletes_the_trigger_first_and_only_when_provably_ours() {
        let children = vec![crawler_child()];
        let f = fake(Some(tags(Some(OURS))));
        let failures = destroy_with(&f, &children, &updating(), false, &recorded(true)).await;
        assert!(failures.is_empty(), "{failures:?}");
        let calls = f.calls();
        assert_eq!(calls.len(), 2, "{calls:?}");
        assert!(index(&calls, &trigger_key()) < index(&calls, &crawler_key()));
        // Someone else's trigger under the derived name, never recorded: left.
        let f = fake(Some(tags(Some(THEIRS))));
        let failures = destroy_with(&f, &children, &updating(), false, &recorded(false)).await;
        assert!(failures.is_empty(), "{failures:?}");
        assert_eq!(f.calls(), vec![("delete", crawler_key())]);
        // Recorded but not provably ours: nothing is deleted.
        let f = fake(Some(Tags::new()));
        let failures = destroy_with(&f, &children, &updating(), false, &recorded(true)).await;
        assert!(matches!(
            &failures[..],
            [Failure::NotOurs {
                why: Refusal::Undeletable,
                ..
            }]
        ));
        assert_eq!(f.writes(), 0);
        // The crawler carries another identity: nothing is deleted.
        let mut f = fake(Some(tags(Some(OURS))));
        f.observed.insert(crawler_key(), seen_crawler(Some(THEIRS)));
        let failures = destroy_with(&f, &children, &updating(), false, &recorded(true)).await;
        assert!(matches!(
            &failures[..],
            [Failure::NotOurs {
                why: Refusal::Foreign,
                ..
            }]
        ));
        assert_eq!(f.writes(), 0);
    }
}
