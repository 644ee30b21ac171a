//! The `context` jobs and crawlers take, and `managed_objects`.

use super::*;

/// The `context` jobs and crawlers take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    pub role_arn: String,
    pub database: String,
    pub data_bucket: String,
    pub assets_bucket: String,
    pub analysis_bucket: String,
    pub scripts_prefix: String,
    pub temp_dir: String,
    pub spark_event_logs_path: String,
    pub tags: Tags,
}

pub fn context(s: &Settings, env: &Env) -> Context {
    let assets = bucket_name(s, BucketRole::Assets);
    Context {
        role_arn: role_arn(&env.partition, &env.account, &role_path(s), &role_name(s)),
        database: database_name(s),
        data_bucket: bucket_name(s, BucketRole::Data),
        analysis_bucket: bucket_name(s, BucketRole::Analysis),
        scripts_prefix: SCRIPTS_PREFIX.into(),
        temp_dir: temp_dir(&assets),
        spark_event_logs_path: spark_event_logs_path(&assets),
        assets_bucket: assets,
        tags: context_tags(s),
    }
}

/// The pipeline's `tags` as its role carries them: without the provider's own
/// (`flywheel:`) and its `default_tags`.
pub fn pipeline_tags_of(role_tags: &Tags, env: &Env) -> Tags {
    role_tags
        .iter()
        .filter(|(k, v)| !k.starts_with("flywheel:") && env.default_tags.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// `context.temp_dir` for the assets bucket `assets`.
pub fn temp_dir(assets: &str) -> String {
    format!("s3://{assets}/{TEMP_PREFIX}")
}

/// `context.spark_event_logs_path` for the assets bucket `assets`.
pub fn spark_event_logs_path(assets: &str) -> String {
    format!("s3://{assets}/{SPARK_LOGS_PREFIX}")
}

/// Every child as `managed_objects` lists it: type, terraform-provider-aws ID, and ARN
/// where the object has one.
pub fn managed_objects(d: &Desired, env: &Env) -> Vec<Object> {
    d.children
        .iter()
        .map(|c| {
            let arn = match c.key.kind {
                Kind::Bucket => Some(bucket_arn(&env.partition, &c.key.name)),
                Kind::IamRole => Some(d.role_arn.clone()),
                Kind::GlueDatabase => glue_arn(
                    &env.partition,
                    &env.region,
                    Some(&env.account),
                    "database",
                    &c.key.name,
                ),
                Kind::IamRolePolicyAttachment => Some(c.key.name.clone()),
                Kind::SnsTopic => Some(c.key.name.clone()),
                Kind::EventRule => Some(rule_arn(env, &c.key.name)),
                Kind::MetricAlarm => Some(format!(
                    "arn:{}:cloudwatch:{}:{}:alarm:{}",
                    env.partition, env.region, env.account, c.key.name
                )),
                // Dashboards are global: no region in the ARN.
                Kind::Dashboard => Some(format!(
                    "arn:{}:cloudwatch::{}:dashboard/{}",
                    env.partition, env.account, c.key.name
                )),
                Kind::Budget => Some(crate::model::budget::arn(
                    &env.partition,
                    &c.key.owner,
                    &c.key.name,
                )),
                _ => None,
            };
            let arn = arn.map(Arn::Known).unwrap_or(Arn::None);
            Object::new(c.key.kind.tf_type(), &c.key.id(), arn)
        })
        .collect()
}
