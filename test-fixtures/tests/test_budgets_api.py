"""AWS Budgets tags, UpdateBudget, subscribers and notification errors, as on AWS.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import unittest

from botocore.exceptions import ClientError

from emulator_client import DEFAULT_ACCOUNT, client, require_emulator, unique

ACTUAL_80 = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN",
             "Threshold": 80.0, "ThresholdType": "PERCENTAGE"}
FORECAST_100 = {"NotificationType": "FORECASTED", "ComparisonOperator": "GREATER_THAN",
                "Threshold": 100.0, "ThresholdType": "PERCENTAGE"}
TOPIC = f"arn:aws:sns:us-east-1:{DEFAULT_ACCOUNT}:alerts"


def setUpModule():
    require_emulator()


def budget(name, amount="100"):
    return {"BudgetName": name, "BudgetType": "COST", "TimeUnit": "MONTHLY",
            "BudgetLimit": {"Amount": amount, "Unit": "USD"},
            "CostFilters": {"TagKeyValue": ["user:flywheel:owner$abc"]}}


class BudgetsApiTest(unittest.TestCase):
    def setUp(self):
        self.budgets = client("budgets")
        self.name = unique("budget")
        self.arn = f"arn:aws:budgets::{DEFAULT_ACCOUNT}:budget/{self.name}"
        self.budgets.create_budget(
            AccountId=DEFAULT_ACCOUNT, Budget=budget(self.name),
            NotificationsWithSubscribers=[
                {"Notification": ACTUAL_80,
                 "Subscribers": [{"SubscriptionType": "SNS", "Address": TOPIC}]},
            ],
            ResourceTags=[{"Key": "flywheel:owner", "Value": "abc"}])
        self.addCleanup(self.delete_quietly)

    def delete_quietly(self):
        try:
            self.budgets.delete_budget(AccountId=DEFAULT_ACCOUNT, BudgetName=self.name)
        except ClientError:
            pass

    def code(self, call, **kwargs):
        with self.assertRaises(ClientError) as ctx:
            call(**kwargs)
        return ctx.exception.response["Error"]["Code"]

    def tags(self):
        out = self.budgets.list_tags_for_resource(ResourceARN=self.arn)["ResourceTags"]
        return {t["Key"]: t["Value"] for t in out}

    def test_tags_are_kept_changed_and_forgotten_with_the_budget(self):
        self.assertEqual(self.tags(), {"flywheel:owner": "abc"})
        self.budgets.tag_resource(ResourceARN=self.arn,
                                  ResourceTags=[{"Key": "team", "Value": "data"}])
        self.budgets.untag_resource(ResourceARN=self.arn, ResourceTagKeys=["flywheel:owner"])
        self.assertEqual(self.tags(), {"team": "data"})
        self.budgets.delete_budget(AccountId=DEFAULT_ACCOUNT, BudgetName=self.name)
        self.assertEqual(self.code(self.budgets.list_tags_for_resource, ResourceARN=self.arn),
                         "NotFoundException")
        # A budget made again under the name starts without the old one's tags.
        self.budgets.create_budget(AccountId=DEFAULT_ACCOUNT, Budget=budget(self.name))
        self.assertEqual(self.tags(), {})

    def test_update_budget_replaces_its_settings_and_keeps_notifications(self):
        new = budget(self.name, amount="250.5")
        new["CostFilters"] = {"TagKeyValue": ["user:flywheel:owner$xyz"]}
        self.budgets.update_budget(AccountId=DEFAULT_ACCOUNT, NewBudget=new)
        got = self.budgets.describe_budget(AccountId=DEFAULT_ACCOUNT,
                                           BudgetName=self.name)["Budget"]
        self.assertEqual(got["BudgetLimit"]["Amount"], "250.5")
        self.assertEqual(got["CostFilters"], {"TagKeyValue": ["user:flywheel:owner$xyz"]})
        self.assertIn("TimePeriod", got)
        notes = self.budgets.describe_notifications_for_budget(
            AccountId=DEFAULT_ACCOUNT, BudgetName=self.name)["Notifications"]
        self.assertEqual(len(notes), 1)
        missing = budget(unique("absent"))
        self.assertEqual(self.code(self.budgets.update_budget, AccountId=DEFAULT_ACCOUNT,
                                   NewBudget=missing), "NotFoundException")

    def test_subscribers_are_described_per_notification(self):
        subs = self.budgets.describe_subscribers_for_notification(
            AccountId=DEFAULT_ACCOUNT, BudgetName=self.name, Notification=ACTUAL_80)
        self.assertEqual(subs["Subscribers"], [{"SubscriptionType": "SNS", "Address": TOPIC}])
        self.budgets.create_notification(
            AccountId=DEFAULT_ACCOUNT, BudgetName=self.name, Notification=FORECAST_100,
            Subscribers=[{"SubscriptionType": "EMAIL", "Address": "a@example.com"}])
        subs = self.budgets.describe_subscribers_for_notification(
            AccountId=DEFAULT_ACCOUNT, BudgetName=self.name, Notification=FORECAST_100)
        self.assertEqual([s["Address"] for s in subs["Subscribers"]], ["a@example.com"])
        other = dict(FORECAST_100, Threshold=90.0)
        self.assertEqual(self.code(self.budgets.describe_subscribers_for_notification,
                                   AccountId=DEFAULT_ACCOUNT, BudgetName=self.name,
                                   Notification=other), "NotFoundException")

    def test_missing_budgets_and_notifications_are_not_found(self):
        self.assertEqual(self.code(self.budgets.delete_notification, AccountId=DEFAULT_ACCOUNT,
                                   BudgetName=self.name, Notification=FORECAST_100),
                         "NotFoundException")
        self.budgets.delete_notification(AccountId=DEFAULT_ACCOUNT, BudgetName=self.name,
                                         Notification=ACTUAL_80)
        self.assertEqual(self.budgets.describe_notifications_for_budget(
            AccountId=DEFAULT_ACCOUNT, BudgetName=self.name)["Notifications"], [])
        self.assertEqual(self.code(self.budgets.describe_notifications_for_budget,
                                   AccountId=DEFAULT_ACCOUNT, BudgetName=unique("absent")),
                         "NotFoundException")
        self.assertEqual(self.code(self.budgets.create_budget, AccountId=DEFAULT_ACCOUNT,
                                   Budget=budget(self.name)), "DuplicateRecordException")


if __name__ == "__main__":
    unittest.main()
