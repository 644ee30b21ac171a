"""SNS email subscriptions wait for confirmation, as on AWS.

moto 5.2.5 confirms every subscription at once. On AWS an `email` or `email-json`
subscription stays pending until the address follows the link SNS mails it: meanwhile
ListSubscriptionsByTopic and ListSubscriptions answer `"SubscriptionArn":
"PendingConfirmation"` for it, and it cannot be unsubscribed. The provider must not
take a pending subscription for drift.

`install()` makes new email subscriptions pending in those listings (GetSubscriptionAttributes
says `PendingConfirmation: "true"`), and lets a test confirm one: ConfirmSubscription with
the topic and, as the token, the subscription's ARN (the emulator's convention; AWS's
token comes in the mail).
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.sns.exceptions import SNSInvalidParameter, SNSNotFoundError
from moto.sns.models import SNSBackend
from moto.sns.responses import SNSResponse

PENDING = "PendingConfirmation"
_EMAIL = ("email", "email-json")

_original_subscribe = SNSBackend.subscribe
_original_unsubscribe = SNSBackend.unsubscribe


def subscribe(self: SNSBackend, topic_arn: str, endpoint: str, protocol: str) -> Any:
    known = self._find_subscription(topic_arn, endpoint, protocol)
    sub = _original_subscribe(self, topic_arn, endpoint, protocol)
    if known is None and protocol in _EMAIL:
        sub._flywheel_pending = True
        sub.attributes["PendingConfirmation"] = "true"
    return sub


def unsubscribe(self: SNSBackend, subscription_arn: str) -> None:
    if subscription_arn == PENDING:
        raise SNSInvalidParameter("Invalid parameter: SubscriptionArn Reason: "
                                  "PendingConfirmation is not a subscription ARN")
    _original_unsubscribe(self, subscription_arn)


def _listed(sub: Any) -> dict[str, str]:
    pending = getattr(sub, "_flywheel_pending", False)
    return {
        "SubscriptionArn": PENDING if pending else sub.arn,
        "Owner": sub.owner,
        "Protocol": sub.protocol,
        "Endpoint": sub.endpoint,
        "TopicArn": sub.topic.arn,
    }


def list_subscriptions_by_topic(self: SNSResponse) -> ActionResult:
    subs, next_token = self.backend.list_subscriptions_by_topic(
        self._get_param("TopicArn"), next_token=self._get_param("NextToken"))
    return ActionResult({"Subscriptions": [_listed(s) for s in subs], "NextToken": next_token})


def list_subscriptions(self: SNSResponse) -> ActionResult:
    subs, next_token = self.backend.list_subscriptions(next_token=self._get_param("NextToken"))
    return ActionResult({"Subscriptions": [_listed(s) for s in subs], "NextToken": next_token})


def confirm_subscription(self: SNSResponse) -> ActionResult:
    topic_arn = self._get_param("TopicArn")
    token = self._get_param("Token")
    if topic_arn not in self.backend.topics:
        raise SNSNotFoundError("Topic does not exist")
    sub = self.backend.subscriptions.get(token)
    if sub is None or sub.topic.arn != topic_arn:
        raise SNSInvalidParameter("Invalid token")
    sub._flywheel_pending = False
    sub.attributes["PendingConfirmation"] = "false"
    return ActionResult({"SubscriptionArn": sub.arn})


def install() -> None:
    """Patch moto's SNS backend and handler in this process; safe to call more than once."""
    if getattr(SNSBackend, "_flywheel_email_pending", False):
        return
    SNSBackend.subscribe = subscribe
    SNSBackend.unsubscribe = unsubscribe
    SNSResponse.list_subscriptions_by_topic = list_subscriptions_by_topic
    SNSResponse.list_subscriptions = list_subscriptions
    SNSResponse.confirm_subscription = confirm_subscription
    SNSBackend._flywheel_email_pending = True
