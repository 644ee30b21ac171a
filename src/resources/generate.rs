//! The configuration `terraform plan -generate-config-out` writes for an imported resource
//! (GenerateResourceConfig, Terraform 1.14+), derived from its state by one rule shared by
//! every resource: computed-only attributes are left out, and so is every setting whose
//! value the plan would compute anyway without it (a default, or a value derived from the
//! other settings). Terraform leaves out the null values of Optional+Computed attributes;
//! an Optional-only attribute that is null is written `name = null`, which is why the
//! resources make their optional settings Optional+Computed.
//!
//! "Computes anyway" is judged by the resource's own plan function, run once with the
//! setting and once without: a setting is dropped only when both plans are equal, so the
//! generated configuration plans exactly what the state holds (nothing but the import).
//! Settings are tried in name order, each against the configuration left by the ones
//! before, so a group of settings that explain each other (a bucket and the paths derived
//! from it) keeps one of them.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value as Json;
use tf_provider::schema::{AttributeConstraint, Block, NestedBlock};

/// `state` reduced to the configuration that plans the same. `plan` gives the planned
/// state for a configuration, or `None` when that configuration does not plan (it then
/// stays as it was). Without a JSON form of the state (it holds unknowns), the state is
/// returned with only its computed-only attributes nulled as far as that is possible.
pub fn minimal_config<S, P>(state: &S, schema: &Block, plan: P) -> Result<S, String>
where
    S: Serialize + DeserializeOwned + PartialEq,
    P: Fn(&S) -> Option<S>,
{
    let mut json = serde_json::to_value(state).map_err(|e| format!("state as JSON: {e}"))?;
    null_computed(&mut json, schema);
    let parse = |j: &Json| serde_json::from_value::<S>(j.clone()).map_err(|e| e.to_string());
    let base = parse(&json)?;
    let Some(want) = plan(&base) else {
        return Ok(base);
    };
    for path in settable_paths(schema) {
        let Some(slot) = slot(&mut json, &path) else {
            continue;
        };
        if slot.is_null() {
            continue;
        }
        let kept = std::mem::replace(slot, Json::Null);
        let same = parse(&json)
            .ok()
            .and_then(|c| plan(&c))
            .is_some_and(|p| p == want);
        if !same {
            if let Some(slot) = self::slot(&mut json, &path) {
                *slot = kept;
            }
        }
    }
    // A nested block whose settings are all left out is left out too (Terraform would
    // write it empty).
    if let Some(obj) = json.as_object_mut() {
        for (name, block) in &schema.blocks {
            if single(block).is_none() {
                continue;
            }
            if let Some(v) = obj.get_mut(name) {
                if v.as_object().is_some_and(|o| o.values().all(Json::is_null)) {
                    *v = Json::Null;
                }
            }
        }
    }
    parse(&json)
}

/// Nulls every computed-only attribute, in nested single blocks too.
fn null_computed(json: &mut Json, schema: &Block) {
    let Some(obj) = json.as_object_mut() else {
        return;
    };
    for (name, attr) in &schema.attributes {
        if matches!(attr.constraint, AttributeConstraint::Computed) {
            if let Some(v) = obj.get_mut(name) {
                *v = Json::Null;
            }
        }
    }
    for (name, block) in &schema.blocks {
        if let (Some(v), Some(b)) = (obj.get_mut(name), single(block)) {
            null_computed(v, b);
        }
    }
}

/// Paths (attribute, or block then attribute) of every setting that may be left out:
/// Optional and Optional+Computed attributes, at the top and in single nested blocks.
fn settable_paths(schema: &Block) -> Vec<Vec<String>> {
    let optional = |c: &AttributeConstraint| {
        matches!(
            c,
            AttributeConstraint::Optional | AttributeConstraint::OptionalComputed
        )
    };
    let mut out: Vec<Vec<String>> = schema
        .attributes
        .iter()
        .filter(|(_, a)| optional(&a.constraint))
        .map(|(n, _)| vec![n.clone()])
        .collect();
    for (name, block) in &schema.blocks {
        if let Some(b) = single(block) {
            out.extend(
                b.attributes
                    .iter()
                    .filter(|(_, a)| optional(&a.constraint))
                    .map(|(n, _)| vec![name.clone(), n.clone()]),
            );
        }
    }
    out.sort();
    out
}

fn single(block: &NestedBlock) -> Option<&Block> {
    match block {
        NestedBlock::Single(b) | NestedBlock::Group(b) => Some(b),
        _ => None,
    }
}

fn slot<'a>(json: &'a mut Json, path: &[String]) -> Option<&'a mut Json> {
    let mut cur = json;
    for p in path {
        cur = cur.as_object_mut()?.get_mut(p)?;
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::*;
    use serde::Deserialize;
    use tf_provider::value::Value;

    #[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
    struct S {
        #[serde(default)]
        id: Value<String>,
        #[serde(default)]
        name: Value<String>,
        #[serde(default)]
        size: Value<i64>,
        #[serde(default)]
        bucket: Value<String>,
        #[serde(default)]
        path: Value<String>,
        #[serde(default)]
        note: Value<String>,
    }

    fn schema() -> Block {
        block(
            "t",
            [
                ("id", attr(string(), Computed, "id")),
                ("name", attr(string(), Required, "name")),
                ("size", attr(number(), OptionalComputed, "default 10")),
                ("bucket", attr(string(), OptionalComputed, "bucket")),
                (
                    "path",
                    attr(string(), OptionalComputed, "default s3://<bucket>/tmp/"),
                ),
                ("note", attr(string(), OptionalComputed, "free text")),
            ],
            [],
        )
    }

    /// A plan like the resources': defaults filled, `path` derived from `bucket`.
    fn plan(c: &S) -> Option<S> {
        let mut p = c.clone();
        p.id = c.name.clone();
        if p.size.is_null() {
            p.size = Value::Value(10);
        }
        if p.path.is_null() {
            let b = c.bucket.as_ref_option()?;
            p.path = Value::Value(format!("s3://{b}/tmp/"));
        }
        Some(p)
    }

    fn state(size: i64, path: &str, note: Option<&str>) -> S {
        S {
            id: Value::Value("x".into()),
            name: Value::Value("x".into()),
            size: Value::Value(size),
            bucket: Value::Value("b".into()),
            path: Value::Value(path.into()),
            note: note
                .map(|n| Value::Value(n.to_string()))
                .unwrap_or(Value::Null),
        }
    }

    #[test]
    fn defaults_and_derived_values_are_left_out() {
        let c = minimal_config(&state(10, "s3://b/tmp/", Some("n")), &schema(), plan).unwrap();
        assert_eq!(c.id, Value::Null, "computed-only");
        assert_eq!(c.name, Value::Value("x".into()));
        assert_eq!(c.size, Value::Null, "the default");
        assert_eq!(c.path, Value::Null, "derived from bucket");
        assert_eq!(c.bucket, Value::Value("b".into()), "path needs it");
        assert_eq!(c.note, Value::Value("n".into()), "no default");
    }

    #[test]
    fn values_other_than_the_defaults_stay() {
        let c = minimal_config(&state(24, "s3://other/t/", None), &schema(), plan).unwrap();
        assert_eq!(c.size, Value::Value(24));
        assert_eq!(c.path, Value::Value("s3://other/t/".into()));
        assert_eq!(c.note, Value::Null);
        // What it returns plans exactly the state (with `id` computed).
        assert_eq!(plan(&c), Some(state(24, "s3://other/t/", None)));
    }
}
