//! Reading Glue's answer back into the crawler's state where more than one spelling plans
//! the same: the form of the S3 targets (list or blocks) and the settings, each kept as the
//! prior state wrote it when equivalent.

use tf_provider::value::Value;

use super::state::*;
use super::targets::{self, *};
use crate::model::crawler::{self as model, ObservedCrawler};
use crate::model::crawler_settings as settings;
use crate::values::Number;

/// Whether the S3 targets read back as `s3_target` blocks rather than the list
/// `s3_targets`: the form the prior state used, unless the targets no longer fit the short
/// form (a connection, or options that differ between targets), which then shows as a
/// diff; on import (no prior form), the short form whenever every target fits it, so a
/// crawler built either way plans no change.
pub(super) fn s3_block_form(prior: &State, seen: &[model::S3Target]) -> bool {
    let prior_blocks = match &prior.s3_target {
        Value::Value(l) => !l.is_empty(),
        _ => false,
    };
    if prior_blocks {
        return true;
    }
    !fits_short_form(seen)
}

/// Targets the list form can write: no connection, and the same exclusions, sample size
/// and event queues on each.
pub(super) fn fits_short_form(seen: &[model::S3Target]) -> bool {
    let Some((first, rest)) = seen.split_first() else {
        return true;
    };
    first.connection_name.as_deref().unwrap_or("").is_empty()
        && rest.iter().all(|t| {
            t.connection_name.as_deref().unwrap_or("").is_empty()
                && same_set(&t.exclusions, &first.exclusions)
                && t.sample_size == first.sample_size
                && t.event_queue_arn == first.event_queue_arn
                && t.dlq_event_queue_arn == first.dlq_event_queue_arn
        })
}

/// The `s3_target` blocks: the prior ones when they hold the same targets, else Glue's.
pub(super) fn read_s3_blocks(
    prior: &Value<Vec<S3TargetBlock>>,
    seen: &[model::S3Target],
) -> Value<Vec<S3TargetBlock>> {
    if let Value::Value(p) = prior {
        if let Some(m) = p.iter().map(targets::s3_model).collect::<Option<Vec<_>>>() {
            if !p.is_empty() && model::same_targets(&m, seen) {
                return prior.clone();
            }
        }
    }
    Value::Value(seen.iter().map(targets::s3_block).collect())
}

/// The one value every S3 target holds, `None` when they differ (null in state makes the
/// next plan set it again), `Some(None)` when none holds one.
pub(super) fn shared<T: Clone + PartialEq>(
    targets: &[model::S3Target],
    f: impl Fn(&model::S3Target) -> Option<T>,
) -> Option<Option<T>> {
    let first = targets.first().map(&f).unwrap_or(None);
    targets.iter().all(|t| f(t) == first).then_some(first)
}

/// The settings beyond targets and policies, as Glue holds them; each keeps the prior
/// state's value when that means the same (a null for Glue's spelling of "not set").
pub(super) fn read_settings(s: &mut State, prior: &State, seen: &ObservedCrawler) {
    let want = settings_of(prior);
    let got = &seen.settings;
    s.sample_size = match shared(&seen.targets, |t| t.sample_size) {
        Some(n) if n == lit_number(&prior.sample_size) => prior.sample_size,
        Some(n) => n
            .map(|n| Value::Value(Number::from(n)))
            .unwrap_or(Value::Null),
        None => Value::Null,
    };
    s.event_queue_arn = shared(&seen.targets, |t| t.event_queue_arn.clone())
        .flatten()
        .into();
    s.dlq_event_queue_arn = shared(&seen.targets, |t| t.dlq_event_queue_arn.clone())
        .flatten()
        .into();
    let differs = match want {
        Some(w) => crate::model::crawler_settings::differences(&w, got),
        None => vec![
            "description",
            "classifiers",
            "lineage",
            "security_configuration",
            "lake_formation_configuration",
        ],
    };
    if differs.contains(&"description") {
        s.description = got
            .description
            .clone()
            .filter(|d| !d.is_empty() && d != settings::DEFAULT_DESCRIPTION)
            .into();
    }
    if differs.contains(&"classifiers") {
        s.classifiers = if got.classifiers.is_empty() && prior.classifiers.is_null() {
            Value::Null
        } else {
            to_list(&got.classifiers)
        };
    }
    // A bool with a planned default: always what Glue holds.
    s.lineage = Value::Value(settings::lineage_enabled(got.lineage.as_deref()));
    if differs.contains(&"security_configuration") {
        s.security_configuration = settings::normal_name(got.security_configuration.as_deref())
            .map(str::to_string)
            .into();
    }
    if differs.contains(&"lake_formation_configuration") {
        s.lake_formation_configuration =
            match settings::normal_lake_formation(got.lake_formation.as_ref()) {
                None => Value::Null,
                Some(l) => Value::Value(LakeFormationBlock {
                    use_lake_formation_credentials: Value::Value(l.use_credentials),
                    account_id: l.account_id.into(),
                }),
            };
    }
}

pub(super) fn lit_number(v: &Value<Number>) -> Option<i64> {
    v.as_ref_option().and_then(|n| n.as_i64())
}
