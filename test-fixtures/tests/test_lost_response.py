"""Lost responses: the call reaches moto and takes effect, but the client sees only a 5xx or
a dropped connection. These are the creates the provider must survive: the SDK retries,
and the retry meets the object the lost call created.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import json
import threading
import time
import unittest

from botocore.exceptions import ClientError, ConnectionClosedError

from emulator_client import (ensure_role, DEFAULT_ACCOUNT, add_fault, client, control, delete_fault, fault,
                             logged, require_emulator, unique)


def setUpModule():
    require_emulator()
    ensure_role(ROLE_ARN)


ROLE_ARN = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/flywheel-glue-role"
COMMAND = {"Name": "glueetl", "ScriptLocation": "s3://assets/scripts/job.py"}
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def error_code(ctx):
    return ctx.exception.response["Error"]["Code"]


def http_status(ctx):
    return ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"]


class LostResponseTest(unittest.TestCase):
    """Each create the provider's tests lose: moto acts, the client gets a 500, a retry conflicts."""

    def setUp(self):
        self.glue, self.iam, self.s3 = client("glue"), client("iam"), client("s3")

    def arm(self, **spec):
        f = add_fault(lost_response=True, **spec)
        self.addCleanup(delete_fault, f["id"])
        return f

    def assert_lost(self, f, call, status=500):
        """`call` fails with `status`, and the log shows moto answered 200 first."""
        with self.assertRaises(ClientError) as ctx:
            call()
        self.assertEqual(http_status(ctx), status)
        entries = logged(f["id"])
        self.assertEqual(len(entries), 1, entries)
        entry = entries[0]
        self.assertEqual((entry["status"], entry["backend_status"]), (status, 200))
        self.assertEqual((entry["lost_response"], entry["dropped"]), (True, False))
        self.assertIsNone(fault(f["id"]), "count 1: the fault is used up")
        return ctx

    def test_glue_create_job(self):
        name = unique("lost-job")
        f = self.arm(service="glue", operation="CreateJob", match=name)
        self.assertEqual(f["code"], "InternalServiceException")
        create = lambda: self.glue.create_job(Name=name, Role=ROLE_ARN, Command=COMMAND)
        ctx = self.assert_lost(f, create)
        self.addCleanup(self.glue.delete_job, JobName=name)
        self.assertEqual(error_code(ctx), "InternalServiceException")
        self.assertEqual(self.glue.get_job(JobName=name)["Job"]["Role"], ROLE_ARN)
        with self.assertRaises(ClientError) as retry:
            create()
        self.assertEqual(error_code(retry), "AlreadyExistsException")

    def test_glue_create_crawler(self):
        name, db = unique("lost-crawler"), unique("lost_crawler_db")
        f = self.arm(service="glue", operation="CreateCrawler", match=name)
        create = lambda: self.glue.create_crawler(
            Name=name, Role=ROLE_ARN, DatabaseName=db,
            Targets={"S3Targets": [{"Path": "s3://data/ingest/"}]})
        self.assert_lost(f, create)
        self.addCleanup(self.glue.delete_crawler, Name=name)
        self.assertEqual(self.glue.get_crawler(Name=name)["Crawler"]["DatabaseName"], db)
        with self.assertRaises(ClientError) as retry:
            create()
        self.assertEqual(error_code(retry), "AlreadyExistsException")

    def test_glue_create_trigger(self):
        name = unique("lost-trigger")
        f = self.arm(service="glue", operation="CreateTrigger", match=name)
        create = lambda: self.glue.create_trigger(
            Name=name, Type="SCHEDULED", Schedule="cron(0 3 * * ? *)",
            Actions=[{"JobName": "nightly"}], Tags={"flywheel:owner": "platform"})
        self.assert_lost(f, create)
        self.addCleanup(self.glue.delete_trigger, Name=name)
        self.assertEqual(self.glue.get_trigger(Name=name)["Trigger"]["Schedule"], "cron(0 3 * * ? *)")
        with self.assertRaises(ClientError) as retry:
            create()
        # moto replaced the trigger silently; AWS refuses a second one with the same name.
        self.assertEqual(error_code(retry), "AlreadyExistsException")

    def test_glue_create_database(self):
        name = unique("lost_db")
        f = self.arm(service="glue", operation="CreateDatabase", match=name, status=503)
        create = lambda: self.glue.create_database(DatabaseInput={"Name": name})
        ctx = self.assert_lost(f, create, status=503)
        self.addCleanup(self.glue.delete_database, Name=name)
        self.assertEqual(error_code(ctx), "ServiceUnavailable")
        self.assertEqual(self.glue.get_database(Name=name)["Database"]["Name"], name)
        with self.assertRaises(ClientError) as retry:
            create()
        self.assertEqual(error_code(retry), "AlreadyExistsException")

    def test_iam_create_role(self):
        name = unique("lost-role")
        f = self.arm(service="iam", operation="CreateRole", match=name)
        create = lambda: self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
        ctx = self.assert_lost(f, create)
        self.addCleanup(self.iam.delete_role, RoleName=name)
        self.assertEqual(error_code(ctx), "ServiceFailure")
        self.assertEqual(self.iam.get_role(RoleName=name)["Role"]["RoleName"], name)
        with self.assertRaises(ClientError) as retry:
            create()
        self.assertEqual(error_code(retry), "EntityAlreadyExists")

    def test_s3_create_bucket_us_east_1(self):
        bucket = unique("lost-bucket")
        f = self.arm(service="s3", operation="CreateBucket", match=bucket)
        ctx = self.assert_lost(f, lambda: self.s3.create_bucket(Bucket=bucket))
        self.addCleanup(self.s3.delete_bucket, Bucket=bucket)
        self.assertEqual(error_code(ctx), "InternalError")
        self.s3.head_bucket(Bucket=bucket)
        # us-east-1's legacy answer to re-creating a bucket you own: 200 OK.
        self.assertEqual(self.s3.create_bucket(Bucket=bucket)["Location"], f"/{bucket}")

    def test_s3_create_bucket_other_region(self):
        s3 = client("s3", region="eu-west-1")
        bucket = unique("lost-bucket-eu")
        config = {"LocationConstraint": "eu-west-1"}
        f = self.arm(service="s3", operation="CreateBucket", match=bucket)
        self.assert_lost(f, lambda: s3.create_bucket(Bucket=bucket, CreateBucketConfiguration=config))
        self.addCleanup(s3.delete_bucket, Bucket=bucket)
        self.assertEqual(s3.get_bucket_location(Bucket=bucket)["LocationConstraint"], "eu-west-1")
        with self.assertRaises(ClientError) as retry:
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration=config)
        self.assertEqual(error_code(retry), "BucketAlreadyOwnedByYou")

    def test_sdk_retry_meets_the_object(self):
        """What the provider sees: its SDK retries the 500 itself and reports the conflict."""
        glue = client("glue", attempts=3)
        name = unique("lost-retried-job")
        f = self.arm(service="glue", operation="CreateJob", match=name)
        with self.assertRaises(ClientError) as ctx:
            glue.create_job(Name=name, Role=ROLE_ARN, Command=COMMAND)
        self.addCleanup(glue.delete_job, JobName=name)
        self.assertEqual(error_code(ctx), "AlreadyExistsException")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["RetryAttempts"], 1)
        self.assertEqual(len(logged(f["id"])), 1)


class LostResponseCountTest(unittest.TestCase):
    def test_skip_and_count_pick_which_calls_are_lost(self):
        glue = client("glue")
        prefix = unique("counted_db")
        names = [f"{prefix}_{i}" for i in range(4)]
        f = add_fault(service="glue", operation="CreateDatabase", match=prefix,
                      lost_response=True, skip=1, count=2)
        self.addCleanup(delete_fault, f["id"])
        outcomes = []
        for name in names:
            try:
                glue.create_database(DatabaseInput={"Name": name})
                outcomes.append("ok")
            except ClientError as e:
                outcomes.append(e.response["Error"]["Code"])
            self.addCleanup(glue.delete_database, Name=name)
        self.assertEqual(outcomes, ["ok", "InternalServiceException", "InternalServiceException", "ok"])
        # Lost or not, every call took effect.
        for name in names:
            glue.get_database(Name=name)
        entries = logged(f["id"])
        self.assertEqual([(e["status"], e["backend_status"], e["lost_response"]) for e in entries],
                         [(500, 200, True)] * 2)
        self.assertIsNone(fault(f["id"]))

    def test_other_operations_and_names_are_not_lost(self):
        glue = client("glue")
        name = unique("kept-job")
        f = add_fault(service="glue", operation="CreateJob", match=name, lost_response=True,
                      count=-1)
        self.addCleanup(delete_fault, f["id"])
        other = unique("other-job")
        glue.create_job(Name=other, Role=ROLE_ARN, Command=COMMAND)
        self.addCleanup(glue.delete_job, JobName=other)
        with self.assertRaises(ClientError) as ctx:
            glue.get_job(JobName=name)  # matches the name, not the operation
        self.assertEqual(error_code(ctx), "EntityNotFoundException")
        self.assertEqual(fault(f["id"])["fired"], 0)


class DroppedConnectionTest(unittest.TestCase):
    """`drop`: no HTTP answer at all, as when the network fails."""

    def add(self, **spec):
        f = add_fault(**spec)
        self.addCleanup(delete_fault, f["id"])
        return f

    def test_drop_after_moto_acted(self):
        glue = client("glue")
        name = unique("dropped-job")
        f = self.add(service="glue", operation="CreateJob", match=name, lost_response=True,
                     drop=True)
        self.assertEqual(f["status"], 0)
        started = time.monotonic()
        with self.assertRaises(ConnectionClosedError):
            glue.create_job(Name=name, Role=ROLE_ARN, Command=COMMAND)
        self.assertLess(time.monotonic() - started, 10, "the client must see the close at once")
        self.addCleanup(glue.delete_job, JobName=name)
        self.assertEqual(glue.get_job(JobName=name)["Job"]["Name"], name)
        [entry] = logged(f["id"])
        self.assertEqual((entry["status"], entry["backend_status"]), (None, 200))
        self.assertEqual((entry["lost_response"], entry["dropped"]), (True, True))

    def test_drop_before_moto(self):
        iam = client("iam")
        name = unique("dropped-role")
        f = self.add(service="iam", operation="CreateRole", match=name, drop=True)
        with self.assertRaises(ConnectionClosedError):
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
        with self.assertRaises(ClientError) as ctx:
            iam.get_role(RoleName=name)
        self.assertEqual(error_code(ctx), "NoSuchEntity")
        [entry] = logged(f["id"])
        self.assertEqual((entry["status"], entry["backend_status"]), (None, None))
        self.assertEqual((entry["lost_response"], entry["dropped"]), (False, True))

    def test_sdk_retries_a_dropped_create_bucket(self):
        s3 = client("s3", attempts=3)
        bucket = unique("dropped-bucket")
        f = self.add(service="s3", operation="CreateBucket", match=bucket, lost_response=True,
                     drop=True)
        resp = s3.create_bucket(Bucket=bucket)  # the retry gets us-east-1's 200
        self.addCleanup(s3.delete_bucket, Bucket=bucket)
        self.assertEqual(resp["ResponseMetadata"]["RetryAttempts"], 1)
        self.assertEqual(len(logged(f["id"])), 1)
        # The server is still fine after dropping a connection.
        self.assertEqual(control("GET", "health")[0], 200)


class LostResponseDelayTest(unittest.TestCase):
    def test_delay_runs_after_moto_acted(self):
        """A slow lost answer: the object exists while the client still waits."""
        glue = client("glue")
        name = unique("slow_db")
        f = add_fault(service="glue", operation="CreateDatabase", match=name, lost_response=True,
                      delay_ms=2000)
        self.addCleanup(delete_fault, f["id"])
        errors, creator = [], client("glue")

        def create():
            try:
                creator.create_database(DatabaseInput={"Name": name})
            except ClientError as e:
                errors.append(e.response["Error"]["Code"])

        worker = threading.Thread(target=create)
        worker.start()
        self.addCleanup(glue.delete_database, Name=name)
        deadline = time.monotonic() + 1.5
        while True:
            try:
                glue.get_database(Name=name)
                break
            except ClientError:
                self.assertLess(time.monotonic(), deadline, "moto did not act before the delay")
                time.sleep(0.05)
        self.assertTrue(worker.is_alive(), "the client should still be waiting")
        worker.join(10)
        self.assertEqual(errors, ["InternalServiceException"])


class LostResponseSpecTest(unittest.TestCase):
    def test_rejected_specs(self):
        for spec, why in [({"lost_response": True, "status": 0}, "needs an error status or drop"),
                          ({"drop": True, "status": 500}, "drop answers nothing")]:
            status, body = control("POST", "faults", spec)
            self.assertEqual(status, 400, spec)
            self.assertIn(why, body["error"])

    def test_listed_with_its_flavour(self):
        f = add_fault(operation="CreateJob", match=unique("listed"), lost_response=True)
        self.addCleanup(delete_fault, f["id"])
        _, body = control("GET", "faults")
        listed = next(x for x in body["faults"] if x["id"] == f["id"])
        self.assertEqual((listed["lost_response"], listed["drop"], listed["status"]), (True, False, 500))


if __name__ == "__main__":
    unittest.main()
