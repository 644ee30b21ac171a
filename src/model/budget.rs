//! The pipeline's monthly cost budget (`alerts.monthly_budget_usd`), as wanted and as read,
//! in one comparable form.
//!
//! AWS Budgets filters cost by cost allocation tags (`CostFilters` `TagKeyValue`,
//! `user:<key>$<value>`, values OR-ed). What carries this pipeline's identity: its own objects
//! (buckets, database, role) carry `flywheel:owner`, its jobs, crawlers and their triggers
//! `flywheel:pipeline-owner`, both with the pipeline's `owner_id`. `flywheel:pipeline` (the
//! name) would be shared by the pipeline's environments, so it is not used. Both keys must be
//! activated as cost allocation tags for the budget to see any cost (the monitoring guide
//! says so).

use std::collections::BTreeMap;

use super::ownership::{OWNER_TAG, PIPELINE_OWNER_TAG};
use super::tags::Tags;

pub const BUDGET_TYPE: &str = "COST";
pub const TIME_UNIT: &str = "MONTHLY";
pub const UNIT: &str = "USD";
/// The cost filter the pipeline's tags go under.
pub const TAG_FILTER: &str = "TagKeyValue";
pub const ACTUAL: &str = "ACTUAL";
pub const FORECASTED: &str = "FORECASTED";
pub const GREATER_THAN: &str = "GREATER_THAN";
pub const PERCENTAGE: &str = "PERCENTAGE";
pub const SNS: &str = "SNS";
/// Percent of the limit: actual cost past 80%, and a forecast past 100%.
pub const NOTIFICATIONS: [(&str, f64); 2] = [(ACTUAL, 80.0), (FORECASTED, 100.0)];
/// Budget names: 1 to 100 characters, no `:` or `\`.
pub const MAX_NAME_LEN: usize = 100;
/// The smallest limit (USD).
pub const MIN_LIMIT_USD: f64 = 1.0;

/// One notification with its subscribers (`(type, address)`, sorted).
#[derive(Clone, Debug, PartialEq, PartialOrd)]
pub struct Notice {
    /// `ACTUAL` or `FORECASTED`.
    pub kind: String,
    pub comparison: String,
    pub threshold: f64,
    pub threshold_type: String,
    pub subscribers: Vec<(String, String)>,
}

/// The budget, reduced to what the pipeline manages.
#[derive(Clone, Debug, PartialEq)]
pub struct Budget {
    pub limit_usd: f64,
    /// `COST`, `MONTHLY` and the limit's unit, as [`shape`] spells them.
    pub shape: String,
    /// Filter name to its values (sorted).
    pub cost_filters: BTreeMap<String, Vec<String>>,
    /// Sorted.
    pub notices: Vec<Notice>,
    pub tags: Tags,
}

pub fn shape(budget_type: &str, time_unit: &str, unit: &str) -> String {
    format!("{budget_type} {time_unit} in {unit}")
}

/// `arn:<partition>:budgets::<account>:budget/<name>`, what Budgets tags by.
pub fn arn(partition: &str, account: &str, name: &str) -> String {
    format!("arn:{partition}:budgets::{account}:budget/{name}")
}

/// The tag filter values for a pipeline identity: its own objects and its jobs' and
/// crawlers'. Empty while the identity is not made yet (a plan before the first apply).
pub fn tag_filter(owner_id: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = owner_id
        .map(|o| {
            [OWNER_TAG, PIPELINE_OWNER_TAG]
                .iter()
                .map(|k| format!("user:{k}${o}"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The wanted budget: `limit_usd` a month on the pipeline's tagged cost, notices to `topic_arn`.
pub fn desired(limit_usd: f64, owner_id: Option<&str>, topic_arn: &str, tags: &Tags) -> Budget {
    let mut notices: Vec<Notice> = NOTIFICATIONS
        .iter()
        .map(|(kind, pct)| Notice {
            kind: kind.to_string(),
            comparison: GREATER_THAN.into(),
            threshold: *pct,
            threshold_type: PERCENTAGE.into(),
            subscribers: vec![(SNS.into(), topic_arn.into())],
        })
        .collect();
    sort_notices(&mut notices);
    Budget {
        limit_usd,
        shape: shape(BUDGET_TYPE, TIME_UNIT, UNIT),
        cost_filters: [(TAG_FILTER.to_string(), tag_filter(owner_id))].into(),
        notices,
        tags: tags.clone(),
    }
}

/// Notices and their subscribers in one order, so a read compares equal to a request.
pub fn sort_notices(notices: &mut [Notice]) {
    for n in notices.iter_mut() {
        n.subscribers.sort();
    }
    notices.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
}

/// What differs between a wanted and a read budget, for the plan's status; `None`: nothing.
pub fn differences(want: &Budget, have: &Budget) -> Option<String> {
    let mut parts = Vec::new();
    if want.limit_usd != have.limit_usd {
        parts.push(format!("limit is {} USD", have.limit_usd));
    }
    if want.shape != have.shape {
        parts.push(format!("is {:?}", have.shape));
    }
    if want.cost_filters != have.cost_filters {
        parts.push(format!("cost filters are {:?}", have.cost_filters));
    }
    if want.notices != have.notices {
        let listed: Vec<String> = have
            .notices
            .iter()
            .map(|n| {
                format!(
                    "{} {} {} {} to {}",
                    n.kind,
                    n.comparison,
                    n.threshold,
                    n.threshold_type,
                    n.subscribers
                        .iter()
                        .map(|(t, a)| format!("{t} {a}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect();
        parts.push(format!("notifications are [{}]", listed.join("; ")));
    }
    parts.extend(super::children::tag_diff(&want.tags, &have.tags));
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// A monthly limit in USD: at least 1, finite.
pub fn check_limit_usd(usd: f64) -> Result<(), String> {
    if usd.is_finite() && usd >= MIN_LIMIT_USD {
        Ok(())
    } else {
        Err(format!("must be at least {MIN_LIMIT_USD} USD, not {usd}"))
    }
}

/// A budget name AWS accepts.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > MAX_NAME_LEN || name.contains([':', '\\']) {
        Err(format!(
            "the budget name {name:?} must be 1 to {MAX_NAME_LEN} characters without `:` or `\\`; shorten `name` or `environment`"
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:t";

    #[test]
    fn the_budget_filters_on_the_pipeline_identity_and_notifies_the_topic() {
        let b = desired(3000.0, Some("abc"), TOPIC, &Tags::new());
        assert_eq!(
            b.cost_filters[TAG_FILTER],
            [
                "user:flywheel:owner$abc",
                "user:flywheel:pipeline-owner$abc"
            ]
        );
        let kinds: Vec<(&str, f64)> = b
            .notices
            .iter()
            .map(|n| (n.kind.as_str(), n.threshold))
            .collect();
        assert_eq!(kinds, [(ACTUAL, 80.0), (FORECASTED, 100.0)]);
        assert!(b
            .notices
            .iter()
            .all(|n| n.subscribers == [(SNS.to_string(), TOPIC.to_string())]
                && n.comparison == GREATER_THAN
                && n.threshold_type == PERCENTAGE));
        assert_eq!(b.shape, "COST MONTHLY in USD");
        assert!(tag_filter(None).is_empty());
        assert_eq!(
            arn("aws", "123456789012", "p-prod-monthly"),
            "arn:aws:budgets::123456789012:budget/p-prod-monthly"
        );
    }

    #[test]
    fn differences_name_what_changed_and_order_does_not_count() {
        let want = desired(100.0, Some("abc"), TOPIC, &Tags::new());
        let mut have = want.clone();
        have.notices.reverse();
        sort_notices(&mut have.notices);
        assert_eq!(differences(&want, &have), None);
        have.limit_usd = 5.0;
        have.notices.remove(1);
        have.cost_filters.clear();
        let d = differences(&want, &have).unwrap();
        assert!(d.contains("limit is 5 USD"), "{d}");
        assert!(d.contains("notifications are [ACTUAL GREATER_THAN 80 PERCENTAGE to SNS arn:aws:sns:us-east-1:123456789012:t]"), "{d}");
        assert!(d.contains("cost filters are {}"), "{d}");
    }

    #[test]
    fn limits_and_names_are_checked() {
        assert!(check_limit_usd(1.0).is_ok());
        assert!(check_limit_usd(0.99).is_err());
        assert!(check_limit_usd(f64::INFINITY).is_err());
        assert!(check_limit_usd(f64::NAN).is_err());
        assert!(check_name("omc-flywheel-prod-monthly").is_ok());
        assert!(check_name(&"x".repeat(101)).is_err());
        assert!(check_name("a:b").is_err());
    }
}
