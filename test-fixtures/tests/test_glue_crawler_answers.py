"""GetCrawler, GetCrawlers and BatchGetCrawlers answer as AWS Glue does: the role by name
(with its path), the configuration JSON re-serialised (glue_crawler_answers.py).

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import json
import unittest

from emulator_client import ensure_role, DEFAULT_ACCOUNT, client, require_emulator, unique


def setUpModule():
    require_emulator()
    ensure_role(f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/flywheel-emulator-glue-role")
    ensure_role(f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/service-role/AWSGlueServiceRole-x")
    ensure_role("glue-role")
    ensure_role("p/other")


TARGETS = {"S3Targets": [{"Path": "s3://omc-flywheel-data/opus/addressable/"}]}


class CrawlerAnswersTest(unittest.TestCase):
    def setUp(self):
        self.glue = client("glue")
        self.names = []

    def tearDown(self):
        for name in self.names:
            self.glue.delete_crawler(Name=name)

    def create(self, role, **kwargs):
        name = unique("crawler")
        self.names.append(name)
        self.glue.create_crawler(Name=name, Role=role, DatabaseName="omc_flywheel_prod",
                                 Targets=TARGETS, **kwargs)
        return name

    def reads(self, name):
        """The crawler as each of the three read operations reports it."""
        got = [self.glue.get_crawler(Name=name)["Crawler"]]
        got += self.glue.batch_get_crawlers(CrawlerNames=[name])["Crawlers"]
        got += [c for page in self.glue.get_paginator("get_crawlers").paginate()
                for c in page["Crawlers"] if c["Name"] == name]
        self.assertEqual(len(got), 3)
        return got

    def test_role_arn_reads_back_as_the_role_name(self):
        name = self.create(f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/flywheel-emulator-glue-role")
        for c in self.reads(name):
            self.assertEqual(c["Role"], "flywheel-emulator-glue-role")

    def test_role_with_a_path_reads_back_as_path_and_name(self):
        name = self.create(f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/service-role/AWSGlueServiceRole-x")
        for c in self.reads(name):
            self.assertEqual(c["Role"], "service-role/AWSGlueServiceRole-x")

    def test_role_name_reads_back_as_given(self):
        name = self.create("glue-role")
        self.assertEqual(self.glue.get_crawler(Name=name)["Crawler"]["Role"], "glue-role")

    def test_update_crawler_role_reads_back_by_name(self):
        name = self.create("glue-role")
        self.glue.update_crawler(Name=name, Role=f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/p/other")
        self.assertEqual(self.glue.get_crawler(Name=name)["Crawler"]["Role"], "p/other")

    def test_configuration_is_reserialised_with_the_partition_index_default(self):
        config = '{\n  "Version": 1.0,\n  "Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"}\n}'
        name = self.create("glue-role", Configuration=config)
        got = self.glue.get_crawler(Name=name)["Crawler"]["Configuration"]
        self.assertNotIn(" ", got)
        self.assertNotIn("\n", got)
        self.assertEqual(json.loads(got), {
            "Version": 1.0, "CreatePartitionIndex": True,
            "Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"}})

    def test_an_explicit_partition_index_setting_is_kept(self):
        name = self.create("glue-role", Configuration='{"Version":1.0,"CreatePartitionIndex":false}')
        got = json.loads(self.glue.get_crawler(Name=name)["Crawler"]["Configuration"])
        self.assertIs(got["CreatePartitionIndex"], False)

    def test_schedule_reads_back_as_a_structure(self):
        name = self.create("glue-role", Schedule="cron(0 4 * * ? *)")
        self.assertEqual(self.glue.get_crawler(Name=name)["Crawler"]["Schedule"],
                         {"ScheduleExpression": "cron(0 4 * * ? *)", "State": "SCHEDULED"})


if __name__ == "__main__":
    unittest.main()
