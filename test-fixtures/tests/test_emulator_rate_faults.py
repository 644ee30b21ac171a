"""Faults at a rate, reproducible from a seed, and the mix of failure kinds.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import socket
import unittest

from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

from emulator_client import (add_fault, client, control, delete_fault, fault, logged,
                             require_emulator, unique)


def setUpModule():
    require_emulator()


def outcome(call):
    """What one call got: 'ok', the error code, or 'dropped'."""
    try:
        call()
        return "ok"
    except ClientError as e:
        return e.response["Error"]["Code"]
    except ConnectionClosedError:
        return "dropped"
    except ReadTimeoutError:
        return "timeout"


class RateTest(unittest.TestCase):
    def setUp(self):
        self.faults = []

    def tearDown(self):
        for fault_id in self.faults:
            delete_fault(fault_id)

    def add(self, **spec):
        f = add_fault(**spec)
        self.faults.append(f["id"])
        return f

    def pattern(self, seed, calls=40, **spec):
        """Which of `calls` GetJob calls for one name fail, under a fresh fault."""
        job = unique("rate-job")
        f = self.add(service="glue", operation="GetJob", match=job, count=-1, seed=seed, **spec)
        glue = client("glue")
        got = [outcome(lambda: glue.get_job(JobName=job)) for _ in range(calls)]
        delete_fault(f["id"])
        return got

    def test_same_seed_same_failures(self):
        first = self.pattern(11, rate=0.3, status=500)
        again = self.pattern(11, rate=0.3, status=500)
        other = self.pattern(12, rate=0.3, status=500)
        self.assertEqual(first, again)
        self.assertNotEqual(first, other)
        failed = first.count("InternalServiceException")
        # Every other call reaches moto, which has no such job.
        self.assertEqual(failed + first.count("EntityNotFoundException"), len(first))
        self.assertTrue(4 <= failed <= 20, f"{failed} of 40 failed at rate 0.3: {first}")

    def test_count_bounds_the_failures_at_a_rate(self):
        job = unique("rate-count")
        f = self.add(service="glue", operation="GetJob", match=job, count=3, rate=0.5, seed=3)
        glue = client("glue")
        got = [outcome(lambda: glue.get_job(JobName=job)) for _ in range(30)]
        self.assertEqual(got.count("InternalServiceException"), 3, got)
        self.assertIsNone(fault(f["id"]), "a used-up fault is removed")

    def test_global_seed_is_the_default(self):
        status, body = control("GET", "seed")
        self.assertEqual(status, 200)
        before = body["seed"]
        try:
            self.assertEqual(control("POST", "seed", {"seed": 99})[1], {"seed": 99})
            job = unique("rate-global")
            f = self.add(service="glue", operation="GetJob", match=job, count=-1, rate=0.5)
            self.assertEqual(f["seed"], 99)
            glue = client("glue")
            from_global = [outcome(lambda: glue.get_job(JobName=job)) for _ in range(20)]
            delete_fault(f["id"])
            self.assertEqual(from_global, self.pattern(99, calls=20, rate=0.5))
            self.assertEqual(control("POST", "seed", {"seed": "x"})[0], 400)
        finally:
            control("POST", "seed", {"seed": before})

    def test_skip_fails_exactly_the_nth_call(self):
        job = unique("nth-job")
        self.add(service="glue", operation="GetJob", match=job, skip=2, count=1, status=500)
        glue = client("glue")
        got = [outcome(lambda: glue.get_job(JobName=job)) for _ in range(5)]
        self.assertEqual(got, ["EntityNotFoundException"] * 2 + ["InternalServiceException"]
                         + ["EntityNotFoundException"] * 2)

    def test_invalid_rate_and_mix_are_refused(self):
        for spec in ({"rate": 0}, {"rate": 1.5}, {"mix": []}, {"mix": ["boom"]},
                     {"mix": ["delay"]}, {"mix": ["500"], "status": 500},
                     {"mix": ["drop"], "lost_response": True}):
            status, body = control("POST", "faults", {"service": "glue", **spec})
            self.assertEqual(status, 400, f"{spec}: {body}")


class MixTest(unittest.TestCase):
    def setUp(self):
        self.faults = []

    def tearDown(self):
        for fault_id in self.faults:
            delete_fault(fault_id)

    def add(self, **spec):
        f = add_fault(**spec)
        self.faults.append(f["id"])
        return f

    def test_each_kind_fails_as_aws_and_networks_do(self):
        glue = client("glue", read_timeout=1, connect_timeout=2)
        name = unique("mix-job")
        kinds = {}
        for seed in range(200):
            f = self.add(service="glue", operation="CreateJob", match=name, count=1, seed=seed,
                         mix=["throttle", "500", "drop", "lost_response", "delay"], delay_ms=1500)
            got = outcome(lambda: glue.create_job(Name=name, Role="r",
                                                  Command={"Name": "glueetl"}))
            entry = logged(f["id"])[-1]
            kinds.setdefault(entry["fault_kind"], (got, entry))
            if entry["fault_kind"] in ("lost_response", "delay"):
                # It took effect (a delayed request a little later): start over.
                for _ in range(30):
                    if outcome(lambda: glue.delete_job(JobName=name)) == "ok" and \
                            outcome(lambda: glue.get_job(JobName=name)) == "EntityNotFoundException":
                        break
            if len(kinds) == 5:
                break
        self.assertEqual(set(kinds), {"throttle", "500", "drop", "lost_response", "delay"})
        got, entry = kinds["throttle"]
        self.assertEqual((got, entry["status"], entry["backend_status"]), ("ThrottlingException", 400, None))
        got, entry = kinds["500"]
        self.assertEqual((got, entry["status"], entry["backend_status"]), ("InternalServiceException", 500, None))
        got, entry = kinds["drop"]
        self.assertEqual((got, entry["dropped"], entry["backend_status"]), ("dropped", True, None))
        got, entry = kinds["lost_response"]
        self.assertEqual((got, entry["dropped"], entry["lost_response"], entry["backend_status"]),
                         ("dropped", True, True, 200))
        got, entry = kinds["delay"]
        self.assertEqual(got, "timeout")

    def test_s3_throttle_is_503_slow_down(self):
        s3 = client("s3")
        bucket = unique("mix-bucket")
        s3.create_bucket(Bucket=bucket)
        self.add(service="s3", operation="GetBucketTagging", match=bucket, count=1,
                 mix=["throttle"])
        with self.assertRaises(ClientError) as ctx:
            s3.get_bucket_tagging(Bucket=bucket)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "SlowDown")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 503)
        s3.delete_bucket(Bucket=bucket)

    def test_any_service_gets_its_own_codes(self):
        role = unique("mix-role")
        self.add(service="*", operation="GetRole", match=role, count=2, mix=["throttle", "500"],
                 seed=5)
        iam = client("iam")
        codes = {outcome(lambda: iam.get_role(RoleName=role)) for _ in range(2)}
        self.assertLessEqual(codes, {"Throttling", "ServiceFailure"})
        self.assertEqual(outcome(lambda: iam.get_role(RoleName=role)), "NoSuchEntity")

    def test_same_seed_same_kinds(self):
        def kinds(seed):
            job = unique("mix-seq")
            f = self.add(service="glue", operation="GetJob", match=job, count=-1, seed=seed,
                         rate=0.5, mix=["throttle", "500"])
            glue = client("glue")
            got = [outcome(lambda: glue.get_job(JobName=job)) for _ in range(30)]
            delete_fault(f["id"])
            return got
        self.assertEqual(kinds(4), kinds(4))
        self.assertEqual(len(set(kinds(4))), 3)


if __name__ == "__main__":
    unittest.main()
