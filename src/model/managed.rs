//! The AWS objects a resource expands into (`managed_objects`), as plain values: shown in
//! plans so users see the expansion before anything is created.

/// An object's ARN as far as the plan knows it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Arn {
    Known(String),
    /// It needs an account ID the provider has not learned yet.
    NotYetKnown,
    /// The object has none (a bucket's encryption configuration, a role's inline policy).
    None,
}

impl From<Option<String>> for Arn {
    /// `None`: not known yet.
    fn from(a: Option<String>) -> Self {
        a.map(Arn::Known).unwrap_or(Arn::NotYetKnown)
    }
}

/// One AWS object. `kind` uses terraform-provider-aws's resource type names, which platform
/// engineers already know (`aws_glue_job`, `aws_s3_bucket`, ...).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Object {
    pub kind: String,
    pub name: String,
    pub arn: Arn,
}

impl Object {
    pub fn new(kind: &str, name: &str, arn: impl Into<Arn>) -> Self {
        Object {
            kind: kind.into(),
            name: name.into(),
            arn: arn.into(),
        }
    }
}

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
            Object::new("aws_glue_job", "etl", None).arn,
            Arn::NotYetKnown
        );
    }
}
