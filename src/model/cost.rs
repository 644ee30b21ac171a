//! What a Glue job can cost, worst case: DPUs per worker, the price of a DPU-hour by region
//! and execution class, and the most DPU-hours a job can use per run and per day. Pure and
//! shared: `flywheel_job`'s computed cost attributes, the provider's guardrails and the
//! `dpu_hours` provider function all use these functions, so they never disagree.
//!
//! Glue bills DPU-hours per second (AWS Glue pricing). The worst case of one run is every
//! worker it may have (with auto-scaling, `number_of_workers` is the maximum) for the whole
//! timeout; a Python shell job is its `max_capacity` (0.0625 or 1 DPU) for the timeout.
//! See `docs/guides/cost.md` for the arithmetic with the production jobs.

/// DPUs per worker, for every worker type AWS publishes ("AWS Glue worker types", and the
/// `WorkerType` enum of the Glue API). R.* and Z.2X count memory-optimised DPUs (M-DPU:
/// 4 vCPU, 32 GB), billed as DPUs. `Standard` (pre-Glue-2.0) takes `MaxCapacity` instead of
/// a worker count and is not listed.
pub const WORKER_DPUS: [(&str, f64); 12] = [
    ("G.025X", 0.25),
    ("G.1X", 1.0),
    ("G.2X", 2.0),
    ("G.4X", 4.0),
    ("G.8X", 8.0),
    ("G.12X", 12.0),
    ("G.16X", 16.0),
    ("R.1X", 1.0),
    ("R.2X", 2.0),
    ("R.4X", 4.0),
    ("R.8X", 8.0),
    ("Z.2X", 2.0),
];

/// DPUs one worker of `worker_type` is billed as; `None` for a type not in the table.
pub fn dpus_per_worker(worker_type: &str) -> Option<f64> {
    WORKER_DPUS
        .iter()
        .find(|(w, _)| *w == worker_type)
        .map(|(_, d)| *d)
}

/// How a job run is billed: Glue's `ExecutionClass`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ExecutionClass {
    #[default]
    Standard,
    Flex,
}

/// USD per DPU-hour of a Spark or Python shell job run, by region: (region, standard, FLEX).
///
/// Sources, checked 2026-12-02: the AWS Glue pricing page (<https://aws.amazon.com/glue/pricing/>,
/// "ETL jobs and interactive sessions": $0.44 standard and $0.29 FLEX in us-east-1), and for
/// the other regions' standard rate the table GoogleCloudPlatform/PerfKitBenchmarker
/// generates from the AWS Price List (`perfkitbenchmarker/providers/aws/aws_dpb_glue_prices.py`).
/// FLEX is listed at $0.29 only where the standard rate is $0.44 and FLEX launched (AWS's
/// August 2022 announcement names those regions). Elsewhere FLEX is `None`: a price is
/// never guessed, and the provider's `dpu_hour_price_usd` supplies it. Prices change;
/// re-check this table against the Price List when touching it.
pub const DPU_HOUR_PRICES: [(&str, f64, Option<f64>); 24] = [
    ("af-south-1", 0.524, None),
    ("ap-east-1", 0.44, None),
    ("ap-northeast-1", 0.44, Some(0.29)),
    ("ap-northeast-2", 0.44, Some(0.29)),
    ("ap-northeast-3", 0.44, None),
    ("ap-south-1", 0.44, Some(0.29)),
    ("ap-southeast-1", 0.44, Some(0.29)),
    ("ap-southeast-2", 0.44, Some(0.29)),
    ("ap-southeast-3", 0.44, None),
    ("ca-central-1", 0.44, Some(0.29)),
    ("eu-central-1", 0.44, Some(0.29)),
    ("eu-north-1", 0.44, None),
    ("eu-south-1", 0.52, None),
    ("eu-west-1", 0.44, Some(0.29)),
    ("eu-west-2", 0.44, Some(0.29)),
    ("eu-west-3", 0.44, Some(0.29)),
    ("me-south-1", 0.59, None),
    ("sa-east-1", 0.69, None),
    ("us-east-1", 0.44, Some(0.29)),
    ("us-east-2", 0.44, Some(0.29)),
    ("us-gov-east-1", 0.44, None),
    ("us-gov-west-1", 0.44, None),
    ("us-west-1", 0.44, Some(0.29)),
    ("us-west-2", 0.44, Some(0.29)),
];

/// The price of a DPU-hour: `override_usd` (the provider's `dpu_hour_price_usd`) when set,
/// else the table's for the region and class; `None` when neither knows it.
pub fn dpu_hour_price(
    region: &str,
    class: ExecutionClass,
    override_usd: Option<f64>,
) -> Option<f64> {
    if override_usd.is_some() {
        return override_usd;
    }
    let (_, standard, flex) = DPU_HOUR_PRICES.iter().find(|(r, _, _)| *r == region)?;
    match class {
        ExecutionClass::Standard => Some(*standard),
        ExecutionClass::Flex => *flex,
    }
}

/// What one run may use at most.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Capacity<'a> {
    /// A Spark job: its worker type and (with auto-scaling, maximum) number of workers.
    Workers { worker_type: &'a str, count: i64 },
    /// A Python shell job, or a run Glue reports by `MaxCapacity`: DPUs (0.0625 or 1 for
    /// Python shell). No resource makes such a job yet (`command = "pythonshell"` on
    /// `flywheel_job` comes later); `flywheel_job`'s data source reads them.
    Dpus(f64),
}

/// The most DPUs one run holds at once; `None` for a worker type not in the table.
pub fn max_dpus(capacity: Capacity) -> Option<f64> {
    match capacity {
        Capacity::Workers { worker_type, count } => {
            Some(dpus_per_worker(worker_type)? * count.max(0) as f64)
        }
        Capacity::Dpus(d) => Some(d.max(0.0)),
    }
}

/// Everything the worst case of a job depends on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JobShape {
    /// [`max_dpus`] of the job.
    pub dpus: f64,
    pub timeout_minutes: i64,
    pub max_retries: i64,
    /// The most runs its schedule starts in a day ([`crate::model::schedule::max_runs_per_day`]);
    /// `None` when no schedule bounds them (no schedule, or started by other triggers or by
    /// hand as well).
    pub runs_per_day: Option<u32>,
    /// Glue's `MaxConcurrentRuns` (1 unless set).
    pub max_concurrent_runs: i64,
}

/// Figures are rounded to this many decimals, so that they print cleanly and a plan and an
/// apply computing them agree to the bit.
const DECIMALS: i32 = 4;

fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// The most DPU-hours one run (one attempt) may use: every DPU for the whole timeout.
pub fn max_dpu_hours_per_run(dpus: f64, timeout_minutes: i64) -> f64 {
    dpu_hours(dpus, timeout_minutes.max(0) as f64)
}

/// `dpus` held for `minutes` (which may be fractional: Glue bills per second), in
/// DPU-hours, rounded as every other figure here.
pub fn dpu_hours(dpus: f64, minutes: f64) -> f64 {
    round(dpus * minutes.max(0.0) / 60.0, DECIMALS)
}

/// The most DPU-hours the job may use in one day: each scheduled run with all its retries
/// (`runs_per_day × (1 + max_retries) × per run`), but never more than every concurrent run
/// holding every DPU all day (`24 × DPUs × max_concurrent_runs`): Glue starts no run beyond
/// `MaxConcurrentRuns`, retries included. Without a schedule that bounds the runs, that
/// ceiling is the answer.
pub fn max_dpu_hours_per_day(shape: &JobShape) -> f64 {
    let ceiling = 24.0 * shape.dpus * shape.max_concurrent_runs.max(1) as f64;
    let per_run = shape.dpus * shape.timeout_minutes.max(0) as f64 / 60.0;
    let out = match shape.runs_per_day {
        Some(runs) => {
            let attempts = 1 + shape.max_retries.max(0);
            (f64::from(runs) * attempts as f64 * per_run).min(ceiling)
        }
        None => ceiling,
    };
    round(out, DECIMALS)
}

/// The DPU-seconds one finished run used: Glue's own `DPUSeconds` when it reports it (it
/// does for FLEX and auto-scaling runs, whose capacity varies), else the run's capacity
/// (its workers, or `MaxCapacity`) × its `ExecutionTime`. `None` when neither is known (a
/// worker type outside the table and no `MaxCapacity`, or no execution time).
pub fn run_dpu_seconds(
    reported: Option<f64>,
    capacity: Option<Capacity>,
    execution_seconds: Option<i64>,
) -> Option<f64> {
    if let Some(d) = reported.filter(|d| d.is_finite() && *d >= 0.0) {
        return Some(d);
    }
    let dpus = max_dpus(capacity?)?;
    Some(round(dpus * execution_seconds?.max(0) as f64, DECIMALS))
}

/// `dpu_hours` at `price` USD per DPU-hour, to the cent.
pub fn cost_usd(dpu_hours: f64, price: f64) -> f64 {
    round(dpu_hours * price, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_worker_type_has_its_dpus() {
        for (wt, dpus) in [
            ("G.025X", 0.25),
            ("G.1X", 1.0),
            ("G.2X", 2.0),
            ("G.4X", 4.0),
            ("G.8X", 8.0),
            ("G.12X", 12.0),
            ("G.16X", 16.0),
            ("R.1X", 1.0),
            ("R.2X", 2.0),
            ("R.4X", 4.0),
            ("R.8X", 8.0),
            ("Z.2X", 2.0),
        ] {
            assert_eq!(dpus_per_worker(wt), Some(dpus), "{wt}");
            // Ten workers for ten hours.
            let d = max_dpus(Capacity::Workers {
                worker_type: wt,
                count: 10,
            })
            .unwrap();
            assert_eq!(max_dpu_hours_per_run(d, 600), dpus * 100.0, "{wt}");
        }
        for unknown in ["Standard", "g.1x", "G.3X", ""] {
            assert_eq!(dpus_per_worker(unknown), None, "{unknown}");
            assert_eq!(
                max_dpus(Capacity::Workers {
                    worker_type: unknown,
                    count: 2
                }),
                None
            );
        }
    }

    #[test]
    fn a_run_s_dpu_seconds() {
        let g1 = |count| {
            Some(Capacity::Workers {
                worker_type: "G.1X",
                count,
            })
        };
        // Glue's figure wins: auto-scaling ran fewer workers than the maximum.
        assert_eq!(
            run_dpu_seconds(Some(1234.5), g1(10), Some(600)),
            Some(1234.5)
        );
        // Otherwise workers × DPUs × seconds: 10 G.2X workers for 5 minutes.
        let g2 = Some(Capacity::Workers {
            worker_type: "G.2X",
            count: 10,
        });
        assert_eq!(run_dpu_seconds(None, g2, Some(300)), Some(6000.0));
        assert_eq!(run_dpu_seconds(None, g1(8), Some(125)), Some(1000.0));
        // A Python shell run: MaxCapacity.
        assert_eq!(
            run_dpu_seconds(None, Some(Capacity::Dpus(0.0625)), Some(160)),
            Some(10.0)
        );
        // Unknown: no capacity, a worker type outside the table, no execution time, or a
        // figure Glue could not have meant.
        assert_eq!(run_dpu_seconds(None, None, Some(60)), None);
        let standard = Some(Capacity::Workers {
            worker_type: "Standard",
            count: 2,
        });
        assert_eq!(run_dpu_seconds(None, standard, Some(60)), None);
        assert_eq!(run_dpu_seconds(None, g1(2), None), None);
        assert_eq!(run_dpu_seconds(Some(f64::NAN), g1(2), Some(30)), Some(60.0));
        assert_eq!(run_dpu_seconds(None, g1(2), Some(-5)), Some(0.0));
    }

    #[test]
    fn the_production_jobs() {
        // The seed's three jobs: G.1X, 8, 24 and 24 workers, 600 minutes, 2 retries.
        for (workers, per_run, cost) in [(8, 80.0, 35.2), (24, 240.0, 105.6), (24, 240.0, 105.6)] {
            let dpus = max_dpus(Capacity::Workers {
                worker_type: "G.1X",
                count: workers,
            })
            .unwrap();
            let run = max_dpu_hours_per_run(dpus, 600);
            assert_eq!(run, per_run);
            let price = dpu_hour_price("us-east-1", ExecutionClass::Standard, None).unwrap();
            assert_eq!(cost_usd(run, price), cost);
            // No schedule: the day's ceiling is every worker all day, one run at a time.
            let shape = JobShape {
                dpus,
                timeout_minutes: 600,
                max_retries: 2,
                runs_per_day: None,
                max_concurrent_runs: 1,
            };
            assert_eq!(max_dpu_hours_per_day(&shape), 24.0 * workers as f64);
        }
    }

    #[test]
    fn retries_schedules_and_concurrency() {
        let shape = |timeout, retries, runs, concurrent| JobShape {
            dpus: 10.0,
            timeout_minutes: timeout,
            max_retries: retries,
            runs_per_day: runs,
            max_concurrent_runs: concurrent,
        };
        for (s, want) in [
            // Once a day, one hour, no retries: 10.
            (shape(60, 0, Some(1), 1), 10.0),
            // Retries multiply: 1 + 2 attempts.
            (shape(60, 2, Some(1), 1), 30.0),
            // Four runs a day (rate(6 hours)) of two hours with a retry each: 160.
            (shape(120, 1, Some(4), 1), 160.0),
            // Hourly runs of 2 hours cannot all run with one at a time: 24 hours of 10 DPUs.
            (shape(120, 0, Some(24), 1), 240.0),
            // ... but can with three at once: 24 runs of 20 DPU-hours, under the 720 ceiling.
            (shape(120, 0, Some(24), 3), 480.0),
            // A 48-hour timeout is still at most 24 hours a day.
            (shape(2880, 0, Some(1), 1), 240.0),
            // No schedule: the ceiling.
            (shape(60, 0, None, 1), 240.0),
            (shape(60, 0, None, 2), 480.0),
            // Nonsense inputs never go negative.
            (shape(-5, -1, Some(1), 0), 0.0),
        ] {
            assert_eq!(max_dpu_hours_per_day(&s), want, "{s:?}");
        }
    }

    #[test]
    fn python_shell_and_auto_scaling() {
        // A Python shell job: 1/16 DPU or 1 DPU for the timeout.
        assert_eq!(
            max_dpu_hours_per_run(max_dpus(Capacity::Dpus(0.0625)).unwrap(), 60),
            0.0625
        );
        assert_eq!(
            max_dpu_hours_per_run(max_dpus(Capacity::Dpus(1.0)).unwrap(), 2880),
            48.0
        );
        // Auto-scaling: the worker count is the maximum, so the worst case is the same.
        let dpus = max_dpus(Capacity::Workers {
            worker_type: "G.2X",
            count: 50,
        })
        .unwrap();
        assert_eq!(max_dpu_hours_per_run(dpus, 90), 150.0);
        // Rounded to four decimals: 7 minutes of a G.025X worker pair.
        let dpus = max_dpus(Capacity::Workers {
            worker_type: "G.025X",
            count: 2,
        })
        .unwrap();
        assert_eq!(max_dpu_hours_per_run(dpus, 7), 0.0583);
    }

    #[test]
    fn prices_by_region_and_class() {
        use ExecutionClass::*;
        assert_eq!(dpu_hour_price("us-east-1", Standard, None), Some(0.44));
        assert_eq!(dpu_hour_price("us-east-1", Flex, None), Some(0.29));
        assert_eq!(dpu_hour_price("sa-east-1", Standard, None), Some(0.69));
        assert_eq!(dpu_hour_price("sa-east-1", Flex, None), None);
        assert_eq!(dpu_hour_price("xx-nowhere-1", Standard, None), None);
        // The provider's override wins everywhere, for both classes.
        assert_eq!(dpu_hour_price("us-east-1", Flex, Some(0.4)), Some(0.4));
        assert_eq!(
            dpu_hour_price("xx-nowhere-1", Standard, Some(0.5)),
            Some(0.5)
        );
        // FLEX is about 34% cheaper where both are listed; every FLEX price is below standard.
        for (r, s, f) in DPU_HOUR_PRICES {
            if let Some(f) = f {
                assert!(f < s, "{r}");
            }
            assert!(s > 0.0, "{r}");
        }
        assert_eq!(cost_usd(80.0, 0.29), 23.2);
        assert_eq!(cost_usd(0.0625, 0.44), 0.03);
    }

    #[test]
    fn the_region_table_is_sorted_and_unique() {
        for w in DPU_HOUR_PRICES.windows(2) {
            assert!(w[0].0 < w[1].0, "{} before {}", w[0].0, w[1].0);
        }
    }
}
