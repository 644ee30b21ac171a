//! The engine for jobs and crawlers: the job first, its trigger and uploads judged by what
//! the state recorded.

use super::*;
use crate::model::job::{JobDefinition, ObservedJob};
use crate::model::trigger::{ObservedTrigger, TriggerAction, TriggerSpec, TriggerStart};

const PIPELINE: &str = "0000000000000000000000000000000c";

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
        default_arguments: BTreeMap::new(),
        notify_delay_after: None,
        execution_class: "STANDARD".into(),
        max_concurrent_runs: 1,
        job_run_queuing_enabled: false,
        security_configuration: None,
        connections: Vec::new(),
        non_overridable_arguments: BTreeMap::new(),
    }
}

fn job_key() -> ChildKey {
    ChildKey::top(Kind::GlueJob, "etl")
}

fn trigger_key() -> ChildKey {
    ChildKey::new(Kind::JobTrigger, "etl", "etl-schedule")
}

fn script_key(name: &str) -> ChildKey {
    ChildKey::new(Kind::JobScript, "etl", name)
}

fn job() -> Child {
    Child {
        key: job_key(),
        spec: Spec::GlueJob {
            job: definition(),
            tags: tags(Some(OURS)),
        },
    }
}

fn trigger() -> Child {
    Child {
        key: trigger_key(),
        spec: Spec::JobTrigger {
            trigger: TriggerSpec::new(
                TriggerAction::StartJob("etl".into()),
                TriggerStart::Schedule("cron(0 3 * * ? *)".into()),
                tags(Some(OURS)),
            ),
        },
    }
}

fn script(name: &str) -> Child {
    Child {
        key: script_key(name),
        spec: Spec::JobScript {
            sha256: "a".into(),
            tags: tags(Some(OURS)),
        },
    }
}

/// A job as Glue reports it, differing from the definition (so it is updated).
fn seen_job(owner_tags: Tags) -> Spec {
    Spec::ObservedGlueJob {
        job: ObservedJob {
            name: "etl".into(),
            ..ObservedJob::default()
        },
        tags: owner_tags,
    }
}

fn seen_trigger(t: Tags) -> Spec {
    Spec::ObservedJobTrigger {
        trigger: ObservedTrigger {
            name: "etl-schedule".into(),
            start: Some(TriggerStart::Schedule("cron(0 5 * * ? *)".into())),
            actions: vec![TriggerAction::StartJob("etl".into())],
            activated: true,
        },
        tags: t,
    }
}

fn seen_script(t: Tags) -> Spec {
    Spec::JobScript {
        sha256: "old".into(),
        tags: t,
    }
}

fn recorded(keys: &[ChildKey]) -> Recorded {
    Recorded {
        keys: keys.iter().cloned().collect(),
    }
}

#[tokio::test]
async fn a_name_clash_stops_the_create_before_any_upload_and_the_script_goes_with_the_job() {
    let mut fake = Fake::default();
    fake.observed.insert(job_key(), seen_job(tags(None)));
    let children = vec![job(), script("assets/scripts/etl.py"), trigger()];
    let c = converge_recorded(&fake, &children, &creating(), &Recorded::default()).await;
    assert!(!c.ran);
    assert_eq!(fake.writes(), 0);
    assert!(matches!(
        &c.failures[..],
        [Failure::NotOurs { key, why: Refusal::Exists, .. }] if *key == job_key()
    ));
    // A script at the key is judged with its job: once the job is this instance's
    // to create, the object there (its own from before the job was deleted behind
    // Terraform's back) is overwritten, after the job is created.
    let mut fake = Fake::default();
    let s = script_key("assets/scripts/etl.py");
    fake.observed
        .insert(s.clone(), seen_script(tags(Some(THEIRS))));
    let c = converge_recorded(&fake, &children, &creating(), &Recorded::default()).await;
    assert!(c.failures.is_empty(), "{:?}", c.failures);
    let calls = fake.calls();
    assert!(index(&calls, &job_key()) < index(&calls, &s));
}

#[tokio::test]
async fn the_script_and_trigger_wait_for_the_job() {
    let fake = Fake::default();
    let children = vec![trigger(), script("assets/scripts/etl.py"), job()];
    let c = converge_recorded(&fake, &children, &creating(), &Recorded::default()).await;
    assert!(c.failures.is_empty(), "{:?}", c.failures);
    let calls = fake.calls();
    assert!(index(&calls, &job_key()) < index(&calls, &trigger_key()));
    assert!(index(&calls, &job_key()) < index(&calls, &script_key("assets/scripts/etl.py")));
}

#[tokio::test]
async fn a_pipelines_leftover_job_and_trigger_are_taken_on_create() {
    let mut left = tags(Some(THEIRS));
    left.insert(PIPELINE_OWNER_TAG.into(), PIPELINE.into());
    let mut fake = Fake::default();
    fake.observed.insert(job_key(), seen_job(left.clone()));
    fake.observed.insert(trigger_key(), seen_trigger(left));
    let own = Ownership {
        pipeline_owner: Some(PIPELINE.into()),
        ..creating()
    };
    let c = converge_recorded(&fake, &[job(), trigger()], &own, &Recorded::default()).await;
    assert!(c.failures.is_empty(), "{:?}", c.failures);
    assert_eq!(
        fake.calls()
            .iter()
            .filter(|(op, _)| *op == "update")
            .count(),
        2
    );
}

#[tokio::test]
async fn a_wanted_trigger_someone_else_made_is_refused() {
    let mut fake = Fake::default();
    fake.observed.insert(job_key(), seen_job(tags(Some(OURS))));
    fake.observed
        .insert(trigger_key(), seen_trigger(tags(None)));
    // Never recorded: untagged is someone's.
    let c = converge_recorded(
        &fake,
        &[job(), trigger()],
        &updating(),
        &Recorded::default(),
    )
    .await;
    assert!(!c.ran);
    assert!(matches!(
        &c.failures[..],
        [Failure::NotOurs { key, why: Refusal::Exists, .. }] if *key == trigger_key()
    ));
    // Recorded (a 0.1.0 state's trigger, untagged): this state's.
    let c = converge_recorded(
        &fake,
        &[job(), trigger()],
        &updating(),
        &recorded(&[trigger_key()]),
    )
    .await;
    assert!(c.failures.is_empty(), "{:?}", c.failures);
}

#[tokio::test]
async fn an_unwanted_trigger_goes_only_when_provably_this_states() {
    let run = |t: Tags, rec: Recorded| async move {
        let mut fake = Fake::default();
        fake.observed.insert(job_key(), seen_job(tags(Some(OURS))));
        fake.observed.insert(trigger_key(), seen_trigger(t));
        let c = converge_recorded(&fake, &[job()], &updating(), &rec).await;
        let deleted = fake
            .calls()
            .iter()
            .any(|(op, k)| *op == "delete" && *k == trigger_key());
        (c, deleted)
    };
    // Ours: deleted, after the job's update.
    let (c, deleted) = run(tags(Some(OURS)), recorded(&[trigger_key()])).await;
    assert!(deleted && c.failures.is_empty(), "{:?}", c.failures);
    assert!(!c.statuses.contains_key(&trigger_key()));
    // Never recorded and untagged: someone else's, left without a word.
    let (c, deleted) = run(tags(None), Recorded::default()).await;
    assert!(!deleted && c.failures.is_empty(), "{:?}", c.failures);
    assert!(!c.statuses.contains_key(&trigger_key()));
    // Recorded but untagged under a state with an identity: left, with a failure.
    let (c, deleted) = run(tags(None), recorded(&[trigger_key()])).await;
    assert!(!deleted);
    assert!(matches!(
        &c.failures[..],
        [Failure::NotOurs { key, why: Refusal::Undeletable, .. }] if *key == trigger_key()
    ));
}

#[tokio::test]
async fn a_moved_script_is_deleted_only_after_the_job_points_elsewhere() {
    let old = script_key("assets/old/etl.py");
    let new = "assets/scripts/etl.py";
    let mut fake = Fake::default();
    fake.observed.insert(job_key(), seen_job(tags(Some(OURS))));
    fake.observed
        .insert(old.clone(), seen_script(tags(Some(OURS))));
    let children = vec![job(), script(new)];
    let c = converge_recorded(&fake, &children, &updating(), &Recorded::default()).await;
    assert!(c.failures.is_empty(), "{:?}", c.failures);
    let calls = fake.calls();
    assert!(index(&calls, &job_key()) < index(&calls, &old));
    assert!(!c.statuses.contains_key(&old));

    // The job's update fails: the old script stays, still tracked.
    fake.log.lock().unwrap().clear();
    fake.fail_update.insert(job_key());
    let c = converge_recorded(&fake, &children, &updating(), &Recorded::default()).await;
    assert!(!fake
        .calls()
        .iter()
        .any(|(op, k)| *op == "delete" && *k == old));
    assert_eq!(c.statuses.get(&old), Some(&Status::Extra));

    // Another identity on it: left, named, and the rest still runs.
    let mut fake = Fake::default();
    fake.observed.insert(job_key(), seen_job(tags(Some(OURS))));
    fake.observed
        .insert(old.clone(), seen_script(tags(Some(THEIRS))));
    let c = converge_recorded(&fake, &children, &updating(), &Recorded::default()).await;
    assert!(!fake
        .calls()
        .iter()
        .any(|(op, k)| *op == "delete" && *k == old));
    assert!(matches!(&c.failures[..], [Failure::NotOurs { key, .. }] if *key == old));
    assert_eq!(c.statuses.get(&old), Some(&Status::Extra));
    assert!(c.ran);
}

#[tokio::test]
async fn destroy_deletes_the_trigger_and_scripts_before_the_job() {
    let s = "assets/scripts/etl.py";
    let mut fake = Fake::default();
    fake.observed.insert(job_key(), seen_job(tags(Some(OURS))));
    fake.observed
        .insert(trigger_key(), seen_trigger(tags(Some(OURS))));
    fake.observed
        .insert(script_key(s), seen_script(tags(Some(OURS))));
    let f = destroy_recorded(
        &fake,
        &[job(), script(s)],
        &updating(),
        &recorded(&[trigger_key()]),
    )
    .await;
    assert!(f.is_empty(), "{f:?}");
    let calls = fake.calls();
    assert!(index(&calls, &trigger_key()) < index(&calls, &job_key()));
    assert!(index(&calls, &script_key(s)) < index(&calls, &job_key()));

    // Someone else's trigger under the name is left; the job still goes.
    let mut fake = Fake::default();
    fake.observed.insert(job_key(), seen_job(tags(Some(OURS))));
    fake.observed
        .insert(trigger_key(), seen_trigger(tags(None)));
    let f = destroy_recorded(&fake, &[job()], &updating(), &Recorded::default()).await;
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(fake.calls(), vec![("delete", job_key())],);

    // Another instance's job: nothing is deleted.
    let mut fake = Fake::default();
    fake.observed
        .insert(job_key(), seen_job(tags(Some(THEIRS))));
    fake.observed
        .insert(trigger_key(), seen_trigger(tags(Some(OURS))));
    let f = destroy_recorded(&fake, &[job()], &updating(), &recorded(&[trigger_key()])).await;
    assert!(matches!(&f[..], [Failure::NotOurs { .. }]));
    assert_eq!(fake.writes(), 0);
}
