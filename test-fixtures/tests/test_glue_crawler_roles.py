"""CreateCrawler and UpdateCrawler with a role that does not exist answer
InvalidInputException "Service is unable to assume role ...", as on AWS
(glue_crawler_roles.py).

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import unittest

from botocore.exceptions import ClientError

from emulator_client import DEFAULT_ACCOUNT, client, ensure_role, require_emulator, unique


def setUpModule():
    require_emulator()


TARGETS = {"S3Targets": [{"Path": "s3://omc-flywheel-data/opus/addressable/"}]}
OTHER_ACCOUNT = "239083076653"


class CrawlerRoleTest(unittest.TestCase):
    def setUp(self):
        self.glue = client("glue")

    def create(self, role, glue=None):
        name = unique("crawler")
        glue = glue or self.glue
        glue.create_crawler(Name=name, Role=role, DatabaseName="db", Targets=TARGETS)
        self.addCleanup(glue.delete_crawler, Name=name)
        return name

    def assert_cannot_assume(self, call, arn):
        with self.assertRaises(ClientError) as ctx:
            call()
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], "InvalidInputException")
        self.assertEqual(err["Message"],
                         f"Service is unable to assume role {arn}. Please verify role's TrustPolicy")

    def test_missing_role_by_arn_or_name_is_refused(self):
        role = unique("no-such-role")
        arn = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/{role}"
        name = unique("crawler")
        for given in (arn, role):
            self.assert_cannot_assume(
                lambda: self.glue.create_crawler(Name=name, Role=given, DatabaseName="db",
                                                 Targets=TARGETS), arn)
        with self.assertRaises(ClientError) as ctx:
            self.glue.get_crawler(Name=name)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "EntityNotFoundException")

    def test_existing_role_is_accepted_with_or_without_path(self):
        role = unique("glue-role")
        ensure_role(role)
        ensure_role(role)  # idempotent
        ensure_role(f"service-role/{role}-p")
        self.create(f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/{role}")
        self.create(role)
        name = self.create(f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/service-role/{role}-p")
        self.assertEqual(self.glue.get_crawler(Name=name)["Crawler"]["Role"],
                         f"service-role/{role}-p")

    def test_update_to_a_missing_role_is_refused_and_changes_nothing(self):
        role = unique("glue-role")
        ensure_role(role)
        name = self.create(role)
        missing = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/{unique('no-such-role')}"
        self.assert_cannot_assume(
            lambda: self.glue.update_crawler(Name=name, Role=missing, TablePrefix="x_"), missing)
        crawler = self.glue.get_crawler(Name=name)["Crawler"]
        self.assertEqual((crawler["Role"], crawler.get("TablePrefix")), (role, None))
        # Updates that leave the role alone are not checked again.
        self.glue.update_crawler(Name=name, TablePrefix="y_")

    def test_role_is_looked_up_in_the_requests_account(self):
        role = unique("glue-role")
        ensure_role(role)  # in the default account only
        other = client("glue", access_key=OTHER_ACCOUNT)
        self.assert_cannot_assume(
            lambda: self.create(role, glue=other),
            f"arn:aws:iam::{OTHER_ACCOUNT}:role/{role}")
        # Another account's role ARN is not checked: the emulator cannot tell.
        self.create(f"arn:aws:iam::210987654321:role/{unique('elsewhere')}")

    def test_name_in_use_is_answered_first(self):
        role = unique("glue-role")
        ensure_role(role)
        name = self.create(role)
        with self.assertRaises(ClientError) as ctx:
            self.glue.create_crawler(Name=name, Role=unique("no-such-role"), DatabaseName="db",
                                     Targets=TARGETS)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AlreadyExistsException")


if __name__ == "__main__":
    unittest.main()
