//! `moved` blocks from terraform-provider-aws's resource types (Terraform 1.8+,
//! MoveResourceState): `aws_glue_job` to `flywheel_job`, `aws_glue_crawler` to
//! `flywheel_crawler`.
//!
//! Terraform asks for the move while planning, from a provider instance that has not been
//! configured, so the translation is pure: the source state's name and what the refresh
//! that follows needs to read the object the way import does (its tags, and for a job the
//! S3 paths its arguments carry). That refresh reads everything else from AWS. Like import,
//! a move is an explicit claim: the object gets an identity the first apply writes.

use serde_json::Value as Json;
use tf_provider::MoveSource;
use tf_provider::RawValue;

use crate::model::tags::Tags;

/// The provider a source must come from.
const AWS_PROVIDER: &str = "registry.terraform.io/hashicorp/aws";
/// The state schema version of `aws_glue_job` and `aws_glue_crawler` this reads.
const AWS_SCHEMA_VERSION: i64 = 0;

/// Why a move was refused: a diagnostic's summary and detail.
pub type Refused = (String, String);

/// The source's attributes, when it is `type_name` of terraform-provider-aws in a schema
/// version this reads.
pub fn aws_attributes(source: &MoveSource, type_name: &str, target: &str) -> Result<Json, Refused> {
    if source.type_name != type_name || source.provider_address != AWS_PROVIDER {
        return Err((
            format!("Cannot move {} to {target}", source.type_name),
            format!(
                "{target} can be moved from {type_name} ({AWS_PROVIDER}) only, not from {} ({}). Use a `removed` block in the old configuration and an `import` block here instead (see the adoption guide).",
                source.type_name, source.provider_address
            ),
        ));
    }
    if source.schema_version != AWS_SCHEMA_VERSION {
        return Err((
            format!("Unsupported {type_name} state version"),
            format!(
                "The state of this {type_name} has schema version {}; this provider reads version {AWS_SCHEMA_VERSION}. Use a `removed` block and an `import` block instead (see the adoption guide).",
                source.schema_version
            ),
        ));
    }
    let bytes = match &source.state {
        RawValue::Json(b) => b,
        RawValue::MessagePack(_) => {
            return Err((
                format!("Cannot read the {type_name} state"),
                "Terraform sent the source state in a form other than JSON.".into(),
            ))
        }
    };
    match serde_json::from_slice::<Json>(bytes) {
        Ok(v @ Json::Object(_)) => Ok(v),
        Ok(_) | Err(_) => Err((
            format!("Cannot read the {type_name} state"),
            "The source state is not a JSON object.".into(),
        )),
    }
}

/// A non-empty string attribute.
pub fn string(v: &Json, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Json::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A map of strings (`tags`, `default_arguments`); absent or null is empty.
pub fn string_map(v: &Json, key: &str) -> Tags {
    v.get(key)
        .and_then(Json::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The first element of a list-of-one block (`command`, `s3_target`...).
pub fn first<'a>(v: &'a Json, key: &str) -> Option<&'a Json> {
    v.get(key).and_then(Json::as_array).and_then(|a| a.first())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(type_name: &str, provider: &str, version: i64, json: &str) -> MoveSource {
        MoveSource {
            provider_address: provider.into(),
            type_name: type_name.into(),
            schema_version: version,
            state: RawValue::Json(json.as_bytes().to_vec()),
            private: Vec::new(),
        }
    }

    #[test]
    fn only_the_aws_type_in_version_0_is_read() {
        let ok = source("aws_glue_job", AWS_PROVIDER, 0, r#"{"name":"j"}"#);
        assert_eq!(
            aws_attributes(&ok, "aws_glue_job", "flywheel_job").map(|v| string(&v, "name")),
            Ok(Some("j".into()))
        );
        for (s, summary) in [
            (
                source("aws_glue_crawler", AWS_PROVIDER, 0, "{}"),
                "Cannot move aws_glue_crawler to flywheel_job",
            ),
            (
                source("aws_glue_job", "registry.terraform.io/other/aws", 0, "{}"),
                "Cannot move aws_glue_job to flywheel_job",
            ),
            (
                source("aws_glue_job", AWS_PROVIDER, 1, "{}"),
                "Unsupported aws_glue_job state version",
            ),
            (
                source("aws_glue_job", AWS_PROVIDER, 0, "[]"),
                "Cannot read the aws_glue_job state",
            ),
            (
                source("aws_glue_job", AWS_PROVIDER, 0, "{"),
                "Cannot read the aws_glue_job state",
            ),
        ] {
            let err = aws_attributes(&s, "aws_glue_job", "flywheel_job").unwrap_err();
            assert_eq!(err.0, summary);
        }
    }

    #[test]
    fn attribute_helpers_tolerate_nulls() {
        let v: Json = serde_json::from_str(
            r#"{"a":"","b":"x","m":{"k":"v","n":null},"l":[{"p":1}],"z":null}"#,
        )
        .unwrap();
        assert_eq!(string(&v, "a"), None);
        assert_eq!(string(&v, "b"), Some("x".into()));
        assert_eq!(string(&v, "z"), None);
        assert_eq!(string_map(&v, "m"), [("k".into(), "v".into())].into());
        assert!(string_map(&v, "z").is_empty());
        assert_eq!(
            first(&v, "l").and_then(|f| f.get("p")),
            Some(&Json::from(1))
        );
        assert_eq!(first(&v, "z"), None);
    }
}
