"""Glue GetTables pages, as on AWS.

moto 5.2.5 answers GetTables with every table of the database at once, in creation order,
and ignores MaxResults and NextToken: a client that reads one page of MaxResults and
follows NextToken saw everything on the first page, which hides paging bugs. `install()`
makes GetTables(DatabaseName, Expression?, MaxResults?, NextToken?) return the tables
sorted by name, at most MaxResults of them (default and cap 100, the API's maximum), and a
NextToken when more follow. The token resumes after the last name returned, so tables
created or deleted between pages neither repeat nor shift the pages. A token that is not
one of these answers InvalidInputException.

The rest of the catalog needs no change: CreateTable (AlreadyExistsException for a
duplicate, EntityNotFoundException in a missing database), DeleteTable
(EntityNotFoundException when missing), and DeleteDatabase, which deletes the database's
tables with it, as AWS does (they are no longer reachable, and a database re-created with
the same name is empty).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from moto.core.responses import ActionResult
from moto.glue.exceptions import GlueClientError
from moto.glue.responses import GlueResponse

PAGE_SIZE = 100


def _encode(last_name: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_name}).encode()).decode()


def _decode(token: str) -> str:
    try:
        return str(json.loads(base64.urlsafe_b64decode(token.encode()))["after"])
    except (binascii.Error, ValueError, TypeError, KeyError):
        raise GlueClientError("InvalidInputException", "Invalid NextToken") from None


def page(items: list[Any], max_results: Any, next_token: str | None) -> tuple[list[Any], str | None]:
    """One page of items (objects with a `name`), sorted by name."""
    size = min(max(int(max_results or PAGE_SIZE), 1), PAGE_SIZE)
    ordered = sorted(items, key=lambda item: item.name)
    if next_token:
        after = _decode(next_token)
        ordered = [item for item in ordered if item.name > after]
    chosen = ordered[:size]
    token = _encode(chosen[-1].name) if len(ordered) > size else None
    return chosen, token


def response_get_tables(self: GlueResponse) -> ActionResult:
    params = self.parameters
    tables = self.glue_backend.get_tables(params.get("DatabaseName"), params.get("Expression"))
    chosen, token = page(tables, params.get("MaxResults"), params.get("NextToken"))
    return ActionResult({"TableList": [t.as_dict() for t in chosen], "NextToken": token})


def install() -> None:
    """Patch moto's Glue response handler in this process; safe to call more than once."""
    if getattr(GlueResponse, "_flywheel_tables", False):
        return
    GlueResponse.get_tables = response_get_tables
    GlueResponse._flywheel_tables = True
