"""CloudWatch over Smithy RPC v2 CBOR, the protocol the AWS SDKs use for it.

Requests are built, signed and parsed by botocore's own RPC v2 CBOR serializer, signer and
parser, as an SDK would send them, so the test fails if the emulator's translation
(cloudwatch_cbor.py) answers anything an SDK cannot read.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import unittest
import urllib.error
import urllib.request

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from emulator_client import (ENDPOINT, REGION, add_fault, delete_fault, require_emulator,
                             unique)


def setUpModule():
    require_emulator()


MODEL = botocore.session.get_session().get_service_model("cloudwatch")


def call(operation, params):
    """(status, parsed answer) of one CBOR call; errors parse as botocore's Error dict."""
    op = MODEL.operation_model(operation)
    req = create_serializer("smithy-rpc-v2-cbor").serialize_to_request(params, op)
    url = ENDPOINT.rstrip("/") + req["url_path"]
    aws = AWSRequest(method="POST", url=url, data=req["body"], headers=req["headers"])
    SigV4Auth(Credentials("test", "test"), "monitoring", REGION).add_auth(aws)
    prepared = urllib.request.Request(url, data=bytes(req["body"]), method="POST",
                                      headers=dict(aws.headers.items()))
    try:
        with urllib.request.urlopen(prepared, timeout=30) as r:
            status, headers, body = r.status, dict(r.headers.items()), r.read()
    except urllib.error.HTTPError as e:
        status, headers, body = e.code, dict(e.headers.items()), e.read()
    parser = create_parser("smithy-rpc-v2-cbor")
    response = {"status_code": status, "headers": headers, "body": body}
    return status, headers, parser.parse(response, op.output_shape)


class CborTest(unittest.TestCase):
    def setUp(self):
        self.name = unique("size-alarm")
        self.bucket = unique("bucket")

    def metrics(self):
        stat = lambda t: {"Metric": {"Namespace": "AWS/S3", "MetricName": "BucketSizeBytes",
                                     "Dimensions": [{"Name": "BucketName", "Value": self.bucket},
                                                    {"Name": "StorageType", "Value": t}]},
                          "Period": 86400, "Stat": "Average"}
        return [{"Id": "m0", "MetricStat": stat("StandardStorage"), "ReturnData": False},
                {"Id": "m1", "MetricStat": stat("IntelligentTieringFAStorage"),
                 "ReturnData": False},
                {"Id": "total", "Expression": "FILL(m0, 0) + FILL(m1, 0)", "ReturnData": True}]

    def test_alarm_round_trip_with_tags(self):
        status, headers, _ = call("PutMetricAlarm", {
            "AlarmName": self.name, "AlarmDescription": "size", "Metrics": self.metrics(),
            "Threshold": 5368709120.0, "ComparisonOperator": "GreaterThanThreshold",
            "EvaluationPeriods": 1, "TreatMissingData": "notBreaching",
            "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:alerts"],
            "Tags": [{"Key": "flywheel:owner", "Value": "abc"}]})
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("smithy-protocol"), "rpc-v2-cbor")
        status, _, out = call("DescribeAlarms", {"AlarmNames": [self.name]})
        self.assertEqual(status, 200)
        [alarm] = out["MetricAlarms"]
        self.assertEqual(alarm["Threshold"], 5368709120.0)
        self.assertEqual(alarm["AlarmActions"], ["arn:aws:sns:us-east-1:123456789012:alerts"])
        self.assertEqual([m["Id"] for m in alarm["Metrics"]], ["m0", "m1", "total"])
        self.assertEqual(alarm["Metrics"][2]["Expression"], "FILL(m0, 0) + FILL(m1, 0)")
        dims = alarm["Metrics"][1]["MetricStat"]["Metric"]["Dimensions"]
        self.assertIn({"Name": "StorageType", "Value": "IntelligentTieringFAStorage"}, dims)
        # A timestamp travels as CBOR tag 1 and parses as a datetime.
        self.assertTrue(hasattr(alarm["AlarmConfigurationUpdatedTimestamp"], "year"))
        status, _, tags = call("ListTagsForResource", {"ResourceARN": alarm["AlarmArn"]})
        self.assertEqual(tags["Tags"], [{"Key": "flywheel:owner", "Value": "abc"}])
        status, _, _ = call("DeleteAlarms", {"AlarmNames": [self.name]})
        self.assertEqual(status, 200)
        _, _, out = call("DescribeAlarms", {"AlarmNames": [self.name]})
        self.assertEqual(out["MetricAlarms"], [])

    def test_dashboard_round_trip_and_missing_dashboards(self):
        name = unique("dash")
        body = ('{"widgets":[{"type":"text","x":0,"y":0,"width":12,"height":6,'
                '"properties":{"markdown":"`flywheel:owner=abc`"}}]}')
        status, _, out = call("PutDashboard", {"DashboardName": name, "DashboardBody": body})
        self.assertEqual(status, 200, out)
        self.assertEqual(out.get("DashboardValidationMessages", []), [])
        status, _, out = call("GetDashboard", {"DashboardName": name})
        self.assertEqual(status, 200, out)
        self.assertEqual(out["DashboardName"], name)
        self.assertEqual(out["DashboardBody"], body)
        self.assertTrue(out["DashboardArn"].endswith(f":dashboard/{name}"), out)
        status, _, _ = call("DeleteDashboards", {"DashboardNames": [name]})
        self.assertEqual(status, 200)
        # A dashboard that does not exist: ResourceNotFound, as AWS answers (404).
        for op, params in (("GetDashboard", {"DashboardName": name}),
                           ("DeleteDashboards", {"DashboardNames": [name]})):
            status, _, out = call(op, params)
            self.assertEqual((status, out["Error"]["Code"]), (404, "ResourceNotFound"), op)
        status, _, out = call("PutDashboard", {"DashboardName": name, "DashboardBody": "{"})
        self.assertEqual(status, 400, out)

    def test_errors_keep_their_status_and_code(self):
        # An injected fault (control.py) is answered in JSON 1.0 form behind the translation.
        fault = add_fault(operation="DescribeAlarms", match=self.name, status=400,
                          code="InvalidParameterValue", message="no such thing")
        self.addCleanup(delete_fault, fault["id"])
        status, headers, out = call("DescribeAlarms", {"AlarmNames": [self.name]})
        self.assertEqual(status, 400, out)
        self.assertEqual(headers.get("smithy-protocol"), "rpc-v2-cbor")
        self.assertEqual(out["Error"]["Code"], "InvalidParameterValue")
        self.assertEqual(out["Error"]["Message"], "no such thing")


if __name__ == "__main__":
    unittest.main()
