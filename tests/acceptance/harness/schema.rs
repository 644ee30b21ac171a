//! The provider schemas `terraform providers schema -json` reports, fetched once per test run
//! (per set of providers), and the check that an attribute path can exist in a resource's
//! schema at every depth.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use super::state::State;
use super::terraform::Workdir;

/// `terraform providers schema -json` of every provider `state` uses, from the process-wide
/// cache keyed by that set of providers, or run once in `work` (already initialised).
pub async fn provider_schemas(work: &Workdir, state: &State) -> Result<Arc<Value>> {
    static CACHE: OnceLock<Mutex<HashMap<Vec<String>, Arc<Value>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut key: Vec<String> = state
        .resources()
        .iter()
        .filter_map(|r| r.get("provider_name").and_then(Value::as_str))
        .map(str::to_string)
        .collect();
    key.sort();
    key.dedup();
    if let Some(hit) = cache.lock().unwrap().get(&key) {
        return Ok(hit.clone());
    }
    let run = work
        .run_ok(&["providers", "schema", "-json", "-no-color"])
        .await?;
    let schemas: Value = serde_json::from_str(run.stdout.trim()).with_context(|| {
        format!(
            "parsing terraform providers schema -json\n{}",
            run.describe()
        )
    })?;
    let schemas = Arc::new(schemas);
    cache.lock().unwrap().insert(key, schemas.clone());
    Ok(schemas)
}

/// The schema block of the resource (or data source) at `address` in `state`.
pub fn resource_block<'a>(schemas: &'a Value, state: &State, address: &str) -> Result<&'a Value> {
    let Some(resource) = state.resource(address) else {
        bail!(
            "{address} is not in the state; it holds: {:?}",
            state.addresses()
        );
    };
    let field = |k: &str| resource.get(k).and_then(Value::as_str).unwrap_or_default();
    let kind = if field("mode") == "data" {
        "data_source_schemas"
    } else {
        "resource_schemas"
    };
    let (provider, type_) = (field("provider_name"), field("type"));
    schemas
        .get("provider_schemas")
        .and_then(|p| p.get(provider))
        .and_then(|p| p.get(kind))
        .and_then(|r| r.get(type_))
        .and_then(|r| r.get("block"))
        .with_context(|| format!("{address}: no schema for {type_} from provider {provider}"))
}

/// Where `path` (flatmap style: `block.0.attr`, `map.key`, `list.#`) leaves `block`'s schema,
/// or `None` when it can exist. Map keys and list indexes are free; a list index must be a
/// number (or a final `#`), a map key anything (or a final `%`).
pub fn path_error(block: &Value, path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('.').collect();
    walk_block(block, &segments, 0)
}

fn names(map: Option<&Value>) -> Vec<String> {
    let mut out: Vec<String> = map
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    out.sort();
    out
}

fn so_far(segments: &[&str], i: usize) -> String {
    if i == 0 {
        "the resource".to_string()
    } else {
        segments[..i].join(".")
    }
}

fn walk_block(block: &Value, segments: &[&str], i: usize) -> Option<String> {
    // The path ends here: it can exist.
    let seg = segments.get(i)?;
    if let Some(attr) = block.get("attributes").and_then(|a| a.get(*seg)) {
        if let Some(nested) = attr.get("nested_type") {
            return walk_nested(nested, segments, i + 1);
        }
        return walk_type(attr.get("type").unwrap_or(&Value::Null), segments, i + 1);
    }
    if let Some(nested) = block.get("block_types").and_then(|b| b.get(*seg)) {
        let inner = nested.get("block").unwrap_or(&Value::Null);
        let mode = nested.get("nesting_mode").and_then(Value::as_str);
        return walk_collection(mode, segments, i + 1, &|j| walk_block(inner, segments, j));
    }
    let mut known = names(block.get("attributes"));
    known.extend(names(block.get("block_types")));
    known.sort();
    Some(format!(
        "{seg} is not in the schema of {} (a typo?); it has {known:?}",
        so_far(segments, i)
    ))
}

/// An attribute with `nested_type` (protocol 6 nested attributes).
fn walk_nested(nested: &Value, segments: &[&str], i: usize) -> Option<String> {
    let mode = nested.get("nesting_mode").and_then(Value::as_str);
    // Its `attributes` read as a block's.
    walk_collection(mode, segments, i, &|j| walk_block(nested, segments, j))
}

/// Past a collection of the given nesting mode: an index or key, then `inner` at what follows.
fn walk_collection(
    mode: Option<&str>,
    segments: &[&str],
    i: usize,
    inner: &dyn Fn(usize) -> Option<String>,
) -> Option<String> {
    // The path ends here: it can exist.
    let seg = segments.get(i)?;
    let last = i + 1 == segments.len();
    match mode {
        Some("single") | Some("group") => inner(i),
        Some("map") if *seg == "%" && last => None,
        Some("map") => inner(i + 1),
        _ if *seg == "#" && last => None,
        _ if seg.parse::<usize>().is_ok() => inner(i + 1),
        _ => Some(format!(
            "{} is a list: {seg} is not an index (a number, or `#` last)",
            so_far(segments, i)
        )),
    }
}

/// A value of cty type `ty` (as `terraform providers schema -json` writes it).
fn walk_type(ty: &Value, segments: &[&str], i: usize) -> Option<String> {
    // The path ends here: it can exist.
    let seg = segments.get(i)?;
    match ty {
        Value::String(t) if t == "dynamic" => None,
        Value::Array(parts) => match (parts.first().and_then(Value::as_str), parts.get(1)) {
            (Some("list" | "set"), Some(elem)) => {
                walk_collection(Some("list"), segments, i, &|j| walk_type(elem, segments, j))
            }
            (Some("map"), Some(elem)) => {
                walk_collection(Some("map"), segments, i, &|j| walk_type(elem, segments, j))
            }
            (Some("object"), Some(Value::Object(attrs))) => match attrs.get(*seg) {
                Some(t) => walk_type(t, segments, i + 1),
                None => {
                    let mut known: Vec<&String> = attrs.keys().collect();
                    known.sort();
                    Some(format!(
                        "{seg} is not in the schema of {} (a typo?); it has {known:?}",
                        so_far(segments, i)
                    ))
                }
            },
            (Some("tuple"), Some(Value::Array(elems))) => match seg.parse::<usize>() {
                Ok(n) if n < elems.len() => walk_type(&elems[n], segments, i + 1),
                _ if *seg == "#" && i + 1 == segments.len() => None,
                _ => Some(format!("{}: no tuple element {seg}", so_far(segments, i))),
            },
            _ => Some(format!("{}: unknown type {ty}", so_far(segments, i))),
        },
        _ => Some(format!(
            "{} is a {ty}, which has no {seg}",
            so_far(segments, i)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn block() -> Value {
        json!({
            "attributes": {
                "name": {"type": "string"},
                "tags": {"type": ["map", "string"]},
                "ids": {"type": ["list", "string"]},
                "context": {"type": ["object", {"role_arn": "string", "more": ["object", {"x": "number"}]}]},
                "free": {"type": "dynamic"},
                "nested": {"nested_type": {"nesting_mode": "list", "attributes": {"a": {"type": "string"}}}}
            },
            "block_types": {
                "data_bucket": {"nesting_mode": "list", "block": {
                    "attributes": {"kms_key_arn": {"type": "string"}},
                    "block_types": {"lifecycle": {"nesting_mode": "single", "block": {
                        "attributes": {"days": {"type": "number"}}}}}
                }},
                "by_name": {"nesting_mode": "map", "block": {"attributes": {"v": {"type": "string"}}}}
            }
        })
    }

    #[test]
    fn valid_paths_pass() {
        let b = block();
        for path in [
            "name",
            "tags",
            "tags.%",
            "tags.team",
            "tags.flywheel:pipeline",
            "ids.#",
            "ids.3",
            "context",
            "context.role_arn",
            "context.more.x",
            "free.anything.at.all",
            "nested.0.a",
            "nested.#",
            "data_bucket",
            "data_bucket.#",
            "data_bucket.0",
            "data_bucket.0.kms_key_arn",
            "data_bucket.0.lifecycle.days",
            "by_name.k.v",
            "by_name.%",
        ] {
            assert_eq!(path_error(&b, path), None, "{path}");
        }
    }

    #[test]
    fn typos_fail_at_every_depth() {
        let b = block();
        for (path, want) in [
            ("nmae", "nmae is not in the schema of the resource"),
            (
                "data_bucket.0.kms_key_ar",
                "kms_key_ar is not in the schema of data_bucket.0",
            ),
            (
                "data_bucket.0.lifecycle.dayz",
                "dayz is not in the schema of data_bucket.0.lifecycle",
            ),
            ("context.rol_arn", "rol_arn is not in the schema of context"),
            ("context.more.y", "y is not in the schema of context.more"),
            ("nested.0.b", "b is not in the schema of nested.0"),
            ("by_name.k.w", "w is not in the schema of by_name.k"),
            ("data_bucket.kms_key_arn", "data_bucket is a list"),
            ("name.x", "name is a \"string\", which has no x"),
            ("tags.team.x", "tags.team is a \"string\""),
        ] {
            let err = path_error(&b, path).unwrap_or_else(|| panic!("{path} passed"));
            assert!(err.contains(want), "{path}: {err}");
        }
        let err = path_error(&b, "data_bucket.0.kms_key_ar").unwrap();
        assert!(err.contains("[\"kms_key_arn\", \"lifecycle\"]"), "{err}");
    }
}
