//! `managed_objects` as Terraform sees it: the list-of-objects attribute every resource
//! shows in plans, built from the model's plain `crate::model::managed::Object`s.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tf_provider::schema::AttributeType;
use tf_provider::value::Value;

use crate::model::managed::{Arn, Object};

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
    /// `arn`: `None` when it is not known yet.
    pub fn new(kind: &str, name: &str, arn: Option<String>) -> Self {
        ManagedObject {
            kind: Value::Value(kind.into()),
            name: Value::Value(name.into()),
            arn: arn.map(Value::Value).unwrap_or(Value::Unknown),
        }
    }
}

impl From<&Object> for ManagedObject {
    fn from(o: &Object) -> Self {
        ManagedObject {
            kind: Value::Value(o.kind.clone()),
            name: Value::Value(o.name.clone()),
            arn: match &o.arn {
                Arn::Known(a) => Value::Value(a.clone()),
                Arn::NotYetKnown => Value::Unknown,
                Arn::None => Value::Null,
            },
        }
    }
}

/// The Terraform values of the model's objects.
pub fn values(objects: &[Object]) -> Vec<ManagedObject> {
    objects.iter().map(ManagedObject::from).collect()
}

pub fn attribute_type() -> AttributeType {
    let fields: HashMap<String, AttributeType> = ["type", "name", "arn"]
        .into_iter()
        .map(|k| (k.to_string(), AttributeType::String))
        .collect();
    AttributeType::List(Box::new(AttributeType::Object(fields)))
}

pub const DESCRIPTION: &str = "The AWS objects this resource expands into, each with its `type` (as terraform-provider-aws names it), `name` and `arn`. Known at plan time, so `terraform plan` shows the expansion.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_map_to_values() {
        let o = |arn| Object {
            kind: "aws_glue_job".into(),
            name: "etl".into(),
            arn,
        };
        assert_eq!(
            ManagedObject::from(&o(Arn::NotYetKnown)).arn,
            Value::Unknown
        );
        assert_eq!(ManagedObject::from(&o(Arn::None)).arn, Value::Null);
        assert_eq!(
            ManagedObject::from(&o(Arn::Known("a".into()))).arn,
            Value::Value("a".into())
        );
        assert_eq!(ManagedObject::new("t", "n", None).arn, Value::Unknown);
    }
}
