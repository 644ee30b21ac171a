//! `managed_objects`: the AWS objects a resource expands into, shown in plans so users see
//! the expansion before anything is created.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tf_provider::schema::AttributeType;
use tf_provider::value::Value;

/// One AWS object. `type` uses terraform-provider-aws's resource type names, which platform
/// engineers already know (`aws_glue_job`, `aws_s3_bucket`, ...).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ManagedObject {
    #[serde(rename = "type")]
    pub kind: Value<String>,
    pub name: Value<String>,
    /// Unknown at plan time when it needs an account ID the provider has not learned.
    pub arn: Value<String>,
}

impl ManagedObject {
    pub fn new(kind: &str, name: &str, arn: Option<String>) -> Self {
        ManagedObject {
            kind: Value::Value(kind.into()),
            name: Value::Value(name.into()),
            arn: arn.map(Value::Value).unwrap_or(Value::Unknown),
        }
    }
}

pub fn attribute_type() -> AttributeType {
    let fields: HashMap<String, AttributeType> = ["type", "name", "arn"]
        .into_iter()
        .map(|k| (k.to_string(), AttributeType::String))
        .collect();
    AttributeType::List(Box::new(AttributeType::Object(fields)))
}

pub const DESCRIPTION: &str = "The AWS objects this resource expands into, each with its `type` (as terraform-provider-aws names it), `name` and `arn`. Known at plan time, so `terraform plan` shows the expansion.";

/// Glue ARNs: `arn:<partition>:glue:<region>:<account>:<kind>/<name>`.
pub fn glue_arn(
    partition: &str,
    region: &str,
    account: Option<&str>,
    kind: &str,
    name: &str,
) -> Option<String> {
    account.map(|a| format!("arn:{partition}:glue:{region}:{a}:{kind}/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_need_an_account() {
        assert_eq!(
            glue_arn("aws", "us-east-1", Some("239083076653"), "job", "etl"),
            Some("arn:aws:glue:us-east-1:239083076653:job/etl".into())
        );
        assert_eq!(glue_arn("aws", "us-east-1", None, "job", "etl"), None);
        assert_eq!(
            ManagedObject::new("aws_glue_job", "etl", None).arn,
            Value::Unknown
        );
    }
}
