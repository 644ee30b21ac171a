//! `spark_conf`: Spark properties rendered into Glue's one `--conf` argument.
//!
//! Glue takes a single `--conf` job argument and hands its value to spark-submit, so several
//! properties are written `k1=v1 --conf k2=v2` ("Using job parameters in AWS Glue jobs";
//! Glue lists `--conf` as internal, and AWS's own examples set several properties this way).
//! The map is rendered in key order, so the same map is always the same argument, and read
//! back by splitting on ` --conf `. Keys and values may not contain whitespace: spark-submit
//! splits the argument on it, and a value such as `-Da=1 -Db=2` would become two options.

use std::collections::BTreeMap;

/// The Glue argument the properties go into.
pub const ARG_CONF: &str = "--conf";

/// The `--conf` value for `conf`; `None` when it is empty (Glue gets no `--conf`).
pub fn render(conf: &BTreeMap<String, String>) -> Option<String> {
    (!conf.is_empty()).then(|| {
        conf.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" --conf ")
    })
}

/// The properties in a `--conf` value, as Glue holds it. A token without `=` (a value
/// written by hand, not by `render`) is kept under its own name with an empty value, so
/// a read shows it rather than dropping it.
pub fn parse(value: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut tokens = value.split_whitespace().peekable();
    if tokens.peek() == Some(&ARG_CONF) {
        tokens.next();
    }
    for token in tokens.filter(|t| *t != ARG_CONF) {
        let (k, v) = token.split_once('=').unwrap_or((token, ""));
        out.insert(k.to_string(), v.to_string());
    }
    out
}

/// A `spark_conf` key: a Spark property, `spark.` and a name without whitespace or `=`.
pub fn check_key(key: &str) -> Result<(), String> {
    let name = key.strip_prefix("spark.").unwrap_or("");
    if name.is_empty() {
        return Err(format!(
            "{key:?} is not a Spark property: keys start with \"spark.\", such as spark.sql.shuffle.partitions"
        ));
    }
    if key.contains(|c: char| c.is_whitespace() || c == '=') {
        return Err(format!(
            "{key:?} must not contain whitespace or \"=\": Glue passes the properties to spark-submit as one --conf argument"
        ));
    }
    Ok(())
}

/// A `spark_conf` value: not empty, without whitespace.
pub fn check_value(key: &str, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("{key} needs a value"));
    }
    if value.contains(char::is_whitespace) {
        return Err(format!(
            "the value of {key} must not contain whitespace: Glue passes the properties to spark-submit as one --conf argument, which splits on it"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn renders_in_key_order_and_reads_back() {
        let c = conf(&[
            ("spark.sql.shuffle.partitions", "200"),
            ("spark.executor.memoryOverhead", "1g"),
        ]);
        let v = render(&c).expect("a value");
        assert_eq!(
            v,
            "spark.executor.memoryOverhead=1g --conf spark.sql.shuffle.partitions=200"
        );
        assert_eq!(parse(&v), c);
        assert_eq!(render(&BTreeMap::new()), None);
    }

    #[test]
    fn reads_values_written_by_hand() {
        // A leading --conf, extra spaces, `=` inside a value, and a token without `=`.
        assert_eq!(
            parse("--conf spark.a=1  --conf spark.b=x=y --conf spark.c"),
            conf(&[("spark.a", "1"), ("spark.b", "x=y"), ("spark.c", "")])
        );
        assert!(parse("").is_empty());
    }

    #[test]
    fn keys_and_values_are_checked() {
        assert!(check_key("spark.sql.adaptive.enabled").is_ok());
        for bad in ["sql.adaptive", "spark.", "spark.a b", "spark.a=b", ""] {
            assert!(check_key(bad).is_err(), "{bad:?}");
        }
        assert!(check_value("spark.a", "true").is_ok());
        assert!(check_value("spark.a", "").is_err());
        assert!(check_value("spark.a", "-Da=1 -Db=2")
            .unwrap_err()
            .contains("whitespace"));
    }
}
