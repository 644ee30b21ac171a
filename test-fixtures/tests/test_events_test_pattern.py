"""EventBridge TestEventPattern answers whether an event matches, as on AWS.

The events are AWS's documented Glue event examples (EventBridge user guide, "AWS Glue
events"), with the job and crawler names changed.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import json
import unittest

from botocore.exceptions import ClientError

from emulator_client import client, require_emulator


def setUpModule():
    require_emulator()


def event(detail_type, detail):
    return json.dumps({
        "version": "0", "id": "abcdef00-1234-5678-9abc-def012345678",
        "detail-type": detail_type, "source": "aws.glue", "account": "123456789012",
        "time": "2017-09-07T18:57:21Z", "region": "us-west-2", "resources": [],
        "detail": detail,
    })


JOB_FAILED = event("Glue Job State Change", {
    "jobName": "etl-omc-flywheel-prod-compaction", "severity": "ERROR", "state": "FAILED",
    "jobRunId": "jr_0123", "message": "JobName:etl failed"})
JOB_SUCCEEDED = event("Glue Job State Change", {
    "jobName": "etl-omc-flywheel-prod-compaction", "severity": "INFO", "state": "SUCCEEDED",
    "jobRunId": "jr_0123", "message": "Job run succeeded"})

PATTERN = json.dumps({
    "source": ["aws.glue"], "detail-type": ["Glue Job State Change"],
    "detail": {"state": ["FAILED", "TIMEOUT", "ERROR"],
               "jobName": [{"wildcard": "*omc-flywheel-prod*"}]}})


class TestEventPatternTest(unittest.TestCase):
    def setUp(self):
        self.events = client("events")

    def result(self, pattern, ev):
        return self.events.test_event_pattern(EventPattern=pattern, Event=ev)["Result"]

    def test_matches_and_mismatches(self):
        self.assertTrue(self.result(PATTERN, JOB_FAILED))
        self.assertFalse(self.result(PATTERN, JOB_SUCCEEDED))
        other = JOB_FAILED.replace("etl-omc-flywheel-prod-compaction", "etl-other-prod-x")
        self.assertFalse(self.result(PATTERN, other))

    def test_bad_input_is_rejected(self):
        with self.assertRaises(ClientError) as ctx:
            self.result(PATTERN, "not json")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ValidationException")
        with self.assertRaises(ClientError) as ctx:
            self.result(PATTERN, json.dumps({"source": "aws.glue"}))
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ValidationException")
        with self.assertRaises(ClientError) as ctx:
            self.result(json.dumps({"source": "aws.glue"}), JOB_FAILED)
        self.assertEqual(ctx.exception.response["Error"]["Code"],
                         "InvalidEventPatternException")


if __name__ == "__main__":
    unittest.main()
