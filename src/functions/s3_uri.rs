//! `s3_uri(bucket, key)` and `parse_s3_uri(uri)`: the `s3://bucket/key` form Glue job
//! arguments, crawler targets and `script_location` take, built and taken apart with the
//! same rules the resources validate with (`crate::validate::s3_uri`), so a URI one
//! function builds is one the resources accept.

use async_trait::async_trait;
use serde::Serialize;
use tf_provider::schema::{Description, FunctionSchema, Type};
use tf_provider::{Diagnostics, Function};

use super::param;

pub struct S3Uri;
pub struct ParseS3Uri;

/// `s3://<bucket>/<key>`, or the error that names what is wrong. The key may be empty (the
/// whole bucket) and must not start with `/`: S3 keys have no leading separator, and
/// `s3://bucket//key` names a different object than the one meant.
pub fn build(bucket: &str, key: &str) -> Result<String, (i64, String)> {
    crate::validate::bucket_name(bucket).map_err(|e| (0, e))?;
    if key.starts_with('/') {
        return Err((
            1,
            format!(
                "key {key:?} starts with \"/\"; S3 keys have no leading slash (use {:?})",
                key.trim_start_matches('/')
            ),
        ));
    }
    let uri = format!("s3://{bucket}/{key}");
    crate::validate::s3_uri(&uri, false).map_err(|e| (1, e))?;
    Ok(uri)
}

#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub bucket: String,
    pub key: String,
}

pub fn parse(uri: &str) -> Result<Parsed, String> {
    let (bucket, key) = crate::validate::s3_uri(uri, false)?;
    Ok(Parsed { bucket, key })
}

#[async_trait]
impl Function for S3Uri {
    type Input<'a> = (String, String);
    type Output<'a> = String;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<FunctionSchema> {
        Some(FunctionSchema {
            parameters: vec![
                param("bucket", Type::String, "Bucket name, checked against S3's naming rules."),
                param("key", Type::String, "Object key or key prefix, without a leading `/`; empty for the whole bucket."),
            ],
            variadic: None,
            return_type: Type::String,
            summary: "Builds an s3://bucket/key URI".into(),
            description: Description::markdown("Returns `s3://<bucket>/<key>`, the form job arguments (`--TempDir`), crawler `s3_targets` and `script_location` take. Fails, naming the argument, on a bucket name S3 would refuse, a key that starts with `/`, or a key with an empty path segment (`//`), so a URI it returns is one the resources accept."),
            deprecated: None,
        })
    }

    async fn call<'a>(
        &self,
        diags: &mut Diagnostics,
        (bucket, key): (String, String),
    ) -> Option<String> {
        match build(&bucket, &key) {
            Ok(uri) => Some(uri),
            Err((index, message)) => {
                diags.function_error(index, message);
                None
            }
        }
    }
}

#[async_trait]
impl Function for ParseS3Uri {
    type Input<'a> = (String,);
    type Output<'a> = Parsed;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<FunctionSchema> {
        Some(FunctionSchema {
            parameters: vec![param(
                "uri",
                Type::String,
                "An `s3://bucket/key` URI.",
            )],
            variadic: None,
            return_type: Type::Object(
                [
                    ("bucket".to_string(), Type::String),
                    ("key".to_string(), Type::String),
                ]
                .into(),
            ),
            summary: "Splits an s3://bucket/key URI into bucket and key".into(),
            description: Description::markdown("Returns an object with `bucket` and `key` (empty for `s3://bucket` and `s3://bucket/`). Fails on anything but an `s3://` URI with a valid bucket name and no empty path segment."),
            deprecated: None,
        })
    }

    async fn call<'a>(&self, diags: &mut Diagnostics, (uri,): (String,)) -> Option<Parsed> {
        match parse(&uri) {
            Ok(p) => Some(p),
            Err(message) => {
                diags.function_error(0, message);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_uris_the_resources_accept() {
        assert_eq!(
            build("my-data", "raw/x.csv").unwrap(),
            "s3://my-data/raw/x.csv"
        );
        assert_eq!(build("my-data", "").unwrap(), "s3://my-data/");
        assert_eq!(
            build("my-data", "temporary/").unwrap(),
            "s3://my-data/temporary/"
        );
    }

    #[test]
    fn names_the_argument_at_fault() {
        let (i, m) = build("My_Bucket", "k").unwrap_err();
        assert_eq!(i, 0);
        assert!(m.contains("My_Bucket"), "{m}");
        let (i, m) = build("my-data", "/raw/x").unwrap_err();
        assert_eq!(i, 1);
        assert!(m.contains("\"raw/x\""), "{m}");
        let (i, m) = build("my-data", "raw//x").unwrap_err();
        assert_eq!(i, 1);
        assert!(m.contains("//"), "{m}");
    }

    #[test]
    fn parses_and_round_trips() {
        let p = parse("s3://my-data/raw/a/b.csv").unwrap();
        assert_eq!(
            p,
            Parsed {
                bucket: "my-data".into(),
                key: "raw/a/b.csv".into()
            }
        );
        assert_eq!(
            build(&p.bucket, &p.key).unwrap(),
            "s3://my-data/raw/a/b.csv"
        );
        assert_eq!(parse("s3://my-data").unwrap().key, "");
        assert_eq!(parse("s3://my-data/").unwrap().key, "");
        for bad in [
            "https://my-data/x",
            "s3://",
            "s3://UPPER/x",
            "s3://my-data/a//b",
            "my-data/x",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
