"""Glue crawlers keep and report every target kind as AWS Glue does, and refuse the targets
AWS refuses (glue_crawler_targets.py).

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import json
import unittest

from emulator_client import ensure_role, DEFAULT_ACCOUNT, client, require_emulator, unique

ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/flywheel-emulator-glue-role"
KINDS = ["S3Targets", "JdbcTargets", "MongoDBTargets", "DynamoDBTargets", "CatalogTargets",
         "DeltaTargets", "IcebergTargets", "HudiTargets"]

EVERY_KIND_BUT_CATALOG = {
    "S3Targets": [{"Path": "s3://b/raw/", "ConnectionName": "vpc", "SampleSize": 3,
                   "EventQueueArn": "arn:aws:sqs:us-east-1:123456789012:q",
                   "DlqEventQueueArn": "arn:aws:sqs:us-east-1:123456789012:dlq"}],
    "JdbcTargets": [{"ConnectionName": "pg", "Path": "sales/public/%", "Exclusions": ["tmp_*"],
                     "EnableAdditionalMetadata": ["COMMENTS", "RAWTYPES"]}],
    "MongoDBTargets": [{"ConnectionName": "mongo", "Path": "shop/orders", "ScanAll": False}],
    "DynamoDBTargets": [{"Path": "orders", "scanAll": False, "scanRate": 0.5}],
    "DeltaTargets": [{"DeltaTables": ["s3://b/delta/"], "ConnectionName": "vpc",
                      "WriteManifest": True, "CreateNativeDeltaTable": True}],
    "IcebergTargets": [{"Paths": ["s3://b/iceberg/"], "ConnectionName": "vpc",
                        "Exclusions": ["**/tmp/**"], "MaximumTraversalDepth": 7}],
    "HudiTargets": [{"Paths": ["s3://b/hudi/"], "MaximumTraversalDepth": 20}],
}

CATALOG = {"CatalogTargets": [{"DatabaseName": "db", "Tables": ["a", "b"],
                               "ConnectionName": "vpc",
                               "EventQueueArn": "arn:aws:sqs:us-east-1:123456789012:q"}]}


def setUpModule():
    require_emulator()
    ensure_role(ROLE)


class CrawlerTargetsTest(unittest.TestCase):
    def setUp(self):
        self.glue = client("glue")
        self.names = []

    def tearDown(self):
        for name in self.names:
            self.glue.delete_crawler(Name=name)

    def create(self, targets, **kwargs):
        name = unique("crawler")
        self.glue.create_crawler(Name=name, Role=ROLE, DatabaseName="db", Targets=targets,
                                 **kwargs)
        self.names.append(name)
        return name

    def reads(self, name):
        """The crawler's targets as each of the three read operations reports them."""
        got = [self.glue.get_crawler(Name=name)["Crawler"]]
        got += self.glue.batch_get_crawlers(CrawlerNames=[name])["Crawlers"]
        got += [c for page in self.glue.get_paginator("get_crawlers").paginate()
                for c in page["Crawlers"] if c["Name"] == name]
        self.assertEqual(len(got), 3)
        return [c["Targets"] for c in got]

    def test_every_kind_and_field_is_kept(self):
        name = self.create(EVERY_KIND_BUT_CATALOG)
        for targets in self.reads(name):
            for kind, sent in EVERY_KIND_BUT_CATALOG.items():
                if kind in ("S3Targets", "JdbcTargets"):
                    sent = [dict(t, Exclusions=t.get("Exclusions", [])) for t in sent]
                self.assertEqual(targets[kind], sent, kind)
            self.assertEqual(targets["CatalogTargets"], [])

    def test_catalog_targets_are_kept(self):
        name = self.create(CATALOG, SchemaChangePolicy={"UpdateBehavior": "LOG",
                                                        "DeleteBehavior": "LOG"})
        for targets in self.reads(name):
            self.assertEqual(targets["CatalogTargets"], CATALOG["CatalogTargets"])

    def test_catalog_crawlers_report_glue_grouping(self):
        plain = self.create(CATALOG)
        grouped = self.create(CATALOG, Configuration=json.dumps(
            {"Version": 1.0, "Grouping": {"TableLevelConfiguration": 2}}))
        s3 = self.create({"S3Targets": [{"Path": "s3://b/raw/"}]})
        got = {n: json.loads(self.glue.get_crawler(Name=n)["Crawler"].get("Configuration")
                             or "{}")
               for n in (plain, grouped, s3)}
        self.assertEqual(got[plain]["Grouping"],
                         {"TableGroupingPolicy": "CombineCompatibleSchemas"})
        self.assertEqual(got[grouped]["Grouping"], {
            "TableGroupingPolicy": "CombineCompatibleSchemas", "TableLevelConfiguration": 2})
        self.assertNotIn("Grouping", got[s3], "only crawlers of catalog targets")

    def test_every_kind_is_listed_and_exclusions_are_reported(self):
        name = self.create({"S3Targets": [{"Path": "s3://b/raw/"}],
                            "JdbcTargets": [{"ConnectionName": "pg", "Path": "db/%"}]})
        for targets in self.reads(name):
            self.assertEqual(sorted(targets), sorted(KINDS))
            self.assertEqual(targets["S3Targets"], [{"Path": "s3://b/raw/", "Exclusions": []}])
            self.assertEqual(targets["JdbcTargets"],
                             [{"ConnectionName": "pg", "Path": "db/%", "Exclusions": []}])
            for kind in ["MongoDBTargets", "DynamoDBTargets", "CatalogTargets",
                         "DeltaTargets", "IcebergTargets", "HudiTargets"]:
                self.assertEqual(targets[kind], [], kind)

    def test_update_replaces_the_targets_whole(self):
        name = self.create(EVERY_KIND_BUT_CATALOG)
        self.glue.update_crawler(Name=name, Targets={
            "JdbcTargets": [{"ConnectionName": "pg2", "Path": "x/%"}]})
        for targets in self.reads(name):
            self.assertEqual(targets["JdbcTargets"],
                             [{"ConnectionName": "pg2", "Path": "x/%", "Exclusions": []}])
            self.assertEqual(targets["S3Targets"], [])
            self.assertEqual(targets["HudiTargets"], [])

    def test_catalog_targets_mixed_with_others_are_refused(self):
        mixed = dict(CATALOG, S3Targets=[{"Path": "s3://b/raw/"}])
        with self.assertRaises(self.glue.exceptions.InvalidInputException) as e:
            self.create(mixed)
        self.assertIn("S3Targets", str(e.exception))
        name = self.create(CATALOG)
        with self.assertRaises(self.glue.exceptions.InvalidInputException):
            self.glue.update_crawler(Name=name, Targets=mixed)
        for targets in self.reads(name):
            self.assertEqual(targets["S3Targets"], [], "a refused update changes nothing")

    def test_no_target_is_refused(self):
        with self.assertRaises(self.glue.exceptions.InvalidInputException):
            self.create({"S3Targets": [], "JdbcTargets": []})

    def test_catalog_targets_refuse_deprecating_tables(self):
        with self.assertRaises(self.glue.exceptions.InvalidInputException) as e:
            self.create(CATALOG, SchemaChangePolicy={"UpdateBehavior": "LOG",
                                                     "DeleteBehavior": "DEPRECATE_IN_DATABASE"})
        self.assertIn("DEPRECATE_IN_DATABASE", str(e.exception))
        name = self.create(CATALOG)
        with self.assertRaises(self.glue.exceptions.InvalidInputException):
            self.glue.update_crawler(Name=name, SchemaChangePolicy={
                "DeleteBehavior": "DEPRECATE_IN_DATABASE"})


if __name__ == "__main__":
    unittest.main()
