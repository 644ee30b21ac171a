"""S3 CreateBucket of a bucket that already exists, per region and owner, as on AWS.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import unittest

from botocore.exceptions import ClientError

from emulator_client import client, require_emulator, unique


def setUpModule():
    require_emulator()


ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def grants(s3, bucket):
    return sorted((g["Grantee"].get("URI") or "owner", g["Permission"])
                  for g in s3.get_bucket_acl(Bucket=bucket)["Grants"])


class RecreateInUsEast1Test(unittest.TestCase):
    """us-east-1: 200 OK, and the ACL is reset (legacy behaviour, CreateBucket API reference)."""

    def setUp(self):
        self.s3 = client("s3", region="us-east-1")
        self.bucket = unique("recreated")
        self.s3.create_bucket(Bucket=self.bucket, ACL="public-read")
        self.addCleanup(self.s3.delete_bucket, Bucket=self.bucket)
        self.assertIn((ALL_USERS, "READ"), grants(self.s3, self.bucket))

    def test_answers_200_and_resets_the_acl_to_private(self):
        self.s3.put_bucket_versioning(Bucket=self.bucket, VersioningConfiguration={"Status": "Enabled"})
        resp = self.s3.create_bucket(Bucket=self.bucket)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(grants(self.s3, self.bucket), [("owner", "FULL_CONTROL")])
        # Only the ACL is reset.
        self.assertEqual(self.s3.get_bucket_versioning(Bucket=self.bucket)["Status"], "Enabled")

    def test_the_acl_becomes_the_requested_one(self):
        self.s3.create_bucket(Bucket=self.bucket, GrantRead=f'uri="{AUTHENTICATED_USERS}"')
        self.assertEqual(grants(self.s3, self.bucket), [(AUTHENTICATED_USERS, "READ")])
        self.s3.create_bucket(Bucket=self.bucket, ACL="authenticated-read")
        self.assertEqual(grants(self.s3, self.bucket),
                         [(AUTHENTICATED_USERS, "READ"), ("owner", "FULL_CONTROL")])


class RecreateElsewhereTest(unittest.TestCase):
    def test_other_region_is_bucket_already_owned_by_you(self):
        s3 = client("s3", region="eu-west-1")
        bucket = unique("recreated-eu")
        config = {"LocationConstraint": "eu-west-1"}
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration=config, ACL="public-read")
        self.addCleanup(s3.delete_bucket, Bucket=bucket)
        with self.assertRaises(ClientError) as ctx:
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration=config)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "BucketAlreadyOwnedByYou")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 409)
        self.assertIn((ALL_USERS, "READ"), grants(s3, bucket), "a refused create changes nothing")

    def test_us_east_1_request_for_a_bucket_in_another_region(self):
        eu = client("s3", region="eu-west-1")
        bucket = unique("recreated-from-us")
        eu.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        self.addCleanup(eu.delete_bucket, Bucket=bucket)
        with self.assertRaises(ClientError) as ctx:
            client("s3", region="us-east-1").create_bucket(Bucket=bucket)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "BucketAlreadyOwnedByYou")

    def test_other_account_is_bucket_already_exists(self):
        s3 = client("s3")
        bucket = unique("taken")
        s3.create_bucket(Bucket=bucket, ACL="public-read")
        self.addCleanup(s3.delete_bucket, Bucket=bucket)
        with self.assertRaises(ClientError) as ctx:
            client("s3", access_key="239083076653").create_bucket(Bucket=bucket)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "BucketAlreadyExists")
        self.assertIn((ALL_USERS, "READ"), grants(s3, bucket))


class NewBucketAclTest(unittest.TestCase):
    def test_grant_headers_apply(self):
        s3 = client("s3")
        bucket = unique("granted")
        s3.create_bucket(Bucket=bucket, GrantRead=f'uri="{AUTHENTICATED_USERS}"')
        self.addCleanup(s3.delete_bucket, Bucket=bucket)
        self.assertEqual(grants(s3, bucket), [(AUTHENTICATED_USERS, "READ")])

    def test_default_is_private(self):
        s3 = client("s3")
        bucket = unique("private")
        s3.create_bucket(Bucket=bucket)
        self.addCleanup(s3.delete_bucket, Bucket=bucket)
        self.assertEqual(grants(s3, bucket), [("owner", "FULL_CONTROL")])


if __name__ == "__main__":
    unittest.main()
