"""S3 bucket Intelligent-Tiering configurations in the emulator (moto lacks them).

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import unittest

from botocore.exceptions import ClientError

from emulator_client import client, require_emulator, unique


def setUpModule():
    require_emulator()


ARCHIVE = {"Id": "archive", "Status": "Enabled",
           "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"},
                        {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"}]}


class IntelligentTieringTest(unittest.TestCase):
    def setUp(self):
        self.s3 = client("s3")
        self.bucket = unique("tiering")
        self.s3.create_bucket(Bucket=self.bucket)

    def tearDown(self):
        try:
            self.s3.delete_bucket(Bucket=self.bucket)
        except ClientError:
            pass

    def code(self, ctx):
        return ctx.exception.response["Error"]["Code"]

    def test_put_get_list_delete(self):
        self.s3.put_bucket_intelligent_tiering_configuration(
            Bucket=self.bucket, Id="archive", IntelligentTieringConfiguration=ARCHIVE)
        filtered = {"Id": "by-prefix", "Status": "Disabled", "Filter": {"Prefix": "opus/"},
                    "Tierings": [{"Days": 120, "AccessTier": "ARCHIVE_ACCESS"}]}
        self.s3.put_bucket_intelligent_tiering_configuration(
            Bucket=self.bucket, Id="by-prefix", IntelligentTieringConfiguration=filtered)

        got = self.s3.get_bucket_intelligent_tiering_configuration(Bucket=self.bucket, Id="archive")
        self.assertEqual(got["IntelligentTieringConfiguration"], ARCHIVE)
        listed = self.s3.list_bucket_intelligent_tiering_configurations(Bucket=self.bucket)
        self.assertEqual(listed["IntelligentTieringConfigurationList"], [ARCHIVE, filtered])
        self.assertFalse(listed["IsTruncated"])

        self.s3.delete_bucket_intelligent_tiering_configuration(Bucket=self.bucket, Id="archive")
        with self.assertRaises(ClientError) as ctx:
            self.s3.get_bucket_intelligent_tiering_configuration(Bucket=self.bucket, Id="archive")
        self.assertEqual(self.code(ctx), "NoSuchConfiguration")
        listed = self.s3.list_bucket_intelligent_tiering_configurations(Bucket=self.bucket)
        self.assertEqual(listed["IntelligentTieringConfigurationList"], [filtered])

    def test_put_replaces(self):
        for days in (90, 400):
            config = dict(ARCHIVE, Tierings=[{"Days": days, "AccessTier": "ARCHIVE_ACCESS"}])
            self.s3.put_bucket_intelligent_tiering_configuration(
                Bucket=self.bucket, Id="archive", IntelligentTieringConfiguration=config)
        got = self.s3.get_bucket_intelligent_tiering_configuration(Bucket=self.bucket, Id="archive")
        self.assertEqual(got["IntelligentTieringConfiguration"]["Tierings"],
                         [{"Days": 400, "AccessTier": "ARCHIVE_ACCESS"}])

    def test_deleting_a_missing_configuration_keeps_the_bucket(self):
        # moto on its own deletes the (empty) bucket here.
        with self.assertRaises(ClientError) as ctx:
            self.s3.delete_bucket_intelligent_tiering_configuration(Bucket=self.bucket, Id="none")
        self.assertEqual(self.code(ctx), "NoSuchConfiguration")
        self.s3.head_bucket(Bucket=self.bucket)

    def test_validation(self):
        bad_days = dict(ARCHIVE, Tierings=[{"Days": 30, "AccessTier": "ARCHIVE_ACCESS"}])
        with self.assertRaises(ClientError) as ctx:
            self.s3.put_bucket_intelligent_tiering_configuration(
                Bucket=self.bucket, Id="archive", IntelligentTieringConfiguration=bad_days)
        self.assertEqual(self.code(ctx), "InvalidArgument")
        with self.assertRaises(ClientError) as ctx:
            self.s3.put_bucket_intelligent_tiering_configuration(
                Bucket=self.bucket, Id="other-id", IntelligentTieringConfiguration=ARCHIVE)
        self.assertEqual(self.code(ctx), "InvalidArgument")
        listed = self.s3.list_bucket_intelligent_tiering_configurations(Bucket=self.bucket)
        self.assertEqual(listed.get("IntelligentTieringConfigurationList", []), [])

    def test_missing_bucket(self):
        missing = unique("no-such-bucket")
        with self.assertRaises(ClientError) as ctx:
            self.s3.put_bucket_intelligent_tiering_configuration(
                Bucket=missing, Id="archive", IntelligentTieringConfiguration=ARCHIVE)
        self.assertEqual(self.code(ctx), "NoSuchBucket")
        with self.assertRaises(ClientError) as ctx:
            self.s3.head_bucket(Bucket=missing)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_configurations_go_with_the_bucket(self):
        self.s3.put_bucket_intelligent_tiering_configuration(
            Bucket=self.bucket, Id="archive", IntelligentTieringConfiguration=ARCHIVE)
        self.s3.delete_bucket(Bucket=self.bucket)
        self.s3.create_bucket(Bucket=self.bucket)
        listed = self.s3.list_bucket_intelligent_tiering_configurations(Bucket=self.bucket)
        self.assertEqual(listed.get("IntelligentTieringConfigurationList", []), [])


if __name__ == "__main__":
    unittest.main()
