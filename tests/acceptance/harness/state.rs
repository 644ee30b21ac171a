//! Reads Terraform's JSON: the state from `terraform show -json`, attribute paths into it in
//! terraform-plugin-testing's flatmap style (`tags.Name`, `targets.0.path`, `list.#`, `map.%`),
//! and the flattening that import verification compares.

use std::collections::BTreeMap;

use anyhow::{anyhow, Context, Result};
use serde_json::Value;

/// Parsed `terraform show -json` of a state (not of a plan).
#[derive(Debug, Clone, Default)]
pub struct State {
    pub raw: Value,
    /// `terraform providers schema -json` of the providers in the state, when the test case
    /// fetched it (before state checks run); `check_no_attr` needs it.
    pub schemas: Option<std::sync::Arc<Value>>,
}

impl State {
    pub fn from_json(text: &str) -> Result<State> {
        let raw: Value =
            serde_json::from_str(text.trim()).context("parsing terraform show -json")?;
        Ok(State { raw, schemas: None })
    }

    /// Every resource and data source in every module.
    pub fn resources(&self) -> Vec<&Value> {
        let mut out = Vec::new();
        if let Some(root) = self.raw.pointer("/values/root_module") {
            collect_resources(root, &mut out);
        }
        out
    }

    pub fn addresses(&self) -> Vec<String> {
        self.resources()
            .iter()
            .filter_map(|r| r.get("address").and_then(Value::as_str).map(str::to_string))
            .collect()
    }

    /// Addresses of managed resources only (data sources are not things we create).
    pub fn managed_addresses(&self) -> Vec<String> {
        self.resources()
            .iter()
            .filter(|r| r.get("mode").and_then(Value::as_str) == Some("managed"))
            .filter_map(|r| r.get("address").and_then(Value::as_str).map(str::to_string))
            .collect()
    }

    pub fn resource(&self, address: &str) -> Option<&Value> {
        self.resources()
            .into_iter()
            .find(|r| r.get("address").and_then(Value::as_str) == Some(address))
    }

    /// The attribute object of `address`, or an error listing what the state does hold.
    pub fn values(&self, address: &str) -> Result<&Value> {
        self.resource(address)
            .and_then(|r| r.get("values"))
            .ok_or_else(|| {
                anyhow!(
                    "{address} is not in the state; it holds: {:?}",
                    self.addresses()
                )
            })
    }

    /// Value at `path` within `address`; `Ok(None)` when absent or null.
    pub fn attr(&self, address: &str, path: &str) -> Result<Option<Value>> {
        Ok(lookup_path(self.values(address)?, path))
    }

    pub fn output(&self, name: &str) -> Option<&Value> {
        self.raw.pointer(&format!("/values/outputs/{name}/value"))
    }
}

fn collect_resources<'a>(module: &'a Value, out: &mut Vec<&'a Value>) {
    if let Some(rs) = module.get("resources").and_then(Value::as_array) {
        out.extend(rs.iter());
    }
    if let Some(children) = module.get("child_modules").and_then(Value::as_array) {
        for child in children {
            collect_resources(child, out);
        }
    }
}

/// Follow a dotted path. A number indexes a list, `#` is a list's length, `%` a map's size.
/// Map keys may contain dots only as the last segment (`tags.flywheel:pipeline` is fine).
pub fn lookup_path(values: &Value, path: &str) -> Option<Value> {
    let segments: Vec<&str> = path.split('.').collect();
    let mut current = values;
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match current {
            Value::Array(items) if *seg == "#" && last => return Some(Value::from(items.len())),
            Value::Object(map) if *seg == "%" && last => return Some(Value::from(map.len())),
            Value::Array(items) => current = items.get(seg.parse::<usize>().ok()?)?,
            Value::Object(map) => match map.get(*seg) {
                Some(v) => current = v,
                // Allow a map key with dots: join the remaining segments.
                None => {
                    return map
                        .get(&segments[i..].join("."))
                        .filter(|v| !v.is_null())
                        .cloned()
                }
            },
            _ => return None,
        }
    }
    (!current.is_null()).then(|| current.clone())
}

/// Scalars as terraform-plugin-testing compares them: strings bare, numbers and bools printed.
pub fn render_scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Flatten attributes to `path -> scalar`, with `#`/`%` counts, skipping nulls.
pub fn flatten(values: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    flatten_into(values, "", &mut out);
    out
}

fn flatten_into(value: &Value, prefix: &str, out: &mut BTreeMap<String, String>) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        Value::Null => {}
        Value::Array(items) => {
            if !prefix.is_empty() {
                out.insert(key("#"), items.len().to_string());
            }
            for (i, item) in items.iter().enumerate() {
                flatten_into(item, &key(&i.to_string()), out);
            }
        }
        Value::Object(map) => {
            if !prefix.is_empty() {
                out.insert(key("%"), map.len().to_string());
            }
            for (k, v) in map {
                flatten_into(v, &key(k), out);
            }
        }
        scalar => {
            out.insert(
                prefix.to_string(),
                render_scalar(scalar).unwrap_or_default(),
            );
        }
    }
}

/// `key` is covered by an ignore entry equal to it or to one of its leading segments.
fn ignored(key: &str, ignore: &[String]) -> bool {
    ignore.iter().any(|i| {
        key == i
            || key
                .strip_prefix(i.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// Differences between two attribute sets (labelled, e.g. "applied" and "imported"), one
/// line each, ignoring `ignore`.
pub fn diff_attributes(
    (label_a, a): (&str, &Value),
    (label_b, b): (&str, &Value),
    ignore: &[String],
) -> Vec<String> {
    let a = flatten(a);
    let b = flatten(b);
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !ignored(k, ignore))
        .filter_map(|k| match (a.get(k), b.get(k)) {
            (Some(x), Some(y)) if x == y => None,
            (x, y) => Some(format!(
                "  {k}: {label_a} {} / {label_b} {}",
                x.map_or("<absent>".to_string(), |v| format!("{v:?}")),
                y.map_or("<absent>".to_string(), |v| format!("{v:?}")),
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> State {
        State::from_json(
            &json!({
                "format_version": "1.0",
                "terraform_version": "1.6.6",
                "values": {
                    "outputs": {"account_id": {"sensitive": false, "value": "123456789012", "type": "string"}},
                    "root_module": {
                        "resources": [
                            {
                                "address": "data.flywheel_caller_identity.current",
                                "mode": "data",
                                "type": "flywheel_caller_identity",
                                "name": "current",
                                "values": {"account_id": "123456789012", "region": "us-east-1", "id": "123456789012"}
                            },
                            {
                                "address": "flywheel_job.x",
                                "mode": "managed",
                                "values": {
                                    "name": "x",
                                    "number_of_workers": 8,
                                    "enabled": true,
                                    "description": null,
                                    "tags": {"env": "test", "flywheel:pipeline": "p"},
                                    "targets": [{"path": "s3://b/opus/"}, {"path": "s3://b/x/"}]
                                }
                            }
                        ],
                        "child_modules": [{
                            "address": "module.m",
                            "resources": [{"address": "module.m.flywheel_crawler.c", "mode": "managed", "values": {"name": "c"}}]
                        }]
                    }
                }
            })
            .to_string(),
        )
        .unwrap()
    }

    #[test]
    fn finds_resources_in_every_module() {
        let s = sample();
        assert_eq!(
            s.addresses(),
            vec![
                "data.flywheel_caller_identity.current",
                "flywheel_job.x",
                "module.m.flywheel_crawler.c"
            ]
        );
        assert_eq!(
            s.managed_addresses(),
            vec!["flywheel_job.x", "module.m.flywheel_crawler.c"]
        );
        assert_eq!(
            s.attr("module.m.flywheel_crawler.c", "name").unwrap(),
            Some(json!("c"))
        );
    }

    #[test]
    fn attribute_paths() {
        let s = sample();
        let a = |p: &str| s.attr("flywheel_job.x", p).unwrap();
        assert_eq!(a("name"), Some(json!("x")));
        assert_eq!(
            a("number_of_workers").as_ref().and_then(render_scalar),
            Some("8".into())
        );
        assert_eq!(
            a("enabled").as_ref().and_then(render_scalar),
            Some("true".into())
        );
        assert_eq!(a("description"), None, "null reads as absent");
        assert_eq!(a("missing"), None);
        assert_eq!(a("tags.env"), Some(json!("test")));
        assert_eq!(a("tags.%"), Some(json!(2)));
        assert_eq!(a("targets.#"), Some(json!(2)));
        assert_eq!(a("targets.1.path"), Some(json!("s3://b/x/")));
        assert_eq!(a("targets.2.path"), None);
        assert_eq!(a("targets.x"), None);
        assert_eq!(
            s.attr("data.flywheel_caller_identity.current", "account_id")
                .unwrap(),
            Some(json!("123456789012"))
        );
    }

    #[test]
    fn missing_resource_names_what_exists() {
        let err = sample()
            .attr("flywheel_job.nope", "name")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("flywheel_job.nope") && err.contains("flywheel_job.x"),
            "{err}"
        );
    }

    #[test]
    fn outputs_and_empty_state() {
        assert_eq!(sample().output("account_id"), Some(&json!("123456789012")));
        let empty = State::from_json(r#"{"format_version":"1.0"}"#).unwrap();
        assert!(empty.resources().is_empty());
        assert!(empty.output("account_id").is_none());
        assert!(State::from_json("not json").is_err());
    }

    #[test]
    fn flatten_matches_flatmap() {
        let flat = flatten(&json!({"a": "x", "n": null, "l": [1, {"k": true}], "m": {}}));
        let expected: BTreeMap<String, String> = [
            ("a", "x"),
            ("l.#", "2"),
            ("l.0", "1"),
            ("l.1.%", "1"),
            ("l.1.k", "true"),
            ("m.%", "0"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(flat, expected);
    }

    #[test]
    fn import_diff_honours_ignore_prefixes() {
        let applied =
            json!({"name": "x", "force_destroy": true, "tags": {"a": "1"}, "tags_all": {"a": "1"}});
        let imported =
            json!({"name": "x", "force_destroy": null, "tags": {"a": "2"}, "tags_all": {"a": "1"}});
        let d = |ignore: &[String]| {
            diff_attributes(("applied", &applied), ("imported", &imported), ignore)
        };
        let diffs = d(&["force_destroy".into()]);
        assert_eq!(diffs, vec![r#"  tags.a: applied "1" / imported "2""#]);
        // `tags` covers `tags.a` but not `tags_all`.
        assert!(d(&["force_destroy".into(), "tags".into()]).is_empty());
        assert!(ignored("tags.a", &["tags".into()]));
        assert!(!ignored("tags_all.a", &["tags".into()]));
    }
}
