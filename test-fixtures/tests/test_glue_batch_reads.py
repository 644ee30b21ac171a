"""The batch reads the provider coalesces into answer as the single reads do: BatchGetJobs,
BatchGetCrawlers and BatchGetTriggers return the same objects as GetJob, GetCrawler and
GetTrigger, list the names they do not know as not found, and the Resource Groups Tagging
API's GetResources returns the Glue tags of the ARNs asked for (and leaves out an untagged
object, as AWS does). A patch that changes one read must change its batch too.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import unittest

from emulator_client import DEFAULT_ACCOUNT, client, ensure_role, require_emulator, unique

ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/flywheel-emulator-glue-role"


def setUpModule():
    require_emulator()
    ensure_role(ROLE)


def arn(kind, name):
    return f"arn:aws:glue:us-east-1:{DEFAULT_ACCOUNT}:{kind}/{name}"


class BatchReadsTest(unittest.TestCase):
    def setUp(self):
        self.glue = client("glue")
        self.tagging = client("resourcegroupstaggingapi")
        self.job = unique("job")
        self.crawler = unique("crawler")
        self.trigger = unique("trigger")
        self.glue.create_job(Name=self.job, Role=ROLE, GlueVersion="4.0",
                             Command={"Name": "glueetl", "ScriptLocation": "s3://b/s.py"},
                             WorkerType="G.1X", NumberOfWorkers=2, Tags={"team": "data"})
        self.glue.create_crawler(Name=self.crawler, Role=ROLE, DatabaseName="db",
                                 Targets={"S3Targets": [{"Path": "s3://b/opus/"}]})
        self.glue.create_trigger(Name=self.trigger, Type="SCHEDULED",
                                 Schedule="cron(0 3 * * ? *)",
                                 Actions=[{"JobName": self.job}], Tags={"team": "data"})

    def tearDown(self):
        self.glue.delete_trigger(Name=self.trigger)
        self.glue.delete_crawler(Name=self.crawler)
        self.glue.delete_job(JobName=self.job)

    def test_batch_answers_equal_single_answers(self):
        missing = unique("missing")
        jobs = self.glue.batch_get_jobs(JobNames=[self.job, missing])
        self.assertEqual(jobs["Jobs"], [self.glue.get_job(JobName=self.job)["Job"]])
        self.assertEqual(jobs["JobsNotFound"], [missing])
        crawlers = self.glue.batch_get_crawlers(CrawlerNames=[self.crawler, missing])
        single = self.glue.get_crawler(Name=self.crawler)["Crawler"]
        self.assertEqual(crawlers["Crawlers"], [single])
        self.assertEqual(single["Role"], "flywheel-emulator-glue-role")
        self.assertEqual(crawlers["CrawlersNotFound"], [missing])
        triggers = self.glue.batch_get_triggers(TriggerNames=[self.trigger, missing])
        self.assertEqual(triggers["Triggers"], [self.glue.get_trigger(Name=self.trigger)["Trigger"]])
        self.assertEqual(triggers["TriggersNotFound"], [missing])

    def test_tagging_api_answers_glue_tags_by_arn(self):
        asked = [arn("job", self.job), arn("trigger", self.trigger), arn("crawler", self.crawler)]
        out = self.tagging.get_resources(ResourceARNList=asked)
        found = {m["ResourceARN"]: {t["Key"]: t["Value"] for t in m["Tags"]}
                 for m in out["ResourceTagMappingList"]}
        self.assertEqual(found.get(asked[0]), {"team": "data"})
        self.assertEqual(found.get(asked[1]), {"team": "data"})
        # The crawler has no tags: not listed.
        self.assertNotIn(asked[2], found)
        # A change shows in the next answer.
        self.glue.untag_resource(ResourceArn=asked[0], TagsToRemove=["team"])
        self.glue.tag_resource(ResourceArn=asked[0], TagsToAdd={"team": "ml"})
        out = self.tagging.get_resources(ResourceARNList=[asked[0]])
        self.assertEqual([{t["Key"]: t["Value"] for t in m["Tags"]}
                          for m in out["ResourceTagMappingList"]], [{"team": "ml"}])


if __name__ == "__main__":
    unittest.main()
