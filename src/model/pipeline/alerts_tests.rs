//! Unit tests of the alerts expansion: names, event patterns, the topic policy, the
//! observed alert objects and their comparison, and the offline checks.

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

#[test]
fn production_alerts_expand_into_topic_policy_subscriptions_rules_and_targets() {
    let (s, env) = with_alerts(AlertSettings {
        emails: vec![
            "Data-Oncall@example.com".into(),
            "data-oncall@example.com".into(),
        ],
        long_running_minutes: Some(240),
        ..Default::default()
    });
    let d = expand(&s, &env);
    let topic = "arn:aws:sns:us-east-1:239083076653:omc-flywheel-prod-alerts";
    assert_eq!(
        keys(&d),
        vec![
            format!("aws_sns_topic.{topic}"),
            format!("aws_sns_topic_policy.{topic}"),
            format!("aws_sns_topic_subscription.{topic}:email:data-oncall@example.com"),
            "aws_cloudwatch_event_rule.omc-flywheel-prod-job-failed".into(),
            "aws_cloudwatch_event_target.omc-flywheel-prod-job-failed/flywheel-sns".into(),
            "aws_cloudwatch_event_rule.omc-flywheel-prod-job-long-run".into(),
            "aws_cloudwatch_event_target.omc-flywheel-prod-job-long-run/flywheel-sns".into(),
            "aws_cloudwatch_event_rule.omc-flywheel-prod-crawler-failed".into(),
            "aws_cloudwatch_event_target.omc-flywheel-prod-crawler-failed/flywheel-sns".into(),
            "aws_cloudwatch_event_rule.omc-flywheel-prod-crawler-sched".into(),
            "aws_cloudwatch_event_target.omc-flywheel-prod-crawler-sched/flywheel-sns".into(),
        ]
    );
    // The topic and rules carry the pipeline's tags with its identity.
    let rule = d
        .child(&ChildKey::top(
            Kind::EventRule,
            "omc-flywheel-prod-job-failed",
        ))
        .expect("rule");
    let Spec::EventRule { pattern, tags, .. } = &rule.spec else {
        panic!("a rule")
    };
    assert_eq!(tags.get(ownership::OWNER_TAG), s.owner_id.as_ref());
    assert_eq!(
        *pattern,
        json!({
            "source": ["aws.glue"],
            "detail-type": ["Glue Job State Change"],
            "detail": {
                "jobName": [{"wildcard": "*omc-flywheel-prod*"}],
                "state": ["FAILED", "TIMEOUT", "ERROR"],
            },
        })
    );
    let managed = managed_objects(&d, &env);
    assert!(managed.iter().any(|o| o.kind == "aws_cloudwatch_event_rule"
        && o.arn
            == Arn::Known(
                "arn:aws:events:us-east-1:239083076653:rule/omc-flywheel-prod-job-failed".into()
            )));
}

#[test]
fn storage_thresholds_make_one_alarm_per_bucket_to_the_topic() {
    let (s, env) = with_alerts(AlertSettings {
        storage_threshold_gib: [(BucketRole::Data, 5000.0), (BucketRole::Analysis, 0.5)].into(),
        ..Default::default()
    });
    let d = expand(&s, &env);
    let alarms: Vec<&Child> = d
        .children
        .iter()
        .filter(|c| c.key.kind == Kind::MetricAlarm)
        .collect();
    assert_eq!(
        alarms.iter().map(|c| c.key.address()).collect::<Vec<_>>(),
        [
            "aws_cloudwatch_metric_alarm.omc-flywheel-prod-data-size",
            "aws_cloudwatch_metric_alarm.omc-flywheel-prod-analysis-size",
        ]
    );
    let Spec::MetricAlarm(data) = &alarms[0].spec else {
        panic!("an alarm")
    };
    assert_eq!(data.bucket, bucket_name(&s, BucketRole::Data));
    assert_eq!(data.threshold_bytes, 5000.0 * crate::model::alarm::GIB);
    assert_eq!(
        data.actions,
        ["arn:aws:sns:us-east-1:239083076653:omc-flywheel-prod-alerts"]
    );
    assert_eq!(data.tags.get(ownership::OWNER_TAG), s.owner_id.as_ref());
    // The data bucket moves objects to Intelligent-Tiering: its tiers are summed.
    assert_eq!(
        data.storage_types.len(),
        if intelligent_tiering(&s.data, BucketRole::Data) {
            4
        } else {
            1
        }
    );
    let managed = managed_objects(&d, &env);
    assert!(managed
        .iter()
        .any(|o| o.kind == "aws_cloudwatch_metric_alarm"
            && o.arn
                == Arn::Known(
                    "arn:aws:cloudwatch:us-east-1:239083076653:alarm:omc-flywheel-prod-data-size"
                        .into()
                )));
}

#[test]
fn event_patterns_follow_the_settings() {
    let a = AlertSettings {
        on_job_failure: false,
        on_job_stopped: true,
        ..Default::default()
    };
    assert_eq!(
        event_pattern(RuleKind::JobFailure, &a, "*x*")["detail"]["state"],
        json!(["STOPPED"])
    );
    let a = AlertSettings {
        on_job_stopped: true,
        ..Default::default()
    };
    assert_eq!(
        event_pattern(RuleKind::JobFailure, &a, "*x*")["detail"]["state"],
        json!(["FAILED", "TIMEOUT", "ERROR", "STOPPED"])
    );
    let crawler = event_pattern(RuleKind::CrawlerFailure, &a, "crw-*");
    assert_eq!(crawler["detail"]["state"], json!(["Failed"]));
    assert_eq!(
        crawler["detail"]["crawlerName"],
        json!([{"wildcard": "crw-*"}])
    );
    assert_eq!(
        event_pattern(RuleKind::JobLongRunning, &a, "*x*")["detail-type"],
        json!(["Glue Job Run Status"])
    );
    // Rules not asked for are not expanded; an alerts block without rules still has its
    // topic.
    let (s, env) = with_alerts(AlertSettings {
        on_job_failure: false,
        on_crawler_failure: false,
        ..Default::default()
    });
    let d = expand(&s, &env);
    assert_eq!(keys(&d).len(), 2, "{:?}", keys(&d));
}

#[test]
fn the_topic_policy_lets_only_this_pipelines_rules_publish() {
    let (s, env) = with_alerts(AlertSettings::default());
    let d = expand(&s, &env);
    let topic = topic_arn(&s, s.alerts.as_ref().unwrap(), &env);
    let Some(Child {
        spec: Spec::TopicPolicy { statements },
        ..
    }) = d.child(&ChildKey::new(Kind::SnsTopicPolicy, &topic, &topic))
    else {
        panic!("a topic policy")
    };
    let events = statements
        .iter()
        .find(|s| s["Sid"] == "FlywheelEventBridgePublish")
        .expect("events statement");
    assert_eq!(
        events["Principal"]["Service"],
        json!(["events.amazonaws.com"])
    );
    assert_eq!(
        events["Condition"]["ArnEquals"]["aws:SourceArn"],
        json!([
            "arn:aws:events:us-east-1:239083076653:rule/omc-flywheel-prod-crawler-failed",
            "arn:aws:events:us-east-1:239083076653:rule/omc-flywheel-prod-crawler-sched",
            "arn:aws:events:us-east-1:239083076653:rule/omc-flywheel-prod-job-failed",
        ])
    );
    assert!(statements
        .iter()
        .any(|s| s["Sid"] == "FlywheelAccountOwner"));
    // An existing topic keeps its owner's rights: only the pipeline's statement is added.
    let existing = "arn:aws:sns:us-east-1:239083076653:ops";
    let (s, env) = with_alerts(AlertSettings {
        topic: TopicChoice::Existing(existing.into()),
        ..Default::default()
    });
    let d = expand(&s, &env);
    let Some(Child {
        spec: Spec::TopicPolicy { statements },
        ..
    }) = d.child(&ChildKey::new(Kind::SnsTopicPolicy, existing, existing))
    else {
        panic!("a topic policy")
    };
    assert_eq!(statements.len(), 1);
    let Some(Child {
        spec: Spec::SnsTopic { create, tags },
        ..
    }) = d.child(&ChildKey::top(Kind::SnsTopic, existing))
    else {
        panic!("a topic")
    };
    assert!(!create);
    assert!(!tags.contains_key(ownership::OWNER_TAG));
}

fn observed_for(d: &Desired, topic: &str, rule: &str) -> Observed {
    let mut o = Observed::default();
    let statements = match d.child(&ChildKey::new(Kind::SnsTopicPolicy, topic, topic)) {
        Some(Child {
            spec: Spec::TopicPolicy { statements },
            ..
        }) => statements.clone(),
        _ => panic!("a policy"),
    };
    o.alerts.topics.insert(
        topic.to_string(),
        Some(ObservedTopic {
            created: true,
            tags: d.tags.clone(),
            policy: Some(policy::document(statements)),
            subscriptions: [("a@example.com".to_string(), None)].into(),
        }),
    );
    let Some(Child {
        spec:
            Spec::EventRule {
                pattern,
                description,
                tags,
                ..
            },
        ..
    }) = d.child(&ChildKey::top(Kind::EventRule, rule))
    else {
        panic!("a rule")
    };
    let (input_paths, input_template) = input_transformer(RuleKind::JobFailure);
    o.alerts.rules.insert(
        rule.to_string(),
        Some(ObservedRule {
            pattern: pattern.clone(),
            description: description.clone(),
            enabled: true,
            tags: tags.clone(),
            targets: [(
                TARGET_ID.to_string(),
                ObservedTarget {
                    arn: topic.to_string(),
                    input_paths,
                    input_template,
                },
            )]
            .into(),
        }),
    );
    o
}

#[test]
fn read_alerts_compare_ok_and_drift_names_the_child() {
    let (s, env) = with_alerts(AlertSettings {
        emails: vec!["a@example.com".into()],
        on_crawler_failure: false,
        ..Default::default()
    });
    let d = expand(&s, &env);
    let topic = topic_arn(&s, s.alerts.as_ref().unwrap(), &env);
    let rule = "omc-flywheel-prod-job-failed";
    let alerts_only = |st: &BTreeMap<ChildKey, Status>| -> BTreeMap<String, Status> {
        st.iter()
            .filter(|(k, _)| k.kind.is_alert())
            .map(|(k, v)| (k.address(), v.clone()))
            .collect()
    };
    let o = observed_for(&d, &topic, rule);
    let st = statuses(&d.children, &observed_children(&d, &o));
    // A pending subscription is no drift.
    assert!(
        alerts_only(&st).values().all(|s| *s == Status::Ok),
        "{st:?}"
    );

    // A pattern edited, a policy removed, a rule deleted, an extra address subscribed.
    let mut o = observed_for(&d, &topic, rule);
    if let Some(Some(r)) = o.alerts.rules.get_mut(rule) {
        r.pattern["detail"]["state"] = json!(["FAILED"]);
    }
    let st = alerts_only(&statuses(&d.children, &observed_children(&d, &o)));
    assert_eq!(
        st[&format!("aws_cloudwatch_event_rule.{rule}")],
        Status::Differs("event pattern changed".into())
    );
    let mut o = observed_for(&d, &topic, rule);
    if let Some(Some(t)) = o.alerts.topics.get_mut(&topic) {
        t.policy = None;
        t.subscriptions
            .insert("b@example.com".into(), Some("arn:sub".into()));
    }
    o.alerts.rules.insert(rule.into(), None);
    let st = alerts_only(&statuses(&d.children, &observed_children(&d, &o)));
    assert_eq!(
        st[&format!("aws_sns_topic_policy.{topic}")],
        Status::Missing
    );
    assert_eq!(
        st[&format!("aws_cloudwatch_event_rule.{rule}")],
        Status::Missing
    );
    assert_eq!(
        st[&format!("aws_sns_topic_subscription.{topic}:email:b@example.com")],
        Status::Extra
    );
}

#[test]
fn an_existing_topic_keeps_its_owners_statements_subscriptions_and_tags() {
    let existing = "arn:aws:sns:us-east-1:239083076653:ops";
    let (s, env) = with_alerts(AlertSettings {
        topic: TopicChoice::Existing(existing.into()),
        emails: vec!["a@example.com".into()],
        ..Default::default()
    });
    let d = expand(&s, &env);
    let mut o = Observed::default();
    let ours = match d.child(&ChildKey::new(Kind::SnsTopicPolicy, existing, existing)) {
        Some(Child {
            spec: Spec::TopicPolicy { statements },
            ..
        }) => statements.clone(),
        _ => panic!("a policy"),
    };
    let mut all = ours.clone();
    all.push(json!({"Sid": "TheirOwn", "Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": existing}));
    let mut tags = d.tags.clone();
    tags.remove(ownership::OWNER_TAG);
    tags.insert("team".into(), "ops".into());
    o.alerts.topics.insert(
        existing.into(),
        Some(ObservedTopic {
            created: false,
            tags,
            policy: Some(policy::document(all)),
            subscriptions: [
                ("a@example.com".to_string(), Some("arn:a".to_string())),
                ("ops@example.com".to_string(), Some("arn:o".to_string())),
            ]
            .into(),
        }),
    );
    let st = statuses(&d.children, &observed_children(&d, &o));
    let topic_children: Vec<(String, Status)> = st
        .iter()
        .filter(|(k, _)| k.owner == existing)
        .map(|(k, v)| (k.address(), v.clone()))
        .collect();
    assert!(
        topic_children.iter().all(|(_, s)| *s == Status::Ok),
        "{topic_children:?}"
    );
    assert_eq!(topic_children.len(), 3, "{topic_children:?}");
}

#[test]
fn offline_checks() {
    assert!(check_email("data-oncall@example.com").is_ok());
    for bad in [
        "",
        "no-at",
        "a@b",
        "a @b.com",
        "a@b@c.com",
        "@b.com",
        "a@.com",
    ] {
        assert!(check_email(bad).is_err(), "{bad}");
    }
    assert!(check_topic_arn("arn:aws:sns:us-east-1:239083076653:ops-alerts").is_ok());
    for bad in [
        "ops",
        "arn:aws:sqs:us-east-1:239083076653:q",
        "arn:aws:sns:us-east-1:2390:ops",
        "arn:aws:sns:us-east-1:239083076653:",
    ] {
        assert!(check_topic_arn(bad).is_err(), "{bad}");
    }
    assert!(check_name_pattern("*omc-flywheel-prod*").is_ok());
    assert!(check_name_pattern("*").is_err());
    assert!(check_name_pattern("a**b").is_err());
    assert!(check_name_pattern("").is_err());
    assert!(check_minutes(240).is_ok());
    assert!(check_minutes(0).is_err());
    assert!(check_minutes(2881).is_err());
    let (mut s, _) = prod();
    assert!(check_alert_names(&s).is_empty());
    s.name = "n".repeat(40);
    s.environment = Some("e".repeat(16));
    assert_eq!(check_alert_names(&s).len(), 4);
}

#[test]
fn a_monthly_budget_filters_on_the_identity_notifies_the_topic_and_may_publish() {
    let (s, env) = with_alerts(AlertSettings {
        monthly_budget_usd: Some(3000.0),
        ..Default::default()
    });
    let d = expand(&s, &env);
    let key = ChildKey::new(Kind::Budget, "239083076653", "omc-flywheel-prod-monthly");
    assert_eq!(
        key.address(),
        "aws_budgets_budget.239083076653:omc-flywheel-prod-monthly"
    );
    let Some(Child {
        spec: Spec::Budget(b),
        ..
    }) = d.child(&key)
    else {
        panic!("a budget: {:?}", keys(&d))
    };
    let owner = s.owner_id.as_deref().expect("prod has an identity");
    assert_eq!(
        b.cost_filters["TagKeyValue"],
        [
            format!("user:flywheel:owner${owner}"),
            format!("user:flywheel:pipeline-owner${owner}")
        ]
    );
    assert_eq!(b.limit_usd, 3000.0);
    let topic = topic_arn(&s, s.alerts.as_ref().unwrap(), &env);
    assert!(b
        .notices
        .iter()
        .all(|n| n.subscribers == [("SNS".to_string(), topic.clone())]));
    assert_eq!(b.tags.get(ownership::OWNER_TAG), s.owner_id.as_ref());
    let Some(Child {
        spec: Spec::TopicPolicy { statements },
        ..
    }) = d.child(&ChildKey::new(Kind::SnsTopicPolicy, &topic, &topic))
    else {
        panic!("a topic policy")
    };
    let budgets = statements
        .iter()
        .find(|s| s["Sid"] == "FlywheelBudgetsPublish")
        .expect("budgets statement");
    assert_eq!(
        budgets["Principal"]["Service"],
        json!(["budgets.amazonaws.com"])
    );
    assert_eq!(
        budgets["Condition"]["StringEquals"]["aws:SourceAccount"],
        json!(["239083076653"])
    );
    assert_eq!(
        budgets["Condition"]["ArnLike"]["aws:SourceArn"],
        json!(["arn:aws:budgets::239083076653:*"])
    );
    assert!(managed_objects(&d, &env)
        .iter()
        .any(|o| o.kind == "aws_budgets_budget"
            && o.arn
                == Arn::Known(
                    "arn:aws:budgets::239083076653:budget/omc-flywheel-prod-monthly".into()
                )));
    // Without a budget the topic policy has no Budgets statement.
    let (s, env) = with_alerts(AlertSettings::default());
    let d = expand(&s, &env);
    assert!(!d.children.iter().any(|c| c.key.kind == Kind::Budget));
    assert!(!format!("{:?}", d.children).contains("budgets.amazonaws.com"));
}

#[test]
fn a_dashboard_finds_jobs_by_the_pattern_shows_every_bucket_and_carries_the_identity() {
    let (s, env) = with_alerts(AlertSettings {
        dashboard: true,
        ..Default::default()
    });
    let d = expand(&s, &env);
    let key = ChildKey::top(Kind::Dashboard, "omc-flywheel-prod");
    let Some(Child {
        spec: Spec::Dashboard(dash),
        ..
    }) = d.child(&key)
    else {
        panic!("a dashboard: {:?}", keys(&d))
    };
    let body = dash.body.to_string();
    for role in BucketRole::ALL {
        let bucket = bucket_name(&s, role);
        assert!(
            body.contains(&format!("\"BucketName\",\"{bucket}\"")),
            "{bucket}: {body}"
        );
    }
    assert!(body.contains("JobName=omc-flywheel-prod'"), "{body}");
    assert_eq!(dash.tags.get(ownership::OWNER_TAG), s.owner_id.as_ref());
    assert!(managed_objects(&d, &env)
        .iter()
        .any(|o| o.kind == "aws_cloudwatch_dashboard"
            && o.arn
                == Arn::Known(
                    "arn:aws:cloudwatch::239083076653:dashboard/omc-flywheel-prod".into()
                )));
    // Off by default.
    let (s, env) = with_alerts(AlertSettings::default());
    assert!(!expand(&s, &env)
        .children
        .iter()
        .any(|c| c.key.kind == Kind::Dashboard));
}
