"""S3 default encryption and Object Ownership read back as AWS answers them: SSE-KMS and
DSSE-KMS with the key only when one was given (none: the AWS managed key aws/s3), and
OwnershipControlsNotFoundError (404) for a bucket without ownership controls. The provider
keeps an adopted bucket's KMS or DSSE encryption and reads ownership controls for drift.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import unittest

from botocore.exceptions import ClientError

from emulator_client import client, require_emulator, unique

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def setUpModule():
    require_emulator()


def by_default(s3, bucket):
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    return rules[0]["ApplyServerSideEncryptionByDefault"]


class EncryptionTest(unittest.TestCase):
    def test_kms_and_dsse_round_trip(self):
        s3 = client("s3", region="us-east-1")
        bucket = unique("sse")
        s3.create_bucket(Bucket=bucket)
        try:
            for alg, key in [("aws:kms", KEY), ("aws:kms", None), ("aws:kms:dsse", KEY),
                             ("aws:kms:dsse", None), ("AES256", None)]:
                rule = {"SSEAlgorithm": alg}
                if key:
                    rule["KMSMasterKeyID"] = key
                s3.put_bucket_encryption(
                    Bucket=bucket,
                    ServerSideEncryptionConfiguration={
                        "Rules": [{"ApplyServerSideEncryptionByDefault": rule}]})
                self.assertEqual(by_default(s3, bucket), rule, alg)
        finally:
            s3.delete_bucket(Bucket=bucket)


class OwnershipControlsTest(unittest.TestCase):
    def test_put_get_and_not_found(self):
        s3 = client("s3", region="us-east-1")
        bucket = unique("own")
        s3.create_bucket(Bucket=bucket)
        try:
            with self.assertRaises(ClientError) as ctx:
                s3.get_bucket_ownership_controls(Bucket=bucket)
            err = ctx.exception.response
            self.assertEqual(err["Error"]["Code"], "OwnershipControlsNotFoundError")
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 404)
            s3.put_bucket_ownership_controls(
                Bucket=bucket,
                OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
            got = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
            self.assertEqual(got, {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
        finally:
            s3.delete_bucket(Bucket=bucket)

    def test_missing_bucket_is_no_such_bucket(self):
        s3 = client("s3", region="us-east-1")
        with self.assertRaises(ClientError) as ctx:
            s3.get_bucket_ownership_controls(Bucket=unique("gone"))
        self.assertEqual(ctx.exception.response["Error"]["Code"], "NoSuchBucket")


if __name__ == "__main__":
    unittest.main()
