//! `flywheel_crawler` (data source): a Glue crawler's definition, read back with the
//! `flywheel_crawler` resource's translation (`aws::glue::crawlers::observed`, `model::crawler`),
//! its state, and its last crawl with that crawl's metrics (`aws::glue::crawls`). Any
//! crawler can be read, whoever made it; nothing is changed.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, DataSource, Diagnostics};

use crate::aws::{self, SharedContext};
use crate::model::crawler::{self as model, ObservedCrawler, S3Target};
use crate::model::crawler_settings as settings;
use crate::model::managed;
use crate::model::runs::{CrawlerMetrics, LastCrawl};
use crate::model::tags::Tags;
use crate::schema::*;
use crate::values::{opt_value, to_map, Number, StringMap};

type StringList = Vec<Value<String>>;

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct SchemaChangePolicy {
    #[serde(default)]
    pub update_behavior: Value<String>,
    #[serde(default)]
    pub delete_behavior: Value<String>,
}

/// `last_crawl`: null before the first crawl.
#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct LastCrawlValue {
    #[serde(default)]
    pub status: Value<String>,
    #[serde(default)]
    pub error_message: Value<String>,
    #[serde(default)]
    pub started_on: Value<String>,
    #[serde(default)]
    pub log_group: Value<String>,
    #[serde(default)]
    pub log_stream: Value<String>,
    #[serde(default)]
    pub tables_created: Value<Number>,
    #[serde(default)]
    pub tables_updated: Value<Number>,
    #[serde(default)]
    pub tables_deleted: Value<Number>,
    #[serde(default)]
    pub runtime_seconds: Value<Number>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub arn: Value<String>,
    #[serde(default)]
    pub role_arn: Value<String>,
    #[serde(default)]
    pub database: Value<String>,
    #[serde(default)]
    pub s3_targets: Value<StringList>,
    #[serde(default)]
    pub exclusions: Value<StringList>,
    #[serde(default)]
    pub table_prefix: Value<String>,
    #[serde(default)]
    pub schema_change_policy: Value<SchemaChangePolicy>,
    #[serde(default)]
    pub recrawl_policy: Value<String>,
    #[serde(default)]
    pub schedule: Value<String>,
    #[serde(default)]
    pub configuration: Value<String>,
    #[serde(default)]
    pub sample_size: Value<Number>,
    #[serde(default)]
    pub event_queue_arn: Value<String>,
    #[serde(default)]
    pub dlq_event_queue_arn: Value<String>,
    #[serde(default)]
    pub description: Value<String>,
    #[serde(default)]
    pub classifiers: Value<StringList>,
    #[serde(default)]
    pub lineage: Value<bool>,
    #[serde(default)]
    pub security_configuration: Value<String>,
    #[serde(default)]
    pub tags: Value<StringMap>,
    #[serde(default)]
    pub tags_all: Value<StringMap>,
    #[serde(default)]
    pub state: Value<String>,
    #[serde(default)]
    pub last_crawl: Value<LastCrawlValue>,
}

pub struct CrawlerDataSource {
    ctx: SharedContext,
}

impl CrawlerDataSource {
    pub fn new(ctx: SharedContext) -> Self {
        CrawlerDataSource { ctx }
    }
}

const LAST_CRAWL: &str = "The crawler's last crawl that ended (GetCrawler's `LastCrawl`, with GetCrawlerMetrics); null before the first. A crawl in progress is in `state`, not here.";

fn last_crawl_type() -> AttributeType {
    object([
        (
            "status",
            attr(string(), Computed, "`SUCCEEDED`, `CANCELLED` or `FAILED`."),
        ),
        (
            "error_message",
            attr(
                string(),
                Computed,
                "Why the crawl failed; null when Glue gives no message.",
            ),
        ),
        (
            "started_on",
            attr(
                string(),
                Computed,
                "When the crawl started, RFC 3339 in UTC.",
            ),
        ),
        (
            "log_group",
            attr(
                string(),
                Computed,
                "CloudWatch Logs group of the crawl; null when Glue gives none.",
            ),
        ),
        (
            "log_stream",
            attr(
                string(),
                Computed,
                "CloudWatch Logs stream of the crawl; null when Glue gives none.",
            ),
        ),
        (
            "tables_created",
            attr(
                number(),
                Computed,
                "Tables the crawl created (GetCrawlerMetrics `TablesCreated`).",
            ),
        ),
        (
            "tables_updated",
            attr(
                number(),
                Computed,
                "Tables the crawl updated (`TablesUpdated`).",
            ),
        ),
        (
            "tables_deleted",
            attr(
                number(),
                Computed,
                "Tables the crawl deleted (`TablesDeleted`).",
            ),
        ),
        (
            "runtime_seconds",
            attr(
                number(),
                Computed,
                "How long the crawl ran, in seconds (`LastRuntimeSeconds`).",
            ),
        ),
    ])
}

fn schema_change_policy_type() -> AttributeType {
    object([
        ("update_behavior", attr(string(), Computed, "What the crawler does with schema changes: `UPDATE_IN_DATABASE` or `LOG`.")),
        ("delete_behavior", attr(string(), Computed, "What the crawler does with deleted objects: `LOG`, `DELETE_FROM_DATABASE` or `DEPRECATE_IN_DATABASE`.")),
    ])
}

fn schema_block() -> tf_provider::schema::Block {
    block(
        "A Glue crawler's definition, state and last crawl, looked up by name. The definition reads back as the `flywheel_crawler` resource reads it, with the same names; any crawler can be read, whoever made it. Reading it changes nothing. A crawler that does not exist fails the read, naming the crawler and the region.",
        [
            ("name", attr(string(), Required, "Name of the Glue crawler.")),
            ("id", attr(string(), Computed, "The crawler's name.")),
            ("arn", attr(string(), Computed, "ARN of the Glue crawler (null when the provider does not know the account: `skip_requesting_account_id`).")),
            ("role_arn", attr(string(), Computed, "ARN of the IAM role the crawler runs as (Glue may report the role by name; the ARN is built in the provider's account).")),
            ("database", attr(string(), Computed, "Glue catalog database the crawler writes tables into.")),
            ("s3_targets", attr(string_list(), Computed, "S3 locations the crawler crawls, in Glue's order.")),
            ("exclusions", attr(string_list(), Computed, "Glob patterns excluded from every S3 target; null when the targets' exclusions differ.")),
            ("table_prefix", attr(string(), Computed, "Prefix of the names of the tables the crawler creates; null for none.")),
            ("schema_change_policy", attr(schema_change_policy_type(), Computed, "What the crawler does with schema changes and deleted objects (Glue's defaults when it reports none).")),
            ("recrawl_policy", attr(string(), Computed, "`CRAWL_EVERYTHING`, `CRAWL_NEW_FOLDERS_ONLY` or `CRAWL_EVENT_MODE`.")),
            ("schedule", attr(string(), Computed, "The crawler's own schedule, `cron(...)`; null for none.")),
            ("configuration", attr(string(), Computed, "Crawler configuration JSON in canonical form (keys sorted, Glue's defaults left out), as `jsonencode` writes it; null for none.")),
            ("sample_size", attr(number(), Computed, "Files crawled in each leaf folder when every target sets the same `SampleSize`; null for every file (or when the targets differ).")),
            ("event_queue_arn", attr(string(), Computed, "SQS queue of S3 events every target uses; null for none (or when the targets differ).")),
            ("dlq_event_queue_arn", attr(string(), Computed, "SQS dead-letter queue every target uses; null for none (or when the targets differ).")),
            ("description", attr(string(), Computed, "Description of the crawler as Glue holds it; null for none.")),
            ("classifiers", attr(string_list(), Computed, "Custom classifiers the crawler tries first, in order; empty for none.")),
            ("lineage", attr(bool(), Computed, "Whether the crawler records data lineage.")),
            ("security_configuration", attr(string(), Computed, "Glue security configuration the crawler uses; null for none.")),
            ("tags", attr(string_map(), Computed, "The crawler's tags other than the provider's `default_tags` and the `flywheel:` ones.")),
            ("tags_all", attr(string_map(), Computed, "Every tag on the crawler.")),
            ("state", attr(string(), Computed, "The crawler's state now: `READY`, `RUNNING` or `STOPPING`.")),
            ("last_crawl", attr(last_crawl_type(), Computed, LAST_CRAWL)),
        ],
        [],
    )
}

/// The one value every target holds; `None` when they differ, `Some(None)` when none holds one.
fn shared<T: Clone + PartialEq>(
    targets: &[S3Target],
    f: impl Fn(&S3Target) -> Option<T>,
) -> Option<Option<T>> {
    let first = targets.first().and_then(&f);
    targets.iter().all(|t| f(t) == first).then_some(first)
}

fn list(l: &[String]) -> Value<StringList> {
    Value::Value(l.iter().cloned().map(Value::Value).collect())
}

/// What the data source reads, in model form.
pub(crate) struct Seen<'a> {
    pub crawler: &'a ObservedCrawler,
    pub state: String,
    pub last_crawl: Option<LastCrawl>,
    pub metrics: Option<CrawlerMetrics>,
    pub tags: &'a Tags,
}

/// The data source's state from what Glue reports.
pub(crate) fn state_of(
    seen: Seen<'_>,
    partition: &str,
    account: Option<&str>,
    arn: Option<String>,
    default_tags: &Tags,
) -> State {
    let c = seen.crawler;
    let paths: Vec<String> = c.targets.iter().map(|t| t.path.clone()).collect();
    let exclusions = match c.targets.split_first() {
        None => Some(Vec::new()),
        Some((first, rest)) => {
            let mut a = first.exclusions.clone();
            a.sort();
            rest.iter()
                .all(|t| {
                    let mut b = t.exclusions.clone();
                    b.sort();
                    a == b
                })
                .then(|| first.exclusions.clone())
        }
    };
    let (update, delete, recrawl) = model::observed_policies(c);
    let got = &c.settings;
    let text = |s: Option<String>| opt_value(s.filter(|s| !s.is_empty()));
    let user_tags: Tags = seen
        .tags
        .iter()
        .filter(|(k, v)| !k.starts_with("flywheel:") && default_tags.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    State {
        id: Value::Value(c.name.clone()),
        name: Value::Value(c.name.clone()),
        arn: opt_value(arn),
        role_arn: text(c.role.as_deref().map(|r| {
            model::role_arn_from_reported(r, partition, account).unwrap_or_else(|| r.to_string())
        })),
        database: text(c.database.clone()),
        s3_targets: list(&paths),
        exclusions: exclusions.map(|x| list(&x)).unwrap_or(Value::Null),
        table_prefix: text(c.table_prefix.clone()),
        schema_change_policy: Value::Value(SchemaChangePolicy {
            update_behavior: Value::Value(update),
            delete_behavior: Value::Value(delete),
        }),
        recrawl_policy: Value::Value(recrawl),
        schedule: text(c.schedule.clone()),
        configuration: opt_value(model::canonical_configuration(c.configuration.as_deref())),
        sample_size: opt_value(
            shared(&c.targets, |t| t.sample_size)
                .flatten()
                .map(Number::from),
        ),
        event_queue_arn: opt_value(shared(&c.targets, |t| t.event_queue_arn.clone()).flatten()),
        dlq_event_queue_arn: opt_value(
            shared(&c.targets, |t| t.dlq_event_queue_arn.clone()).flatten(),
        ),
        description: text(got.description.clone()),
        classifiers: list(&got.classifiers),
        lineage: Value::Value(settings::lineage_enabled(got.lineage.as_deref())),
        security_configuration: opt_value(
            settings::normal_name(got.security_configuration.as_deref()).map(str::to_string),
        ),
        tags: to_map(&user_tags),
        tags_all: to_map(seen.tags),
        state: Value::Value(seen.state),
        last_crawl: opt_value(seen.last_crawl.map(|l| {
            let m = seen.metrics.unwrap_or_default();
            LastCrawlValue {
                status: Value::Value(l.status),
                error_message: opt_value(l.error_message),
                started_on: opt_value(l.started_on),
                log_group: opt_value(l.log_group),
                log_stream: opt_value(l.log_stream),
                tables_created: Value::Value(Number::from(m.tables_created)),
                tables_updated: Value::Value(Number::from(m.tables_updated)),
                tables_deleted: Value::Value(Number::from(m.tables_deleted)),
                runtime_seconds: opt_value(m.last_runtime_seconds.map(Number)),
            }
        })),
    }
}

#[async_trait]
impl DataSource for CrawlerDataSource {
    type State<'a> = State;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 0,
            block: schema_block(),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: State) -> Option<()> {
        if let Value::Value(name) = &config.name {
            if let Err(e) = crate::validate::glue_name(name, model::GLUE_NAME_MAX) {
                diags.error("Invalid crawler name", e, AttributePath::new("name"));
            }
        }
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: State,
        _meta: ValueEmpty,
    ) -> Option<State> {
        let ctx = self.ctx.get_or_diag(diags)?;
        let Value::Value(name) = &config.name else {
            diags.error(
                "Crawler name not known",
                "`name` must be known to read the crawler.",
                AttributePath::new("name"),
            );
            return None;
        };
        let crawler = match aws::glue::crawlers::fetch(&ctx, name).await {
            Ok(Some(c)) => c,
            Ok(None) => {
                diags.error(
                    "Glue crawler not found",
                    format!(
                        "There is no Glue crawler named {name:?} in region {}{}.",
                        ctx.region,
                        super::job::account_note(&ctx)
                    ),
                    AttributePath::new("name"),
                );
                return None;
            }
            Err(e) => {
                diags.add_error(e.to_diagnostic_at(AttributePath::new("name")));
                return None;
            }
        };
        let observed = aws::glue::crawlers::observed(&crawler, name);
        let last_crawl = aws::glue::crawls::last_crawl(&crawler);
        let tag_arn = aws::glue::tags::arn(&ctx, "crawler", name);
        // The metrics describe the last crawl: none before the first.
        let (tags, metrics) = futures::join!(aws::glue::tags::get(&ctx, &tag_arn), async {
            match last_crawl {
                Some(_) => aws::glue::crawls::metrics(&ctx, name).await,
                None => Ok(None),
            }
        });
        let tags = match tags {
            Ok(t) => t,
            Err(e) => {
                diags.add_error(e.to_diagnostic_at(AttributePath::new("tags")));
                return None;
            }
        };
        let metrics = match metrics {
            Ok(m) => m,
            Err(e) => {
                diags.add_error(e.to_diagnostic_at(AttributePath::new("last_crawl")));
                return None;
            }
        };
        let account = ctx.identity.as_ref().map(|i| i.account_id.as_str());
        let arn = managed::glue_arn(ctx.partition, &ctx.region, account, "crawler", name);
        let seen = Seen {
            crawler: &observed,
            state: aws::glue::crawls::state(&crawler),
            last_crawl,
            metrics,
            tags: &tags,
        };
        Some(state_of(
            seen,
            ctx.partition,
            account,
            arn,
            &ctx.default_tags,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(path: &str, exclusions: &[&str], sample: Option<i64>) -> S3Target {
        S3Target {
            path: path.into(),
            exclusions: exclusions.iter().map(|s| s.to_string()).collect(),
            sample_size: sample,
            ..Default::default()
        }
    }

    fn crawler(targets: Vec<S3Target>) -> ObservedCrawler {
        ObservedCrawler {
            name: "raw".into(),
            role: Some("service-role/glue".into()),
            database: Some("db".into()),
            targets,
            configuration: Some(
                r#"{ "Version": 1.0, "Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"} }"#
                    .into(),
            ),
            ..Default::default()
        }
    }

    #[test]
    fn a_crawler_reads_as_the_resource_reads_it() {
        let c = crawler(vec![
            target("s3://d/a/", &["**/_tmp/**", "*.crc"], Some(10)),
            target("s3://d/b/", &["*.crc", "**/_tmp/**"], Some(10)),
        ]);
        let tags: Tags = [("team", "data"), ("flywheel:owner", "x")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let seen = Seen {
            crawler: &c,
            state: "RUNNING".into(),
            last_crawl: None,
            metrics: None,
            tags: &tags,
        };
        let s = state_of(seen, "aws", Some("239083076653"), None, &Tags::new());
        assert_eq!(
            s.role_arn,
            Value::Value("arn:aws:iam::239083076653:role/service-role/glue".to_string())
        );
        assert_eq!(s.exclusions, list(&["**/_tmp/**".into(), "*.crc".into()]));
        assert_eq!(s.sample_size, Value::Value(Number::from(10)));
        assert_eq!(s.state, Value::Value("RUNNING".to_string()));
        assert_eq!(s.last_crawl, Value::Null, "no crawl: null");
        // Canonical, as `jsonencode` writes it: keys sorted, no whitespace.
        assert_eq!(
            s.configuration,
            Value::Value(
                r#"{"Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas"},"Version":1}"#
                    .to_string()
            )
        );
        let Value::Value(p) = &s.schema_change_policy else {
            panic!("no policy")
        };
        assert_eq!(
            p.delete_behavior,
            Value::Value("DEPRECATE_IN_DATABASE".to_string())
        );
        assert_eq!(
            crate::values::known_map(&s.tags).unwrap().unwrap().len(),
            1,
            "flywheel: tags are not the user's"
        );
    }

    #[test]
    fn targets_that_differ_and_a_last_crawl() {
        let c = crawler(vec![
            target("s3://d/a/", &["*.crc"], Some(10)),
            target("s3://d/b/", &[], None),
        ]);
        let seen = Seen {
            crawler: &c,
            state: "READY".into(),
            last_crawl: Some(LastCrawl {
                status: "FAILED".into(),
                error_message: Some("no access".into()),
                started_on: Some("2026-12-02T11:30:00Z".into()),
                log_group: Some("/aws-glue/crawlers".into()),
                log_stream: None,
            }),
            metrics: Some(CrawlerMetrics {
                tables_created: 2,
                tables_updated: 1,
                tables_deleted: 0,
                last_runtime_seconds: Some(61.5),
            }),
            tags: &Tags::new(),
        };
        let s = state_of(seen, "aws", None, None, &Tags::new());
        assert_eq!(s.exclusions, Value::Null);
        assert_eq!(s.sample_size, Value::Null);
        // Without the account a role reported by name stays a name.
        assert_eq!(s.role_arn, Value::Value("service-role/glue".to_string()));
        let Value::Value(l) = s.last_crawl else {
            panic!("last_crawl is null")
        };
        assert_eq!(l.status, Value::Value("FAILED".to_string()));
        assert_eq!(l.error_message, Value::Value("no access".to_string()));
        assert_eq!(l.log_stream, Value::Null);
        assert_eq!(l.tables_created, Value::Value(Number::from(2)));
        assert_eq!(l.tables_updated, Value::Value(Number::from(1)));
        assert_eq!(l.runtime_seconds, Value::Value(Number(61.5)));
    }
}
