//! The provider's cost settings, validated offline: `dpu_hour_price_usd`, the price of a
//! DPU-hour that replaces `model::cost`'s regional table (a negotiated rate, or a region
//! the table does not list), and the `guardrails` block (`model::guardrails`).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use crate::model::guardrails::Guardrails;
use crate::model::{cost, job};
use crate::values::Number;

/// Well above any published rate; a larger figure is a typo (cents for dollars).
pub const MAX_DPU_HOUR_PRICE_USD: f64 = 100.0;

/// `dpu_hour_price_usd`: more than 0 and at most [`MAX_DPU_HOUR_PRICE_USD`]; `None` when
/// unset or unknown.
pub fn dpu_hour_price(v: &Value<Number>, diags: &mut Diagnostics) -> Option<f64> {
    let n = v.as_ref_option()?.0;
    if n.is_finite() && n > 0.0 && n <= MAX_DPU_HOUR_PRICE_USD {
        Some(n)
    } else {
        diags.error(
            "Invalid dpu_hour_price_usd",
            format!(
                "dpu_hour_price_usd is USD per DPU-hour, more than 0 and at most {MAX_DPU_HOUR_PRICE_USD}; got {n}."
            ),
            AttributePath::new("dpu_hour_price_usd"),
        );
        None
    }
}

/// The `guardrails` block as Terraform sends it.
#[derive(Serialize, Deserialize, Debug, Default, Clone)]
pub struct GuardrailsConfig {
    #[serde(default)]
    pub allowed_worker_types: Value<BTreeSet<Value<String>>>,
    #[serde(default)]
    pub max_workers: Value<Number>,
    #[serde(default)]
    pub max_timeout_minutes: Value<Number>,
    #[serde(default)]
    pub max_dpu_hours_per_run: Value<Number>,
    #[serde(default)]
    pub require_schedule_or_trigger: Value<bool>,
}

/// The `guardrails` block, validated; `None` when absent. A limit that is unknown (during
/// a plan whose provider configuration is not known yet) is left unset here: configure at
/// apply sees it known, and the jobs are checked again there before any AWS call.
pub fn guardrails(v: &Value<GuardrailsConfig>, diags: &mut Diagnostics) -> Option<Guardrails> {
    let Value::Value(g) = v else {
        return None;
    };
    let at = |a: &str| {
        AttributePath::new("guardrails")
            .index(0)
            .attribute(a.to_string())
    };
    let mut out = Guardrails {
        require_schedule_or_trigger: g
            .require_schedule_or_trigger
            .as_ref_option()
            .copied()
            .unwrap_or(false),
        ..Default::default()
    };
    if let Value::Value(types) = &g.allowed_worker_types {
        let mut known = BTreeSet::new();
        for t in types.iter().filter_map(Value::as_ref_option) {
            if cost::dpus_per_worker(t).is_none() {
                diags.error(
                    "Invalid guardrails.allowed_worker_types",
                    format!(
                        "guardrails.allowed_worker_types: {t:?} is not a Glue worker type; use any of {}.",
                        cost::WORKER_DPUS.iter().map(|(w, _)| *w).collect::<Vec<_>>().join(", ")
                    ),
                    at("allowed_worker_types"),
                );
            }
            known.insert(t.clone());
        }
        if types.iter().all(Value::is_value) {
            out.allowed_worker_types = Some(known);
        }
    }
    let whole = |v: &Value<Number>, name: &str, (lo, hi): (i64, i64), diags: &mut Diagnostics| {
        let n = v.as_ref_option()?;
        match n.as_i64() {
            Some(i) if (lo..=hi).contains(&i) => Some(i),
            _ => {
                diags.error(
                    format!("Invalid guardrails.{name}"),
                    format!(
                        "guardrails.{name} must be a whole number from {lo} to {hi}; got {}.",
                        n.0
                    ),
                    at(name),
                );
                None
            }
        }
    };
    out.max_workers = whole(&g.max_workers, "max_workers", job::WORKERS_RANGE, diags);
    out.max_timeout_minutes = whole(
        &g.max_timeout_minutes,
        "max_timeout_minutes",
        job::TIMEOUT_RANGE,
        diags,
    );
    if let Value::Value(n) = g.max_dpu_hours_per_run {
        if n.0.is_finite() && n.0 > 0.0 {
            out.max_dpu_hours_per_run = Some(n.0);
        } else {
            diags.error(
                "Invalid guardrails.max_dpu_hours_per_run",
                format!(
                    "guardrails.max_dpu_hours_per_run must be more than 0; got {}.",
                    n.0
                ),
                at("max_dpu_hours_per_run"),
            );
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guardrails_block() {
        let mut d = Diagnostics::default();
        assert_eq!(guardrails(&Value::Null, &mut d), None);
        let g = GuardrailsConfig {
            allowed_worker_types: Value::Value(
                [
                    Value::Value("G.1X".to_string()),
                    Value::Value("G.2X".to_string()),
                ]
                .into(),
            ),
            max_workers: Value::Value(Number(32.0)),
            max_timeout_minutes: Value::Value(Number(600.0)),
            max_dpu_hours_per_run: Value::Value(Number(300.0)),
            require_schedule_or_trigger: Value::Value(false),
        };
        let got = guardrails(&Value::Value(g.clone()), &mut d).expect("parsed");
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(got.max_workers, Some(32));
        assert_eq!(got.max_dpu_hours_per_run, Some(300.0));
        assert_eq!(got.allowed_worker_types.map(|t| t.len()), Some(2));
        for (bad, attr) in [
            (
                GuardrailsConfig {
                    allowed_worker_types: Value::Value([Value::Value("G.3X".to_string())].into()),
                    ..g.clone()
                },
                "allowed_worker_types",
            ),
            (
                GuardrailsConfig {
                    max_workers: Value::Value(Number(2.5)),
                    ..g.clone()
                },
                "max_workers",
            ),
            (
                GuardrailsConfig {
                    max_timeout_minutes: Value::Value(Number(3000.0)),
                    ..g.clone()
                },
                "max_timeout_minutes",
            ),
            (
                GuardrailsConfig {
                    max_dpu_hours_per_run: Value::Value(Number(0.0)),
                    ..g.clone()
                },
                "max_dpu_hours_per_run",
            ),
        ] {
            let mut d = Diagnostics::default();
            guardrails(&Value::Value(bad), &mut d);
            assert_eq!(d.errors.len(), 1, "{attr}");
            assert_eq!(
                d.errors[0].attribute,
                AttributePath::new("guardrails").index(0).attribute(attr)
            );
        }
    }

    #[test]
    fn prices() {
        let mut d = Diagnostics::default();
        assert_eq!(dpu_hour_price(&Value::Null, &mut d), None);
        assert_eq!(dpu_hour_price(&Value::Unknown, &mut d), None);
        assert_eq!(
            dpu_hour_price(&Value::Value(Number(0.4)), &mut d),
            Some(0.4)
        );
        assert!(d.errors.is_empty());
        for bad in [0.0, -0.44, 100.5, 44.0e9, f64::NAN] {
            let mut d = Diagnostics::default();
            assert_eq!(dpu_hour_price(&Value::Value(Number(bad)), &mut d), None);
            assert_eq!(d.errors.len(), 1, "{bad}");
            assert_eq!(
                d.errors[0].attribute,
                AttributePath::new("dpu_hour_price_usd")
            );
        }
    }
}
