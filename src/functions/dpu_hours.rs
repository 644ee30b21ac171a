//! `dpu_hours(worker_type, workers, minutes)`: the most DPU-hours one job run can bill, with
//! the table and arithmetic `flywheel_job`'s `max_dpu_hours_per_run` uses
//! (`crate::model::cost`), so the function and the attribute never disagree.

use async_trait::async_trait;
use tf_provider::schema::{Description, FunctionSchema, Type};
use tf_provider::{Diagnostics, Function};

use super::param;
use crate::model::cost::{self, Capacity};
use crate::values::Number;

pub struct DpuHours;

/// `workers × DPUs per worker × minutes / 60`, rounded as the cost attributes are, or the
/// error that names the argument at fault. Every worker type of the cost table is accepted,
/// G.025X and Z.2X included: what a run bills does not depend on the kind of job.
pub fn compute(worker_type: &str, workers: Number, minutes: Number) -> Result<f64, (i64, String)> {
    if cost::dpus_per_worker(worker_type).is_none() {
        let known = cost::WORKER_DPUS.map(|(w, _)| w).join(", ");
        let message = if worker_type == "Standard" {
            format!("Standard is the deprecated pre-Glue-2.0 worker type, billed by capacity rather than per worker; use one of {known}")
        } else {
            format!("{worker_type:?} is not a Glue worker type; use one of {known}")
        };
        return Err((0, message));
    }
    let count = match workers.as_i64() {
        Some(n) if n >= 1 => n,
        _ => {
            return Err((
                1,
                format!(
                    "workers must be a whole number of at least 1, got {}",
                    workers.0
                ),
            ))
        }
    };
    if !(minutes.0 > 0.0 && minutes.0.is_finite()) {
        return Err((
            2,
            format!("minutes must be greater than 0, got {}", minutes.0),
        ));
    }
    let dpus = cost::max_dpus(Capacity::Workers { worker_type, count })
        .expect("the worker type is in the cost table");
    Ok(cost::dpu_hours(dpus, minutes.0))
}

#[async_trait]
impl Function for DpuHours {
    type Input<'a> = (String, Number, Number);
    type Output<'a> = Number;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<FunctionSchema> {
        Some(FunctionSchema {
            parameters: vec![
                param("worker_type", Type::String, "Glue worker type, as in `flywheel_job`'s `worker_type`: `G.025X`, `G.1X`, `G.2X`, `G.4X`, `G.8X`, `G.12X`, `G.16X`, `R.1X`, `R.2X`, `R.4X`, `R.8X` or `Z.2X`."),
                param("workers", Type::Number, "Number of workers (with auto-scaling, the maximum): a whole number of at least 1."),
                param("minutes", Type::Number, "How long the run may last, in minutes (a job's `timeout_minutes`); greater than 0."),
            ],
            variadic: None,
            return_type: Type::Number,
            summary: "The most DPU-hours one Glue job run can bill".into(),
            description: Description::markdown("Returns `workers × DPUs per worker × minutes / 60`, rounded to 4 decimals: every worker for the whole time, the worst case of one run. The DPUs per worker and the rounding are those of `flywheel_job`'s `max_dpu_hours_per_run` (see the Cost guide), so `dpu_hours(worker_type, number_of_workers, timeout_minutes)` equals that attribute. Fails, naming the argument, on an unknown worker type (listing the known ones), a worker count that is not a whole number of at least 1, or minutes that are not greater than 0."),
            deprecated: None,
        })
    }

    async fn call<'a>(
        &self,
        diags: &mut Diagnostics,
        (worker_type, workers, minutes): (String, Number, Number),
    ) -> Option<Number> {
        match compute(&worker_type, workers, minutes) {
            Ok(hours) => Some(Number(hours)),
            Err((index, message)) => {
                diags.function_error(index, message);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(worker_type: &str, workers: f64, minutes: f64) -> Result<f64, (i64, String)> {
        compute(worker_type, Number(workers), Number(minutes))
    }

    #[test]
    fn worst_case_of_one_run() {
        // The production compaction job: 8 G.1X workers for 600 minutes.
        assert_eq!(run("G.1X", 8.0, 600.0).unwrap(), 80.0);
        assert_eq!(run("G.2X", 10.0, 60.0).unwrap(), 20.0);
        // A quarter DPU per worker: 2 workers for an hour is half a DPU-hour.
        assert_eq!(run("G.025X", 2.0, 60.0).unwrap(), 0.5);
        // Rounded to four decimals, as max_dpu_hours_per_run: 7 minutes of 2 G.025X workers.
        assert_eq!(run("G.025X", 2.0, 7.0).unwrap(), 0.0583);
        // Fractional minutes: Glue bills per second.
        assert_eq!(run("G.1X", 2.0, 1.5).unwrap(), 0.05);
        // Every worker type of the cost table, matching max_dpu_hours_per_run.
        for (wt, dpus) in cost::WORKER_DPUS {
            assert_eq!(
                run(wt, 10.0, 600.0).unwrap(),
                cost::max_dpu_hours_per_run(dpus * 10.0, 600),
                "{wt}"
            );
        }
    }

    #[test]
    fn unknown_worker_type_is_argument_0() {
        for bad in ["G.3X", "g.1x", "", "Standard"] {
            let (i, m) = run(bad, 8.0, 600.0).unwrap_err();
            assert_eq!(i, 0, "{bad}");
            assert!(m.contains("use one of G.025X, G.1X, G.2X"), "{m}");
            assert!(m.contains("Z.2X"), "{m}");
        }
        let (_, m) = run("G.3X", 8.0, 600.0).unwrap_err();
        assert!(m.starts_with("\"G.3X\" is not a Glue worker type"), "{m}");
        let (_, m) = run("Standard", 8.0, 600.0).unwrap_err();
        assert!(m.contains("deprecated"), "{m}");
    }

    #[test]
    fn workers_not_a_whole_number_of_at_least_1_is_argument_1() {
        for (bad, shown) in [(0.0, "got 0"), (-2.0, "got -2"), (2.5, "got 2.5")] {
            let (i, m) = run("G.1X", bad, 600.0).unwrap_err();
            assert_eq!(i, 1, "{bad}");
            assert!(
                m.starts_with("workers must be a whole number of at least 1"),
                "{m}"
            );
            assert!(m.contains(shown), "{m}");
        }
        // Beyond i64: not a worker count either.
        assert_eq!(run("G.1X", 1e300, 600.0).unwrap_err().0, 1);
        assert_eq!(run("G.1X", 1.0, 60.0).unwrap(), 1.0);
    }

    #[test]
    fn minutes_not_over_0_is_argument_2() {
        for bad in [0.0, -60.0, f64::INFINITY] {
            let (i, m) = run("G.1X", 8.0, bad).unwrap_err();
            assert_eq!(i, 2, "{bad}");
            assert!(m.starts_with("minutes must be greater than 0"), "{m}");
        }
        // The worker type is checked first, then workers, then minutes.
        assert_eq!(run("G.3X", 0.0, 0.0).unwrap_err().0, 0);
        assert_eq!(run("G.1X", 0.0, 0.0).unwrap_err().0, 1);
    }
}
