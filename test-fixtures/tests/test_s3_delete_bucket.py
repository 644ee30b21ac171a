"""S3 DeleteBucket forgets the bucket's tags: a new bucket of the same name has none.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import unittest

from botocore.exceptions import ClientError

from emulator_client import client, require_emulator, unique


def setUpModule():
    require_emulator()


class DeletedBucketTagsTest(unittest.TestCase):
    def test_recreated_bucket_has_no_tags(self):
        s3 = client("s3", region="us-east-1")
        bucket = unique("deleted-tags")
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_tagging(Bucket=bucket,
                              Tagging={"TagSet": [{"Key": "flywheel:owner", "Value": "x"}]})
        s3.delete_bucket(Bucket=bucket)
        s3.create_bucket(Bucket=bucket)
        try:
            with self.assertRaises(ClientError) as ctx:
                s3.get_bucket_tagging(Bucket=bucket)
            self.assertEqual(ctx.exception.response["Error"]["Code"], "NoSuchTagSet")
        finally:
            s3.delete_bucket(Bucket=bucket)

    def test_bucket_not_deleted_keeps_its_tags(self):
        s3 = client("s3", region="us-east-1")
        bucket = unique("kept-tags")
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
        s3.put_object(Bucket=bucket, Key="x", Body=b"x")
        try:
            with self.assertRaises(ClientError):
                s3.delete_bucket(Bucket=bucket)  # not empty
            self.assertEqual(s3.get_bucket_tagging(Bucket=bucket)["TagSet"],
                             [{"Key": "k", "Value": "v"}])
        finally:
            s3.delete_object(Bucket=bucket, Key="x")
            s3.delete_bucket(Bucket=bucket)


if __name__ == "__main__":
    unittest.main()
