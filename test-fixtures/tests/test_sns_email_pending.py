"""SNS email subscriptions stay pending until confirmed, as on AWS.

Runs against a running emulator at $AWS_ENDPOINT_URL: test-fixtures/test.sh.
"""

import unittest

from botocore.exceptions import ClientError

from emulator_client import client, require_emulator, unique


def setUpModule():
    require_emulator()


class EmailPendingTest(unittest.TestCase):
    def setUp(self):
        self.sns = client("sns")
        self.topic = self.sns.create_topic(Name=unique("pending"))["TopicArn"]
        self.addCleanup(self.sns.delete_topic, TopicArn=self.topic)

    def listed(self):
        subs = self.sns.list_subscriptions_by_topic(TopicArn=self.topic)["Subscriptions"]
        return {s["Endpoint"]: s["SubscriptionArn"] for s in subs}

    def test_email_is_pending_until_confirmed(self):
        arn = self.sns.subscribe(TopicArn=self.topic, Protocol="email",
                                 Endpoint="oncall@example.com",
                                 ReturnSubscriptionArn=True)["SubscriptionArn"]
        self.assertTrue(arn.startswith(self.topic + ":"), arn)
        self.assertEqual(self.listed(), {"oncall@example.com": "PendingConfirmation"})
        attrs = self.sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
        self.assertEqual(attrs["PendingConfirmation"], "true")
        with self.assertRaises(ClientError) as ctx:
            self.sns.unsubscribe(SubscriptionArn="PendingConfirmation")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidParameter")
        # Subscribing again changes nothing.
        self.sns.subscribe(TopicArn=self.topic, Protocol="email", Endpoint="oncall@example.com")
        self.assertEqual(len(self.listed()), 1)
        # The emulator's token is the subscription ARN.
        self.sns.confirm_subscription(TopicArn=self.topic, Token=arn)
        self.assertEqual(self.listed(), {"oncall@example.com": arn})
        self.sns.unsubscribe(SubscriptionArn=arn)
        self.assertEqual(self.listed(), {})

    def test_other_protocols_are_confirmed_at_once(self):
        queue = "arn:aws:sqs:us-east-1:123456789012:" + unique("q")
        arn = self.sns.subscribe(TopicArn=self.topic, Protocol="sqs", Endpoint=queue,
                                 ReturnSubscriptionArn=True)["SubscriptionArn"]
        self.assertEqual(self.listed(), {queue: arn})


if __name__ == "__main__":
    unittest.main()
