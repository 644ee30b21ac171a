//! A crawler's `configuration` JSON: the offline check against what Glue accepts (version
//! 1.0), and the canonical form that makes equivalent spellings compare equal (no perpetual
//! diff from key order, whitespace, number formatting or the defaults Glue adds).

use serde_json::{Map, Value as Json};

/// Checks the crawler configuration JSON against what Glue accepts (version 1.0).
pub fn check_configuration(text: &str) -> Result<(), String> {
    let v: Json = serde_json::from_str(text).map_err(|e| format!("is not valid JSON ({e})"))?;
    let Json::Object(top) = &v else {
        return Err("must be a JSON object, for example jsonencode({ Version = 1.0 })".into());
    };
    check_keys(
        top,
        "",
        &[
            "Version",
            "Grouping",
            "CrawlerOutput",
            "CreatePartitionIndex",
        ],
    )?;
    match top.get("Version") {
        Some(Json::Number(n)) if n.as_f64() == Some(1.0) => {}
        Some(other) => return Err(format!("Version must be 1.0, not {other}")),
        None => return Err("must set Version = 1.0 (Glue requires it)".into()),
    }
    if let Some(g) = top.get("Grouping") {
        let g = object(g, "Grouping")?;
        check_keys(
            g,
            "Grouping.",
            &["TableGroupingPolicy", "TableLevelConfiguration"],
        )?;
        if let Some(p) = g.get("TableGroupingPolicy") {
            if p != "CombineCompatibleSchemas" {
                return Err(format!(
                    "Grouping.TableGroupingPolicy must be \"CombineCompatibleSchemas\", not {p}"
                ));
            }
        }
        if let Some(l) = g.get("TableLevelConfiguration") {
            positive_int(l, "Grouping.TableLevelConfiguration")?;
        }
    }
    if let Some(o) = top.get("CrawlerOutput") {
        let o = object(o, "CrawlerOutput")?;
        check_keys(o, "CrawlerOutput.", &["Partitions", "Tables"])?;
        if let Some(p) = o.get("Partitions") {
            let p = object(p, "CrawlerOutput.Partitions")?;
            check_keys(p, "CrawlerOutput.Partitions.", &["AddOrUpdateBehavior"])?;
            if let Some(b) = p.get("AddOrUpdateBehavior") {
                if b != "InheritFromTable" {
                    return Err(format!("CrawlerOutput.Partitions.AddOrUpdateBehavior must be \"InheritFromTable\", not {b}"));
                }
            }
        }
        if let Some(t) = o.get("Tables") {
            let t = object(t, "CrawlerOutput.Tables")?;
            check_keys(
                t,
                "CrawlerOutput.Tables.",
                &["AddOrUpdateBehavior", "TableThreshold"],
            )?;
            if let Some(b) = t.get("AddOrUpdateBehavior") {
                if b != "MergeNewColumns" {
                    return Err(format!("CrawlerOutput.Tables.AddOrUpdateBehavior must be \"MergeNewColumns\", not {b}"));
                }
            }
            if let Some(n) = t.get("TableThreshold") {
                positive_int(n, "CrawlerOutput.Tables.TableThreshold")?;
            }
        }
    }
    if let Some(b) = top.get("CreatePartitionIndex") {
        if !b.is_boolean() {
            return Err(format!(
                "CreatePartitionIndex must be true or false, not {b}"
            ));
        }
    }
    Ok(())
}

fn object<'a>(v: &'a Json, path: &str) -> Result<&'a Map<String, Json>, String> {
    v.as_object()
        .ok_or_else(|| format!("{path} must be an object, not {v}"))
}

fn check_keys(m: &Map<String, Json>, prefix: &str, allowed: &[&str]) -> Result<(), String> {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    for k in keys {
        if !allowed.contains(&k.as_str()) {
            return Err(format!(
                "{prefix}{k} is not a key Glue accepts in a crawler configuration; allowed here: {}",
                allowed.iter().map(|a| format!("{prefix}{a}")).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    Ok(())
}

fn positive_int(v: &Json, path: &str) -> Result<(), String> {
    match v.as_f64() {
        Some(f) if f >= 1.0 && f.fract() == 0.0 => Ok(()),
        _ => Err(format!(
            "{path} must be a whole number of at least 1, not {v}"
        )),
    }
}

/// The canonical form of a configuration: keys sorted, numbers compared by value (`1` and
/// `1.0` are the same), whitespace gone, and the defaults Glue adds removed
/// (`CreatePartitionIndex: true`). `None` (no configuration) and `{"Version": 1.0}` are the
/// same crawler behaviour and both canonicalise to `None`. Text that is not JSON is kept
/// as-is so that it still compares (and shows) as a difference.
pub fn canonical_configuration(text: Option<&str>) -> Option<String> {
    let text = text?.trim();
    if text.is_empty() {
        return None;
    }
    let Ok(v) = serde_json::from_str::<Json>(text) else {
        return Some(text.to_string());
    };
    let mut v = canonical_json(&v);
    if let Json::Object(m) = &mut v {
        if m.get("CreatePartitionIndex") == Some(&Json::Bool(true)) {
            m.remove("CreatePartitionIndex");
        }
        let only_version = m.len() == 1 && m.get("Version").and_then(Json::as_f64) == Some(1.0);
        if m.is_empty() || only_version {
            return None;
        }
    }
    Some(render_sorted(&v))
}

/// The configuration without the grouping Glue gives every crawler of catalog targets
/// (`"Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"}`, reported even when
/// none was set; terraform-provider-aws documents the same), so that it is no difference
/// for such a crawler whether the configuration sets it or not. Text that is not JSON is
/// kept.
pub fn without_catalog_grouping(text: Option<&str>) -> Option<String> {
    let text = text?;
    let Ok(Json::Object(mut top)) = serde_json::from_str::<Json>(text) else {
        return Some(text.to_string());
    };
    if let Some(Json::Object(g)) = top.get_mut("Grouping") {
        if g.get("TableGroupingPolicy") == Some(&Json::String("CombineCompatibleSchemas".into())) {
            g.remove("TableGroupingPolicy");
        }
        if g.is_empty() {
            top.remove("Grouping");
        }
    }
    Some(Json::Object(top).to_string())
}

/// Whether two configurations (either absent) mean the same crawler behaviour.
pub fn configuration_equivalent(a: Option<&str>, b: Option<&str>) -> bool {
    canonical_configuration(a) == canonical_configuration(b)
}

fn canonical_json(v: &Json) -> Json {
    match v {
        Json::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Json::from(f as i64),
            Some(f) => serde_json::Number::from_f64(f)
                .map(Json::Number)
                .unwrap_or_else(|| v.clone()),
            None => v.clone(),
        },
        Json::Array(a) => Json::Array(a.iter().map(canonical_json).collect()),
        Json::Object(m) => Json::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), canonical_json(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Compact JSON with object keys sorted, whatever map order serde_json was built with.
fn render_sorted(v: &Json) -> String {
    match v {
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Json::String(k.clone()), render_sorted(&m[k])))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Json::Array(a) => format!(
            "[{}]",
            a.iter().map(render_sorted).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}
