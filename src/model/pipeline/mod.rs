//! `flywheel_pipeline` as pure data: the validated configuration, its expansion into the
//! child AWS objects (buckets and their sub-configurations, the Glue database, the IAM role
//! with its policies), the exported `context`, and the comparison of observed children with
//! desired ones that drives drift detection and `crate::reconcile`.
//!
//! Naming defaults, from `name` (N) and `environment` (E; each `-E` part is left out when
//! `environment` is not set):
//! - buckets: `N-E-data`, `N-E-assets`, `N-E-analysis`;
//! - database: `N_E` with `-` turned into `_` (Glue and Athena prefer underscores);
//! - role: `N-E-glue-role` at path `/`; its inline policy: [`INLINE_POLICY_NAME`].
//!
//! Children and their addresses use terraform-provider-aws's type names and import IDs
//! (`aws_iam_role_policy.<role>:<policy>`, `aws_iam_role_policy_attachment.<role>/<arn>`),
//! so plans name the drifted object in terms platform engineers already know.

mod alerts;
mod alerts_import;
#[cfg(test)]
mod alerts_import_tests;
#[cfg(test)]
mod alerts_tests;
#[cfg(test)]
mod bucket_tests;
mod buckets;
mod context;
mod expand;
mod import_id;
mod names;
mod observe;
#[cfg(test)]
mod role_tests;
#[cfg(test)]
mod tests;
mod validate;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::managed::{glue_arn, Arn, Object};
use super::ownership;
use super::policy;
use super::tags::{self, Tags};

pub use super::children::*;
pub use alerts::*;
pub use alerts_import::*;
pub use buckets::*;
pub use context::*;
pub use expand::*;
pub use import_id::*;
pub use names::*;
pub use observe::*;
pub use validate::*;

pub const PIPELINE_TAG: &str = "flywheel:pipeline";
pub const INLINE_POLICY_NAME: &str = "flywheel-pipeline-access";
/// Sid of the inline policy's Data Catalog read statement, there only without the
/// AWSGlueServiceRole attachment (import tells the two kinds of role apart by it).
pub const CATALOG_READ_SID: &str = "CatalogRead";
pub const SCRIPTS_PREFIX: &str = "scripts/";
pub const TEMP_PREFIX: &str = "temporary/";
pub const SPARK_LOGS_PREFIX: &str = "sparkHistoryLogs/";
/// Days before objects under the assets bucket's `temporary/` expire, unless
/// `expire_prefixes` says otherwise.
pub const DEFAULT_TEMP_EXPIRY_DAYS: i64 = 7;
/// Days before Spark UI event logs expire in a created assets bucket, unless
/// `expire_prefixes` says otherwise (the runbook's clean-up of logs nobody reads).
pub const DEFAULT_SPARK_LOGS_EXPIRY_DAYS: i64 = 30;
/// A created analysis bucket whose `expire_prefixes` is empty gets these: the runbook's
/// `temp/` after 7 days and `spark-logs/` after 30.
pub const DEFAULT_ANALYSIS_EXPIRY: [(&str, i64); 2] = [("temp/", 7), ("spark-logs/", 30)];
/// Days after which incomplete multipart uploads are aborted, on every bucket.
pub const ABORT_MULTIPART_DAYS: i64 = 7;
/// Lifecycle rules and policy statements the pipeline owns start with these; others (an
/// adopted bucket's own) are left alone.
pub const RULE_PREFIX: &str = "flywheel-";
pub const SID_PREFIX: &str = "Flywheel";
pub const MAX_LIFECYCLE_DAYS: i64 = 36_500;
/// The role's path unless `role.path` says otherwise (IAM's default).
pub const DEFAULT_ROLE_PATH: &str = "/";

// ---------------------------------------------------------------------------------------
// Configuration

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BucketRole {
    Data,
    Assets,
    Analysis,
}

impl BucketRole {
    pub const ALL: [BucketRole; 3] = [BucketRole::Data, BucketRole::Assets, BucketRole::Analysis];

    /// The configuration block (and import ID key).
    pub fn block(self) -> &'static str {
        match self {
            BucketRole::Data => "data_bucket",
            BucketRole::Assets => "assets_bucket",
            BucketRole::Analysis => "analysis_bucket",
        }
    }

    fn suffix(self) -> &'static str {
        self.key()
    }

    /// The short name: `data`, `assets` or `analysis` (keys of `storage_threshold_gb`).
    pub fn key(self) -> &'static str {
        match self {
            BucketRole::Data => "data",
            BucketRole::Assets => "assets",
            BucketRole::Analysis => "analysis",
        }
    }

    pub fn from_key(key: &str) -> Option<BucketRole> {
        BucketRole::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// One bucket block after validation (`None`: not given, default applies).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BucketSettings {
    pub name: Option<String>,
    pub create: Option<bool>,
    pub prefixes: Vec<String>,
    pub expire_prefixes: BTreeMap<String, i64>,
    pub kms_key_arn: Option<String>,
    /// `AES256`, `aws:kms` or `aws:kms:dsse`; see [`encryption_spec`].
    pub sse_algorithm: Option<String>,
    /// `None`: the default of [`intelligent_tiering`].
    pub intelligent_tiering: Option<bool>,
    /// Principals allowed object access besides the Glue role; empty: no restriction.
    pub allowed_principal_arns: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub name: String,
    pub environment: Option<String>,
    pub database_name: Option<String>,
    pub database_description: Option<String>,
    pub role_name: Option<String>,
    /// The role's IAM path (`None`: [`DEFAULT_ROLE_PATH`]); part of its ARN.
    pub role_path: Option<String>,
    /// The managed policy set as the role's permissions boundary, if any.
    pub permissions_boundary: Option<String>,
    /// Add the `aws:SourceAccount` / `aws:SourceArn` conditions to the trust policy (see
    /// `policy::glue_trust_policy_confused_deputy`).
    pub confused_deputy_conditions: bool,
    /// `None`: the default, attached. `Some(false)`: AWSGlueServiceRole is not attached and
    /// the inline policy grants the Data Catalog actions on this pipeline's database instead.
    pub attach_glue_service_role: Option<bool>,
    pub managed_policy_arns: Vec<String>,
    /// Inline policies on the role besides the pipeline's own, by name: managed like it
    /// (created, compared, removed when dropped). An adopted role keeps its own this way.
    pub inline_policies: BTreeMap<String, Value>,
    pub data: BucketSettings,
    pub assets: BucketSettings,
    pub analysis: BucketSettings,
    pub tags: Tags,
    /// The instance's identity (`owner_id`), once made: written as the ownership tags.
    /// `None` while it is not known (a plan for a create) or not yet made (a 0.1.0 state).
    pub owner_id: Option<String>,
    /// The `alerts` block; `None`: no alerts.
    pub alerts: Option<AlertSettings>,
}

impl Settings {
    /// Whether AWSGlueServiceRole is attached (the default).
    pub fn attaches_glue_service_role(&self) -> bool {
        self.attach_glue_service_role.unwrap_or(true)
    }

    pub fn bucket(&self, role: BucketRole) -> &BucketSettings {
        match role {
            BucketRole::Data => &self.data,
            BucketRole::Assets => &self.assets,
            BucketRole::Analysis => &self.analysis,
        }
    }
}

/// Where the pipeline lives; everything the expansion needs beyond the configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Env {
    pub partition: String,
    pub region: String,
    pub account: String,
    pub default_tags: Tags,
}
