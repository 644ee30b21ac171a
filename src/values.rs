//! Terraform value helpers that tf-provider lacks.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

#[cfg(test)]
mod tests {
    use super::*;
    use tf_provider::value::Value;

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
