"""Timed crawler runs (/_flywheel/crawler-runs) and what Glue refuses while a crawler runs.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import time
import unittest

from botocore.exceptions import ClientError

from emulator_client import DEFAULT_ACCOUNT, client, control, ensure_role, require_emulator, unique

ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/flywheel-emulator-glue-role"
TARGETS = {"S3Targets": [{"Path": "s3://omc-flywheel-data-us-east-1-prod/opus/"}]}


def setUpModule():
    require_emulator()
    ensure_role(ROLE)


def code(ctx):
    return ctx.exception.response["Error"]["Code"]


class TimedRunTest(unittest.TestCase):
    def setUp(self):
        self.glue = client("glue")
        self.name = unique("crawler-run")
        self.glue.create_crawler(Name=self.name, Role=ROLE, DatabaseName="db", Targets=TARGETS,
                                 TablePrefix="before_")
        self.addCleanup(self.delete_when_ready)

    def delete_when_ready(self):
        for _ in range(100):
            if self.state() == "READY":
                break
            time.sleep(0.1)
        self.glue.delete_crawler(Name=self.name)

    def state(self):
        return self.glue.get_crawler(Name=self.name)["Crawler"]["State"]

    def start(self, running, stopping=1):
        status, body = control("POST", "crawler-runs", {
            "crawler": self.name, "running_seconds": running, "stopping_seconds": stopping})
        self.assertEqual(status, 200, body)
        return body

    def test_runs_for_the_time_given_then_is_ready(self):
        body = self.start(1.5)
        self.assertEqual(body["state"], "RUNNING")
        self.assertEqual(self.state(), "RUNNING")
        # Listing crawls moves moto's own crawls on, not a timed one.
        self.glue.list_crawls(CrawlerName=self.name)
        self.assertEqual(self.state(), "RUNNING")
        time.sleep(1.7)
        self.assertEqual(self.state(), "READY")
        self.glue.update_crawler(Name=self.name, TablePrefix="after_")
        self.assertEqual(self.glue.get_crawler(Name=self.name)["Crawler"]["TablePrefix"], "after_")

    def test_update_delete_and_start_are_refused_while_running(self):
        self.start(30)
        with self.assertRaises(ClientError) as ctx:
            self.glue.update_crawler(Name=self.name, TablePrefix="x_")
        self.assertEqual(code(ctx), "InvalidInputException")
        self.assertIn("Cannot update Crawler while running", str(ctx.exception))
        with self.assertRaises(ClientError) as ctx:
            self.glue.delete_crawler(Name=self.name)
        self.assertEqual(code(ctx), "CrawlerRunningException")
        with self.assertRaises(ClientError) as ctx:
            self.glue.start_crawler(Name=self.name)
        self.assertEqual(code(ctx), "CrawlerRunningException")
        self.assertEqual(self.glue.get_crawler(Name=self.name)["Crawler"]["TablePrefix"], "before_")
        self.glue.stop_crawler(Name=self.name)

    def test_stop_takes_the_stopping_time_and_is_refused_while_stopping(self):
        self.start(600, stopping=1.5)
        self.glue.stop_crawler(Name=self.name)
        self.assertEqual(self.state(), "STOPPING")
        with self.assertRaises(ClientError) as ctx:
            self.glue.stop_crawler(Name=self.name)
        self.assertEqual(code(ctx), "CrawlerStoppingException")
        with self.assertRaises(ClientError) as ctx:
            self.glue.update_crawler(Name=self.name, TablePrefix="x_")
        self.assertEqual(code(ctx), "InvalidInputException")
        with self.assertRaises(ClientError) as ctx:
            self.glue.delete_crawler(Name=self.name)
        self.assertEqual(code(ctx), "CrawlerRunningException")
        time.sleep(1.7)
        self.assertEqual(self.state(), "READY")
        with self.assertRaises(ClientError) as ctx:
            self.glue.stop_crawler(Name=self.name)
        self.assertEqual(code(ctx), "CrawlerNotRunningException")

    def test_a_second_run_is_refused_and_bad_requests_are_400(self):
        self.start(30)
        status, body = control("POST", "crawler-runs", {"crawler": self.name})
        self.assertEqual(status, 400, body)
        self.assertIn("already RUNNING", body["error"])
        self.glue.stop_crawler(Name=self.name)
        for bad in ({"crawler": unique("no-such-crawler")}, {"running_seconds": 1},
                    {"crawler": self.name, "running_seconds": -1},
                    {"crawler": self.name, "stopping_seconds": "2"}):
            status, body = control("POST", "crawler-runs", bad)
            self.assertEqual(status, 400, (bad, body))


if __name__ == "__main__":
    unittest.main()
