//! Terraform values that tf-provider lacks: numbers, known/unknown conversions
//! between Terraform values and plain Rust values, and attribute-path diagnostics.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostic, Diagnostics};

/// A Terraform `map(string)`.
pub type StringMap = BTreeMap<String, Value<String>>;

/// The value (or one of its elements) is not known yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unknown;

/// A known string: `Ok(None)` when null, `Err(Unknown)` when unknown.
pub fn known_str(v: &Value<String>) -> Result<Option<String>, Unknown> {
    match v {
        Value::Value(s) => Ok(Some(s.clone())),
        Value::Null => Ok(None),
        Value::Unknown => Err(Unknown),
    }
}

/// A fully known map: `Ok(None)` when null, `Err(Unknown)` when the map or any element is
/// unknown. Null elements are left out.
pub fn known_map(v: &Value<StringMap>) -> Result<Option<BTreeMap<String, String>>, Unknown> {
    match v {
        Value::Null => Ok(None),
        Value::Unknown => Err(Unknown),
        Value::Value(m) => {
            let mut out = BTreeMap::new();
            for (k, v) in m {
                match v {
                    Value::Value(s) => {
                        out.insert(k.clone(), s.clone());
                    }
                    Value::Null => {}
                    Value::Unknown => return Err(Unknown),
                }
            }
            Ok(Some(out))
        }
    }
}

/// A plain map as a Terraform map value.
pub fn to_map(m: &BTreeMap<String, String>) -> Value<StringMap> {
    Value::Value(
        m.iter()
            .map(|(k, v)| (k.clone(), Value::Value(v.clone())))
            .collect(),
    )
}

/// `Some` as a value, `None` as null.
pub fn opt_value<T>(o: Option<T>) -> Value<T> {
    o.map(Value::Value).unwrap_or(Value::Null)
}

/// An error at `path`, whose detail starts with the path: Terraform shows the attribute only
/// through the quoted source line, which is absent when the value comes from a variable.
pub fn attr_error(
    diags: &mut Diagnostics,
    path: AttributePath,
    summary: &str,
    detail: impl Into<String>,
) {
    let detail = format!("{path}: {}", detail.into());
    diags.add_error(Diagnostic::new(summary.to_string(), detail, path));
}

/// A Terraform number. tf-provider models numbers as `i64`, but Terraform sends any number
/// (`1.5`, `1e3`) and a failed decode would surface as an opaque error; this accepts every
/// number and leaves range and integrality checks to validation, where they can name the
/// attribute.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Number(pub f64);

impl Number {
    /// The value as a whole number, if it is one and fits in `i64`.
    pub fn as_i64(self) -> Option<i64> {
        let v = self.0;
        (v.fract() == 0.0 && v >= i64::MIN as f64 && v <= i64::MAX as f64).then_some(v as i64)
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_i64() {
            Some(i) => s.serialize_i64(i),
            None => s.serialize_f64(self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E>(self, v: i64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Number, E> {
                Ok(Number(v))
            }
            // Terraform encodes numbers beyond 64 bits as decimal strings in msgpack.
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Number, E> {
                v.parse::<f64>().map(Number).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Self {
        Number(v as f64)
    }
}

/// An optional nested block (`NestedBlock::Optional`), which Terraform sends as a list of
/// zero or one object. Unlike tf-provider's `serde_as_vec`, this also accepts the whole list
/// being unknown, as it is during validate and plan for a `dynamic` block whose `for_each`
/// is not yet known.
pub mod optional_block {
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};
    use tf_provider::value::Value;

    pub fn serialize<T: Serialize, S: Serializer>(v: &Value<T>, s: S) -> Result<S::Ok, S::Error> {
        let list: Value<Vec<&T>> = match v {
            Value::Value(x) => Value::Value(vec![x]),
            Value::Null => Value::Value(vec![]),
            Value::Unknown => Value::Unknown,
        };
        list.serialize(s)
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<Value<T>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        match Value::<Vec<Value<T>>>::deserialize(d)? {
            Value::Value(items) => {
                let mut it = items.into_iter();
                match (it.next(), it.next()) {
                    (None, _) => Ok(Value::Null),
                    (Some(one), None) => Ok(one),
                    _ => Err(D::Error::custom("the block may appear at most once")),
                }
            }
            Value::Null => Ok(Value::Null),
            Value::Unknown => Ok(Value::Unknown),
        }
    }
}

/// A list of nested blocks (`NestedBlock::List`). Terraform wants no blocks written as an
/// empty list, never null ("must be empty to indicate no blocks"): null serializes as `[]`
/// (a state from before the block existed reads as null), and a null list reads as empty.
pub mod list_block {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use tf_provider::value::Value;

    pub fn serialize<T: Serialize, S: Serializer>(
        v: &Value<Vec<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Value::Null => Value::Value(Vec::<T>::new()).serialize(s),
            v => v.serialize(s),
        }
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<Value<Vec<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(match Value::<Vec<T>>::deserialize(d)? {
            Value::Null => Value::Value(Vec::new()),
            v => v,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_maps_and_strings() {
        let m: Value<StringMap> = Value::Value(
            [
                ("a".to_string(), Value::Value("1".to_string())),
                ("b".to_string(), Value::Null),
            ]
            .into(),
        );
        let plain = BTreeMap::from([("a".to_string(), "1".to_string())]);
        assert_eq!(known_map(&m), Ok(Some(plain.clone())));
        assert_eq!(known_map(&Value::Null), Ok(None));
        assert_eq!(known_map(&Value::Unknown), Err(Unknown));
        let partly: Value<StringMap> = Value::Value([("a".to_string(), Value::Unknown)].into());
        assert_eq!(known_map(&partly), Err(Unknown));
        assert_eq!(known_map(&to_map(&plain)), Ok(Some(plain)));
        assert_eq!(known_str(&Value::Unknown), Err(Unknown));
        assert_eq!(known_str(&Value::Null), Ok(None));
        assert_eq!(opt_value(Some(1)), Value::Value(1));
        assert_eq!(opt_value::<i32>(None), Value::Null);
    }

    #[test]
    fn attribute_errors_name_the_path_in_the_detail() {
        let mut d = Diagnostics::default();
        attr_error(&mut d, AttributePath::new("name"), "Bad", "too long");
        assert_eq!(d.errors.len(), 1);
        assert!(d.errors[0].detail.starts_with("name"), "{:?}", d.errors[0]);
    }

    #[test]
    fn accepts_ints_floats_and_unknown_through_msgpack() {
        let int = rmp_serde::to_vec(&7i64).unwrap();
        let n: Value<Number> = rmp_serde::from_slice(&int).unwrap();
        assert_eq!(n, Value::Value(Number(7.0)));
        let float = rmp_serde::to_vec(&1.5f64).unwrap();
        let n: Value<Number> = rmp_serde::from_slice(&float).unwrap();
        assert_eq!(n.as_option().and_then(Number::as_i64), None);
        let round = rmp_serde::to_vec(&Number(3.0)).unwrap();
        assert_eq!(round, rmp_serde::to_vec(&3i64).unwrap());
    }

    #[test]
    fn whole_numbers() {
        assert_eq!(Number(25.0).as_i64(), Some(25));
        assert_eq!(Number(-1.0).as_i64(), Some(-1));
        assert_eq!(Number(0.5).as_i64(), None);
        assert_eq!(Number(f64::NAN).as_i64(), None);
    }
}
