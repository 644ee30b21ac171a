"""Glue UpdateJob / UpdateCrawler / UpdateTrigger in the emulator, and its fault injection.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import datetime
import json
import unittest

from botocore.exceptions import ClientError

from emulator_client import (ensure_role, DEFAULT_ACCOUNT, REGION, add_fault, client, control,
                             delete_fault, fault, require_emulator, unique)


def setUpModule():
    require_emulator()
    ensure_role(ROLE)
    ensure_role(ROLE + "-2")


ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/flywheel-emulator-glue-role"
COMMAND = {"Name": "glueetl", "ScriptLocation": "s3://aws-glue-assets/scripts/compact.py",
           "PythonVersion": "3"}


def error_code(ctx):
    return ctx.exception.response["Error"]["Code"]


class UpdateJobTest(unittest.TestCase):
    def setUp(self):
        self.glue = client("glue")
        self.name = unique("job")
        self.glue.create_job(
            Name=self.name, Role=ROLE, Command=COMMAND, Description="addressable IDs compaction",
            GlueVersion="4.0", WorkerType="G.1X", NumberOfWorkers=8, Timeout=600, MaxRetries=2,
            DefaultArguments={"--job-bookmark-option": "job-bookmark-enable", "--enable-metrics": "true"},
            NonOverridableArguments={"--flywheel-owner": "platform"},
            ExecutionProperty={"MaxConcurrentRuns": 3},
            NotificationProperty={"NotifyDelayAfter": 10},
            Tags={"flywheel:pipeline": "prod"})
        self.created = self.glue.get_job(JobName=self.name)["Job"]

    def tearDown(self):
        self.glue.delete_job(JobName=self.name)

    def full_update(self, **overrides):
        update = {"Role": ROLE, "Command": COMMAND, "Description": "infobase attributes compaction",
                  "GlueVersion": "4.0", "WorkerType": "G.2X", "NumberOfWorkers": 24,
                  "Timeout": 600, "MaxRetries": 2,
                  "DefaultArguments": {"--enable-metrics": "true", "--TempDir": "s3://assets/temporary/"}}
        update.update(overrides)
        return update

    def test_changes_worker_type_workers_and_arguments(self):
        resp = self.glue.update_job(JobName=self.name, JobUpdate=self.full_update())
        self.assertEqual(resp["JobName"], self.name)
        job = self.glue.get_job(JobName=self.name)["Job"]
        self.assertEqual(job["WorkerType"], "G.2X")
        self.assertEqual(job["NumberOfWorkers"], 24)
        self.assertEqual(job["Description"], "infobase attributes compaction")
        # The arguments are replaced, not merged: the bookmark option is gone.
        self.assertEqual(job["DefaultArguments"],
                         {"--enable-metrics": "true", "--TempDir": "s3://assets/temporary/"})

    def test_fields_not_sent_are_reset(self):
        self.glue.update_job(JobName=self.name, JobUpdate={"Role": ROLE, "Command": COMMAND})
        job = self.glue.get_job(JobName=self.name)["Job"]
        for field in ("Description", "GlueVersion", "WorkerType", "NumberOfWorkers", "Timeout",
                      "MaxRetries", "NonOverridableArguments", "NotificationProperty"):
            self.assertNotIn(field, job, f"{field} should be reset by UpdateJob")
        self.assertEqual(job.get("DefaultArguments", {}), {})
        self.assertEqual(job.get("ExecutionProperty", {}).get("MaxConcurrentRuns", 1), 1)
        self.assertEqual(job["Command"], COMMAND)

    def test_queuing_and_execution_class_kept_then_reset(self):
        self.assertNotIn("JobRunQueuingEnabled", self.created)
        self.glue.update_job(JobName=self.name, JobUpdate=self.full_update(
            JobRunQueuingEnabled=True, ExecutionClass="FLEX", WorkerType="G.1X"))
        job = self.glue.get_job(JobName=self.name)["Job"]
        self.assertIs(job["JobRunQueuingEnabled"], True)
        self.assertEqual(job["ExecutionClass"], "FLEX")
        batch = self.glue.batch_get_jobs(JobNames=[self.name])["Jobs"][0]
        self.assertIs(batch["JobRunQueuingEnabled"], True)
        self.glue.update_job(JobName=self.name, JobUpdate=self.full_update())
        job = self.glue.get_job(JobName=self.name)["Job"]
        self.assertNotIn("JobRunQueuingEnabled", job)
        self.assertEqual(job["ExecutionClass"], "STANDARD")
        other = unique("job-q")
        self.glue.create_job(Name=other, Role=ROLE, Command=COMMAND, JobRunQueuingEnabled=False)
        try:
            self.assertIs(self.glue.get_job(JobName=other)["Job"]["JobRunQueuingEnabled"], False)
        finally:
            self.glue.delete_job(JobName=other)

    def test_job_mode_and_maintenance_window_kept_then_reset(self):
        extra = {"JobMode": "VISUAL", "MaintenanceWindow": "Sun:1"}
        self.glue.update_job(JobName=self.name, JobUpdate=self.full_update(**extra))
        job = self.glue.get_job(JobName=self.name)["Job"]
        self.assertEqual({k: job.get(k) for k in extra}, extra)
        self.glue.update_job(JobName=self.name, JobUpdate=self.full_update())
        job = self.glue.get_job(JobName=self.name)["Job"]
        for member in extra:
            self.assertNotIn(member, job, f"{member} should be reset by UpdateJob")
        other = unique("job-m")
        self.glue.create_job(Name=other, Role=ROLE, Command=COMMAND, JobMode="NOTEBOOK")
        try:
            self.assertEqual(self.glue.get_job(JobName=other)["Job"]["JobMode"], "NOTEBOOK")
        finally:
            self.glue.delete_job(JobName=other)

    def test_python_shell_jobs_are_sized_by_max_capacity(self):
        shell = {"Name": "pythonshell", "ScriptLocation": "s3://aws-glue-assets/scripts/s.py",
                 "PythonVersion": "3.9"}
        other = unique("job-shell")
        # Without MaxCapacity: Glue's default 0.0625; no workers reported.
        self.glue.create_job(Name=other, Role=ROLE, Command=shell, GlueVersion="3.0")
        try:
            job = self.glue.get_job(JobName=other)["Job"]
            self.assertEqual(job["MaxCapacity"], 0.0625)
            self.assertEqual(job["Command"], shell)
            self.assertNotIn("WorkerType", job)
            self.assertNotIn("NumberOfWorkers", job)
            # UpdateJob to 1 DPU, then without MaxCapacity: reset to the default.
            update = {"Role": ROLE, "Command": shell, "GlueVersion": "3.0", "MaxCapacity": 1.0}
            self.glue.update_job(JobName=other, JobUpdate=update)
            self.assertEqual(self.glue.get_job(JobName=other)["Job"]["MaxCapacity"], 1.0)
            batch = self.glue.batch_get_jobs(JobNames=[other])["Jobs"][0]
            self.assertEqual(batch["MaxCapacity"], 1.0)
            del update["MaxCapacity"]
            self.glue.update_job(JobName=other, JobUpdate=update)
            self.assertEqual(self.glue.get_job(JobName=other)["Job"]["MaxCapacity"], 0.0625)
            # Workers, or another capacity, are refused and change nothing.
            for bad in ({"WorkerType": "G.1X", "NumberOfWorkers": 2}, {"MaxCapacity": 2.0}):
                with self.assertRaises(ClientError) as ctx:
                    self.glue.update_job(JobName=other, JobUpdate={**update, **bad})
                self.assertEqual(error_code(ctx), "InvalidInputException")
            self.assertEqual(self.glue.get_job(JobName=other)["Job"]["MaxCapacity"], 0.0625)
            # Switching the command in place (as UpdateJob allows) to Spark, with workers.
            self.glue.update_job(JobName=other, JobUpdate=self.full_update())
            job = self.glue.get_job(JobName=other)["Job"]
            self.assertEqual(job["Command"]["Name"], "glueetl")
            self.assertEqual(job["WorkerType"], "G.2X")
        finally:
            self.glue.delete_job(JobName=other)
        # A Spark job with both workers and MaxCapacity is refused.
        with self.assertRaises(ClientError) as ctx:
            self.glue.create_job(Name=unique("job-both"), Role=ROLE, Command=COMMAND,
                                 WorkerType="G.1X", NumberOfWorkers=2, MaxCapacity=2.0)
        self.assertEqual(error_code(ctx), "InvalidInputException")

    def test_source_control_details_round_trip_then_reset(self):
        """Kept whole, AuthToken included (the worst case for a client that must not store
        it), in GetJob and BatchGetJobs; UpdateJob without them removes them."""
        git = {"Provider": "GITHUB", "Repository": "etl-scripts", "Owner": "data", "Branch": "main",
               "Folder": "jobs", "AuthStrategy": "PERSONAL_ACCESS_TOKEN", "AuthToken": "ghp_x"}
        self.glue.update_job(JobName=self.name,
                             JobUpdate=self.full_update(SourceControlDetails=git, JobMode="SCRIPT"))
        job = self.glue.get_job(JobName=self.name)["Job"]
        self.assertEqual(job["SourceControlDetails"], git)
        self.assertEqual(job["JobMode"], "SCRIPT")
        batch = self.glue.batch_get_jobs(JobNames=[self.name])["Jobs"][0]
        self.assertEqual(batch["SourceControlDetails"], git)
        self.glue.update_job(JobName=self.name, JobUpdate=self.full_update())
        job = self.glue.get_job(JobName=self.name)["Job"]
        self.assertFalse(job.get("SourceControlDetails"), job.get("SourceControlDetails"))

    def test_keeps_identity_tags_and_creation_time(self):
        self.glue.update_job(JobName=self.name, JobUpdate=self.full_update(Role=ROLE + "-2"))
        job = self.glue.get_job(JobName=self.name)["Job"]
        self.assertEqual(job["Role"], ROLE + "-2")
        self.assertEqual(job["CreatedOn"], self.created["CreatedOn"])
        self.assertGreaterEqual(job["LastModifiedOn"], self.created["LastModifiedOn"])
        arn = f"arn:aws:glue:{REGION}:{DEFAULT_ACCOUNT}:job/{self.name}"
        self.assertEqual(self.glue.get_tags(ResourceArn=arn)["Tags"], {"flywheel:pipeline": "prod"})

    def test_update_visible_in_get_jobs_and_batch_get_jobs(self):
        self.glue.update_job(JobName=self.name, JobUpdate=self.full_update(NumberOfWorkers=16))
        jobs = [j for page in self.glue.get_paginator("get_jobs").paginate() for j in page["Jobs"]]
        listed = [j for j in jobs if j["Name"] == self.name]
        self.assertEqual(len(listed), 1)
        self.assertEqual(listed[0]["NumberOfWorkers"], 16)
        missing = unique("missing-job")
        batch = self.glue.batch_get_jobs(JobNames=[self.name, missing])
        self.assertEqual([j["NumberOfWorkers"] for j in batch["Jobs"]], [16])
        self.assertEqual(batch["JobsNotFound"], [missing])

    def test_unknown_job_is_entity_not_found(self):
        missing = unique("missing-job")
        with self.assertRaises(ClientError) as ctx:
            self.glue.update_job(JobName=missing, JobUpdate=self.full_update())
        self.assertEqual(error_code(ctx), "EntityNotFoundException")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        with self.assertRaises(ClientError) as ctx:
            self.glue.get_job(JobName=missing)
        self.assertEqual(error_code(ctx), "EntityNotFoundException")


class CreateExistingTest(unittest.TestCase):
    """CreateJob and CreateCrawler with a name in use fail as on AWS, changing nothing."""

    def setUp(self):
        self.glue = client("glue")

    def test_create_job_with_existing_name_is_already_exists(self):
        name = unique("job")
        self.glue.create_job(Name=name, Role=ROLE, Command=COMMAND, NumberOfWorkers=8,
                             WorkerType="G.1X", Tags={"owner": "first"})
        self.addCleanup(self.glue.delete_job, JobName=name)
        with self.assertRaises(ClientError) as ctx:
            self.glue.create_job(Name=name, Role=ROLE + "-2", Command=COMMAND,
                                 NumberOfWorkers=2, WorkerType="G.1X", Tags={"owner": "second"})
        self.assertEqual(error_code(ctx), "AlreadyExistsException")
        job = self.glue.get_job(JobName=name)["Job"]
        self.assertEqual((job["Role"], job["NumberOfWorkers"]), (ROLE, 8))
        arn = f"arn:aws:glue:{REGION}:{DEFAULT_ACCOUNT}:job/{name}"
        self.assertEqual(self.glue.get_tags(ResourceArn=arn)["Tags"], {"owner": "first"})

    def test_create_crawler_with_existing_name_is_already_exists(self):
        name = unique("crawler")
        targets = {"S3Targets": [{"Path": "s3://omc-flywheel-data-us-east-1-prod/opus/"}]}
        self.glue.create_crawler(Name=name, Role=ROLE, DatabaseName="db", Targets=targets)
        self.addCleanup(self.glue.delete_crawler, Name=name)
        with self.assertRaises(ClientError) as ctx:
            self.glue.create_crawler(Name=name, Role=ROLE, DatabaseName="other", Targets=targets)
        self.assertEqual(error_code(ctx), "AlreadyExistsException")
        self.assertEqual(self.glue.get_crawler(Name=name)["Crawler"]["DatabaseName"], "db")


class UpdateCrawlerTest(unittest.TestCase):
    def setUp(self):
        self.glue = client("glue")
        self.name = unique("crawler")
        self.config = json.dumps({"Version": 1.0, "Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"}})
        self.glue.create_crawler(
            Name=self.name, Role=ROLE, DatabaseName="omc_flywheel_prod",
            Description="raw addressable inputs",
            Targets={"S3Targets": [{"Path": "s3://omc-flywheel-data/opus/addressable/"}]},
            Schedule="cron(0 6 * * ? *)", TablePrefix="addressable_",
            SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "LOG"},
            RecrawlPolicy={"RecrawlBehavior": "CRAWL_EVERYTHING"},
            Configuration=self.config, Tags={"flywheel:pipeline": "prod"})
        self.created = self.glue.get_crawler(Name=self.name)["Crawler"]

    def tearDown(self):
        try:
            self.glue.delete_crawler(Name=self.name)
        except ClientError:
            pass

    NEW_TARGETS = {"S3Targets": [{"Path": "s3://omc-flywheel-data/opus/infobase_attributes/"},
                                 {"Path": "s3://omc-flywheel-data/opus/infobase_extra/",
                                  "Exclusions": ["**.tmp"]}]}

    def test_changes_targets_and_table_prefix(self):
        self.glue.update_crawler(Name=self.name, Targets=self.NEW_TARGETS,
                                 TablePrefix="infobase_attributes_")
        crawler = self.glue.get_crawler(Name=self.name)["Crawler"]
        # Reported as AWS does, with each target's exclusions (glue_crawler_targets.py).
        self.assertEqual(crawler["Targets"]["S3Targets"],
                         [dict(t, Exclusions=t.get("Exclusions", []))
                          for t in self.NEW_TARGETS["S3Targets"]])
        self.assertEqual(crawler["TablePrefix"], "infobase_attributes_")
        self.assertEqual(crawler["Version"], self.created["Version"] + 1)
        self.assertGreaterEqual(crawler["LastUpdated"], self.created["LastUpdated"])

    def test_fields_not_given_keep_their_values(self):
        self.glue.update_crawler(Name=self.name, TablePrefix="infobase_attributes_")
        crawler = self.glue.get_crawler(Name=self.name)["Crawler"]
        for field in ("Role", "DatabaseName", "Description", "Targets", "Schedule",
                      "SchemaChangePolicy", "RecrawlPolicy", "Configuration", "CreationTime"):
            self.assertEqual(crawler.get(field), self.created.get(field), field)
        self.assertEqual(crawler["Schedule"]["ScheduleExpression"], "cron(0 6 * * ? *)")
        self.assertEqual(crawler["SchemaChangePolicy"],
                         {"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "LOG"})

    def test_every_updatable_field(self):
        self.glue.update_crawler(
            Name=self.name, Role=ROLE + "-2", DatabaseName="omc_flywheel_dev", Description="d2",
            Schedule="cron(0 7 * * ? *)", Classifiers=[],
            SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "DEPRECATE_IN_DATABASE"},
            RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"},
            LineageConfiguration={"CrawlerLineageSettings": "ENABLE"},
            LakeFormationConfiguration={"UseLakeFormationCredentials": False},
            Configuration='{"Version":1.0}', CrawlerSecurityConfiguration="sec")
        c = self.glue.get_crawler(Name=self.name)["Crawler"]
        # Glue reports the role by name (glue_crawler_answers.py).
        self.assertEqual(c["Role"], "flywheel-emulator-glue-role-2")
        self.assertEqual(c["DatabaseName"], "omc_flywheel_dev")
        self.assertEqual(c["Description"], "d2")
        self.assertEqual(c["Schedule"]["ScheduleExpression"], "cron(0 7 * * ? *)")
        self.assertEqual(c["SchemaChangePolicy"]["DeleteBehavior"], "DEPRECATE_IN_DATABASE")
        self.assertEqual(c["RecrawlPolicy"], {"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"})
        self.assertEqual(c["LineageConfiguration"], {"CrawlerLineageSettings": "ENABLE"})
        self.assertEqual(c["LakeFormationConfiguration"], {"UseLakeFormationCredentials": False})
        self.assertEqual(c["Configuration"], '{"Version":1.0,"CreatePartitionIndex":true}')
        self.assertEqual(c["CrawlerSecurityConfiguration"], "sec")

    def test_update_visible_in_get_crawlers_and_batch_get_crawlers(self):
        self.glue.update_crawler(Name=self.name, TablePrefix="infobase_attributes_")
        crawlers = [c for page in self.glue.get_paginator("get_crawlers").paginate()
                    for c in page["Crawlers"] if c["Name"] == self.name]
        self.assertEqual([c["TablePrefix"] for c in crawlers], ["infobase_attributes_"])
        missing = unique("missing-crawler")
        batch = self.glue.batch_get_crawlers(CrawlerNames=[self.name, missing])
        self.assertEqual([c["TablePrefix"] for c in batch["Crawlers"]], ["infobase_attributes_"])
        self.assertEqual(batch["CrawlersNotFound"], [missing])

    def test_unknown_crawler_is_entity_not_found(self):
        with self.assertRaises(ClientError) as ctx:
            self.glue.update_crawler(Name=unique("missing-crawler"), TablePrefix="x_")
        self.assertEqual(error_code(ctx), "EntityNotFoundException")

    def test_running_crawler_cannot_be_updated(self):
        self.glue.start_crawler(Name=self.name)
        with self.assertRaises(ClientError) as ctx:
            self.glue.update_crawler(Name=self.name, TablePrefix="x_")
        # What Glue answers in practice (glue_crawler_runs.py).
        self.assertEqual(error_code(ctx), "InvalidInputException")
        self.assertEqual(self.glue.get_crawler(Name=self.name)["Crawler"]["TablePrefix"], "addressable_")


class UpdateTriggerTest(unittest.TestCase):
    def setUp(self):
        self.glue = client("glue")
        self.name = unique("trigger")
        self.glue.create_trigger(Name=self.name, Type="SCHEDULED", Schedule="cron(0 2 * * ? *)",
                                 Actions=[{"JobName": "job-a"}], Description="nightly",
                                 StartOnCreation=True)

    def tearDown(self):
        self.glue.delete_trigger(Name=self.name)

    def test_replaces_the_whole_definition(self):
        """AWS overwrites the trigger completely: members left out are removed."""
        resp = self.glue.update_trigger(Name=self.name, TriggerUpdate={
            "Schedule": "cron(0 3 * * ? *)", "Actions": [{"JobName": "job-b"}]})
        self.assertEqual(resp["Trigger"]["Schedule"], "cron(0 3 * * ? *)")
        trigger = self.glue.get_trigger(Name=self.name)["Trigger"]
        self.assertEqual(trigger["Schedule"], "cron(0 3 * * ? *)")
        self.assertEqual(trigger["Actions"], [{"JobName": "job-b"}])
        self.assertNotIn("Description", trigger)
        self.assertEqual((trigger["Type"], trigger["State"]), ("SCHEDULED", "ACTIVATED"))

    def test_actions_left_out_are_dropped(self):
        self.glue.update_trigger(Name=self.name, TriggerUpdate={"Schedule": "cron(0 4 * * ? *)"})
        trigger = self.glue.get_trigger(Name=self.name)["Trigger"]
        self.assertEqual(trigger.get("Actions", []), [])

    def test_create_trigger_with_existing_name_is_already_exists(self):
        with self.assertRaises(ClientError) as ctx:
            self.glue.create_trigger(Name=self.name, Type="ON_DEMAND", Actions=[{"JobName": "job-c"}])
        self.assertEqual(error_code(ctx), "AlreadyExistsException")
        self.assertEqual(self.glue.get_trigger(Name=self.name)["Trigger"]["Type"], "SCHEDULED")

    def test_unknown_trigger_is_entity_not_found(self):
        with self.assertRaises(ClientError) as ctx:
            self.glue.update_trigger(Name=unique("missing-trigger"), TriggerUpdate={"Description": "x"})
        self.assertEqual(error_code(ctx), "EntityNotFoundException")


class FaultInjectionTest(unittest.TestCase):
    def setUp(self):
        self.glue = client("glue")
        self.name = unique("faulty-job")
        self.faults = []

    def tearDown(self):
        for fault_id in self.faults:
            delete_fault(fault_id)
        self.glue.delete_job(JobName=self.name)

    def add(self, **spec):
        f = add_fault(**spec)
        self.faults.append(f["id"])
        return f

    def create(self):
        return self.glue.create_job(Name=self.name, Role=ROLE, Command=COMMAND)

    def test_fails_the_call_once_and_never_reaches_the_backend(self):
        f = self.add(service="glue", operation="CreateJob", status=500, count=1, match=self.name)
        with self.assertRaises(ClientError) as ctx:
            self.create()
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 500)
        self.assertEqual(error_code(ctx), "InternalServiceException")
        with self.assertRaises(ClientError) as ctx:
            self.glue.get_job(JobName=self.name)
        self.assertEqual(error_code(ctx), "EntityNotFoundException")
        self.assertIsNone(fault(f["id"]), "a fault with count 1 is gone after firing")
        self.assertEqual(self.create()["Name"], self.name)

    def test_skip_then_count(self):
        self.create()
        f = self.add(service="glue", operation="GetJob", status=500, count=2, skip=1, match=self.name)
        outcomes = []
        for _ in range(4):
            try:
                self.glue.get_job(JobName=self.name)
                outcomes.append("ok")
            except ClientError as e:
                outcomes.append(e.response["Error"]["Code"])
        self.assertEqual(outcomes, ["ok", "InternalServiceException", "InternalServiceException", "ok"])
        self.assertIsNone(fault(f["id"]))

    def test_match_and_operation_narrow_the_fault(self):
        self.create()
        other = unique("other-job")
        self.add(service="glue", operation="GetJob", status=500, count=-1, match=self.name)
        with self.assertRaises(ClientError) as ctx:
            self.glue.get_job(JobName=other)
        self.assertEqual(error_code(ctx), "EntityNotFoundException")  # reached the backend
        self.assertEqual(self.glue.batch_get_jobs(JobNames=[self.name])["Jobs"][0]["Name"], self.name)
        with self.assertRaises(ClientError):
            self.glue.get_job(JobName=self.name)

    def test_throttling_is_retried_by_the_sdk(self):
        self.create()
        f = self.add(service="glue", operation="GetJob", status=400, count=2, match=self.name)
        self.assertEqual(f["code"], "ThrottlingException")
        retrying = client("glue", attempts=3)
        resp = retrying.get_job(JobName=self.name)
        self.assertEqual(resp["Job"]["Name"], self.name)
        self.assertEqual(resp["ResponseMetadata"]["RetryAttempts"], 2)

    def test_unlimited_fault_until_deleted(self):
        self.create()
        f = self.add(service="glue", operation="GetJob", status=503, count=-1, match=self.name,
                     code="ServiceUnavailableException", message="down for the test")
        for _ in range(3):
            with self.assertRaises(ClientError) as ctx:
                self.glue.get_job(JobName=self.name)
            self.assertEqual(error_code(ctx), "ServiceUnavailableException")
            self.assertEqual(ctx.exception.response["Error"]["Message"], "down for the test")
        self.assertEqual(fault(f["id"])["fired"], 3)
        status, _ = control("DELETE", f"faults/{f['id']}")
        self.assertEqual(status, 200)
        self.assertIsNone(fault(f["id"]))
        self.assertEqual(self.glue.get_job(JobName=self.name)["Job"]["Name"], self.name)

    def test_delete_all_faults(self):
        self.create()
        self.add(service="glue", operation="GetJob", status=500, count=-1, match=self.name)
        with self.assertRaises(ClientError):
            self.glue.get_job(JobName=self.name)
        status, body = control("DELETE", "faults")
        self.assertEqual((status, body), (200, {"faults": []}))
        self.assertEqual(self.glue.get_job(JobName=self.name)["Job"]["Name"], self.name)

    def test_delay_without_failing(self):
        self.create()
        self.add(service="glue", operation="GetJob", status=0, delay_ms=600, match=self.name)
        start = datetime.datetime.now()
        self.assertEqual(self.glue.get_job(JobName=self.name)["Job"]["Name"], self.name)
        self.assertGreaterEqual((datetime.datetime.now() - start).total_seconds(), 0.6)

    def test_invalid_fault_is_rejected(self):
        for spec in ({"status": 200}, {"count": 0}, {"operation": "GetJob", "bogus": 1}):
            status, body = control("POST", "faults", spec)
            self.assertEqual(status, 400, spec)
            self.assertIn("error", body)


if __name__ == "__main__":
    unittest.main()
