//! Unit tests of the alerts' import: the block read back from the objects it made, the
//! probe that finds them, and the long-run rule's minutes.

use super::tests::prod;
use super::*;

fn with_alerts(a: AlertSettings) -> (Settings, Env) {
    let (mut s, env) = prod();
    s.alerts = Some(a);
    (s, env)
}

fn keys(d: &Desired) -> Vec<String> {
    d.children
        .iter()
        .filter(|c| c.key.kind.is_alert())
        .map(|c| c.key.address())
        .collect()
}

/// The alert objects `d` wants, as a read would find them once applied.
fn observed_alerts(d: &Desired) -> ObservedAlerts {
    let mut o = ObservedAlerts::default();
    for c in &d.children {
        let (owner, name) = (c.key.owner.clone(), c.key.name.clone());
        match &c.spec {
            Spec::SnsTopic { create, tags } => {
                let t = ObservedTopic {
                    created: *create,
                    tags: tags.clone(),
                    ..Default::default()
                };
                o.topics.insert(name, Some(t));
            }
            Spec::Subscription { .. } => {
                if let Some(Some(t)) = o.topics.get_mut(&owner) {
                    t.subscriptions.insert(name, None);
                }
            }
            Spec::EventRule {
                pattern,
                description,
                enabled,
                tags,
            } => {
                let r = ObservedRule {
                    pattern: pattern.clone(),
                    description: description.clone(),
                    enabled: *enabled,
                    tags: tags.clone(),
                    targets: BTreeMap::new(),
                };
                o.rules.insert(name, Some(r));
            }
            Spec::EventTarget {
                arn,
                input_paths,
                input_template,
            } => {
                if let Some(Some(r)) = o.rules.get_mut(&owner) {
                    let t = ObservedTarget {
                        arn: arn.clone(),
                        input_paths: input_paths.clone(),
                        input_template: input_template.clone(),
                    };
                    r.targets.insert(name, t);
                }
            }
            Spec::MetricAlarm(a) => {
                o.alarms.insert(name, Some(a.clone()));
            }
            Spec::Budget(b) => {
                o.budgets.insert((owner, name), Some(b.clone()));
            }
            Spec::Dashboard(db) => {
                o.dashboards.insert(name, Some(db.clone()));
            }
            _ => {}
        }
    }
    o
}

#[test]
fn import_reads_back_the_alerts_block_the_objects_were_made_from() {
    let settings = [
        AlertSettings {
            emails: vec!["a@example.com".into(), "b@example.com".into()],
            on_job_stopped: true,
            on_crawler_failure: false,
            long_running_minutes: Some(240),
            name_pattern: Some("*omc-*".into()),
            storage_threshold_gib: [(BucketRole::Data, 5000.0), (BucketRole::Analysis, 0.5)].into(),
            monthly_budget_usd: Some(3000.0),
            dashboard: true,
            ..Default::default()
        },
        AlertSettings::default(),
        AlertSettings {
            on_job_failure: false,
            ..Default::default()
        },
        // An existing topic: found through the rules; its subscriptions are its owner's.
        AlertSettings {
            topic: TopicChoice::Existing("arn:aws:sns:us-east-1:239083076653:oncall".into()),
            on_crawler_failure: false,
            ..Default::default()
        },
        // Only an alarm, publishing to an existing topic.
        AlertSettings {
            topic: TopicChoice::Existing("arn:aws:sns:us-east-1:239083076653:oncall".into()),
            on_job_failure: false,
            on_crawler_failure: false,
            storage_threshold_gib: [(BucketRole::Assets, 12.0)].into(),
            ..Default::default()
        },
    ];
    for want in settings {
        let (s, env) = with_alerts(want.clone());
        let owner = s.owner_id.clone().expect("owner");
        let mut o = observed_alerts(&expand(&s, &env));
        if let TopicChoice::Existing(arn) = &want.topic {
            // The probe reads the created topic's name only.
            o.topics.remove(arn);
        }
        let bare = Settings {
            alerts: None,
            ..s.clone()
        };
        assert_eq!(
            imported_alerts(&bare, &env, &owner, &o),
            Some(want),
            "{o:#?}"
        );
    }
}

#[test]
fn import_finds_no_alerts_where_there_are_none_or_they_are_another_pipelines() {
    let (s, env) = with_alerts(AlertSettings {
        dashboard: true,
        monthly_budget_usd: Some(10.0),
        ..Default::default()
    });
    let o = observed_alerts(&expand(&s, &env));
    assert_eq!(
        imported_alerts(
            &s,
            &env,
            s.owner_id.as_deref().unwrap(),
            &ObservedAlerts::default()
        ),
        None
    );
    assert_eq!(
        imported_alerts(&s, &env, "ffffffffffffffffffffffffffffffff", &o),
        None
    );
    // Every name the pipeline could use is probed.
    let probe = Settings {
        alerts: Some(probe_alerts()),
        ..s.clone()
    };
    let probed = keys(&expand(&probe, &env));
    for k in keys(&expand(&s, &env)) {
        assert!(probed.contains(&k), "{k} not probed");
    }
}

#[test]
fn the_long_run_rule_records_its_minutes() {
    let (s, env) = with_alerts(AlertSettings {
        long_running_minutes: Some(2880),
        ..Default::default()
    });
    let d = expand(&s, &env);
    let Some(Spec::EventRule { description, .. }) = d
        .child(&ChildKey::top(
            Kind::EventRule,
            "omc-flywheel-prod-job-long-run",
        ))
        .map(|c| &c.spec)
    else {
        panic!("a long-run rule")
    };
    assert_eq!(long_run_minutes_of(description), Some(2880));
    assert_eq!(
        long_run_minutes_of("Glue job runs of this pipeline past their NotifyDelayAfter"),
        None
    );
    assert_eq!(long_run_minutes_of("long_running_minutes = x"), None);
}
