//! The pipeline's alert children (SNS topic, its policy and email subscriptions,
//! EventBridge rules and their targets, bucket size alarms, the dashboard, the monthly
//! budget) mapped to
//! `crate::aws::{sns, events, cloudwatch, budgets}` calls, for
//! the pipeline's [`Backend`](super::engine::Backend). It decides nothing the engine
//! decides (ownership, order, lost answers).

use std::collections::BTreeMap;

use super::engine::OpError;
use crate::aws::{budgets, cloudwatch, events, sns, AwsContext, AwsError};
use crate::model::children::{Child, ChildKey, Kind, Spec};
use crate::model::pipeline::{compared_tags, Desired, ObservedAlerts};
use crate::model::tags::{self, Tags};

/// The alert children a backend knows: the wanted ones and, so a dropped alert is found
/// and deleted, those of the configuration the state last applied.
pub struct Alerts<'a> {
    pub ctx: &'a AwsContext,
    pub wanted: &'a [Child],
    pub previous: &'a [Child],
    /// On a refresh, the configuration the state recorded: a batched tag answer that
    /// gives its tags needs no ListTagsForResource (see `aws::tagging`).
    pub recorded: Option<&'a Desired>,
}

fn refused(detail: &str) -> OpError {
    OpError::Refused {
        summary: "Unexpected alert child".into(),
        detail: format!("{detail} This is a bug in the provider."),
    }
}

impl Alerts<'_> {
    fn known(&self) -> impl Iterator<Item = &Child> {
        self.wanted
            .iter()
            .chain(self.previous)
            .filter(|c| c.key.kind.is_alert())
    }

    /// Whether the pipeline created the topic `arn` (wanted first, then as last applied).
    fn created(&self, arn: &str) -> bool {
        let key = ChildKey::top(Kind::SnsTopic, arn);
        self.known()
            .find(|c| c.key == key)
            .is_some_and(|c| matches!(c.spec, Spec::SnsTopic { create: true, .. }))
    }

    /// The tags the state recorded for the alert `key` (a refresh only).
    fn recorded_tags(&self, key: &ChildKey) -> Option<&Tags> {
        self.recorded?.child(key)?.spec.tags()
    }

    /// Reads every known topic, rule, alarm and budget concurrently. The read set per
    /// object:
    /// - topic: GetTopicAttributes (policy), ListSubscriptionsByTopic (more when its
    ///   subscriptions run over a page);
    /// - rules: one ListRules by their shared prefix (DescribeRule for a single one), and
    ///   ListTargetsByRule each;
    /// - alarm: DescribeAlarms;
    /// - budget: DescribeBudget, DescribeNotificationsForBudget, and
    ///   DescribeSubscribersForNotification per notification;
    /// - and, for each, its tags: on a refresh from the tagging batch when it gives what the
    ///   state recorded, else ListTagsForResource (a budget always: its tags are not
    ///   read through the batch).
    pub async fn read(&self) -> Result<ObservedAlerts, AwsError> {
        let ctx = self.ctx;
        let mut topics: Vec<String> = Vec::new();
        let mut rules: Vec<String> = Vec::new();
        let mut alarms: Vec<String> = Vec::new();
        let mut budget_keys: Vec<(String, String)> = Vec::new();
        let mut dashboards: Vec<String> = Vec::new();
        for c in self.known() {
            let name = &c.key.name;
            match c.key.kind {
                Kind::SnsTopic if !topics.contains(name) => topics.push(name.clone()),
                Kind::EventRule if !rules.contains(name) => rules.push(name.clone()),
                Kind::MetricAlarm if !alarms.contains(name) => alarms.push(name.clone()),
                Kind::Dashboard if !dashboards.contains(name) => dashboards.push(name.clone()),
                Kind::Budget => {
                    let k = (c.key.owner.clone(), name.clone());
                    if !budget_keys.contains(&k) {
                        budget_keys.push(k);
                    }
                }
                _ => {}
            }
        }
        let topic_reads = futures::future::join_all(topics.iter().map(|arn| async move {
            let created = self.created(arn);
            let want = self.recorded_tags(&ChildKey::top(Kind::SnsTopic, arn));
            // An existing topic's owner keeps their tags: only ours are compared.
            let agrees = want
                .zip(self.recorded)
                .map(|(want, d)| move |t: &Tags| compared_tags(d, created, t) == *want);
            sns::read(ctx, arn, created, agrees.as_ref().map(|f| f as _))
                .await
                .map(|t| (arn.clone(), t))
        }));
        // The rules are listed first (one ListRules for the pipeline's rules), then each
        // reads its targets and tags; beside the other objects' reads.
        let rules = &rules;
        let rule_reads = async move {
            let listed = events::list(ctx, rules).await?;
            let listed = &listed;
            let reads = futures::future::join_all(rules.iter().map(|r| async move {
                let want = self.recorded_tags(&ChildKey::top(Kind::EventRule, r));
                let agrees = want.map(|want| move |t: &Tags| t == want);
                let summary = listed.as_ref().map(|l| l.get(r));
                events::read(ctx, r, summary, agrees.as_ref().map(|f| f as _))
                    .await
                    .map(|o| (r.clone(), o))
            }))
            .await;
            reads
                .into_iter()
                .collect::<Result<BTreeMap<_, _>, AwsError>>()
        };
        let alarm_reads = futures::future::join_all(alarms.iter().map(|a| async move {
            let want = self.recorded_tags(&ChildKey::top(Kind::MetricAlarm, a));
            let agrees = want.map(|want| move |t: &Tags| t == want);
            cloudwatch::read(ctx, a, agrees.as_ref().map(|f| f as _))
                .await
                .map(|o| (a.clone(), o))
        }));
        let budget_reads =
            futures::future::join_all(budget_keys.iter().map(|k| async move {
                budgets::read(ctx, &k.0, &k.1).await.map(|o| (k.clone(), o))
            }));
        let dashboard_reads = futures::future::join_all(dashboards.iter().map(|d| async move {
            cloudwatch::read_dashboard(ctx, d)
                .await
                .map(|o| (d.clone(), o))
        }));
        let (ts, rs, als, bs, ds) = futures::join!(
            topic_reads,
            rule_reads,
            alarm_reads,
            budget_reads,
            dashboard_reads
        );
        Ok(ObservedAlerts {
            topics: ts.into_iter().collect::<Result<_, _>>()?,
            rules: rs?,
            alarms: als.into_iter().collect::<Result<_, _>>()?,
            budgets: bs.into_iter().collect::<Result<_, _>>()?,
            dashboards: ds.into_iter().collect::<Result<_, _>>()?,
        })
    }

    pub async fn create(&self, child: &Child) -> Result<(), OpError> {
        let key = &child.key;
        match &child.spec {
            Spec::SnsTopic { create: true, tags } => {
                sns::create(self.ctx, &key.name, tags).await.map_err(OpError::from)
            }
            Spec::Budget(want) => budgets::create(self.ctx, &key.owner, &key.name, want)
                .await
                .map_err(|e| {
                    if e.kind == crate::aws::ErrorKind::Conflict {
                        OpError::Exists(e)
                    } else {
                        e.into()
                    }
                }),
            Spec::SnsTopic { create: false, .. } => Err(OpError::Refused {
                summary: "The alerts topic does not exist".into(),
                detail: format!(
                    "`alerts.sns_topic_arn` names the topic {:?}, which does not exist (or is not visible to these credentials in this region). The pipeline uses an existing topic but never creates it: create it, or remove `sns_topic_arn` so the pipeline creates its own.",
                    key.name
                ),
            }),
            _ => self.update(child, None).await,
        }
    }

    pub async fn update(&self, child: &Child, observed: Option<&Spec>) -> Result<(), OpError> {
        let (ctx, key) = (self.ctx, &child.key);
        let r = match &child.spec {
            Spec::SnsTopic { tags: want, .. } => {
                let have = match observed {
                    Some(Spec::SnsTopic { tags, .. }) => tags.clone(),
                    _ => Tags::new(),
                };
                sns::change_tags(ctx, &key.name, &tags::delta(&have, want)).await
            }
            Spec::TopicPolicy { statements } => {
                sns::put_policy_statements(ctx, &key.owner, statements, self.created(&key.owner))
                    .await
            }
            Spec::Subscription { .. } => sns::subscribe(ctx, &key.owner, &key.name).await,
            Spec::EventRule {
                pattern,
                description,
                tags: want,
                ..
            } => {
                let arn = events::put_rule(ctx, &key.name, pattern, description, want).await?;
                // PutRule tags a new rule; an existing one keeps its tags, so they are
                // brought to the wanted ones here.
                let have = match observed {
                    Some(Spec::EventRule { tags, .. }) => tags.clone(),
                    _ => want.clone(),
                };
                events::change_tags(ctx, &key.name, &arn, &tags::delta(&have, want)).await
            }
            Spec::EventTarget {
                arn,
                input_paths,
                input_template,
            } => {
                events::put_target(ctx, &key.owner, &key.name, arn, input_paths, input_template)
                    .await
            }
            Spec::MetricAlarm(want) => {
                cloudwatch::put(ctx, &key.name, want).await?;
                // PutMetricAlarm tags only a new alarm.
                match observed {
                    Some(Spec::MetricAlarm(have)) => {
                        cloudwatch::change_tags(
                            ctx,
                            &key.name,
                            &tags::delta(&have.tags, &want.tags),
                        )
                        .await
                    }
                    _ => Ok(()),
                }
            }
            // The identity is in the body: writing it is the tagging.
            Spec::Dashboard(want) => cloudwatch::put_dashboard(ctx, &key.name, want).await,
            Spec::Budget(want) => {
                // After a create whose answer was lost there is no read: read it now.
                let have = match observed {
                    Some(Spec::Budget(have)) => Some(have.clone()),
                    _ => budgets::read(ctx, &key.owner, &key.name).await?,
                };
                match have {
                    Some(have) => {
                        budgets::update(ctx, &key.owner, &key.name, want, &have).await?;
                        budgets::change_tags(
                            ctx,
                            &key.owner,
                            &key.name,
                            &tags::delta(&have.tags, &want.tags),
                        )
                        .await
                    }
                    None => budgets::create(ctx, &key.owner, &key.name, want).await,
                }
            }
            _ => return Err(refused("A pipeline alert has no child of this kind.")),
        };
        r.map_err(OpError::from)
    }

    /// Deletes (or, on an existing topic, releases) an alert child. `observed`: what the
    /// refresh read.
    pub async fn delete(&self, key: &ChildKey, observed: Option<&Spec>) -> Result<(), OpError> {
        let ctx = self.ctx;
        let r = match key.kind {
            Kind::SnsTopic if self.created(&key.name) => sns::delete(ctx, &key.name).await,
            // An existing topic stays; its policy statements and subscriptions go as
            // children of their own.
            Kind::SnsTopic => Ok(()),
            // Goes with the topic the pipeline created.
            Kind::SnsTopicPolicy if self.created(&key.owner) => Ok(()),
            Kind::SnsTopicPolicy => sns::put_policy_statements(ctx, &key.owner, &[], false).await,
            Kind::SnsSubscription => match observed {
                Some(Spec::Subscription { arn: Some(arn) }) => sns::unsubscribe(ctx, arn).await,
                // Pending: SNS cannot unsubscribe it; it lapses unconfirmed after 3 days.
                _ => Ok(()),
            },
            Kind::EventRule => events::delete(ctx, &key.name).await,
            Kind::EventTarget => {
                events::remove_targets(ctx, &key.owner, std::slice::from_ref(&key.name)).await
            }
            Kind::MetricAlarm => cloudwatch::delete(ctx, &key.name).await,
            Kind::Budget => budgets::delete(ctx, &key.owner, &key.name).await,
            Kind::Dashboard => cloudwatch::delete_dashboard(ctx, &key.name).await,
            _ => return Err(refused("A pipeline alert has no child of this kind.")),
        };
        r.map_err(OpError::from)
    }

    /// The tags of an existing topic or rule (after a create found it there).
    pub async fn tags(&self, key: &ChildKey) -> Result<Tags, AwsError> {
        Ok(match key.kind {
            Kind::SnsTopic => sns::read(self.ctx, &key.name, true, None)
                .await?
                .map(|t| t.tags)
                .unwrap_or_default(),
            Kind::EventRule => events::read(self.ctx, &key.name, None, None)
                .await?
                .map(|r| r.tags)
                .unwrap_or_default(),
            Kind::MetricAlarm => cloudwatch::read(self.ctx, &key.name, None)
                .await?
                .map(|a| a.tags)
                .unwrap_or_default(),
            Kind::Budget => budgets::read(self.ctx, &key.owner, &key.name)
                .await?
                .map(|b| b.tags)
                .unwrap_or_default(),
            Kind::Dashboard => cloudwatch::read_dashboard(self.ctx, &key.name)
                .await?
                .map(|d| d.tags)
                .unwrap_or_default(),
            _ => BTreeMap::new(),
        })
    }
}
