//! The job's worst case, computed through `model::cost` from the values a plan or a read
//! holds: `max_dpu_hours_per_run`, `max_dpu_hours_per_day` and `max_cost_per_run_usd`.
//! Each is unknown while a value it depends on is, and null when it cannot be known (a
//! worker type outside the table, a region without a price).

use super::*;
use crate::model::cost::{self, Capacity, ExecutionClass, JobShape};

/// Sets the three cost attributes of `s` from its worker type, worker count (the maximum
/// with `auto_scaling`), timeout, retries, concurrency, execution class and schedule,
/// pricing in `region` (or at the provider's `price_override`).
pub(super) fn set_cost_attributes(region: &str, price_override: Option<f64>, s: &mut State) {
    let unknown = |s: &mut State| {
        s.max_dpu_hours_per_run = Value::Unknown;
        s.max_dpu_hours_per_day = Value::Unknown;
        s.max_cost_per_run_usd = Value::Unknown;
    };
    let null = |s: &mut State| {
        s.max_dpu_hours_per_run = Value::Null;
        s.max_dpu_hours_per_day = Value::Null;
        s.max_cost_per_run_usd = Value::Null;
    };
    let whole = |v: &Value<Number>| v.as_ref_option().and_then(|n| n.as_i64());
    if s.command.is_unknown() {
        return unknown(s);
    }
    // A Python shell job is its `max_capacity`; a Spark job its workers.
    let shell = model::is_python_shell(s.command.as_ref_option().map(String::as_str));
    let sizing_unknown = if shell {
        s.max_capacity.is_unknown()
    } else {
        s.number_of_workers.is_unknown() || s.worker_type.is_unknown()
    };
    if [&s.timeout_minutes, &s.max_retries, &s.max_concurrent_runs]
        .iter()
        .any(|v| v.is_unknown())
        || sizing_unknown
        || s.execution_class.is_unknown()
    {
        return unknown(s);
    }
    let Some(timeout) = whole(&s.timeout_minutes) else {
        return null(s);
    };
    let capacity = if shell {
        s.max_capacity.as_ref_option().map(|n| Capacity::Dpus(n.0))
    } else {
        match (s.worker_type.as_ref_option(), whole(&s.number_of_workers)) {
            (Some(worker_type), Some(count)) => Some(Capacity::Workers { worker_type, count }),
            _ => None,
        }
    };
    let Some(dpus) = capacity.and_then(cost::max_dpus) else {
        return null(s);
    };
    let per_run = cost::max_dpu_hours_per_run(dpus, timeout);
    let execution_class = match s.execution_class.as_ref_option().map(String::as_str) {
        Some("FLEX") => ExecutionClass::Flex,
        _ => ExecutionClass::Standard,
    };
    s.max_dpu_hours_per_run = Value::Value(Number(per_run));
    s.max_cost_per_run_usd = opt_value(
        cost::dpu_hour_price(region, execution_class, price_override)
            .map(|price| Number(cost::cost_usd(per_run, price))),
    );
    // Only a schedule this configuration makes bounds the runs a day; an unparsable one
    // (validation reports it) bounds nothing.
    let runs_per_day = match &s.schedule {
        Value::Unknown => {
            s.max_dpu_hours_per_day = Value::Unknown;
            return;
        }
        Value::Null => None,
        Value::Value(expr) => schedule::max_runs_per_day(expr),
    };
    s.max_dpu_hours_per_day = Value::Value(Number(cost::max_dpu_hours_per_day(&JobShape {
        dpus,
        timeout_minutes: timeout,
        max_retries: whole(&s.max_retries).unwrap_or(0),
        runs_per_day,
        max_concurrent_runs: whole(&s.max_concurrent_runs)
            .unwrap_or(model::DEFAULT_MAX_CONCURRENT_RUNS),
    })));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(worker_type: &str, workers: f64, timeout: f64, retries: f64) -> State {
        State {
            worker_type: Value::Value(worker_type.into()),
            number_of_workers: Value::Value(Number(workers)),
            timeout_minutes: Value::Value(Number(timeout)),
            max_retries: Value::Value(Number(retries)),
            ..Default::default()
        }
    }

    fn figures(s: &State) -> [Value<Number>; 3] {
        [
            s.max_dpu_hours_per_run,
            s.max_dpu_hours_per_day,
            s.max_cost_per_run_usd,
        ]
    }

    fn n(x: f64) -> Value<Number> {
        Value::Value(Number(x))
    }

    #[test]
    fn the_production_jobs_and_a_schedule() {
        let mut s = job("G.1X", 8.0, 600.0, 2.0);
        set_cost_attributes("us-east-1", None, &mut s);
        assert_eq!(figures(&s), [n(80.0), n(192.0), n(35.2)]);
        let mut s = job("G.1X", 24.0, 600.0, 2.0);
        set_cost_attributes("us-east-1", None, &mut s);
        assert_eq!(figures(&s), [n(240.0), n(576.0), n(105.6)]);
        // Nightly, 2 hours, 2 retries: 3 attempts of 16 DPU-hours.
        let mut s = job("G.1X", 8.0, 120.0, 2.0);
        s.schedule = Value::Value("cron(0 3 * * ? *)".into());
        set_cost_attributes("us-east-1", None, &mut s);
        assert_eq!(figures(&s), [n(16.0), n(48.0), n(7.04)]);
        // The provider's price wins.
        set_cost_attributes("us-east-1", Some(0.5), &mut s);
        assert_eq!(s.max_cost_per_run_usd, n(8.0));
    }

    #[test]
    fn flex_and_concurrency() {
        // FLEX: the same DPU-hours at the FLEX rate (us-east-1 $0.29).
        let mut s = job("G.1X", 8.0, 600.0, 2.0);
        s.execution_class = Value::Value("FLEX".into());
        set_cost_attributes("us-east-1", None, &mut s);
        assert_eq!(figures(&s), [n(80.0), n(192.0), n(23.2)]);
        // Three concurrent runs triple the daily ceiling of an unscheduled job.
        let mut s = job("G.1X", 8.0, 600.0, 2.0);
        s.max_concurrent_runs = n(3.0);
        set_cost_attributes("us-east-1", None, &mut s);
        assert_eq!(figures(&s), [n(80.0), n(576.0), n(35.2)]);
        s.max_concurrent_runs = Value::Unknown;
        set_cost_attributes("us-east-1", None, &mut s);
        assert_eq!(s.max_dpu_hours_per_run, Value::Unknown);
    }

    #[test]
    fn unknown_and_unpriced() {
        let mut s = job("G.1X", 8.0, 600.0, 2.0);
        s.number_of_workers = Value::Unknown;
        set_cost_attributes("us-east-1", None, &mut s);
        assert_eq!(
            figures(&s),
            [Value::Unknown, Value::Unknown, Value::Unknown]
        );
        // An unknown schedule leaves only the daily figure unknown.
        let mut s = job("G.1X", 8.0, 600.0, 2.0);
        s.schedule = Value::Unknown;
        set_cost_attributes("us-east-1", None, &mut s);
        assert_eq!(figures(&s), [n(80.0), Value::Unknown, n(35.2)]);
        // A region without a price: DPU-hours, no cost.
        let mut s = job("G.2X", 10.0, 60.0, 0.0);
        set_cost_attributes("ap-south-2", None, &mut s);
        assert_eq!(figures(&s), [n(20.0), n(480.0), Value::Null]);
        // A worker type the table does not know (a job made elsewhere): nothing.
        let mut s = job("Standard", 10.0, 60.0, 0.0);
        set_cost_attributes("us-east-1", None, &mut s);
        assert_eq!(figures(&s), [Value::Null, Value::Null, Value::Null]);
    }

    #[test]
    fn python_shell_jobs_count_their_max_capacity() {
        // 1 DPU for 600 minutes: 10 DPU-hours, $4.40; the daily ceiling 24 DPU-hours.
        let mut s = State {
            command: Value::Value("pythonshell".into()),
            max_capacity: n(1.0),
            timeout_minutes: n(600.0),
            max_retries: n(2.0),
            ..Default::default()
        };
        set_cost_attributes("us-east-1", None, &mut s);
        assert_eq!(figures(&s), [n(10.0), n(24.0), n(4.4)]);
        // 0.0625 DPU for an hour, hourly: 0.0625 DPU-hours a run, at most 1.5 a day.
        s.max_capacity = n(0.0625);
        s.timeout_minutes = n(60.0);
        s.schedule = Value::Value("rate(1 hour)".into());
        set_cost_attributes("us-east-1", None, &mut s);
        assert_eq!(figures(&s), [n(0.0625), n(1.5), n(0.03)]);
        // Workers, if any slipped in, are not what a Python shell job is billed for.
        s.worker_type = Value::Value("G.8X".into());
        s.number_of_workers = n(100.0);
        set_cost_attributes("us-east-1", None, &mut s);
        assert_eq!(s.max_dpu_hours_per_run, n(0.0625));
        s.max_capacity = Value::Unknown;
        set_cost_attributes("us-east-1", None, &mut s);
        assert_eq!(s.max_dpu_hours_per_run, Value::Unknown);
    }
}
