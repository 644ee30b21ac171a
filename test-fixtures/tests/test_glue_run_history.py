"""Glue run history (glue_run_history.py): seeded job runs and crawls, GetJobRuns newest
first, GetCrawlerMetrics, and GetCrawler's LastCrawl in AWS's terms.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import datetime
import time
import unittest

from botocore.exceptions import ClientError

from emulator_client import DEFAULT_ACCOUNT, client, control, ensure_role, require_emulator, unique

ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/flywheel-emulator-glue-role"
TARGETS = {"S3Targets": [{"Path": "s3://omc-flywheel-data-us-east-1-prod/opus/"}]}
COMMAND = {"Name": "glueetl", "ScriptLocation": "s3://assets/scripts/x.py", "PythonVersion": "3"}


def setUpModule():
    require_emulator()
    ensure_role(ROLE)


def seed(path, **spec):
    status, body = control("POST", path, spec)
    if status != 200:
        raise AssertionError(f"POST /_flywheel/{path} {spec} answered {status}: {body}")
    return body


def utc(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


class JobRunsTest(unittest.TestCase):
    def setUp(self):
        self.glue = client("glue")
        self.name = unique("job-runs")
        self.glue.create_job(Name=self.name, Role=ROLE, Command=COMMAND, WorkerType="G.2X",
                             NumberOfWorkers=5, GlueVersion="4.0", Timeout=60)
        self.addCleanup(self.glue.delete_job, JobName=self.name)

    def runs(self, **kw):
        return self.glue.get_job_runs(JobName=self.name, **kw)["JobRuns"]

    def test_no_runs(self):
        self.assertEqual(self.runs(), [])

    def test_seeded_runs_newest_first_with_what_was_given(self):
        failed = seed("job-runs", job=self.name, state="FAILED", execution_time=300,
                      error_message="AnalysisException: Path does not exist: s3://in/",
                      started_on="2026-12-01T10:00:00Z")
        ok = seed("job-runs", job=self.name, state="SUCCEEDED", execution_time=125,
                  dpu_seconds=1100.5, started_on="2026-12-01T12:00:00Z")
        # Recorded last but started first: listed last.
        older = seed("job-runs", job=self.name, state="TIMEOUT", execution_time=3600,
                     started_on="2026-11-30T08:00:00Z")
        runs = self.runs()
        self.assertEqual([r["Id"] for r in runs], [ok["id"], failed["id"], older["id"]])
        self.assertTrue(all(r["Id"].startswith("jr_") for r in runs))
        newest, fail = runs[0], runs[1]
        self.assertEqual(newest["JobRunState"], "SUCCEEDED")
        self.assertEqual(newest["ExecutionTime"], 125)
        self.assertEqual(newest["DPUSeconds"], 1100.5)
        self.assertNotIn("ErrorMessage", newest)
        self.assertEqual(fail["JobRunState"], "FAILED")
        self.assertEqual(fail["ErrorMessage"], "AnalysisException: Path does not exist: s3://in/")
        self.assertEqual(fail["ExecutionTime"], 300)
        self.assertNotIn("DPUSeconds", fail, "AWS gives DPUSeconds only for FLEX and auto-scaling")
        # The job's capacity, MaxCapacity as their DPUs, and its Glue version.
        self.assertEqual((fail["WorkerType"], fail["NumberOfWorkers"]), ("G.2X", 5))
        self.assertEqual(fail["MaxCapacity"], 10.0)
        self.assertEqual(fail["GlueVersion"], "4.0")
        self.assertEqual(fail["Timeout"], 60)
        self.assertEqual(fail["StartedOn"], utc("2026-12-01T10:00:00Z"))
        self.assertEqual(fail["CompletedOn"], utc("2026-12-01T10:05:00Z"))
        # GetJobRun agrees, and pages follow the same order.
        one = self.glue.get_job_run(JobName=self.name, RunId=fail["Id"])["JobRun"]
        self.assertEqual(one["ErrorMessage"], fail["ErrorMessage"])
        self.assertEqual(one["JobRunState"], "FAILED")
        self.assertEqual([r["Id"] for r in self.runs(MaxResults=1)], [ok["id"]])

    def test_a_running_run_has_not_completed(self):
        seed("job-runs", job=self.name, state="RUNNING")
        run = self.runs()[0]
        self.assertEqual(run["JobRunState"], "RUNNING")
        self.assertNotIn("CompletedOn", run)
        self.assertEqual(run["ExecutionTime"], 0)

    def test_started_runs_are_listed_first(self):
        seed("job-runs", job=self.name, state="FAILED", started_on="2026-01-01T00:00:00Z")
        started = self.glue.start_job_run(JobName=self.name)["JobRunId"]
        self.assertEqual(self.runs()[0]["Id"], started)

    def test_refusals(self):
        for spec in ({"job": "no-such-job"}, {"job": self.name, "state": "DONE"},
                     {"job": self.name, "execution_time": -1},
                     {"job": self.name, "execution_time": 1.5},
                     {"job": self.name, "started_on": "yesterday"}, {"state": "FAILED"}):
            status, body = control("POST", "job-runs", spec)
            self.assertEqual(status, 400, f"{spec}: {body}")
            self.assertIn("error", body)
        with self.assertRaises(ClientError) as ctx:
            self.glue.get_job_runs(JobName="no-such-job-" + self.name)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "EntityNotFoundException")


class CrawlsTest(unittest.TestCase):
    def setUp(self):
        self.glue = client("glue")
        self.name = unique("crawls")
        self.glue.create_crawler(Name=self.name, Role=ROLE, DatabaseName="db", Targets=TARGETS)
        self.addCleanup(self.delete_when_ready)

    def delete_when_ready(self):
        for _ in range(100):
            if self.glue.get_crawler(Name=self.name)["Crawler"]["State"] == "READY":
                break
            time.sleep(0.1)
        self.glue.delete_crawler(Name=self.name)

    def metrics(self):
        out = self.glue.get_crawler_metrics(CrawlerNameList=[self.name])["CrawlerMetricsList"]
        self.assertEqual([m["CrawlerName"] for m in out], [self.name])
        return out[0]

    def test_before_the_first_crawl(self):
        self.assertNotIn("LastCrawl", self.glue.get_crawler(Name=self.name)["Crawler"])
        m = self.metrics()
        self.assertEqual((m["TablesCreated"], m["TablesUpdated"], m["TablesDeleted"]), (0, 0, 0))
        self.assertEqual(m["LastRuntimeSeconds"], 0)
        self.assertIs(m["StillEstimating"], False)

    def test_seeded_crawls(self):
        seed("crawls", crawler=self.name, status="SUCCEEDED", runtime_seconds=40,
             tables_created=3, started_on="2026-12-01T09:00:00Z")
        seed("crawls", crawler=self.name, status="FAILED", runtime_seconds=80,
             error_message="Insufficient Lake Formation permission(s) on db",
             tables_created=0, tables_updated=2, tables_deleted=1,
             started_on="2026-12-01T10:00:00Z")
        c = self.glue.get_crawler(Name=self.name)["Crawler"]
        self.assertEqual(c["State"], "READY")
        last = c["LastCrawl"]
        self.assertEqual(last["Status"], "FAILED")
        self.assertEqual(last["ErrorMessage"], "Insufficient Lake Formation permission(s) on db")
        self.assertEqual(last["StartTime"], utc("2026-12-01T10:00:00Z"))
        self.assertEqual((last["LogGroup"], last["LogStream"]), ("/aws-glue/crawlers", self.name))
        m = self.metrics()
        self.assertEqual((m["TablesCreated"], m["TablesUpdated"], m["TablesDeleted"]), (0, 2, 1))
        self.assertEqual(m["LastRuntimeSeconds"], 80)
        self.assertEqual(m["MedianRuntimeSeconds"], 60)
        # The batch read says the same.
        batch = self.glue.batch_get_crawlers(CrawlerNames=[self.name])["Crawlers"][0]
        self.assertEqual(batch["LastCrawl"]["Status"], "FAILED")
        # ListCrawls keeps Glue's crawl states.
        crawls = self.glue.list_crawls(CrawlerName=self.name)["Crawls"]
        self.assertEqual(sorted(c["State"] for c in crawls), ["COMPLETED", "FAILED"])

    def test_last_crawl_is_the_last_that_ended(self):
        seed("crawls", crawler=self.name, status="CANCELLED")
        status, body = control("POST", "crawler-runs",
                               {"crawler": self.name, "running_seconds": 30})
        self.assertEqual(status, 200, body)
        c = self.glue.get_crawler(Name=self.name)["Crawler"]
        self.assertEqual(c["State"], "RUNNING")
        self.assertEqual(c["LastCrawl"]["Status"], "CANCELLED", "the crawl still running is not the last")
        status, body = control("POST", "crawls", {"crawler": self.name})
        self.assertEqual(status, 400, "a running crawler takes no seeded crawl")
        self.glue.stop_crawler(Name=self.name)

    def test_a_timed_run_that_ends_succeeds(self):
        status, body = control("POST", "crawler-runs",
                               {"crawler": self.name, "running_seconds": 0.2})
        self.assertEqual(status, 200, body)
        time.sleep(0.4)
        last = self.glue.get_crawler(Name=self.name)["Crawler"]["LastCrawl"]
        self.assertEqual(last["Status"], "SUCCEEDED")

    def test_metrics_of_several_and_unknown_names(self):
        other = unique("crawls")
        self.glue.create_crawler(Name=other, Role=ROLE, DatabaseName="db", Targets=TARGETS)
        self.addCleanup(self.glue.delete_crawler, Name=other)
        out = self.glue.get_crawler_metrics(
            CrawlerNameList=[other, self.name, "no-such-crawler-" + other])["CrawlerMetricsList"]
        self.assertEqual([m["CrawlerName"] for m in out], sorted([other, self.name]))
        page = self.glue.get_crawler_metrics(CrawlerNameList=[other, self.name], MaxResults=1)
        self.assertEqual(len(page["CrawlerMetricsList"]), 1)
        rest = self.glue.get_crawler_metrics(CrawlerNameList=[other, self.name], MaxResults=1,
                                             NextToken=page["NextToken"])
        self.assertEqual([m["CrawlerName"] for m in page["CrawlerMetricsList"] + rest["CrawlerMetricsList"]],
                         sorted([other, self.name]))
        self.assertNotIn("NextToken", rest)

    def test_refusals(self):
        for spec in ({"crawler": "no-such-crawler"}, {"crawler": self.name, "status": "COMPLETED"},
                     {"crawler": self.name, "tables_created": -1}, {"status": "FAILED"}):
            status, body = control("POST", "crawls", spec)
            self.assertEqual(status, 400, f"{spec}: {body}")


if __name__ == "__main__":
    unittest.main()
