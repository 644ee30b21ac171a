"""Conditional policy statements in the emulator: an unmet condition makes a statement not
apply (as on AWS), so a TLS-only bucket guard allows the emulator's requests, while an
unconditional Deny still denies.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import json
import unittest

from botocore.exceptions import ClientError

from emulator_client import client, require_emulator, unique


def setUpModule():
    require_emulator()


def policy(bucket, condition=None):
    statement = {"Sid": "Guard", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                 "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


class ConditionalStatementsTest(unittest.TestCase):
    def setUp(self):
        self.s3 = client("s3")
        self.bucket = unique("tls-guard")
        self.s3.create_bucket(Bucket=self.bucket)

    def tearDown(self):
        # The bucket owner may always delete the policy, whatever it says.
        self.s3.delete_bucket_policy(Bucket=self.bucket)
        for obj in self.s3.list_objects_v2(Bucket=self.bucket).get("Contents", []):
            self.s3.delete_object(Bucket=self.bucket, Key=obj["Key"])
        self.s3.delete_bucket(Bucket=self.bucket)

    def test_tls_only_guard_does_not_deny(self):
        self.s3.put_bucket_policy(Bucket=self.bucket, Policy=policy(
            self.bucket, {"Bool": {"aws:SecureTransport": "false"}}))
        self.s3.put_object(Bucket=self.bucket, Key="scripts/job.py", Body=b"print(1)")
        body = self.s3.get_object(Bucket=self.bucket, Key="scripts/job.py")["Body"].read()
        self.assertEqual(body, b"print(1)")

    def test_unconditional_deny_still_denies(self):
        self.s3.put_bucket_policy(Bucket=self.bucket, Policy=policy(self.bucket))
        with self.assertRaises(ClientError) as ctx:
            self.s3.put_object(Bucket=self.bucket, Key="x", Body=b"x")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)


if __name__ == "__main__":
    unittest.main()
