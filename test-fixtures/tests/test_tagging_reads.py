"""The Resource Groups Tagging API's GetResources answers, for every kind of object the
provider reads tags of in batches, what the object's own tag read answers: S3 buckets
(GetBucketTagging), Glue databases (GetTags), SNS topics, EventBridge rules and
CloudWatch alarms (ListTagsForResource). Untagged objects are left out, as AWS does, and an
answer too long for one page continues under a PaginationToken. (Glue jobs, crawlers and
triggers: test_glue_batch_reads.py.)

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import unittest

from emulator_client import DEFAULT_ACCOUNT, client, require_emulator, unique


def setUpModule():
    require_emulator()


def tag_map(pairs):
    return {t["Key"]: t["Value"] for t in pairs}


class TaggingReadsTest(unittest.TestCase):
    def setUp(self):
        self.tagging = client("resourcegroupstaggingapi")

    def listed(self, arns, **kwargs):
        out, token = {}, ""
        while True:
            page = self.tagging.get_resources(ResourceARNList=arns, PaginationToken=token,
                                              **kwargs)
            out.update({m["ResourceARN"]: tag_map(m["Tags"])
                        for m in page["ResourceTagMappingList"]})
            token = page.get("PaginationToken", "")
            if not token:
                return out

    def test_bucket_tags(self):
        s3 = client("s3")
        tagged, untagged = unique("tagging-b"), unique("tagging-u")
        for b in (tagged, untagged):
            s3.create_bucket(Bucket=b)
            self.addCleanup(s3.delete_bucket, Bucket=b)
        s3.put_bucket_tagging(Bucket=tagged, Tagging={"TagSet": [{"Key": "team", "Value": "data"}]})
        arns = [f"arn:aws:s3:::{tagged}", f"arn:aws:s3:::{untagged}"]
        found = self.listed(arns)
        self.assertEqual(found, {arns[0]: tag_map(s3.get_bucket_tagging(Bucket=tagged)["TagSet"])})
        self.assertEqual(found[arns[0]], {"team": "data"})

    def test_database_tags(self):
        glue = client("glue")
        name = unique("tagging_db").replace("-", "_")
        arn = f"arn:aws:glue:us-east-1:{DEFAULT_ACCOUNT}:database/{name}"
        glue.create_database(DatabaseInput={"Name": name}, Tags={"team": "data"})
        self.addCleanup(glue.delete_database, Name=name)
        self.assertEqual(self.listed([arn]), {arn: glue.get_tags(ResourceArn=arn)["Tags"]})

    def test_topic_tags(self):
        sns = client("sns")
        arn = sns.create_topic(Name=unique("tagging-t"), Tags=[{"Key": "team", "Value": "data"}])["TopicArn"]
        self.addCleanup(sns.delete_topic, TopicArn=arn)
        own = tag_map(sns.list_tags_for_resource(ResourceArn=arn)["Tags"])
        self.assertEqual(self.listed([arn]), {arn: own})
        self.assertEqual(own, {"team": "data"})

    def test_rule_tags(self):
        events = client("events")
        tagged, untagged = unique("tagging-r"), unique("tagging-ru")
        arn = events.put_rule(Name=tagged, EventPattern='{"source": ["aws.glue"]}',
                              Tags=[{"Key": "team", "Value": "data"}])["RuleArn"]
        other = events.put_rule(Name=untagged, EventPattern='{"source": ["aws.glue"]}')["RuleArn"]
        self.addCleanup(events.delete_rule, Name=tagged)
        self.addCleanup(events.delete_rule, Name=untagged)
        self.assertEqual(arn, f"arn:aws:events:us-east-1:{DEFAULT_ACCOUNT}:rule/{tagged}")
        found = self.listed([arn, other])
        self.assertEqual(found, {arn: tag_map(events.list_tags_for_resource(ResourceARN=arn)["Tags"])})
        # A change shows in the next answer.
        events.tag_resource(ResourceARN=arn, Tags=[{"Key": "team", "Value": "ml"}])
        self.assertEqual(self.listed([arn]), {arn: {"team": "ml"}})

    def test_alarm_tags(self):
        cw = client("cloudwatch")
        name = unique("tagging-a")
        cw.put_metric_alarm(AlarmName=name, MetricName="BucketSizeBytes", Namespace="AWS/S3",
                            Statistic="Average", Period=86400, EvaluationPeriods=1,
                            Threshold=1.0, ComparisonOperator="GreaterThanThreshold",
                            Tags=[{"Key": "team", "Value": "data"}])
        self.addCleanup(cw.delete_alarms, AlarmNames=[name])
        arn = f"arn:aws:cloudwatch:us-east-1:{DEFAULT_ACCOUNT}:alarm:{name}"
        self.assertEqual(self.listed([arn]),
                         {arn: tag_map(cw.list_tags_for_resource(ResourceARN=arn)["Tags"])})

    def test_a_long_answer_continues_on_the_next_page(self):
        sns = client("sns")
        arns = []
        for i in range(4):
            arn = sns.create_topic(Name=unique(f"tagging-p{i}"),
                                   Tags=[{"Key": "n", "Value": str(i)}])["TopicArn"]
            self.addCleanup(sns.delete_topic, TopicArn=arn)
            arns.append(arn)
        first = self.tagging.get_resources(ResourceARNList=arns, ResourcesPerPage=3)
        self.assertEqual(len(first["ResourceTagMappingList"]), 3)
        self.assertTrue(first.get("PaginationToken"))
        self.assertEqual(self.listed(arns, ResourcesPerPage=3),
                         {a: {"n": str(i)} for i, a in enumerate(arns)})


if __name__ == "__main__":
    unittest.main()
