//! The provider's `guardrails`: limits every `flywheel_job` must stay within (worker types,
//! workers, timeout, worst-case DPU-hours per run, a schedule). Pure: the resource checks a
//! job's planned values here at validate (literal values), at plan, and at apply before any
//! AWS call when a value was unknown until then.

use std::collections::BTreeSet;

/// The limits, each `None` when not set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Guardrails {
    pub allowed_worker_types: Option<BTreeSet<String>>,
    pub max_workers: Option<i64>,
    pub max_timeout_minutes: Option<i64>,
    pub max_dpu_hours_per_run: Option<f64>,
    pub require_schedule_or_trigger: bool,
}

/// What a job would be, as far as the guardrails look; `None` where not known yet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobFacts {
    pub worker_type: Option<String>,
    pub number_of_workers: Option<i64>,
    pub timeout_minutes: Option<i64>,
    pub max_dpu_hours_per_run: Option<f64>,
    /// Whether a schedule (or another trigger this configuration makes) starts the job;
    /// `None` while unknown.
    pub scheduled: Option<bool>,
}

/// One limit a job breaks: the job's attribute, and the message naming the limit and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub attribute: &'static str,
    pub message: String,
}

fn num(x: f64) -> String {
    // 80.0 prints as 80, 0.0625 as 0.0625.
    format!("{x}")
}

impl Guardrails {
    /// Every limit `job` (named `name`) breaks, in attribute order. Unknown facts break
    /// nothing: they are checked again once known.
    pub fn check(&self, name: &str, job: &JobFacts) -> Vec<Violation> {
        let mut out = Vec::new();
        let mut fail =
            |attribute: &'static str, message: String| out.push(Violation { attribute, message });
        if let (Some(allowed), Some(w)) = (&self.allowed_worker_types, &job.worker_type) {
            if !allowed.contains(w) {
                fail(
                    "worker_type",
                    format!(
                        "job {name:?}: worker_type {w:?} is not in the provider's guardrails.allowed_worker_types ({})",
                        allowed.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
        }
        if let (Some(max), Some(n)) = (self.max_workers, job.number_of_workers) {
            if n > max {
                fail(
                    "number_of_workers",
                    format!("job {name:?}: number_of_workers {n} is over the provider's guardrails.max_workers {max}"),
                );
            }
        }
        if let (Some(max), Some(t)) = (self.max_timeout_minutes, job.timeout_minutes) {
            if t > max {
                fail(
                    "timeout_minutes",
                    format!("job {name:?}: timeout_minutes {t} is over the provider's guardrails.max_timeout_minutes {max}"),
                );
            }
        }
        if let (Some(max), Some(d)) = (self.max_dpu_hours_per_run, job.max_dpu_hours_per_run) {
            if d > max {
                fail(
                    "max_dpu_hours_per_run",
                    format!(
                        "job {name:?}: max_dpu_hours_per_run {} (its DPUs: workers × DPUs per worker, or a Python shell job's max_capacity; × timeout hours) is over the provider's guardrails.max_dpu_hours_per_run {}",
                        num(d),
                        num(max)
                    ),
                );
            }
        }
        if self.require_schedule_or_trigger && job.scheduled == Some(false) {
            fail(
                "schedule",
                format!("job {name:?}: has no schedule, and the provider's guardrails.require_schedule_or_trigger is true"),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rails() -> Guardrails {
        Guardrails {
            allowed_worker_types: Some(["G.1X".to_string(), "G.2X".to_string()].into()),
            max_workers: Some(32),
            max_timeout_minutes: Some(600),
            max_dpu_hours_per_run: Some(300.0),
            require_schedule_or_trigger: true,
        }
    }

    fn job(wt: &str, workers: i64, timeout: i64, scheduled: bool) -> JobFacts {
        JobFacts {
            worker_type: Some(wt.into()),
            number_of_workers: Some(workers),
            timeout_minutes: Some(timeout),
            max_dpu_hours_per_run: Some(workers as f64 * timeout as f64 / 60.0),
            scheduled: Some(scheduled),
        }
    }

    #[test]
    fn each_limit_names_job_attribute_limit_and_value() {
        assert!(rails().check("j", &job("G.1X", 24, 600, true)).is_empty());
        for (facts, attribute, needles) in [
            (
                job("G.4X", 2, 60, true),
                "worker_type",
                vec![
                    "\"j\"",
                    "\"G.4X\"",
                    "allowed_worker_types",
                    "\"G.1X\", \"G.2X\"",
                ],
            ),
            (
                job("G.1X", 40, 60, true),
                "number_of_workers",
                vec!["\"j\"", "40", "max_workers 32"],
            ),
            (
                job("G.1X", 2, 601, true),
                "timeout_minutes",
                vec!["\"j\"", "601", "max_timeout_minutes 600"],
            ),
            (
                job("G.1X", 32, 600, true),
                "max_dpu_hours_per_run",
                vec!["\"j\"", "320", "max_dpu_hours_per_run 300"],
            ),
            (
                job("G.1X", 2, 60, false),
                "schedule",
                vec!["\"j\"", "require_schedule_or_trigger"],
            ),
        ] {
            let v = rails().check("j", &facts);
            assert_eq!(v.len(), 1, "{attribute}: {v:?}");
            assert_eq!(v[0].attribute, attribute);
            for n in needles {
                assert!(
                    v[0].message.contains(n),
                    "{attribute}: {n} in {}",
                    v[0].message
                );
            }
        }
    }

    #[test]
    fn unknown_facts_and_unset_limits_break_nothing() {
        assert!(rails().check("j", &JobFacts::default()).is_empty());
        assert!(Guardrails::default()
            .check("j", &job("G.16X", 299, 2880, false))
            .is_empty());
        // Several at once, in attribute order.
        let v = rails().check("j", &job("G.8X", 299, 2880, false));
        let attrs: Vec<_> = v.iter().map(|v| v.attribute).collect();
        assert_eq!(
            attrs,
            [
                "worker_type",
                "number_of_workers",
                "timeout_minutes",
                "max_dpu_hours_per_run",
                "schedule"
            ]
        );
    }
}
