//! The pipeline's CloudWatch dashboard (`alerts.dashboard`), as wanted and as read.
//!
//! The pipeline does not know its jobs and crawlers (they take its `context`, so they are
//! planned after it), so the dashboard finds them the way the alert rules do: by name.
//! Job widgets are CloudWatch metric search expressions (`SEARCH(...)`) over the Glue
//! namespace restricted to names containing the alert name pattern's text, which draw one
//! line per job; the crawler widget is a CloudWatch Logs Insights query over
//! `/aws-glue/crawlers` (Glue publishes no crawler metric) showing each matching crawler's
//! last log line, which says how its last run ended. Adding or removing a job changes no
//! widget, so the pipeline's plan stays empty.
//!
//! Dashboards carry no tags, so the identity is written in the body: the first widget is
//! a text widget whose markdown names the pipeline and ends with
//! `` `flywheel:owner=<owner_id>` ``. Reading it back gives the dashboard's "tags", which
//! the ownership rule judges like any alert object's.

use serde_json::{json, Value};

use super::ownership::OWNER_TAG;
use super::tags::Tags;

/// Dashboard names: 1 to 255 of letters, digits, `-` and `_`.
pub const MAX_NAME_LEN: usize = 255;
const MARKER: &str = "flywheel:owner=";
const WIDTH: i64 = 12;
const HEIGHT: i64 = 6;
/// One day: S3 reports bucket sizes daily; job counts are summed per day.
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
pub const CRAWLER_LOG_GROUP: &str = "/aws-glue/crawlers";

/// The dashboard: its body, and the identity its marker widget carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Dashboard {
    pub body: Value,
    /// `flywheel:owner` from the marker widget; empty when there is none.
    pub tags: Tags,
}

/// A bucket on the dashboard: its name and the storage types its objects report under.
pub struct BucketSeries {
    pub name: String,
    pub storage_types: Vec<String>,
}

/// What the body is made from.
pub struct Inputs<'a> {
    /// `<name>-<environment>`, shown in the title.
    pub base: &'a str,
    pub region: &'a str,
    /// The EventBridge wildcard the alert rules use (`*omc-flywheel-prod*`).
    pub name_pattern: &'a str,
    pub buckets: &'a [BucketSeries],
    pub owner_id: Option<&'a str>,
}

/// The search terms for job names matching `pattern`: a partial match on `JobName` for
/// each part between `*` (CloudWatch joins terms with AND). Unquoted, since a quoted value
/// is an exact match of the whole name; a part with characters other than letters,
/// digits, `-` and `_` is quoted, as the search syntax requires.
pub fn search_terms(pattern: &str) -> String {
    pattern
        .split('*')
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                format!("JobName={p}")
            } else {
                format!("JobName=\"{}\"", p.replace(['"', '\''], ""))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `pattern` as a Logs Insights regular expression on the log stream (the crawler's name).
pub fn stream_regex(pattern: &str) -> String {
    let mut out = String::new();
    for c in pattern.chars() {
        match c {
            '*' => out.push_str(".*"),
            c if c.is_ascii_alphanumeric() || c == '-' || c == '_' => out.push(c),
            c => {
                out.push('\\');
                out.push(c);
            }
        }
    }
    out
}

fn job_search(metric: &str, schema: &str, terms: &str, stat: &str, period: i64) -> String {
    format!("SEARCH('{{Glue,{schema}}} MetricName=\"{metric}\" JobRunId=\"ALL\" {terms}', '{stat}', {period})")
}

fn metric_widget(
    region: &str,
    title: &str,
    metrics: Vec<Value>,
    stat: &str,
    period: i64,
    extra: Value,
) -> Value {
    let mut properties = json!({
        "title": title,
        "region": region,
        "view": "timeSeries",
        "stat": stat,
        "period": period,
        "metrics": metrics,
    });
    if let (Some(p), Some(e)) = (properties.as_object_mut(), extra.as_object()) {
        p.extend(e.clone());
    }
    json!({ "type": "metric", "properties": properties })
}

/// The wanted dashboard.
pub fn desired(i: &Inputs<'_>) -> Dashboard {
    let terms = search_terms(i.name_pattern);
    let expr =
        |id: &str, label: &str, e: String| json!([{ "expression": e, "id": id, "label": label }]);
    let mut widgets = vec![json!({
        "type": "text",
        "properties": {
            "markdown": format!(
                "# {base}\nThe flywheel pipeline {base}: Glue jobs and crawlers whose names match `{pattern}`, and its buckets. Managed by Terraform (`flywheel_pipeline`): changes made here are drift and are put back.\n\n`{MARKER}{owner}`",
                base = i.base,
                pattern = i.name_pattern,
                owner = i.owner_id.unwrap_or_default(),
            ),
        },
    })];
    let counts = "JobName,JobRunId,ObservabilityGroup,Type";
    widgets.push(metric_widget(
        i.region,
        "Job runs succeeded and failed, per job (observability metrics)",
        vec![
            expr(
                "succeeded",
                "succeeded",
                job_search("glue.succeed.ALL", counts, &terms, "Sum", DAY),
            ),
            expr(
                "failed",
                "failed",
                job_search("glue.error.ALL", counts, &terms, "Sum", DAY),
            ),
        ],
        "Sum",
        DAY,
        json!({ "stacked": false }),
    ));
    let classic = "JobName,JobRunId,Type";
    widgets.push(metric_widget(
        i.region,
        "Job elapsed time, per job (ms)",
        vec![expr(
            "elapsed",
            "elapsed",
            job_search(
                "glue.driver.aggregate.elapsedTime",
                classic,
                &terms,
                "Maximum",
                HOUR,
            ),
        )],
        "Maximum",
        HOUR,
        json!({}),
    ));
    widgets.push(metric_widget(
        i.region,
        "Job data read and written from S3, per job (bytes)",
        vec![
            expr(
                "read",
                "read",
                job_search(
                    "glue.ALL.s3.filesystem.read_bytes",
                    classic,
                    &terms,
                    "Sum",
                    HOUR,
                ),
            ),
            expr(
                "written",
                "written",
                job_search(
                    "glue.ALL.s3.filesystem.write_bytes",
                    classic,
                    &terms,
                    "Sum",
                    HOUR,
                ),
            ),
        ],
        "Sum",
        HOUR,
        json!({}),
    ));
    widgets.push(json!({
        "type": "log",
        "properties": {
            "title": "Crawlers: each one's last log line (how its last run ended)",
            "region": i.region,
            "view": "table",
            "query": format!(
                "SOURCE '{CRAWLER_LOG_GROUP}' | fields @timestamp, @logStream, @message | filter @logStream like /^{}$/ | stats latest(@message) as last_message, max(@timestamp) as last_time by @logStream | sort last_time desc",
                stream_regex(i.name_pattern)
            ),
        },
    }));
    let mut bucket_metrics = Vec::new();
    for b in i.buckets {
        for t in &b.storage_types {
            bucket_metrics.push(json!([
                "AWS/S3", "BucketSizeBytes", "BucketName", b.name, "StorageType", t,
                { "label": format!("{} {t}", b.name) }
            ]));
        }
    }
    widgets.push(metric_widget(
        i.region,
        "Bucket size (BucketSizeBytes, daily, by storage type)",
        bucket_metrics,
        "Average",
        DAY,
        json!({ "stacked": true }),
    ));
    // Two widgets a row, in order.
    for (n, w) in widgets.iter_mut().enumerate() {
        if let Some(o) = w.as_object_mut() {
            let n = n as i64;
            o.insert("x".into(), json!((n % 2) * WIDTH));
            o.insert("y".into(), json!((n / 2) * HEIGHT));
            o.insert("width".into(), json!(WIDTH));
            o.insert("height".into(), json!(HEIGHT));
        }
    }
    let body = json!({ "widgets": widgets });
    let tags = marker_tags(&body);
    Dashboard { body, tags }
}

/// The identity the body's marker widget carries, as tags (empty without one).
pub fn marker_tags(body: &Value) -> Tags {
    let mut out = Tags::new();
    let widgets = body["widgets"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    for w in widgets {
        let Some(md) = w["properties"]["markdown"].as_str() else {
            continue;
        };
        if let Some((_, rest)) = md.rsplit_once(MARKER) {
            let id: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if !id.is_empty() {
                out.insert(OWNER_TAG.to_string(), id);
                break;
            }
        }
    }
    out
}

/// A dashboard as read: its body parsed (`Null` when it is not JSON).
pub fn observed(body: &str) -> Dashboard {
    let body: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let tags = marker_tags(&body);
    Dashboard { body, tags }
}

/// What differs, for the plan's status; `None`: nothing. Bodies are compared as JSON.
pub fn differences(want: &Dashboard, have: &Dashboard) -> Option<String> {
    if want.body == have.body {
        return None;
    }
    let count = |b: &Value| b["widgets"].as_array().map_or(0, Vec::len);
    let mut parts = vec!["body changed".to_string()];
    if count(&want.body) != count(&have.body) {
        parts.push(format!(
            "{} widgets, not {}",
            count(&have.body),
            count(&want.body)
        ));
    }
    parts.extend(super::children::tag_diff(&want.tags, &have.tags));
    Some(parts.join("; "))
}

/// A dashboard name CloudWatch accepts.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "the dashboard name {name:?} must be 1 to {MAX_NAME_LEN} letters, digits, `-` or `_`; change `name` or `environment`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs<'a>(buckets: &'a [BucketSeries], owner: Option<&'a str>) -> Inputs<'a> {
        Inputs {
            base: "omc-flywheel-prod",
            region: "us-east-1",
            name_pattern: "*omc-flywheel-prod*",
            buckets,
            owner_id: owner,
        }
    }

    #[test]
    fn widgets_cover_jobs_crawlers_and_every_bucket_and_carry_the_identity() {
        let buckets = [
            BucketSeries {
                name: "data-b".into(),
                storage_types: vec![
                    "IntelligentTieringFAStorage".into(),
                    "StandardStorage".into(),
                ],
            },
            BucketSeries {
                name: "assets-b".into(),
                storage_types: vec!["StandardStorage".into()],
            },
        ];
        let d = desired(&inputs(&buckets, Some("abc123")));
        let text = d.body.to_string();
        for metric in [
            "glue.succeed.ALL",
            "glue.error.ALL",
            "glue.driver.aggregate.elapsedTime",
            "glue.ALL.s3.filesystem.read_bytes",
            "glue.ALL.s3.filesystem.write_bytes",
        ] {
            assert!(
                text.contains(&format!(
                    "MetricName=\\\"{metric}\\\" JobRunId=\\\"ALL\\\" JobName=omc-flywheel-prod'"
                )),
                "{metric}: {text}"
            );
        }
        assert!(
            text.contains("filter @logStream like /^.*omc-flywheel-prod.*$/"),
            "{text}"
        );
        assert!(text.contains("\"data-b\",\"StorageType\",\"IntelligentTieringFAStorage\""));
        assert!(text.contains("\"assets-b\",\"StorageType\",\"StandardStorage\""));
        assert_eq!(d.tags.get(OWNER_TAG).map(String::as_str), Some("abc123"));
        // Laid out two a row without overlap.
        let places: Vec<(i64, i64)> = d.body["widgets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| (w["x"].as_i64().unwrap(), w["y"].as_i64().unwrap()))
            .collect();
        assert_eq!(
            places,
            [(0, 0), (12, 0), (0, 6), (12, 6), (0, 12), (12, 12)]
        );
    }

    #[test]
    fn reads_compare_as_json_and_name_the_identity() {
        let d = desired(&inputs(&[], Some("abc123")));
        // Whitespace and key order do not count.
        let read = observed(&serde_json::to_string_pretty(&d.body).unwrap());
        assert_eq!(differences(&d, &read), None);
        let mut edited = d.body.clone();
        edited["widgets"].as_array_mut().unwrap().pop();
        let have = observed(&edited.to_string());
        let why = differences(&d, &have).unwrap();
        assert!(
            why.contains("body changed") && why.contains("5 widgets, not 6"),
            "{why}"
        );
        // Someone else's dashboard: no marker, no identity.
        assert!(observed(r#"{"widgets":[]}"#).tags.is_empty());
        assert!(observed("not json").tags.is_empty());
        let theirs = desired(&inputs(&[], Some("other9")));
        assert_eq!(
            observed(&theirs.body.to_string())
                .tags
                .get(OWNER_TAG)
                .map(String::as_str),
            Some("other9")
        );
    }

    #[test]
    fn patterns_become_search_terms_and_stream_regexes() {
        assert_eq!(search_terms("*acme-prod*"), "JobName=acme-prod");
        assert_eq!(search_terms("etl-*-prod"), "JobName=etl- JobName=-prod");
        assert_eq!(search_terms("*a.b*"), "JobName=\"a.b\"");
        assert_eq!(stream_regex("crw.a*b"), "crw\\.a.*b");
        assert!(check_name("omc-flywheel-prod").is_ok());
        assert!(check_name("a b").is_err());
        assert!(check_name("").is_err());
    }
}
