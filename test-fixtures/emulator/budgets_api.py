"""AWS Budgets calls moto 5.2.5 lacks or answers unlike AWS.

moto serves CreateBudget, DescribeBudget(s), DeleteBudget and the notification calls, but:
- it ignores CreateBudget's `ResourceTags` and has no TagResource, UntagResource or
  ListTagsForResource (AWS tags a budget by `arn:<partition>:budgets::<account>:budget/<name>`);
- it has no UpdateBudget (AWS replaces the budget's settings, keeping its notifications);
- it has no DescribeSubscribersForNotification;
- DescribeNotificationsForBudget of a budget that does not exist fails with an HTTP 500
  (a KeyError); AWS answers NotFoundException;
- DeleteNotification of a notification the budget does not have succeeds; AWS answers
  NotFoundException.

`install()` adds and fixes these. A budget's tags go when it is deleted.
"""

from __future__ import annotations

import json
from typing import Any

from moto.budgets.exceptions import NotFoundException
from moto.budgets.models import Budget, BudgetsBackend
from moto.budgets.responses import BudgetsResponse
from moto.core.exceptions import JsonRESTError
from moto.core.utils import unix_time

_NOTIFICATION_KEYS = ("NotificationType", "ComparisonOperator", "Threshold", "ThresholdType")


class InvalidParameterException(JsonRESTError):
    code = 400

    def __init__(self, message: str):
        super().__init__("InvalidParameterException", message)


def _tags(backend: BudgetsBackend) -> dict[str, dict[str, str]]:
    """Budget ARN to its tags, kept on the backend so a reset forgets them."""
    if not hasattr(backend, "_flywheel_tags"):
        backend._flywheel_tags = {}
    return backend._flywheel_tags


def _budget_from_arn(backend: BudgetsBackend, arn: str) -> tuple[str, str]:
    """(account, budget name) of an existing budget's ARN, else NotFoundException."""
    parts = (arn or "").split(":", 5)
    if (len(parts) != 6 or parts[0] != "arn" or parts[2] != "budgets"
            or not parts[5].startswith("budget/")):
        raise InvalidParameterException(f"{arn!r} is not a budget ARN")
    account, name = parts[4], parts[5][len("budget/"):]
    if name not in backend.budgets[account]:
        raise NotFoundException(f"Unable to find resource {arn}")
    return account, name


def _arn(response: BudgetsResponse, account: str, name: str) -> str:
    return f"arn:{response.partition}:budgets::{account}:budget/{name}"


def _key(notification: dict[str, Any]) -> tuple:
    """A notification as AWS identifies it (its type, operator, threshold and threshold type)."""
    n = notification or {}
    return (n.get("NotificationType"), n.get("ComparisonOperator"),
            float(n.get("Threshold") or 0), n.get("ThresholdType") or "PERCENTAGE")


def _find_notification(budget: Budget, notification: dict[str, Any]):
    want = _key(notification)
    for n in budget.notifications:
        if _key(n.details) == want:
            return n
    return None


def _budget(backend: BudgetsBackend, account: str, name: str, action: str) -> Budget:
    budget = backend.budgets[account].get(name)
    if budget is None:
        raise NotFoundException(f"Unable to {action} - the budget {name} doesn't exist.")
    return budget


_original_create_budget = BudgetsResponse.create_budget
_original_delete_budget = BudgetsResponse.delete_budget


def create_budget(self: BudgetsResponse) -> str:
    out = _original_create_budget(self)
    account = self._get_param("AccountId")
    name = (self._get_param("Budget") or {}).get("BudgetName")
    tags = {t["Key"]: t.get("Value", "") for t in self._get_param("ResourceTags") or []}
    _tags(self.backend)[_arn(self, account, name)] = tags
    return out


def delete_budget(self: BudgetsResponse) -> str:
    out = _original_delete_budget(self)
    arn = _arn(self, self._get_param("AccountId"), self._get_param("BudgetName"))
    _tags(self.backend).pop(arn, None)
    return out


def update_budget(self: BudgetsResponse) -> str:
    account = self._get_param("AccountId")
    new = self._get_param("NewBudget") or {}
    budget = _budget(self.backend, account, new.get("BudgetName"), "update budget")
    if "BudgetLimit" not in new and "PlannedBudgetLimits" not in new:
        raise InvalidParameterException(
            "Unable to update budget - please provide one of the followings: "
            "Budget Limit/ Planned Budget Limit/ Auto Adjust Data")
    # AWS keeps the time period when none is given, and sets the update time.
    kept = {k: budget.budget[k] for k in ("TimePeriod",) if k in budget.budget and k not in new}
    budget.budget = {**new, **kept}
    budget.budget["LastUpdatedTime"] = unix_time()
    return json.dumps({})


def describe_notifications_for_budget(self: BudgetsResponse) -> str:
    budget = _budget(self.backend, self._get_param("AccountId"), self._get_param("BudgetName"),
                     "describe notifications")
    return json.dumps({"Notifications": budget.get_notifications()})


def delete_notification(self: BudgetsResponse) -> str:
    budget = _budget(self.backend, self._get_param("AccountId"), self._get_param("BudgetName"),
                     "delete notification")
    n = _find_notification(budget, self._get_param("Notification"))
    if n is None:
        raise NotFoundException("Unable to delete notification - the notification doesn't exist.")
    budget.notifications.remove(n)
    return json.dumps({})


def describe_subscribers_for_notification(self: BudgetsResponse) -> str:
    budget = _budget(self.backend, self._get_param("AccountId"), self._get_param("BudgetName"),
                     "describe subscribers")
    n = _find_notification(budget, self._get_param("Notification"))
    if n is None:
        raise NotFoundException(
            "Unable to describe subscribers - the notification doesn't exist.")
    return json.dumps({"Subscribers": list(n.subscribers or [])})


def tag_resource(self: BudgetsResponse) -> str:
    arn = self._get_param("ResourceARN")
    account, name = _budget_from_arn(self.backend, arn)
    tags = _tags(self.backend).setdefault(_arn(self, account, name), {})
    for t in self._get_param("ResourceTags") or []:
        tags[t["Key"]] = t.get("Value", "")
    return json.dumps({})


def untag_resource(self: BudgetsResponse) -> str:
    arn = self._get_param("ResourceARN")
    account, name = _budget_from_arn(self.backend, arn)
    tags = _tags(self.backend).setdefault(_arn(self, account, name), {})
    for k in self._get_param("ResourceTagKeys") or []:
        tags.pop(k, None)
    return json.dumps({})


def list_tags_for_resource(self: BudgetsResponse) -> str:
    arn = self._get_param("ResourceARN")
    account, name = _budget_from_arn(self.backend, arn)
    tags = _tags(self.backend).get(_arn(self, account, name), {})
    return json.dumps({"ResourceTags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]})


def install() -> None:
    """Patch moto's Budgets handler in this process; safe to call more than once."""
    if getattr(BudgetsResponse, "_flywheel_budgets_api", False):
        return
    BudgetsResponse.create_budget = create_budget
    BudgetsResponse.delete_budget = delete_budget
    BudgetsResponse.update_budget = update_budget
    BudgetsResponse.describe_notifications_for_budget = describe_notifications_for_budget
    BudgetsResponse.delete_notification = delete_notification
    BudgetsResponse.describe_subscribers_for_notification = describe_subscribers_for_notification
    BudgetsResponse.tag_resource = tag_resource
    BudgetsResponse.untag_resource = untag_resource
    BudgetsResponse.list_tags_for_resource = list_tags_for_resource
    BudgetsResponse._flywheel_budgets_api = True
