//! A CloudWatch alarm on an S3 bucket's size (`alerts.storage_threshold_gb`), as wanted and
//! as read, in one comparable form.
//!
//! S3 reports `AWS/S3 BucketSizeBytes` once a day, one series per storage type
//! (`StorageType` dimension). A bucket whose objects move to Intelligent-Tiering reports
//! them under the tiering types, not `StandardStorage`, so the alarm sums every type the
//! bucket uses with metric math (`FILL(mN, 0)`: a type with no objects reports nothing).
//! It breaches when the day's size is above the threshold, and treats a missing day as not
//! breaching (the metric comes late, and an empty bucket reports nothing).

use super::tags::Tags;

pub const NAMESPACE: &str = "AWS/S3";
pub const METRIC: &str = "BucketSizeBytes";
/// The metric's one datapoint a day.
pub const PERIOD_SECONDS: i32 = 86_400;
pub const STATISTIC: &str = "Average";
pub const COMPARISON: &str = "GreaterThanThreshold";
pub const EVALUATION_PERIODS: i32 = 1;
pub const TREAT_MISSING_DATA: &str = "notBreaching";
pub const STANDARD_STORAGE: &str = "StandardStorage";
/// The tiers objects in Intelligent-Tiering report under, without the opt-in archive tiers
/// (the pipeline configures none).
pub const INTELLIGENT_TIERING_STORAGE: [&str; 3] = [
    "IntelligentTieringFAStorage",
    "IntelligentTieringIAStorage",
    "IntelligentTieringAIAStorage",
];
/// A gibibyte: thresholds are in GiB, as the S3 console shows sizes.
pub const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// The alarm, reduced to what the pipeline manages.
#[derive(Clone, Debug, PartialEq)]
pub struct SizeAlarm {
    pub bucket: String,
    /// Sorted.
    pub storage_types: Vec<String>,
    pub threshold_bytes: f64,
    /// Alarm actions (the alerts topic).
    pub actions: Vec<String>,
    pub description: String,
    /// Everything else that makes the alarm what it is (metric, period, statistic,
    /// comparison, evaluation, missing data, expression), as [`shape`] spells it.
    pub shape: String,
    pub tags: Tags,
}

/// The storage types a bucket's objects are reported under.
pub fn storage_types(intelligent_tiering: bool) -> Vec<String> {
    let mut out = vec![STANDARD_STORAGE.to_string()];
    if intelligent_tiering {
        out.extend(INTELLIGENT_TIERING_STORAGE.iter().map(|s| s.to_string()));
    }
    out.sort();
    out
}

/// The metric math expression over `m0`..`m<n-1>`.
pub fn expression(types: usize) -> String {
    (0..types)
        .map(|i| format!("FILL(m{i}, 0)"))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The alarm's fixed settings as one string, built the same way from a request and from a
/// read, so any difference in them is one difference.
#[allow(clippy::too_many_arguments)]
pub fn shape(
    namespace: &str,
    metric: &str,
    period: i32,
    statistic: &str,
    comparison: &str,
    evaluation_periods: i32,
    missing: &str,
    expression: &str,
) -> String {
    format!("{namespace} {metric} every {period}s {statistic}, {comparison} for {evaluation_periods} period(s), missing data {missing}, {expression}")
}

/// The wanted alarm for `bucket`.
pub fn desired(
    bucket: &str,
    intelligent_tiering: bool,
    threshold_gib: f64,
    topic_arn: &str,
    tags: &Tags,
) -> SizeAlarm {
    let types = storage_types(intelligent_tiering);
    SizeAlarm {
        bucket: bucket.to_string(),
        shape: shape(
            NAMESPACE,
            METRIC,
            PERIOD_SECONDS,
            STATISTIC,
            COMPARISON,
            EVALUATION_PERIODS,
            TREAT_MISSING_DATA,
            &expression(types.len()),
        ),
        storage_types: types,
        threshold_bytes: (threshold_gib * GIB).round(),
        actions: vec![topic_arn.to_string()],
        description: format!(
            "S3 bucket {bucket} is larger than {threshold_gib} GiB (BucketSizeBytes, all storage types, daily)"
        ),
        tags: tags.clone(),
    }
}

/// What differs between a wanted and a read alarm, for the plan's status; `None`: nothing.
pub fn differences(want: &SizeAlarm, have: &SizeAlarm) -> Option<String> {
    let mut parts = Vec::new();
    if want.bucket != have.bucket {
        parts.push(format!("watches bucket {:?}", have.bucket));
    }
    if want.storage_types != have.storage_types {
        parts.push(format!("storage types are {:?}", have.storage_types));
    }
    if want.threshold_bytes != have.threshold_bytes {
        parts.push(format!("threshold is {} bytes", have.threshold_bytes));
    }
    if want.actions != have.actions {
        parts.push(format!("actions are {:?}", have.actions));
    }
    if want.description != have.description {
        parts.push("description changed".to_string());
    }
    if want.shape != have.shape {
        parts.push(format!("is {:?}", have.shape));
    }
    parts.extend(super::children::tag_diff(&want.tags, &have.tags));
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// A threshold in GiB: above zero and finite.
pub fn check_threshold_gib(gib: f64) -> Result<(), String> {
    if gib.is_finite() && gib > 0.0 {
        Ok(())
    } else {
        Err(format!("must be above 0 GiB, not {gib}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intelligent_tiering_buckets_sum_their_tiers() {
        let a = desired(
            "b",
            true,
            5000.0,
            "arn:aws:sns:us-east-1:123456789012:t",
            &Tags::new(),
        );
        assert_eq!(a.storage_types.len(), 4);
        assert!(a.storage_types.contains(&STANDARD_STORAGE.to_string()));
        assert!(a
            .shape
            .ends_with("FILL(m0, 0) + FILL(m1, 0) + FILL(m2, 0) + FILL(m3, 0)"));
        assert_eq!(a.threshold_bytes, 5000.0 * GIB);
        let plain = desired("b", false, 0.5, "t", &Tags::new());
        assert_eq!(plain.storage_types, [STANDARD_STORAGE]);
        assert_eq!(plain.threshold_bytes, 536_870_912.0);
    }

    #[test]
    fn differences_name_what_changed() {
        let want = desired("b", false, 10.0, "t", &Tags::new());
        assert_eq!(differences(&want, &want.clone()), None);
        let mut have = want.clone();
        have.threshold_bytes = 1.0;
        have.actions.clear();
        let d = differences(&want, &have).unwrap();
        assert!(
            d.contains("threshold is 1 bytes") && d.contains("actions are []"),
            "{d}"
        );
        assert!(check_threshold_gib(0.0).is_err());
        assert!(check_threshold_gib(f64::NAN).is_err());
        assert!(check_threshold_gib(0.1).is_ok());
    }
}
