//! The provider's `guardrails` applied to a job: at validate from the configuration's
//! literal values (defaults filled in), at plan and at apply from the planned values. A
//! value still unknown is checked at the next stage; at apply everything is known, and the
//! check runs before any AWS call.

use super::*;
use crate::model::cost::{self, Capacity};
use crate::model::guardrails::{Guardrails, JobFacts};

/// What the guardrails look at in `s` (a configuration or a planned state); `None` where
/// unknown. Nulls take the job's defaults.
pub(super) fn facts(s: &State) -> JobFacts {
    fn known<T: Clone>(v: &Value<T>, default: T) -> Option<T> {
        match v {
            Value::Value(x) => Some(x.clone()),
            Value::Null => Some(default),
            Value::Unknown => None,
        }
    }
    let timeout = known(
        &s.timeout_minutes,
        Number::from(model::DEFAULT_TIMEOUT_MINUTES),
    )
    .and_then(Number::as_i64);
    let command = known(&s.command, model::COMMAND_NAME.to_string());
    if command
        .as_deref()
        .is_some_and(|c| model::is_python_shell(Some(c)))
    {
        // No workers: the worker guardrails do not apply; the DPU-hours are max_capacity's.
        let dpus = known(
            &s.max_capacity,
            Number(model::DEFAULT_PYTHON_SHELL_CAPACITY),
        );
        return JobFacts {
            worker_type: None,
            number_of_workers: None,
            timeout_minutes: timeout,
            max_dpu_hours_per_run: match (dpus, timeout) {
                (Some(d), Some(t)) => Some(cost::max_dpu_hours_per_run(d.0, t)),
                _ => None,
            },
            scheduled: match &s.schedule {
                Value::Unknown => None,
                v => Some(v.is_value()),
            },
        };
    }
    let worker_type = known(&s.worker_type, model::DEFAULT_WORKER_TYPE.to_string());
    let workers = known(
        &s.number_of_workers,
        Number::from(model::DEFAULT_NUMBER_OF_WORKERS),
    )
    .and_then(Number::as_i64);
    let per_run = match (&worker_type, workers, timeout) {
        (Some(w), Some(n), Some(t)) => cost::max_dpus(Capacity::Workers {
            worker_type: w,
            count: n,
        })
        .map(|d| cost::max_dpu_hours_per_run(d, t)),
        _ => None,
    };
    JobFacts {
        worker_type,
        number_of_workers: workers,
        timeout_minutes: timeout,
        max_dpu_hours_per_run: per_run,
        scheduled: match &s.schedule {
            Value::Unknown => None,
            v => Some(v.is_value()),
        },
    }
}

/// The violations of `rails` by the job `s`, as diagnostics at the attribute to change (the
/// worker count for the DPU-hours, which are computed from it).
pub(super) fn violations(rails: Option<&Guardrails>, s: &State) -> Vec<Diagnostic> {
    let Some(rails) = rails else {
        return Vec::new();
    };
    let name = s.name.as_ref_option().map(String::as_str).unwrap_or("?");
    // The DPU-hours come from the capacity: the worker count, or a Python shell job's
    // max_capacity.
    let capacity = match &s.command {
        Value::Value(c) if model::is_python_shell(Some(c)) => "max_capacity",
        _ => "number_of_workers",
    };
    rails
        .check(name, &facts(s))
        .into_iter()
        .map(|v| {
            let at = match v.attribute {
                "max_dpu_hours_per_run" => capacity,
                a => a,
            };
            // The detail starts with the path, as every attribute error does (`attr_error`).
            Diagnostic::new(
                "Job outside the provider's guardrails",
                format!("{at}: {}", v.message),
                AttributePath::new(at),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_count_and_unknowns_wait() {
        let rails = Guardrails {
            max_workers: Some(8),
            max_dpu_hours_per_run: Some(50.0),
            ..Default::default()
        };
        let mut s = State {
            name: Value::Value("etl".into()),
            ..Default::default()
        };
        // The defaults: 10 G.1X workers for 600 minutes, 100 DPU-hours.
        let d = violations(Some(&rails), &s);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].detail.contains("number_of_workers 10"));
        assert!(d[1].detail.contains("max_dpu_hours_per_run 100"));
        assert_eq!(d[1].attribute, AttributePath::new("number_of_workers"));
        // Unknown until apply: nothing yet.
        s.number_of_workers = Value::Unknown;
        assert!(violations(Some(&rails), &s).is_empty());
        // Within the limits, or none set.
        s.number_of_workers = Value::Value(Number(4.0));
        s.timeout_minutes = Value::Value(Number(60.0));
        assert!(violations(Some(&rails), &s).is_empty());
        s.number_of_workers = Value::Value(Number(200.0));
        assert!(violations(None, &s).is_empty());
    }

    #[test]
    fn python_shell_jobs_are_held_to_their_max_capacity() {
        let rails = Guardrails {
            max_workers: Some(1),
            allowed_worker_types: Some(["G.1X".to_string()].into()),
            max_dpu_hours_per_run: Some(0.5),
            ..Default::default()
        };
        let mut s = State {
            name: Value::Value("shell".into()),
            command: Value::Value("pythonshell".into()),
            ..Default::default()
        };
        // The default 0.0625 DPU for 600 minutes: 0.625 DPU-hours; no worker rule applies.
        let d = violations(Some(&rails), &s);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].attribute, AttributePath::new("max_capacity"));
        assert!(d[0].detail.contains("0.625"), "{}", d[0].detail);
        s.timeout_minutes = Value::Value(Number(60.0));
        assert!(violations(Some(&rails), &s).is_empty());
        s.max_capacity = Value::Value(Number(1.0));
        assert_eq!(violations(Some(&rails), &s).len(), 1);
    }
}
