"""Glue deletes as on AWS: tags go with the object, a running crawler is not deleted.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import unittest

from botocore.exceptions import ClientError

from emulator_client import ensure_role, DEFAULT_ACCOUNT, REGION, client, require_emulator, unique


def setUpModule():
    require_emulator()
    ensure_role(ROLE)


ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/flywheel-emulator-glue-role"
COMMAND = {"Name": "glueetl", "ScriptLocation": "s3://aws-glue-assets/scripts/compact.py"}
TARGETS = {"S3Targets": [{"Path": "s3://omc-flywheel-data-us-east-1-prod/opus/"}]}


def arn(kind, name):
    return f"arn:aws:glue:{REGION}:{DEFAULT_ACCOUNT}:{kind}/{name}"


class DeletedObjectsLoseTheirTagsTest(unittest.TestCase):
    def setUp(self):
        self.glue = client("glue")

    def test_job(self):
        name = unique("job")
        self.glue.create_job(Name=name, Role=ROLE, Command=COMMAND, Tags={"flywheel:owner": "old"})
        self.glue.delete_job(JobName=name)
        self.glue.create_job(Name=name, Role=ROLE, Command=COMMAND)
        self.addCleanup(self.glue.delete_job, JobName=name)
        self.assertEqual(self.glue.get_tags(ResourceArn=arn("job", name))["Tags"], {})

    def test_crawler(self):
        name = unique("crawler")
        self.glue.create_crawler(Name=name, Role=ROLE, DatabaseName="db", Targets=TARGETS,
                                 Tags={"flywheel:owner": "old"})
        self.glue.delete_crawler(Name=name)
        self.glue.create_crawler(Name=name, Role=ROLE, DatabaseName="db", Targets=TARGETS)
        self.addCleanup(self.glue.delete_crawler, Name=name)
        self.assertEqual(self.glue.get_tags(ResourceArn=arn("crawler", name))["Tags"], {})

    def test_trigger(self):
        name = unique("trigger")
        self.glue.create_trigger(Name=name, Type="ON_DEMAND", Actions=[{"JobName": "j"}],
                                 Tags={"flywheel:owner": "old"})
        self.glue.delete_trigger(Name=name)
        self.glue.create_trigger(Name=name, Type="ON_DEMAND", Actions=[{"JobName": "j"}])
        self.addCleanup(self.glue.delete_trigger, Name=name)
        self.assertEqual(self.glue.get_tags(ResourceArn=arn("trigger", name))["Tags"], {})

    def test_tags_of_live_objects_stay(self):
        name = unique("job")
        self.glue.create_job(Name=name, Role=ROLE, Command=COMMAND, Tags={"team": "data"})
        self.addCleanup(self.glue.delete_job, JobName=name)
        other = unique("job")
        self.glue.create_job(Name=other, Role=ROLE, Command=COMMAND, Tags={"team": "x"})
        self.glue.delete_job(JobName=other)
        self.assertEqual(self.glue.get_tags(ResourceArn=arn("job", name))["Tags"], {"team": "data"})


class RunningCrawlerTest(unittest.TestCase):
    def test_running_crawler_cannot_be_deleted(self):
        glue = client("glue")
        name = unique("crawler")
        glue.create_crawler(Name=name, Role=ROLE, DatabaseName="db", Targets=TARGETS)
        glue.start_crawler(Name=name)
        with self.assertRaises(ClientError) as ctx:
            glue.delete_crawler(Name=name)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "CrawlerRunningException")
        self.assertEqual(glue.get_crawler(Name=name)["Crawler"]["Name"], name)
        # Finished (moto finishes a crawl once its crawls are listed), it can be deleted.
        glue.list_crawls(CrawlerName=name)
        glue.get_crawler(Name=name)
        glue.delete_crawler(Name=name)
        with self.assertRaises(ClientError):
            glue.get_crawler(Name=name)
