//! Provider functions (`provider::flywheel::<name>(...)`, plugin protocol 6: Terraform 1.8+
//! and OpenTofu 1.7+; older versions never call them). Each maps Terraform values to a pure
//! check or computation elsewhere (`crate::validate`, `crate::model`) and makes no AWS call.
//!
//! Terraform checks argument types and nulls against the schema before calling, and
//! returns an unknown result without calling when an argument is unknown, so each function
//! sees only known, typed values. A bad value is reported on its argument.

mod dpu_hours;
mod s3_uri;

use std::collections::HashMap;

use tf_provider::DynamicFunction;

/// Every function, keyed by its name as Terraform calls it after `provider::flywheel::`.
pub fn all() -> HashMap<String, Box<dyn DynamicFunction>> {
    let mut m: HashMap<String, Box<dyn DynamicFunction>> = HashMap::new();
    m.insert("s3_uri".into(), Box::new(s3_uri::S3Uri));
    m.insert("parse_s3_uri".into(), Box::new(s3_uri::ParseS3Uri));
    m.insert("dpu_hours".into(), Box::new(dpu_hours::DpuHours));
    m
}

/// A required, known parameter with a markdown description.
fn param(
    name: &str,
    ty: tf_provider::schema::Type,
    description: &str,
) -> tf_provider::schema::Parameter {
    tf_provider::schema::Parameter {
        name: name.into(),
        param_type: ty,
        allow_null: false,
        allow_unknown: false,
        description: tf_provider::schema::Description::markdown(description),
    }
}
