//! The ownership rule for alert objects found under their derived names
//! (`derived::alert_refusal`): a topic, rule or size alarm of the same name that this
//! instance cannot prove its own is never taken over.

use super::*;
use crate::model::alarm;
use crate::reconcile::engine::derived::alert_refusal;
use crate::reconcile::Refusal;

fn size_alarm(tags: Tags) -> Spec {
    Spec::MetricAlarm(alarm::desired(
        "omc-flywheel-data-us-east-1-prod",
        true,
        5000.0,
        "arn:aws:sns:us-east-1:239083076653:omc-flywheel-prod-alerts",
        &tags,
    ))
}

fn alarm_child() -> Child {
    Child {
        key: ChildKey::top(Kind::MetricAlarm, "omc-flywheel-prod-data-size"),
        spec: size_alarm(tags(Some(OURS))),
    }
}

fn seen(spec: Spec) -> BTreeMap<ChildKey, Spec> {
    [(alarm_child().key, spec)].into()
}

#[test]
fn an_alarm_of_the_same_name_is_not_taken_over() {
    let c = alarm_child();
    // Another instance's alarm, or one made by hand (no identity), when the block is
    // added now: refused as existing.
    for other in [tags(Some(THEIRS)), Tags::new()] {
        let f = alert_refusal(&c, &seen(size_alarm(other.clone())), &updating(), false);
        assert!(
            matches!(
                &f,
                Some(Failure::NotOurs {
                    why: Refusal::Exists,
                    ..
                })
            ),
            "{other:?}: {f:?}"
        );
    }
    // Another identity on an alarm the state recorded: refused as foreign.
    let f = alert_refusal(&c, &seen(size_alarm(tags(Some(THEIRS)))), &updating(), true);
    assert!(
        matches!(
            f,
            Some(Failure::NotOurs {
                why: Refusal::Foreign,
                ..
            })
        ),
        "{f:?}"
    );
    // Its own, or none observed: no refusal.
    assert!(alert_refusal(&c, &seen(size_alarm(tags(Some(OURS)))), &updating(), false).is_none());
    assert!(alert_refusal(&c, &BTreeMap::new(), &creating(), false).is_none());
}

fn budget_child(tags: Tags) -> Child {
    Child {
        key: ChildKey::new(Kind::Budget, "239083076653", "omc-flywheel-prod-monthly"),
        spec: Spec::Budget(crate::model::budget::desired(
            3000.0,
            Some(OURS),
            "arn:aws:sns:us-east-1:239083076653:omc-flywheel-prod-alerts",
            &tags,
        )),
    }
}

#[test]
fn a_budget_of_the_same_name_is_not_taken_over() {
    let c = budget_child(tags(Some(OURS)));
    for other in [tags(Some(THEIRS)), Tags::new()] {
        let seen = [(c.key.clone(), budget_child(other.clone()).spec)].into();
        let f = alert_refusal(&c, &seen, &updating(), false);
        assert!(
            matches!(
                &f,
                Some(Failure::NotOurs {
                    why: Refusal::Exists,
                    ..
                })
            ),
            "{other:?}: {f:?}"
        );
    }
    let seen = [(c.key.clone(), budget_child(tags(Some(OURS))).spec)].into();
    assert!(alert_refusal(&c, &seen, &updating(), true).is_none());
}

#[test]
fn a_dashboard_without_this_identity_in_its_body_is_not_taken_over() {
    use crate::model::dashboard;
    let want = |owner: &str| {
        Spec::Dashboard(dashboard::desired(&dashboard::Inputs {
            base: "omc-flywheel-prod",
            region: "us-east-1",
            name_pattern: "*omc-flywheel-prod*",
            buckets: &[],
            owner_id: Some(owner),
        }))
    };
    let c = Child {
        key: ChildKey::top(Kind::Dashboard, "omc-flywheel-prod"),
        spec: want(OURS),
    };
    for theirs in [
        want(THEIRS),
        Spec::Dashboard(dashboard::observed(r#"{"widgets":[]}"#)),
    ] {
        let seen = [(c.key.clone(), theirs.clone())].into();
        assert!(
            matches!(
                alert_refusal(&c, &seen, &updating(), false),
                Some(Failure::NotOurs {
                    why: Refusal::Exists,
                    ..
                })
            ),
            "{theirs:?}"
        );
    }
    let seen = [(c.key.clone(), want(OURS))].into();
    assert!(alert_refusal(&c, &seen, &updating(), false).is_none());
}
