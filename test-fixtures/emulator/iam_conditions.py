"""Policy condition evaluation for moto 5.2.5, closer to AWS's.

moto evaluates only `StringEquals` and counts any other operator as met, and it answers
DENIED for a statement whose condition does not hold, whatever its Effect. Together these
made a bucket's standard TLS-only guard (Deny when `aws:SecureTransport` is "false") deny
every request. This module:
- evaluates `Bool` (case-insensitive, as AWS does);
- supplies `aws:SecureTransport = "true"`: the emulator stands in for AWS's TLS endpoints;
- makes a statement whose condition does not hold not apply (NEUTRAL), as on AWS.
"""

from moto.iam import access_control, policy_conditions
from moto.iam.access_control import PermissionResult


def _bool(expected, actual: str) -> bool:
    values = expected if isinstance(expected, list) else [expected]
    return str(actual).lower() in [str(v).lower() for v in values]


def install() -> None:
    statement = access_control.IAMPolicyStatement
    if getattr(statement, "_flywheel_patched", False):
        return
    policy_conditions.CONDITION_OPERATIONS.setdefault("Bool", _bool)
    original = statement.is_action_permitted

    def is_action_permitted(self, action, resource="*", principal=None,
                            incoming_condition_values=None):
        values = {"aws:SecureTransport": "true", **(incoming_condition_values or {})}
        result = original(self, action, resource, principal, values)
        if (result == PermissionResult.DENIED
                and self._statement.get("Condition")
                and not self._check_conditions(values)):
            return PermissionResult.NEUTRAL
        return result

    statement.is_action_permitted = is_action_permitted
    statement._flywheel_patched = True
