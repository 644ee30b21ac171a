//! Glue job runs: the last run of a job (GetJobRuns), for `flywheel_job`'s data source.

use aws_sdk_glue::types::JobRun as GlueJobRun;

use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError};
use crate::model::cost::{self, Capacity};
use crate::model::runs::JobRun;

/// Runs asked for. GetJobRuns lists the newest first; the newest of a page is taken all the
/// same, so an answer in another order cannot report an older run as the last.
const PAGE: i32 = 10;

/// The job's most recent run, or `None` when it has never run (or is gone).
pub async fn last(ctx: &AwsContext, job: &str) -> Result<Option<JobRun>, AwsError> {
    let out = match call(&ctx.retry, Op::new("glue", "GetJobRuns", job), || {
        ctx.glue
            .get_job_runs()
            .job_name(job)
            .max_results(PAGE)
            .send()
    })
    .await
    {
        Ok(out) => out,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(newest(out.job_runs()).map(translate))
}

/// The run started last; a run without a start time counts as oldest.
fn newest(runs: &[GlueJobRun]) -> Option<&GlueJobRun> {
    runs.iter()
        .enumerate()
        // Ties (and missing times) go to the one listed first, as Glue lists newest first.
        .max_by(|(ia, a), (ib, b)| {
            let t = |r: &GlueJobRun| r.started_on().map(|t| (t.secs(), t.subsec_nanos()));
            t(a).cmp(&t(b)).then(ib.cmp(ia))
        })
        .map(|(_, r)| r)
}

/// One GetJobRuns entry in model form.
pub(crate) fn translate(run: &GlueJobRun) -> JobRun {
    let execution = i64::from(run.execution_time());
    let capacity = match (run.worker_type(), run.number_of_workers()) {
        (Some(w), Some(n)) if cost::dpus_per_worker(w.as_str()).is_some() => {
            Some(Capacity::Workers {
                worker_type: w.as_str(),
                count: i64::from(n),
            })
        }
        _ => run.max_capacity().map(Capacity::Dpus),
    };
    JobRun {
        id: run.id().unwrap_or_default().to_string(),
        state: run
            .job_run_state()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        started_on: run.started_on().and_then(super::rfc3339),
        execution_seconds: Some(execution),
        dpu_seconds: cost::run_dpu_seconds(run.dpu_seconds(), capacity, Some(execution)),
        error_message: run
            .error_message()
            .filter(|m| !m.is_empty())
            .map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_glue::types::{JobRunState, WorkerType};
    use aws_smithy_types::DateTime;

    fn run(id: &str, started: i64) -> aws_sdk_glue::types::builders::JobRunBuilder {
        GlueJobRun::builder()
            .id(id)
            .job_name("etl")
            .started_on(DateTime::from_secs(started))
    }

    #[test]
    fn a_failed_run_with_workers() {
        let r = run("jr_1", 1_764_675_000)
            .job_run_state(JobRunState::Failed)
            .error_message("AnalysisException: Path does not exist")
            .execution_time(300)
            .worker_type(WorkerType::G2X)
            .number_of_workers(10)
            .max_capacity(20.0)
            .build();
        assert_eq!(
            translate(&r),
            JobRun {
                id: "jr_1".into(),
                state: "FAILED".into(),
                started_on: Some("2025-12-02T11:30:00Z".into()),
                execution_seconds: Some(300),
                dpu_seconds: Some(6000.0),
                error_message: Some("AnalysisException: Path does not exist".into()),
            }
        );
    }

    #[test]
    fn glue_s_dpu_seconds_win_and_max_capacity_stands_in_for_workers() {
        let flex = run("jr_2", 0)
            .job_run_state(JobRunState::Succeeded)
            .execution_time(600)
            .worker_type(WorkerType::G1X)
            .number_of_workers(10)
            .dpu_seconds(3210.5)
            .error_message("")
            .build();
        let t = translate(&flex);
        assert_eq!(t.dpu_seconds, Some(3210.5));
        assert_eq!(t.error_message, None, "an empty message is no message");
        // A Python shell run: no workers, MaxCapacity 0.0625.
        let shell = run("jr_3", 0)
            .job_run_state(JobRunState::Succeeded)
            .execution_time(160)
            .max_capacity(0.0625)
            .build();
        assert_eq!(translate(&shell).dpu_seconds, Some(10.0));
        // A worker type outside the cost table falls back to MaxCapacity, then to nothing.
        let standard = run("jr_4", 0)
            .execution_time(100)
            .worker_type(WorkerType::Standard)
            .number_of_workers(2)
            .build();
        assert_eq!(translate(&standard).dpu_seconds, None);
        assert_eq!(translate(&standard).state, "");
    }

    #[test]
    fn the_newest_run_is_the_last() {
        let runs = vec![
            run("older", 100).build(),
            run("newest", 300).build(),
            run("middle", 200).build(),
            GlueJobRun::builder().id("no-time").build(),
        ];
        assert_eq!(newest(&runs).and_then(|r| r.id()), Some("newest"));
        let tie = vec![run("first", 5).build(), run("second", 5).build()];
        assert_eq!(newest(&tie).and_then(|r| r.id()), Some("first"));
        assert!(newest(&[]).is_none());
    }
}
