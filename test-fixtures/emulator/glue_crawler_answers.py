"""GetCrawler, GetCrawlers and BatchGetCrawlers answering as AWS Glue does.

moto 5.2.5 echoes a crawler's request. AWS Glue does not, in two ways that matter to a
client comparing what it asked for with what it reads back:

Role
    CreateCrawler and UpdateCrawler take the role as an ARN or a name; GetCrawler reports
    it by name, with the role's path when it has one: `arn:aws:iam::1:role/glue` reads back
    as `glue`, `arn:aws:iam::1:role/service-role/glue` as `service-role/glue`
    (terraform-provider-aws suppresses this diff: "Glue API always returns name"). A role
    given by name reads back as given.

Configuration
    Glue stores the configuration JSON re-serialised: compact, and with
    `"CreatePartitionIndex": true` added when the request did not set it (partition indexes
    are on by default for S3 targets). Text that is not JSON is kept as given (AWS rejects
    it at create; moto does not).

Both are applied when the crawler is read, so what moto stores stays the request.
"""

from __future__ import annotations

import json
from typing import Any

from moto.glue.models import FakeCrawler


def reported_role(role: Any) -> Any:
    """The role as GetCrawler reports it: path/name for an IAM role ARN."""
    if not isinstance(role, str) or not role.startswith("arn:"):
        return role
    _, sep, path_name = role.partition(":role/")
    return path_name.strip("/") if sep else role


def reported_configuration(configuration: Any) -> Any:
    if not isinstance(configuration, str) or not configuration.strip():
        return configuration
    try:
        value = json.loads(configuration)
    except ValueError:
        return configuration
    if isinstance(value, dict):
        value.setdefault("CreatePartitionIndex", True)
    return json.dumps(value, separators=(",", ":"))


def install() -> None:
    """Patch moto's crawler shape in this process; safe to call more than once. Wraps
    whatever `FakeCrawler.as_dict` is installed (glue_updates.py's, when installed first)."""
    if getattr(FakeCrawler, "_flywheel_answers", False):
        return
    original = FakeCrawler.as_dict

    def as_dict(self: FakeCrawler) -> dict[str, Any]:
        data = original(self)
        data["Role"] = reported_role(data.get("Role"))
        if data.get("Configuration") is not None:
            data["Configuration"] = reported_configuration(data["Configuration"])
        return data

    FakeCrawler.as_dict = as_dict
    FakeCrawler._flywheel_answers = True
