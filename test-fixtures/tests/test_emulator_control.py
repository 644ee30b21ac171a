"""The emulator's control layer: error formats per protocol, the request log, accounts.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import json
import unittest

from botocore.exceptions import ClientError

from emulator_client import (DEFAULT_ACCOUNT, add_fault, client, control, delete_fault,
                             require_emulator, unique)


def setUpModule():
    require_emulator()


class ProtocolErrorsTest(unittest.TestCase):
    """An injected fault must parse as a service error in every protocol the provider uses."""

    def setUp(self):
        self.faults = []

    def tearDown(self):
        for fault_id in self.faults:
            delete_fault(fault_id)

    def add(self, **spec):
        f = add_fault(**spec)
        self.faults.append(f["id"])
        return f

    def test_s3_rest_xml(self):
        s3 = client("s3")
        bucket = unique("faulty-bucket")
        s3.create_bucket(Bucket=bucket)
        self.add(service="s3", operation="PutBucketPolicy", status=500, match=bucket)
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": f"arn:aws:s3:::{bucket}/*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
        with self.assertRaises(ClientError) as ctx:
            s3.put_bucket_policy(Bucket=bucket, Policy=policy)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InternalError")
        with self.assertRaises(ClientError) as ctx:
            s3.get_bucket_policy(Bucket=bucket)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "NoSuchBucketPolicy")
        s3.put_bucket_policy(Bucket=bucket, Policy=policy)
        self.assertEqual(json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]), json.loads(policy))
        s3.delete_bucket_policy(Bucket=bucket)
        s3.delete_bucket(Bucket=bucket)

    def test_s3_head_request_has_no_body(self):
        s3 = client("s3")
        bucket = unique("faulty-head")
        s3.create_bucket(Bucket=bucket)
        self.add(service="s3", operation="HeadBucket", status=503, match=bucket)
        with self.assertRaises(ClientError) as ctx:
            s3.head_bucket(Bucket=bucket)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 503)
        s3.head_bucket(Bucket=bucket)
        s3.delete_bucket(Bucket=bucket)

    def test_iam_query_xml(self):
        iam = client("iam")
        role = unique("faulty-role")
        self.add(service="iam", operation="CreateRole", status=400, code="Throttling", match=role)
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        with self.assertRaises(ClientError) as ctx:
            iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "Throttling")
        self.assertEqual(ctx.exception.response["Error"]["Message"], "Injected fault")
        with self.assertRaises(ClientError) as ctx:
            iam.get_role(RoleName=role)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "NoSuchEntity")
        self.assertEqual(iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)["Role"]["RoleName"], role)
        iam.delete_role(RoleName=role)

    def test_sts_default_code(self):
        f = self.add(service="sts", operation="GetCallerIdentity", status=500, match="GetCallerIdentity")
        self.assertEqual(f["code"], "InternalFailure")
        with self.assertRaises(ClientError) as ctx:
            client("sts").get_caller_identity()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InternalFailure")


class RequestLogTest(unittest.TestCase):
    def test_records_service_operation_and_status(self):
        glue, s3 = client("glue"), client("s3")
        bucket, job = unique("logged-bucket"), unique("logged-job")
        status, body = control("GET", "requests")
        self.assertEqual(status, 200)
        since = body["requests"][-1]["seq"] if body["requests"] else 0
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="scripts/job.py", Body=b"print('hi')\n")
        with self.assertRaises(ClientError):
            glue.get_job(JobName=job)
        client("sts").get_caller_identity()
        _, body = control("GET", f"requests?since={since}")
        seen = [(r["service"], r["operation"], r["status"]) for r in body["requests"]]
        expected = [("s3", "CreateBucket", 200), ("s3", "PutObject", 200),
                    ("glue", "GetJob", 400), ("sts", "GetCallerIdentity", 200)]
        # Other clients may share the emulator: ours must appear, in order.
        it = iter(seen)
        self.assertTrue(all(e in it for e in expected), f"{expected} not in order in {seen}")
        s3.delete_object(Bucket=bucket, Key="scripts/job.py")
        s3.delete_bucket(Bucket=bucket)

    def test_records_the_account(self):
        prod = client("sts", access_key="239083076653")
        prod.get_caller_identity()
        client("sts").get_caller_identity()
        _, body = control("GET", "requests")
        accounts = [r["account"] for r in body["requests"]
                    if r["operation"] == "GetCallerIdentity"]
        self.assertEqual(accounts[-2:], ["239083076653", DEFAULT_ACCOUNT])

    def test_since_lists_only_later_calls(self):
        client("sts").get_caller_identity()
        _, body = control("GET", "requests")
        last = body["requests"][-1]["seq"]
        client("sts").get_caller_identity()
        _, body = control("GET", f"requests?since={last}")
        self.assertTrue(body["requests"])
        self.assertTrue(all(r["seq"] > last for r in body["requests"]), body)
        _, body = control("GET", "requests?since=x")
        self.assertIn("error", body)

    def test_match_lists_only_calls_naming_the_text(self):
        """`?match=` scopes the log to one test's objects, so no test needs to clear it."""
        glue = client("glue")
        mine, other = unique("log-match"), unique("log-other")
        _, body = control("GET", "requests")
        since = body["requests"][-1]["seq"] if body["requests"] else 0
        for name in (mine, other, mine):
            with self.assertRaises(ClientError):
                glue.get_job(JobName=name)
        _, body = control("GET", f"requests?since={since}&match={mine}")
        self.assertEqual([r["operation"] for r in body["requests"]], ["GetJob", "GetJob"], body)
        # The path counts too (S3 bodies are never read).
        s3 = client("s3")
        with self.assertRaises(ClientError):
            s3.head_bucket(Bucket=mine)
        _, body = control("GET", f"requests?since={since}&match={mine}")
        self.assertEqual([r["operation"] for r in body["requests"]],
                         ["GetJob", "GetJob", "HeadBucket"], body)
        _, body = control("GET", f"requests?since={since}&match=no-such-text-{mine}")
        self.assertEqual(body["requests"], [])


class AccountFaultTest(unittest.TestCase):
    def test_fault_applies_only_to_its_account(self):
        f = add_fault(service="sts", operation="GetCallerIdentity", status=500,
                      account="239083076653", count=-1)
        try:
            self.assertEqual(f["account"], "239083076653")
            # Another account's calls pass.
            self.assertEqual(client("sts").get_caller_identity()["Account"], DEFAULT_ACCOUNT)
            with self.assertRaises(ClientError) as ctx:
                client("sts", access_key="239083076653").get_caller_identity()
            self.assertEqual(ctx.exception.response["Error"]["Code"], "InternalFailure")
        finally:
            delete_fault(f["id"])


class AccountTest(unittest.TestCase):
    def test_default_account(self):
        self.assertEqual(client("sts").get_caller_identity()["Account"], DEFAULT_ACCOUNT)

    def test_twelve_digit_access_key_is_the_account(self):
        sts = client("sts", access_key="239083076653")
        self.assertEqual(sts.get_caller_identity()["Account"], "239083076653")

    def test_accounts_are_separate(self):
        glue_prod = client("glue", access_key="239083076653")
        glue_default = client("glue")
        name = unique("account-job")
        glue_prod.create_job(Name=name, Role="r", Command={"Name": "glueetl"})
        self.assertEqual(glue_prod.get_job(JobName=name)["Job"]["Name"], name)
        with self.assertRaises(ClientError) as ctx:
            glue_default.get_job(JobName=name)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "EntityNotFoundException")
        glue_prod.delete_job(JobName=name)


class ManagedPoliciesTest(unittest.TestCase):
    def test_aws_glue_service_role_can_be_attached(self):
        iam = client("iam")
        role = unique("glue-role")
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "glue.amazonaws.com"}}]}))
        arn = "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"
        iam.attach_role_policy(RoleName=role, PolicyArn=arn)
        attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
        self.assertEqual([p["PolicyArn"] for p in attached], [arn])
        iam.detach_role_policy(RoleName=role, PolicyArn=arn)
        iam.delete_role(RoleName=role)


if __name__ == "__main__":
    unittest.main()
