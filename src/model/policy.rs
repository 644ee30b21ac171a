//! IAM and S3 policy documents the pipeline writes, and their normalisation.
//!
//! AWS hands policies back reformatted: IAM URL-encodes them, a one-element list may come
//! back as a bare string, and statement and action order is not kept. [`normalize`] maps
//! every equivalent spelling to one JSON value, so comparing a read policy with the desired
//! one never flaps.
//!
//! Every document here is built from `serde_json::json!` literals, so its shape is visible
//! in one place and tested statement by statement in `model::pipeline`.

use serde_json::{json, Map, Value};

pub const VERSION: &str = "2012-10-17";

/// Sid of the statement the pipeline adds to each bucket policy. Statements with other Sids
/// (an adopted bucket's own) are kept and never compared.
pub const TLS_ONLY_SID: &str = "FlywheelDenyInsecureTransport";

/// The bucket-policy statement that denies any request not made over TLS. `s3:*` and
/// `Principal "*"` are right here: it is a Deny, and it must cover every action and caller.
pub fn tls_only_statement(partition: &str, bucket: &str) -> Value {
    json!({
        "Sid": TLS_ONLY_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [
            format!("arn:{partition}:s3:::{bucket}"),
            format!("arn:{partition}:s3:::{bucket}/*"),
        ],
        "Condition": { "Bool": { "aws:SecureTransport": "false" } },
    })
}

/// A bucket policy holding `statements`.
pub fn document(statements: Vec<Value>) -> Value {
    json!({ "Version": VERSION, "Statement": statements })
}

/// The trust policy AWS documents for a Glue service role: `glue.amazonaws.com` may call
/// `sts:AssumeRole`, with no condition. This is the default.
///
/// Why no `aws:SourceAccount` / `aws:SourceArn` conditions: AWS recommends them against the
/// confused deputy for services that send them, but does not document Glue sending them when
/// it assumes a job's or crawler's role. A condition on a key the request does not carry
/// evaluates to false, so with them real Glue could fail to assume the role ("Service is
/// unable to assume provided role"). [`glue_trust_policy_confused_deputy`] adds them when a
/// configuration asks for it (`role { confused_deputy_conditions = true }`).
pub fn glue_trust_policy() -> Value {
    document(vec![json!({
        "Effect": "Allow",
        "Principal": { "Service": "glue.amazonaws.com" },
        "Action": "sts:AssumeRole",
    })])
}

/// Condition keys of the confused-deputy guards [`glue_trust_policy_confused_deputy`] adds.
pub const CONFUSED_DEPUTY_KEYS: [&str; 2] = ["aws:SourceAccount", "aws:SourceArn"];

/// [`glue_trust_policy`] with the confused-deputy guards: Glue may assume the role only on
/// behalf of this account (`aws:SourceAccount`) and only for Glue resources of this account
/// and region (`aws:SourceArn`). Opt-in (`confused_deputy_conditions = true`): AWS does not
/// document Glue sending these keys, so check in your own account that jobs and crawlers
/// still start before relying on it.
pub fn glue_trust_policy_confused_deputy(partition: &str, region: &str, account: &str) -> Value {
    document(vec![json!({
        "Effect": "Allow",
        "Principal": { "Service": "glue.amazonaws.com" },
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": { "aws:SourceAccount": account },
            "ArnLike": { "aws:SourceArn": format!("arn:{partition}:glue:{region}:{account}:*") },
        },
    })])
}

/// The condition keys a policy document's statements test, sorted.
pub fn condition_keys(doc: &Value) -> Vec<String> {
    let mut keys: Vec<String> = statements(doc)
        .iter()
        .filter_map(|s| s.get("Condition").and_then(Value::as_object))
        .flat_map(|ops| ops.values())
        .filter_map(Value::as_object)
        .flat_map(|m| m.keys().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// How a role's trust policy `have` differs from `want`, in words a plan can show: which
/// conditions are there that the configuration does not ask for, or missing.
pub fn trust_difference(want: &Value, have: &Value) -> String {
    let (w, h) = (condition_keys(want), condition_keys(have));
    let extra: Vec<&str> = h
        .iter()
        .filter(|k| !w.contains(k))
        .map(String::as_str)
        .collect();
    let missing: Vec<&str> = w
        .iter()
        .filter(|k| !h.contains(k))
        .map(String::as_str)
        .collect();
    match (extra.is_empty(), missing.is_empty()) {
        (false, true) => format!(
            "the trust policy has conditions the configuration does not ask for ({})",
            extra.join(", ")
        ),
        (true, false) => format!(
            "the trust policy lacks conditions the configuration asks for ({})",
            missing.join(", ")
        ),
        (false, false) => format!(
            "the trust policy has conditions ({}) the configuration does not ask for and lacks ({}) that it does",
            extra.join(", "),
            missing.join(", ")
        ),
        (true, true) => "the trust policy was changed".into(),
    }
}

/// The statements of a policy document (any spelling), or none.
pub fn statements(doc: &Value) -> Vec<Value> {
    match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(v @ Value::Object(_)) => vec![v.clone()],
        _ => Vec::new(),
    }
}

/// The statements whose Sid starts with `prefix` (the pipeline's own), and the others.
pub fn split_by_sid(doc: &Value, prefix: &str) -> (Vec<Value>, Vec<Value>) {
    statements(doc).into_iter().partition(|s| {
        s.get("Sid")
            .and_then(Value::as_str)
            .is_some_and(|sid| sid.starts_with(prefix))
    })
}

/// Keys whose string values are kept as strings; every other string value in a policy may
/// be written as a one-element list and is normalised to one.
const SCALAR_KEYS: [&str; 3] = ["Version", "Sid", "Effect"];

/// One canonical form for equivalent policy documents: single strings become one-element
/// lists, lists are sorted and deduplicated, and `"Principal": "*"` stays as written.
/// Idempotent for any JSON, malformed documents included.
pub fn normalize(v: &Value) -> Value {
    fn walk(key: Option<&str>, v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, v) in m {
                    out.insert(k.clone(), walk(Some(k), v));
                }
                Value::Object(out)
            }
            Value::Array(a) => {
                // A one-element list inside a list (from a string) is flattened back.
                let items = a
                    .iter()
                    .flat_map(|x| match walk(key, x) {
                        Value::Array(inner) => inner,
                        other => vec![other],
                    })
                    .collect();
                sorted(items)
            }
            Value::String(s) => match key {
                Some(k) if SCALAR_KEYS.contains(&k) => v.clone(),
                Some("Principal") if s == "*" => v.clone(),
                Some(_) => Value::Array(vec![Value::String(s.clone())]),
                None => v.clone(),
            },
            // Condition values may be booleans or numbers; IAM returns them as strings.
            Value::Bool(b) if key.is_some() => Value::Array(vec![Value::String(b.to_string())]),
            Value::Number(n) if key.is_some() => Value::Array(vec![Value::String(n.to_string())]),
            other => other.clone(),
        }
    }
    /// The document's `Statement`, always a list: nested lists are flattened and a
    /// statement that is not an object is kept as one element (a string if a bool or number)
    /// rather than wrapped, so a second pass finds nothing to change.
    fn statement_list(v: &Value, out: &mut Vec<Value>) {
        match v {
            Value::Array(a) => a.iter().for_each(|x| statement_list(x, out)),
            Value::Object(_) => out.push(walk(None, v)),
            Value::Bool(b) => out.push(Value::String(b.to_string())),
            Value::Number(n) => out.push(Value::String(n.to_string())),
            other => out.push(other.clone()),
        }
    }
    fn sorted(mut items: Vec<Value>) -> Value {
        items.sort_by_key(|x| x.to_string());
        items.dedup();
        Value::Array(items)
    }
    match v {
        // Only the document's own `Statement` is a statement list; the key elsewhere is data.
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = if k == "Statement" {
                        let mut items = Vec::new();
                        statement_list(v, &mut items);
                        sorted(items)
                    } else {
                        walk(Some(k), v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => walk(None, other),
    }
}

/// Parses a policy as AWS returns it: IAM percent-encodes documents, S3 does not.
pub fn parse(text: &str) -> Option<Value> {
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        return Some(v);
    }
    serde_json::from_str(&percent_decode(text)?).ok()
}

/// Compact JSON with object keys sorted: what Terraform's `jsonencode` writes for the same
/// document, so a configuration written either way holds the same string.
pub fn canonical_json(v: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                Value::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), sorted(&m[k])))
                        .collect(),
                )
            }
            Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(v).to_string()
}

/// RFC 3986 percent-decoding (IAM's encoding of policy documents); `None` on bad input.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether two documents say the same thing.
#[cfg(test)]
pub fn equivalent(a: &Value, b: &Value) -> bool {
    normalize(a) == normalize(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_normalise_alike() {
        let a = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["b", "a"], "Condition": {"Bool": {"aws:SecureTransport": false}}}});
        let b = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["a", "b"], "Condition": {"Bool": {"aws:SecureTransport": ["false"]}}}]});
        assert!(equivalent(&a, &b), "{}\n{}", normalize(&a), normalize(&b));
        let c = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": ["a", "b"]}]});
        assert!(!equivalent(&a, &c));
    }

    #[test]
    fn malformed_statements_normalise_once() {
        // Found by fuzz::policy_normalisation_is_idempotent: `{"Statement":false}` grew a
        // list on every pass.
        let doc = parse("%7B%22Statement%22%3Afalse%7D").unwrap();
        let once = normalize(&doc);
        assert_eq!(once, json!({"Statement": ["false"]}));
        assert_eq!(normalize(&once), once);
        for doc in [
            json!({"Statement": "s"}),
            json!({"Statement": [["a", 1], null, {"Action": "x"}]}),
            json!({"Condition": {"Statement": false}}),
        ] {
            let once = normalize(&doc);
            assert_eq!(normalize(&once), once, "{doc}");
        }
    }

    #[test]
    fn iam_encoded_documents_parse() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(
            parse(encoded),
            Some(json!({"Version": "2012-10-17", "Statement": []}))
        );
        assert_eq!(parse("{\"a\":1}"), Some(json!({"a": 1})));
        assert_eq!(parse("%zz"), None);
    }

    #[test]
    fn the_default_trust_policy_is_the_documented_one() {
        let trust = glue_trust_policy();
        assert_eq!(
            trust,
            json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "glue.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }]})
        );
        assert!(condition_keys(&trust).is_empty());
        let guarded = glue_trust_policy_confused_deputy("aws", "us-east-1", "239083076653");
        assert_eq!(condition_keys(&guarded), CONFUSED_DEPUTY_KEYS);
        // Only the conditions differ.
        let mut without = guarded.clone();
        without["Statement"][0]
            .as_object_mut()
            .unwrap()
            .remove("Condition");
        assert_eq!(without, trust);
    }

    #[test]
    fn trust_differences_name_the_conditions() {
        let plain = normalize(&glue_trust_policy());
        let guarded = normalize(&glue_trust_policy_confused_deputy("aws", "us-east-1", "1"));
        assert_eq!(
            trust_difference(&plain, &guarded),
            "the trust policy has conditions the configuration does not ask for (aws:SourceAccount, aws:SourceArn)"
        );
        assert_eq!(
            trust_difference(&guarded, &plain),
            "the trust policy lacks conditions the configuration asks for (aws:SourceAccount, aws:SourceArn)"
        );
        let other = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]});
        assert_eq!(
            trust_difference(&plain, &normalize(&other)),
            "the trust policy was changed"
        );
    }

    #[test]
    fn own_statements_are_split_from_foreign_ones() {
        let doc = document(vec![
            tls_only_statement("aws", "b"),
            json!({"Sid": "Theirs", "Effect": "Allow"}),
        ]);
        let (ours, theirs) = split_by_sid(&doc, "Flywheel");
        assert_eq!(ours.len(), 1);
        assert_eq!(theirs, vec![json!({"Sid": "Theirs", "Effect": "Allow"})]);
    }
}
