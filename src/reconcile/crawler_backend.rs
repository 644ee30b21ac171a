//! The [`Backend`] for a crawler's children: the Glue crawler and its after-job trigger,
//! each mapped to its `crate::aws::glue` get, create, update and delete, and to its Glue
//! tags. It decides nothing the engine decides (ownership, order, lost answers) and nothing
//! the model decides (what differs): it reads, and writes what it is given.

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::engine::{Backend, OpError};
use crate::aws::glue::{crawler_runs, crawlers, tags as glue_tags, triggers};
use crate::aws::{tagging, AwsContext, AwsError, ErrorKind};
use crate::model::children::{Child, ChildKey, Kind, Spec, Status};
use crate::model::crawler::{self as model, DesiredCrawler, ObservedCrawler};
use crate::model::crawler_run::WhenRunning;
use crate::model::tags::{self, Tags};
use crate::model::trigger::{ObservedTrigger, TriggerSpec};

pub struct CrawlerBackend<'a> {
    pub ctx: &'a AwsContext,
    /// The crawler's name; its trigger's is derived from it.
    pub crawler: &'a str,
    /// What an update or delete does when Glue refuses it because the crawler is running.
    pub when_running: WhenRunning,
    /// The tags state recorded for the crawler and its trigger (refresh only): a batched
    /// tag read that agrees with them needs no GetTags (see `aws::tagging`).
    pub expected_tags: Option<Tags>,
}

/// The crawler and its trigger as Glue holds them, each with its tags.
#[derive(Debug, Default)]
pub struct Observed {
    pub crawler: Option<(ObservedCrawler, Tags)>,
    pub trigger: Option<(ObservedTrigger, Tags)>,
}

/// The Glue tags of an object; none when it does not exist.
async fn tags_of(ctx: &AwsContext, kind: &str, name: &str) -> Result<Tags, AwsError> {
    expected_tags_of(ctx, kind, name, None).await
}

/// [`tags_of`], from a batched read when it agrees with `expected` (`aws::tagging`).
async fn expected_tags_of(
    ctx: &AwsContext,
    kind: &str,
    name: &str,
    expected: Option<&Tags>,
) -> Result<Tags, AwsError> {
    let arn = glue_tags::arn(ctx, kind, name);
    match tagging::glue_tags(ctx, &arn, expected).await {
        Err(e) if e.is_not_found() => Ok(Tags::new()),
        other => other,
    }
}

fn conflict(e: AwsError) -> OpError {
    if e.kind == ErrorKind::Conflict {
        OpError::Exists(e)
    } else {
        e.into()
    }
}

fn glue_kind(kind: Kind) -> &'static str {
    match kind {
        Kind::GlueCrawlerTrigger => "trigger",
        _ => "crawler",
    }
}

impl CrawlerBackend<'_> {
    /// Reads the crawler with its tags and, when asked, the trigger with its tags: the calls
    /// go out together, one round trip (the trigger's tags only when it exists).
    pub async fn read(&self, with_trigger: bool) -> Result<Observed, AwsError> {
        let (ctx, name) = (self.ctx, self.crawler);
        let expected = self.expected_tags.as_ref();
        let trigger_name = model::after_job_trigger_name(name);
        let (crawler, crawler_tags, trigger) = futures::join!(
            crawlers::get(ctx, name),
            expected_tags_of(ctx, "crawler", name, expected),
            async {
                if !with_trigger {
                    return Ok(None);
                }
                match triggers::get(ctx, &trigger_name).await? {
                    Some(t) => Ok(Some((
                        t,
                        expected_tags_of(ctx, "trigger", &trigger_name, expected).await?,
                    ))),
                    None => Ok(None),
                }
            },
        );
        // A crawler that is gone makes its tags' answer moot.
        let crawler = match crawler? {
            Some(c) => Some((c, crawler_tags?)),
            None => None,
        };
        Ok(Observed {
            crawler,
            trigger: trigger?,
        })
    }

    /// The account's ID: the provider's, or asked of STS when the provider skipped it.
    pub async fn account_id(&self) -> Result<String, AwsError> {
        match &self.ctx.identity {
            Some(i) => Ok(i.account_id.clone()),
            None => crate::aws::sts::get_caller_identity(&self.ctx.sts, &self.ctx.retry)
                .await
                .map(|i| i.account_id),
        }
    }

    /// Makes the object's tags exactly `want`; `left` is its status if that fails.
    async fn set_tags(&self, key: &ChildKey, have: &Tags, want: &Tags) -> Result<(), OpError> {
        let arn = glue_tags::arn(self.ctx, glue_kind(key.kind), &key.name);
        glue_tags::change(self.ctx, &arn, &tags::delta(have, want))
            .await
            .map_err(|error| OpError::Failed {
                error,
                left: Some(Status::Differs("tags".into())),
            })
    }

    async fn update_crawler(
        &self,
        key: &ChildKey,
        want: &DesiredCrawler,
        observed: Option<&Spec>,
    ) -> Result<(), OpError> {
        let (seen, have) = match observed {
            Some(Spec::SeenCrawler { crawler, tags }) => (Some((**crawler).clone()), tags.clone()),
            _ => {
                let (seen, have) = futures::join!(
                    crawlers::get(self.ctx, &want.name),
                    tags_of(self.ctx, "crawler", &want.name)
                );
                (seen?, have?)
            }
        };
        match seen {
            // Deleted since it was read: made again.
            None => return crawlers::create(self.ctx, want).await.map_err(conflict),
            Some(s) if !model::differences(want, &s).is_empty() => {
                crawler_runs::when_ready(
                    self.ctx,
                    &want.name,
                    "UpdateCrawler",
                    self.when_running,
                    || crawlers::update(self.ctx, want),
                )
                .await?
            }
            Some(_) => {}
        }
        self.set_tags(key, &have, &want.tags).await
    }

    async fn update_trigger(
        &self,
        key: &ChildKey,
        want: &TriggerSpec,
        observed: Option<&Spec>,
    ) -> Result<(), OpError> {
        let (seen, have) = match observed {
            Some(Spec::SeenCrawlerTrigger { trigger, tags }) => {
                (Some(trigger.clone()), tags.clone())
            }
            _ => {
                let seen = triggers::get(self.ctx, &want.name).await?;
                let have = tags_of(self.ctx, "trigger", &want.name).await?;
                (seen, have)
            }
        };
        match seen {
            Some(s) if s.matches(want) => self.set_tags(key, &have, &want.tags).await,
            // A trigger's type and predicate cannot be updated in place: it is made again,
            // with its tags.
            Some(_) => {
                triggers::delete(self.ctx, &want.name).await?;
                triggers::create(self.ctx, want)
                    .await
                    .map_err(|error| OpError::Failed {
                        error,
                        left: Some(Status::Missing),
                    })
            }
            None => triggers::create(self.ctx, want).await.map_err(conflict),
        }
    }
}

#[async_trait]
impl Backend for CrawlerBackend<'_> {
    async fn observe(&self) -> Result<BTreeMap<ChildKey, Spec>, AwsError> {
        let o = self.read(true).await?;
        let mut out = BTreeMap::new();
        if let Some((crawler, tags)) = o.crawler {
            out.insert(
                model::crawler_key(self.crawler),
                Spec::SeenCrawler {
                    crawler: Box::new(crawler),
                    tags,
                },
            );
        }
        if let Some((trigger, tags)) = o.trigger {
            out.insert(
                model::trigger_key(self.crawler),
                Spec::SeenCrawlerTrigger { trigger, tags },
            );
        }
        Ok(out)
    }

    async fn create(&self, child: &Child) -> Result<(), OpError> {
        match &child.spec {
            Spec::Crawler(c) => crawlers::create(self.ctx, c).await.map_err(conflict),
            Spec::CrawlerTrigger(t) => triggers::create(self.ctx, t).await.map_err(conflict),
            _ => Err(unexpected()),
        }
    }

    async fn update(&self, child: &Child, observed: Option<&Spec>) -> Result<(), OpError> {
        match &child.spec {
            Spec::Crawler(c) => self.update_crawler(&child.key, c, observed).await,
            Spec::CrawlerTrigger(t) => self.update_trigger(&child.key, t, observed).await,
            _ => Err(unexpected()),
        }
    }

    async fn delete(
        &self,
        key: &ChildKey,
        _spec: Option<&Spec>,
        _force: bool,
    ) -> Result<(), OpError> {
        let r = match key.kind {
            Kind::GlueCrawler => {
                crawler_runs::when_ready(
                    self.ctx,
                    &key.name,
                    "DeleteCrawler",
                    self.when_running,
                    || crawlers::delete(self.ctx, &key.name),
                )
                .await
            }
            Kind::GlueCrawlerTrigger => triggers::delete(self.ctx, &key.name).await,
            _ => return Err(unexpected()),
        };
        r.map_err(OpError::from)
    }

    async fn tags(&self, key: &ChildKey) -> Result<Tags, AwsError> {
        tags_of(self.ctx, glue_kind(key.kind), &key.name).await
    }

    /// A crawler's tables belong to its database, which it never deletes.
    async fn holds_data(&self, _key: &ChildKey) -> Result<Option<String>, AwsError> {
        Ok(None)
    }
}

fn unexpected() -> OpError {
    OpError::Refused {
        summary: "Unexpected child".into(),
        detail: "A crawler was asked to write a child of another resource. This is a bug in the provider.".into(),
    }
}
