//! State checks in terraform-plugin-testing's style (`TestCheckResourceAttr` and friends):
//! small constructors returning closures over the applied state.

use anyhow::{anyhow, bail, Result};
use regex::Regex;
use serde_json::Value;

use super::schema::{path_error, resource_block};
use super::state::{render_scalar, State};

/// An assertion over the state `terraform show -json` reports after an apply.
pub type StateCheck = Box<dyn Fn(&State) -> Result<()>>;

/// The scalar at `path`, or an error saying why there is none.
fn scalar(state: &State, address: &str, path: &str) -> Result<String> {
    match state.attr(address, path)? {
        None => bail!("{address}: attribute {path} is not set"),
        Some(v) => render_scalar(&v).ok_or_else(|| {
            anyhow!("{address}: attribute {path} is a collection ({v}); address an element, `.#` or `.%`")
        }),
    }
}

/// `address.path` equals `expected` (numbers and bools compare by their printed form).
pub fn check_attr(address: &str, path: &str, expected: impl Into<String>) -> StateCheck {
    let (address, path, expected) = (address.to_string(), path.to_string(), expected.into());
    Box::new(move |s| {
        let got = scalar(s, &address, &path)?;
        if got != expected {
            bail!("{address}: attribute {path} is {got:?}, expected {expected:?}");
        }
        Ok(())
    })
}

/// `address.path` is set: present, not null, not an empty string.
pub fn check_attr_set(address: &str, path: &str) -> StateCheck {
    let (address, path) = (address.to_string(), path.to_string());
    Box::new(move |s| match s.attr(&address, &path)? {
        None => bail!("{address}: attribute {path} is not set"),
        Some(Value::String(v)) if v.is_empty() => bail!("{address}: attribute {path} is empty"),
        Some(_) => Ok(()),
    })
}

/// `address.path` is absent or null. Fails when `path` cannot exist in the resource's schema
/// at any depth (`terraform providers schema -json`, which the test case fetches before state
/// checks run): a typo must not pass as "absent". Map keys and list indexes are free.
pub fn check_no_attr(address: &str, path: &str) -> StateCheck {
    let (address, path) = (address.to_string(), path.to_string());
    Box::new(move |s| {
        let Some(schemas) = &s.schemas else {
            bail!("{address}: no provider schema to check {path} against");
        };
        let block = resource_block(schemas, s, &address)?;
        if let Some(e) = path_error(block, &path) {
            bail!("{address}: {path}: {e}");
        }
        match s.attr(&address, &path)? {
            None => Ok(()),
            Some(v) => bail!("{address}: attribute {path} should not be set, but is {v}"),
        }
    })
}

/// `address.path` matches `pattern`. Panics on an invalid pattern: that is a test bug.
pub fn check_attr_regex(address: &str, path: &str, pattern: &str) -> StateCheck {
    let (address, path) = (address.to_string(), path.to_string());
    let re = Regex::new(pattern).unwrap_or_else(|e| panic!("bad regex {pattern:?}: {e}"));
    Box::new(move |s| {
        let got = scalar(s, &address, &path)?;
        if !re.is_match(&got) {
            bail!("{address}: attribute {path} is {got:?}, which does not match /{re}/");
        }
        Ok(())
    })
}

/// Root module output `name` equals `expected`.
pub fn check_output(name: &str, expected: impl Into<String>) -> StateCheck {
    let (name, expected) = (name.to_string(), expected.into());
    Box::new(move |s| {
        let v = s
            .output(&name)
            .ok_or_else(|| anyhow!("output {name} is not in the state"))?;
        let got = render_scalar(v).ok_or_else(|| anyhow!("output {name} is not a scalar: {v}"))?;
        if got != expected {
            bail!("output {name} is {got:?}, expected {expected:?}");
        }
        Ok(())
    })
}

/// Two attributes (possibly of different resources) hold the same scalar.
pub fn check_attr_pair(address_a: &str, path_a: &str, address_b: &str, path_b: &str) -> StateCheck {
    let (aa, pa, ab, pb) = (
        address_a.to_string(),
        path_a.to_string(),
        address_b.to_string(),
        path_b.to_string(),
    );
    Box::new(move |s| {
        let (a, b) = (scalar(s, &aa, &pa)?, scalar(s, &ab, &pb)?);
        if a != b {
            bail!("{aa}.{pa} is {a:?} but {ab}.{pb} is {b:?}");
        }
        Ok(())
    })
}

/// Anything else: `f` gets the raw value at `address.path` (None when absent or null).
pub fn check_attr_with(
    address: &str,
    path: &str,
    f: impl Fn(Option<&Value>) -> Result<()> + 'static,
) -> StateCheck {
    let (address, path) = (address.to_string(), path.to_string());
    Box::new(move |s| {
        let v = s.attr(&address, &path)?;
        f(v.as_ref()).map_err(|e| anyhow!("{address}: attribute {path}: {e:#}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn state() -> State {
        State {
            schemas: Some(std::sync::Arc::new(
                json!({"provider_schemas": {"omc/flywheel": {
                    "data_source_schemas": {"flywheel_caller_identity": {"block": {
                        "attributes": {
                            "account_id": {"type": "string"}, "arn": {"type": "string"},
                            "empty": {"type": "string"}, "n": {"type": "number"},
                            "list": {"type": ["list", "string"]}, "none": {"type": "string"},
                            "tags": {"type": ["map", "string"]}
                        },
                        "block_types": {"data_bucket": {"nesting_mode": "list", "block": {
                            "attributes": {"kms_key_arn": {"type": "string"}}}}}
                    }}}
                }}}),
            )),
            raw: json!({"values": {
                "outputs": {"account_id": {"value": "123456789012"}},
                "root_module": {"resources": [{
                    "address": "data.flywheel_caller_identity.current",
                    "mode": "data", "type": "flywheel_caller_identity", "provider_name": "omc/flywheel",
                    "values": {"tags": {"team": "x"}, "data_bucket": [{"kms_key_arn": null}], "account_id": "123456789012", "arn": "arn:aws:sts::123456789012:user/moto",
                               "empty": "", "n": 2, "list": ["a"], "none": null}
                }]}
            }}),
        }
    }

    const ID: &str = "data.flywheel_caller_identity.current";

    #[test]
    fn attr_equality() {
        let s = state();
        assert!(check_attr(ID, "account_id", "123456789012")(&s).is_ok());
        assert!(check_attr(ID, "n", "2")(&s).is_ok());
        assert!(check_attr(ID, "list.#", "1")(&s).is_ok());
        let err = check_attr(ID, "account_id", "111111111111")(&s)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("123456789012") && err.contains("111111111111"),
            "{err}"
        );
        assert!(
            check_attr(ID, "list", "a")(&s).is_err(),
            "collections are not scalars"
        );
        assert!(check_attr(ID, "none", "")(&s).is_err());
        assert!(check_attr("data.flywheel_caller_identity.other", "account_id", "1")(&s).is_err());
    }

    #[test]
    fn set_absent_regex_output_pair() {
        let s = state();
        assert!(check_attr_set(ID, "arn")(&s).is_ok());
        assert!(check_attr_set(ID, "empty")(&s).is_err());
        assert!(check_attr_set(ID, "none")(&s).is_err());
        assert!(check_no_attr(ID, "none")(&s).is_ok());
        assert!(check_no_attr(ID, "arn")(&s).is_err());
        // A name the schema does not have is a typo, not "absent".
        let err = check_no_attr(ID, "nnoe")(&s).unwrap_err().to_string();
        assert!(
            err.contains("nnoe is not in the schema of the resource") && err.contains("\"none\""),
            "{err}"
        );
        assert!(check_no_attr(ID, "nnoe.x")(&s).is_err());
        // At every depth: a nested block's attribute, a map's key (free, but set here).
        assert!(check_no_attr(ID, "data_bucket.0.kms_key_arn")(&s).is_ok());
        assert!(check_no_attr(ID, "data_bucket.1.kms_key_arn")(&s).is_ok());
        let err = check_no_attr(ID, "data_bucket.0.kms_key_ran")(&s)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("kms_key_ran is not in the schema of data_bucket.0"),
            "{err}"
        );
        assert!(check_no_attr(ID, "tags.owner")(&s).is_ok());
        assert!(check_no_attr(ID, "tags.team")(&s).is_err(), "set");
        assert!(check_no_attr(ID, "tgas.team")(&s).is_err());
        let mut bare = s.clone();
        bare.schemas = None;
        assert!(
            check_no_attr(ID, "none")(&bare).is_err(),
            "no schema, no check"
        );
        assert!(check_no_attr("data.flywheel_caller_identity.other", "none")(&s).is_err());
        assert!(check_attr_regex(ID, "arn", r"^arn:aws:(iam|sts)::\d{12}:")(&s).is_ok());
        assert!(check_attr_regex(ID, "arn", r"^arn:aws-cn:")(&s).is_err());
        assert!(check_output("account_id", "123456789012")(&s).is_ok());
        assert!(check_output("account_id", "0")(&s).is_err());
        assert!(check_output("missing", "0")(&s).is_err());
        assert!(check_attr_pair(ID, "account_id", ID, "account_id")(&s).is_ok());
        assert!(check_attr_pair(ID, "account_id", ID, "arn")(&s).is_err());
        assert!(check_attr_with(ID, "list", |v| match v {
            Some(Value::Array(a)) if a.len() == 1 => Ok(()),
            other => bail!("unexpected {other:?}"),
        })(&s)
        .is_ok());
    }
}
