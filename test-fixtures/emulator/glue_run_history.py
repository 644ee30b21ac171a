"""Glue run history: job runs and crawls as GetJobRuns, GetCrawler and GetCrawlerMetrics
report them, and a way for tests to seed them.

moto 5.2.5 lists a job's runs oldest first (AWS lists the newest first), reports every run
with ExecutionTime 123, GlueVersion "0.9" and never an ErrorMessage, has no
GetCrawlerMetrics at all (HTTP 500), and reports GetCrawler's LastCrawl with the crawl's
own state (RUNNING, COMPLETED, STOPPED) where AWS's LastCrawlInfo has SUCCEEDED, CANCELLED
or FAILED for the last crawl that ended. `install()` changes that:

GetJobRuns(JobName, NextToken?, MaxResults?) -> {"JobRuns": [...], "NextToken"?}
    Newest first. Runs seeded through the control API (below) carry what the test gave.

GetCrawlerMetrics(CrawlerNameList?, NextToken?, MaxResults?) -> {"CrawlerMetricsList": [...]}
    One entry per crawler named (every crawler when no list is given), in name order;
    names of crawlers that do not exist are left out. Each entry: CrawlerName,
    TimeLeftSeconds (0), StillEstimating (false), LastRuntimeSeconds and
    MedianRuntimeSeconds (over the crawls that ended), and TablesCreated, TablesUpdated,
    TablesDeleted of the last crawl that ended (0 unless seeded).

GetCrawler / GetCrawlers / BatchGetCrawlers LastCrawl
    The last crawl that ended, with Status SUCCEEDED (moto's COMPLETED), CANCELLED
    (STOPPED) or FAILED, and ErrorMessage when seeded; left out before the first crawl ends.

The control API seeds history (see `control.py`):

    POST /_flywheel/job-runs {"job": "name", "state": "FAILED", "error_message": "...",
        "execution_time": 300, "started_on": "2026-12-01T10:00:00Z", "dpu_seconds": 1500.5,
        "worker_type": "G.1X", "number_of_workers": 10, "max_capacity": 10.0,
        "account": "123456789012", "region": "us-east-1"}
    -> {"job": ..., "id": "jr_...", "state": ...}

records a run of that job that started at `started_on` (default: now) and, unless its
state is STARTING, RUNNING, STOPPING or WAITING, completed `execution_time` seconds later.
Capacity defaults to the job's: its worker type and workers (MaxCapacity then their DPUs,
as AWS reports it), else its MaxCapacity. DPUSeconds is reported only when given (AWS
reports it for FLEX and auto-scaling runs).

    POST /_flywheel/crawls {"crawler": "name", "status": "FAILED", "error_message": "...",
        "started_on": "...", "runtime_seconds": 75, "tables_created": 3,
        "tables_updated": 1, "tables_deleted": 0, "account": ..., "region": ...}
    -> {"crawler": ..., "crawl_id": ..., "status": ...}

records a crawl of that crawler that ended (`status` SUCCEEDED, CANCELLED or FAILED) with
those metrics. A crawler that is RUNNING or STOPPING answers 400, as does an unknown job or
crawler or a bad value.
"""

from __future__ import annotations

import datetime
import statistics
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.glue.models import FakeCrawl, FakeCrawler, FakeJob, FakeJobRun, GlueBackend, glue_backends
from moto.glue.responses import GlueResponse

JOB_RUN_STATES = ("STARTING", "RUNNING", "STOPPING", "STOPPED", "SUCCEEDED", "FAILED",
                  "TIMEOUT", "ERROR", "WAITING", "EXPIRED")
UNFINISHED = ("STARTING", "RUNNING", "STOPPING", "WAITING")
# LastCrawlInfo.Status -> the crawl state moto keeps (ListCrawls' CrawlState).
CRAWL_STATES = {"SUCCEEDED": "COMPLETED", "CANCELLED": "STOPPED", "FAILED": "FAILED"}
LAST_CRAWL_STATUS = {v: k for k, v in CRAWL_STATES.items()}
# DPUs per worker (model::cost::WORKER_DPUS in the provider; AWS Glue worker types).
WORKER_DPUS = {"G.025X": 0.25, "G.1X": 1, "G.2X": 2, "G.4X": 4, "G.8X": 8, "G.12X": 12,
               "G.16X": 16, "R.1X": 1, "R.2X": 2, "R.4X": 4, "R.8X": 8, "Z.2X": 2}


def _backend(spec: dict[str, Any]) -> GlueBackend:
    return glue_backends[spec.get("account") or "123456789012"][spec.get("region") or "us-east-1"]


def _time(value: Any, key: str) -> datetime.datetime:
    if value is None:
        return utcnow()
    if not isinstance(value, str):
        raise ValueError(f"{key} must be an RFC 3339 time such as 2026-12-01T10:00:00Z")
    try:
        t = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as e:
        raise ValueError(f"{key} must be an RFC 3339 time: {e}") from None
    # moto keeps naive UTC times.
    return t.astimezone(datetime.timezone.utc).replace(tzinfo=None) if t.tzinfo else t


def _number(spec: dict[str, Any], key: str, default: Any, integer: bool = False) -> Any:
    value = spec.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 \
            or (integer and not float(value).is_integer()):
        raise ValueError(f"{key} must be a {'whole ' if integer else ''}number of at least 0")
    return int(value) if integer else float(value)


def _text(spec: dict[str, Any], key: str) -> str | None:
    value = spec.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key} must be a string")
    return value


class SeededJobRun(FakeJobRun):
    """A job run with the state, times and figures a test gave; moto's state manager never
    moves it on."""

    def __init__(self, job: FakeJob, spec: dict[str, Any]):
        state = spec.get("state", "SUCCEEDED")
        if state not in JOB_RUN_STATES:
            raise ValueError(f"state must be one of {', '.join(JOB_RUN_STATES)}")
        worker_type = _text(spec, "worker_type") or job.worker_type
        workers = _number(spec, "number_of_workers", job.number_of_workers, integer=True)
        default_capacity = (workers * WORKER_DPUS[worker_type]
                            if workers and worker_type in WORKER_DPUS else job.max_capacity)
        FakeJobRun.__init__(self, job_name=job.name, arguments=dict(job.default_arguments or {}),
                            allocated_capacity=None,
                            max_capacity=_number(spec, "max_capacity", default_capacity),
                            timeout=job.timeout, worker_type=worker_type,
                            number_of_workers=workers)
        self._state = state
        self.execution_time = _number(spec, "execution_time", 0, integer=True)
        self.started_on = _time(spec.get("started_on"), "started_on")
        finished = state not in UNFINISHED
        self.completed_on = (self.started_on + datetime.timedelta(seconds=self.execution_time)
                             if finished else None)
        self.modified_on = self.completed_on or self.started_on
        self.error_message = _text(spec, "error_message")
        self.dpu_seconds = _number(spec, "dpu_seconds", None)
        self.glue_version = job.glue_version
        self.execution_class = getattr(job, "execution_class", None)

    @property  # type: ignore[override]
    def status(self) -> str:
        return self._state

    @status.setter
    def status(self, value: str) -> None:
        self._state = value

    def advance(self) -> None:
        """A seeded run keeps the state it was given."""

    def as_dict(self) -> dict[str, Any]:
        # The members AWS's JobRun has for a run of a Spark job (GetJobRuns).
        out: dict[str, Any] = {
            "Id": self.job_run_id,
            "Attempt": 0,
            "JobName": self.job_name,
            "StartedOn": self.started_on,
            "LastModifiedOn": self.modified_on,
            "JobRunState": self._state,
            "Arguments": self.arguments,
            "PredecessorRuns": [],
            "ExecutionTime": self.execution_time,
            "LogGroupName": "/aws-glue/jobs",
        }
        optional = {
            "CompletedOn": self.completed_on,
            "ErrorMessage": self.error_message,
            "Timeout": self.timeout,
            "MaxCapacity": self.max_capacity,
            "WorkerType": self.worker_type,
            "NumberOfWorkers": self.number_of_workers,
            "GlueVersion": self.glue_version,
            "DPUSeconds": self.dpu_seconds,
            "ExecutionClass": self.execution_class,
        }
        out.update({k: v for k, v in optional.items() if v is not None})
        return out


class SeededCrawl(FakeCrawl):
    """A crawl that ended as a test said, with its metrics."""

    def __init__(self, crawler: FakeCrawler, spec: dict[str, Any]):
        FakeCrawl.__init__(self, crawler.name)
        status = spec.get("status", "SUCCEEDED")
        if status not in CRAWL_STATES:
            raise ValueError(f"status must be one of {', '.join(CRAWL_STATES)}")
        self._held = CRAWL_STATES[status]
        self.start_time = _time(spec.get("started_on"), "started_on")
        runtime = _number(spec, "runtime_seconds", 60)
        self.end_time = self.start_time + datetime.timedelta(seconds=runtime)
        self.error_message = _text(spec, "error_message")
        self.tables = {key: _number(spec, key, 0, integer=True)
                       for key in ("tables_created", "tables_updated", "tables_deleted")}

    @property  # type: ignore[override]
    def status(self) -> str:
        return self._held

    @status.setter
    def status(self, value: str) -> None:
        self._held = value

    def advance(self) -> None:
        """A seeded crawl has ended."""

    def as_dict(self) -> dict[str, Any]:
        out = FakeCrawl.as_dict(self)
        if self.error_message:
            out["ErrorMessage"] = self.error_message
        return out


def seed_job_run(spec: Any) -> dict[str, Any]:
    """Records a run of a job, as the control API's POST /_flywheel/job-runs."""
    if not isinstance(spec, dict) or not isinstance(spec.get("job"), str):
        raise ValueError('give {"job": <name>, "state": ..., "execution_time": N, ...}')
    job: FakeJob | None = _backend(spec).jobs.get(spec["job"])
    if job is None:
        raise KeyError(f"no job {spec['job']!r}")
    run = SeededJobRun(job, spec)
    job.job_runs.append(run)
    return {"job": job.name, "id": run.job_run_id, "state": run.status}


def seed_crawl(spec: Any) -> dict[str, Any]:
    """Records a crawl that ended, as the control API's POST /_flywheel/crawls."""
    if not isinstance(spec, dict) or not isinstance(spec.get("crawler"), str):
        raise ValueError('give {"crawler": <name>, "status": ..., "tables_created": N, ...}')
    crawler: FakeCrawler | None = _backend(spec).crawlers.get(spec["crawler"])
    if crawler is None:
        raise KeyError(f"no crawler {spec['crawler']!r}")
    if crawler.status in ("RUNNING", "STOPPING"):
        raise ValueError(f"crawler {crawler.name!r} is {crawler.status}")
    crawl = SeededCrawl(crawler, spec)
    crawler.crawls.append(crawl)
    return {"crawler": crawler.name, "crawl_id": crawl.crawl_id,
            "status": LAST_CRAWL_STATUS[crawl.status]}


def _ended(crawler: FakeCrawler) -> list[FakeCrawl]:
    return [c for c in crawler.crawls if c.status in LAST_CRAWL_STATUS]


def _runtime(crawl: FakeCrawl) -> float:
    if crawl.end_time is None:
        return 0.0
    return max((crawl.end_time - crawl.start_time).total_seconds(), 0.0)


def last_crawl(crawler: FakeCrawler) -> dict[str, Any] | None:
    """GetCrawler's LastCrawl: the last crawl that ended, in LastCrawlInfo's terms."""
    ended = _ended(crawler)
    if not ended:
        return None
    crawl = ended[-1]
    out = {
        "Status": LAST_CRAWL_STATUS[crawl.status],
        "LogGroup": crawl.log_group,
        "LogStream": crawl.log_stream,
        "MessagePrefix": crawl.message_prefix,
        "StartTime": crawl.start_time,
    }
    if getattr(crawl, "error_message", None):
        out["ErrorMessage"] = crawl.error_message
    return out


def metrics(crawler: FakeCrawler) -> dict[str, Any]:
    ended = _ended(crawler)
    last = ended[-1] if ended else None
    tables = getattr(last, "tables", None) or {}
    return {
        "CrawlerName": crawler.name,
        "TimeLeftSeconds": 0.0,
        "StillEstimating": False,
        "LastRuntimeSeconds": _runtime(last) if last else 0.0,
        "MedianRuntimeSeconds": statistics.median(_runtime(c) for c in ended) if ended else 0.0,
        "TablesCreated": tables.get("tables_created", 0),
        "TablesUpdated": tables.get("tables_updated", 0),
        "TablesDeleted": tables.get("tables_deleted", 0),
    }


def response_get_crawler_metrics(self: GlueResponse) -> ActionResult:
    names = self._get_param("CrawlerNameList")
    crawlers = self.glue_backend.crawlers
    wanted = sorted(crawlers) if names is None else sorted(n for n in set(names) if n in crawlers)
    start = int(self._get_param("NextToken") or 0)
    size = self._get_int_param("MaxResults") or 100
    page = wanted[start:start + size]
    out: dict[str, Any] = {"CrawlerMetricsList": [metrics(crawlers[n]) for n in page]}
    if start + size < len(wanted):
        out["NextToken"] = str(start + size)
    return ActionResult(out)


def install() -> None:
    """Patch moto's Glue classes in this process (after glue_updates and
    glue_crawler_answers, whose crawler shape it wraps); safe to call more than once."""
    if getattr(GlueBackend, "_flywheel_run_history", False):
        return
    crawler_as_dict = FakeCrawler.as_dict

    def as_dict(self: FakeCrawler) -> dict[str, Any]:
        data = crawler_as_dict(self)
        data.pop("LastCrawl", None)
        last = last_crawl(self)
        if last is not None:
            data["LastCrawl"] = last
        return data

    def get_job_runs(self: FakeJob) -> list[FakeJobRun]:
        for run in self.job_runs:
            run.advance()
        # Newest first, as AWS lists them; of runs started at the same time, the one
        # recorded last first.
        return sorted(reversed(self.job_runs), key=lambda r: r.started_on, reverse=True)

    FakeCrawler.as_dict = as_dict
    FakeJob.get_job_runs = get_job_runs
    GlueResponse.get_crawler_metrics = response_get_crawler_metrics
    GlueBackend._flywheel_run_history = True
