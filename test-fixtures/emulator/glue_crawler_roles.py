"""Glue CreateCrawler and UpdateCrawler with a role that does not exist, as on AWS.

moto 5.2.5 accepts any role. AWS answers InvalidInputException "Service is unable to assume
role arn:aws:iam::<account>:role/<name>. Please verify role's TrustPolicy" (reported by users
for a misspelt role: ansible-collections/community.aws#546, apache/airflow#13072).
`install()` makes CreateCrawler and UpdateCrawler (when it names a role) answer that when
the role, given by name (`name`, `path/name`) or by ARN, is in the request's account and
does not exist in that account's IAM. A role ARN in another account is not checked: the
emulator cannot tell whether Glue could assume it.

The name in use (AlreadyExistsException) and an unknown crawler (EntityNotFoundException)
are answered first, so a create retried after a lost answer still meets its crawler.
"""

from __future__ import annotations

from typing import Any

from moto.glue.exceptions import InvalidInputException
from moto.glue.models import GlueBackend
from moto.iam.models import iam_backends
from moto.utilities.utils import get_partition


def check_role(backend: GlueBackend, role: str | None) -> None:
    """InvalidInputException unless `role` exists (or is another account's)."""
    if not role:
        return
    partition = get_partition(backend.region_name)
    if role.startswith("arn:"):
        parts = role.split(":", 5)
        if len(parts) < 6 or parts[4] != backend.account_id or not parts[5].startswith("role/"):
            return
        arn = role
    else:
        arn = f"arn:{partition}:iam::{backend.account_id}:role/{role}"
    name = role.rsplit("/", 1)[-1]
    iam = iam_backends[backend.account_id][partition]
    if not any(r.name == name for r in iam.get_roles()):
        raise InvalidInputException(
            "CreateCrawler",
            f"Service is unable to assume role {arn}. Please verify role's TrustPolicy",
        )


def install() -> None:
    """Patch moto's Glue backend in this process (after glue_updates, whose UpdateCrawler it
    wraps); safe to call more than once."""
    if getattr(GlueBackend, "_flywheel_crawler_roles", False):
        return
    create_crawler = GlueBackend.create_crawler
    update_crawler = GlueBackend.update_crawler

    def checked_create_crawler(self: GlueBackend, name: str, role: str, *args: Any,
                               **kwargs: Any) -> None:
        if name not in self.crawlers:  # else AlreadyExistsException from moto
            check_role(self, role)
        return create_crawler(self, name, role, *args, **kwargs)

    def checked_update_crawler(self: GlueBackend, name: str, changes: dict[str, Any]) -> None:
        self.get_crawler(name)  # EntityNotFoundException first
        check_role(self, changes.get("Role"))
        return update_crawler(self, name, changes)

    GlueBackend.create_crawler = checked_create_crawler
    GlueBackend.update_crawler = checked_update_crawler
    GlueBackend._flywheel_crawler_roles = True
