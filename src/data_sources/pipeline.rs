//! `data "flywheel_pipeline"`: an existing pipeline's `context`, found by its name and
//! environment (or its children's names), so that jobs and crawlers in other workspaces
//! attach to it exactly as they would to the resource's.
//!
//! Read set: GetRole (with the role's policies, as the resource reads it) for the role's
//! ARN, identity and tags, and GetDatabase with its tags. Buckets are named, not read: a
//! job only needs their names, and the role's policy is what grants access to them.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, DataSource, Diagnostics};

use crate::aws::{self, SharedContext};
use crate::model::ownership;
use crate::model::pipeline::{self as model, BucketRole, BucketSettings, Settings};
use crate::resources::context::{self, PipelineContextValue};
use crate::schema::*;
use crate::values::{attr_error, known_str, to_map, StringMap};

#[derive(Serialize, Deserialize, Debug, Default)]
pub struct State {
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub environment: Value<String>,
    #[serde(default)]
    pub role_name: Value<String>,
    #[serde(default)]
    pub database_name: Value<String>,
    #[serde(default)]
    pub data_bucket: Value<String>,
    #[serde(default)]
    pub assets_bucket: Value<String>,
    #[serde(default)]
    pub analysis_bucket: Value<String>,
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub role_arn: Value<String>,
    #[serde(default)]
    pub owner_id: Value<String>,
    #[serde(default)]
    pub tags: Value<StringMap>,
    #[serde(default)]
    pub context: Value<PipelineContextValue>,
}

pub struct PipelineDataSource {
    ctx: SharedContext,
}

impl PipelineDataSource {
    pub fn new(ctx: SharedContext) -> Self {
        PipelineDataSource { ctx }
    }
}

/// The pipeline's settings as far as names go: what the configuration gives, defaults for
/// the rest (`None`: a value is not known yet).
fn settings(c: &State) -> Option<Settings> {
    let name = known_str(&c.name).ok()??;
    let bucket = |v: &Value<String>| -> Option<BucketSettings> {
        Some(BucketSettings {
            name: known_str(v).ok()?,
            ..Default::default()
        })
    };
    Some(Settings {
        name,
        environment: known_str(&c.environment).ok()?,
        role_name: known_str(&c.role_name).ok()?,
        database_name: known_str(&c.database_name).ok()?,
        data: bucket(&c.data_bucket)?,
        assets: bucket(&c.assets_bucket)?,
        analysis: bucket(&c.analysis_bucket)?,
        ..Default::default()
    })
}

#[async_trait]
impl DataSource for PipelineDataSource {
    type State<'a> = State;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 0,
            block: block(
                "An existing `flywheel_pipeline`, found by `name` and `environment`, so that jobs and crawlers in another workspace attach to it: its `context` is the one the resource exports (role ARN, database, buckets, script and temporary locations, and the tags with the pipeline's identity). Give a child's name only where the pipeline's configuration set one. Reads the role and the database; fails, naming them, when either does not exist.",
                [
                    ("name", attr(string(), Required, "The pipeline's `name`.")),
                    ("environment", attr(string(), Optional, "The pipeline's `environment`, when it has one.")),
                    ("role_name", attr(string(), OptionalComputed, "The Glue role's name, when the pipeline's `role.name` is not the default `<name>-<environment>-glue-role`.")),
                    ("database_name", attr(string(), OptionalComputed, "The catalog database's name, when the pipeline's `database.name` is not the default `<name>_<environment>`.")),
                    ("data_bucket", attr(string(), OptionalComputed, "The data bucket's name, when the pipeline's `data_bucket.name` is not the default `<name>-<environment>-data`.")),
                    ("assets_bucket", attr(string(), OptionalComputed, "The assets bucket's name, when the pipeline's `assets_bucket.name` is not the default `<name>-<environment>-assets`.")),
                    ("analysis_bucket", attr(string(), OptionalComputed, "The analysis bucket's name, when the pipeline's `analysis_bucket.name` is not the default `<name>-<environment>-analysis`.")),
                    ("id", attr(string(), Computed, "The pipeline's import ID (`name=...,environment=...,role=...,...`), as the resource's `id`.")),
                    ("role_arn", attr(string(), Computed, "ARN of the Glue role, as IAM reports it (with its path).")),
                    ("owner_id", attr(string(), Computed, "The pipeline's identity (`flywheel:owner` on its role); null for a role this provider does not manage.")),
                    ("tags", attr(string_map(), Computed, "The pipeline's `tags`, read from its role (without the provider's `flywheel:` tags and its `default_tags`).")),
                    ("context", attr(context::attribute_type(), Computed, "What jobs and crawlers take as `pipeline`: the same value as the resource's `context`.")),
                ],
                [],
            ),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: State) -> Option<()> {
        let Some(s) = settings(&config) else {
            return Some(());
        };
        for (attrs, message) in model::check_names(&s) {
            // A derived name is wrong because of `name` (or `environment`).
            let given = |v: &Value<String>, at: &'static str| if v.is_null() { "name" } else { at };
            let at = match attrs.first().copied() {
                Some("role") => given(&config.role_name, "role_name"),
                Some("data_bucket") => given(&config.data_bucket, "data_bucket"),
                Some("assets_bucket") => given(&config.assets_bucket, "assets_bucket"),
                Some("analysis_bucket") => given(&config.analysis_bucket, "analysis_bucket"),
                _ => "name",
            };
            attr_error(diags, AttributePath::new(at), "Invalid name", message);
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
        let env = match crate::resources::pipeline::env_of(&ctx) {
            Ok(e) => e,
            Err(d) => {
                diags.add_error(d);
                return None;
            }
        };
        let Some(mut s) = settings(&config) else {
            diags.root_error_short("The pipeline's name is not known");
            return None;
        };
        let role = model::role_name(&s);
        let database = model::database_name(&s);
        let (r, db) = futures::join!(
            aws::iam::read(&ctx, &role, model::INLINE_POLICY_NAME, &[]),
            aws::glue::databases::read(&ctx, &database, None),
        );
        let (r, db) = match (r, db) {
            (Ok(r), Ok(db)) => (r, db),
            (Err(e), _) | (_, Err(e)) => {
                diags.add_error(e.to_diagnostic());
                return None;
            }
        };
        let missing: Vec<String> = [
            r.is_none().then(|| format!("the Glue role {role:?}")),
            db.is_none()
                .then(|| format!("the catalog database {database:?}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        let Some(r) = r.filter(|_| missing.is_empty()) else {
            diags.root_error(
                "No such pipeline",
                format!(
                    "{} of the pipeline {:?} in account {} ({}) does not exist. Check `name` and `environment`, and give `role_name` or `database_name` where the pipeline's configuration names them.",
                    missing.join(" and "),
                    model::alert_base(&s),
                    env.account,
                    env.region,
                ),
            );
            return None;
        };
        let owner = r
            .tags
            .get(ownership::OWNER_TAG)
            .filter(|v| ownership::is_owner_id(v))
            .cloned();
        if owner.is_none() {
            diags.root_warning(
                "The pipeline is not managed by this provider",
                format!("The role {role:?} carries no flywheel identity, so the context has no `flywheel:pipeline-owner` tag. Import the pipeline into a flywheel_pipeline resource to give it one."),
            );
        }
        s.tags = model::pipeline_tags_of(&r.tags, &env);
        s.owner_id = owner.clone();
        let mut c = model::context(&s, &env);
        c.role_arn = r.arn.clone();
        let name = |role: BucketRole| Value::Value(model::bucket_name(&s, role));
        Some(State {
            id: Value::Value(model::import_id(&s)),
            role_name: Value::Value(role),
            database_name: Value::Value(database),
            data_bucket: name(BucketRole::Data),
            assets_bucket: name(BucketRole::Assets),
            analysis_bucket: name(BucketRole::Analysis),
            role_arn: Value::Value(r.arn),
            owner_id: owner.map(Value::Value).unwrap_or(Value::Null),
            tags: to_map(&s.tags),
            context: Value::Value(context::value_of(&c)),
            ..config
        })
    }
}
