"""IAM roles as AWS has them: inline policy names in pages, and permissions boundaries
that must name an existing managed policy.

moto 5.2.5:
- answers ListRolePolicies with every name at once (`IsTruncated` false) and ignores
  `MaxItems` and `Marker`, which hides paging bugs in a client that reads one page.
  `install()` makes it answer the names sorted, at most `MaxItems` of them (1 to 1000;
  100 when not given, as on AWS), with `IsTruncated` and a `Marker` when more follow. The
  marker resumes after the last name returned, so policies added or deleted between pages
  neither repeat nor shift the pages; a marker that is not one of these, or `MaxItems`
  out of range, answers ValidationError.
- accepts any policy-shaped ARN as a role's permissions boundary (CreateRole,
  PutRolePermissionsBoundary). AWS answers NoSuchEntity unless the managed policy exists;
  so does the emulator now.

Path, PermissionsBoundary on GetRole, and DeleteRolePermissionsBoundary need no change.
"""

from __future__ import annotations

import base64
import binascii
import json

from moto.core.responses import ActionResult
from moto.iam.exceptions import NotFoundException, ValidationError
from moto.iam.models import IAMBackend
from moto.iam.responses import IamResponse

PAGE_SIZE = 100
MAX_ITEMS = 1000


def _encode(last_name: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_name}).encode()).decode()


def _decode(marker: str) -> str:
    try:
        return str(json.loads(base64.urlsafe_b64decode(marker.encode()))["after"])
    except (binascii.Error, ValueError, TypeError, KeyError):
        raise ValidationError("Invalid Marker.") from None


def page(names: list[str], max_items, marker: str | None) -> tuple[list[str], str | None]:
    """One page of names, sorted; the marker of the next page, or None."""
    size = PAGE_SIZE if max_items in (None, "") else int(max_items)
    if not 1 <= size <= MAX_ITEMS:
        raise ValidationError(
            f"1 validation error detected: Value '{size}' at 'maxItems' failed to satisfy "
            f"constraint: Member must have value between 1 and {MAX_ITEMS}")
    ordered = sorted(names)
    if marker:
        after = _decode(marker)
        ordered = [n for n in ordered if n > after]
    chosen = ordered[:size]
    return chosen, (_encode(chosen[-1]) if len(ordered) > size else None)


def response_list_role_policies(self: IamResponse) -> ActionResult:
    names = self.backend.list_role_policies(self._get_param("RoleName"))
    chosen, marker = page(names, self._get_param("MaxItems"), self._get_param("Marker"))
    result = {"PolicyNames": chosen, "IsTruncated": marker is not None}
    if marker is not None:
        result["Marker"] = marker
    return ActionResult(result)


def _check_boundary(backend: IAMBackend, arn: str | None) -> None:
    if arn and arn not in backend.managed_policies:
        raise NotFoundException(f"Policy {arn} does not exist or is not attachable.")


def install() -> None:
    """Patch moto's IAM in this process; safe to call more than once."""
    if getattr(IamResponse, "_flywheel_roles", False):
        return
    IamResponse.list_role_policies = response_list_role_policies

    create_role = IAMBackend.create_role
    put_boundary = IAMBackend.put_role_permissions_boundary

    def checked_create_role(self, role_name, assume_role_policy_document, path,
                            permissions_boundary, *args, **kwargs):
        _check_boundary(self, permissions_boundary)
        return create_role(self, role_name, assume_role_policy_document, path,
                           permissions_boundary, *args, **kwargs)

    def checked_put_boundary(self, role_name, permissions_boundary):
        self.get_role(role_name)  # NoSuchEntity for the role first, as AWS answers
        _check_boundary(self, permissions_boundary)
        return put_boundary(self, role_name, permissions_boundary)

    IAMBackend.create_role = checked_create_role
    IAMBackend.put_role_permissions_boundary = checked_put_boundary
    IamResponse._flywheel_roles = True
