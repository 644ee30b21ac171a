//! The `context` object `flywheel_pipeline` exports and jobs and crawlers take: everything a
//! job or crawler needs from the environment, in one value.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use tf_provider::schema::AttributeType;
use tf_provider::value::Value;

/// Terraform shape of the context (an object attribute; every field may be null/unknown).
#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct PipelineContextValue {
    #[serde(default)]
    pub role_arn: Value<String>,
    #[serde(default)]
    pub database: Value<String>,
    #[serde(default)]
    pub data_bucket: Value<String>,
    #[serde(default)]
    pub assets_bucket: Value<String>,
    #[serde(default)]
    pub analysis_bucket: Value<String>,
    #[serde(default)]
    pub scripts_prefix: Value<String>,
    #[serde(default)]
    pub temp_dir: Value<String>,
    #[serde(default)]
    pub spark_event_logs_path: Value<String>,
    #[serde(default)]
    pub tags: Value<BTreeMap<String, Value<String>>>,
}

/// The object type, for schemas of both the producer and the consumers.
pub fn attribute_type() -> AttributeType {
    let s = || AttributeType::String;
    let fields: HashMap<String, AttributeType> = [
        ("role_arn", s()),
        ("database", s()),
        ("data_bucket", s()),
        ("assets_bucket", s()),
        ("analysis_bucket", s()),
        ("scripts_prefix", s()),
        ("temp_dir", s()),
        ("spark_event_logs_path", s()),
        ("tags", AttributeType::Map(Box::new(s()))),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    AttributeType::Object(fields)
}

/// Markdown description of the context's fields, shared by every schema that uses it.
pub const DESCRIPTION: &str = "The environment this object belongs to: pass `flywheel_pipeline.<name>.context`. An object with `role_arn` (the Glue role), `database` (the catalog database), `data_bucket`, `assets_bucket`, `analysis_bucket` (bucket names), `scripts_prefix` (key prefix for job scripts in the assets bucket, e.g. `scripts/`), `temp_dir` and `spark_event_logs_path` (`s3://` URIs), and `tags` (added to every object).";

/// The Terraform value of a model context.
pub fn value_of(c: &crate::model::pipeline::Context) -> PipelineContextValue {
    let s = |v: &str| Value::Value(v.to_string());
    PipelineContextValue {
        role_arn: s(&c.role_arn),
        database: s(&c.database),
        data_bucket: s(&c.data_bucket),
        assets_bucket: s(&c.assets_bucket),
        analysis_bucket: s(&c.analysis_bucket),
        scripts_prefix: s(&c.scripts_prefix),
        temp_dir: s(&c.temp_dir),
        spark_event_logs_path: s(&c.spark_event_logs_path),
        tags: crate::values::to_map(&c.tags),
    }
}
