"""Glue crawler targets as AWS Glue keeps and reports them.

moto 5.2.5 stores a crawler's `Targets` as the request gave them and echoes them: every
kind (S3, JDBC, MongoDB, DynamoDB, Catalog, Delta, Iceberg, Hudi) and every field comes
back, which is what AWS does too. Where it differs:

Shape of the answer
    GetCrawler, GetCrawlers and BatchGetCrawlers on AWS list every target kind, empty when
    the crawler has none of it (`"JdbcTargets": []`), and an S3 or JDBC target without
    exclusions reports `"Exclusions": []`. moto reports only what was sent.

Rules across kinds
    AWS refuses (InvalidInputException) a CreateCrawler or UpdateCrawler whose targets are
    empty, that mixes catalog targets with any other kind, or whose catalog targets come
    with `SchemaChangePolicy.DeleteBehavior` DEPRECATE_IN_DATABASE. moto accepts all three.
    The messages are this emulator's wording, not AWS's.

Configuration of a crawler of catalog targets
    AWS reports `"Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"}` in it,
    set or not (terraform-provider-aws documents this default), next to what
    glue_crawler_answers.py adds for every crawler.

All are applied here: the rules when the crawler is written (on UpdateCrawler, to the
targets and policy the crawler would have after it), the shape when it is read.
"""

from __future__ import annotations

import json
from typing import Any

from moto.glue.exceptions import InvalidInputException
from moto.glue.models import FakeCrawler, GlueBackend

KINDS = ("S3Targets", "JdbcTargets", "MongoDBTargets", "DynamoDBTargets", "CatalogTargets",
         "DeltaTargets", "IcebergTargets", "HudiTargets")


def reported_targets(targets: Any) -> Any:
    """Every kind listed, and exclusions on S3 and JDBC targets, as GetCrawler reports."""
    if not isinstance(targets, dict):
        return targets
    out = {k: list(targets.get(k) or []) for k in KINDS}
    for k, v in targets.items():
        out.setdefault(k, v)
    for kind in ("S3Targets", "JdbcTargets"):
        out[kind] = [dict(t, Exclusions=t.get("Exclusions") or []) if isinstance(t, dict)
                     else t for t in out[kind]]
    return out


def catalog_configuration(configuration: Any) -> Any:
    """The configuration of a crawler of catalog targets as GetCrawler reports it: with
    `"Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"}` unless set otherwise
    (terraform-provider-aws documents this default), even when none was given."""
    if configuration is not None and not isinstance(configuration, str):
        return configuration
    try:
        value = json.loads(configuration) if configuration and configuration.strip() else {
            "Version": 1.0}
    except ValueError:
        return configuration
    if not isinstance(value, dict):
        return configuration
    grouping = value.setdefault("Grouping", {})
    if isinstance(grouping, dict):
        grouping.setdefault("TableGroupingPolicy", "CombineCompatibleSchemas")
    return json.dumps(value, separators=(",", ":"))


def problem(operation: str, targets: Any, policy: Any) -> InvalidInputException | None:
    """The refusal AWS gives these targets and schema change policy, if any."""
    targets = targets if isinstance(targets, dict) else {}
    present = [k for k in KINDS if targets.get(k)]
    if not present:
        return InvalidInputException(operation, "One or more targets required")
    if "CatalogTargets" in present and len(present) > 1:
        others = ", ".join(k for k in present if k != "CatalogTargets")
        return InvalidInputException(
            operation, f"Catalog targets cannot be combined with other targets: {others}")
    delete = (policy or {}).get("DeleteBehavior") if isinstance(policy, dict) else None
    if "CatalogTargets" in present and delete == "DEPRECATE_IN_DATABASE":
        return InvalidInputException(
            operation,
            "DEPRECATE_IN_DATABASE is not a supported delete behavior for catalog targets")
    return None


def install() -> None:
    """Patch moto's crawler writes and shape in this process (after glue_updates and
    glue_crawler_answers, whose UpdateCrawler and crawler shape it wraps); safe to call
    more than once."""
    if getattr(GlueBackend, "_flywheel_crawler_targets", False):
        return
    create_crawler = GlueBackend.create_crawler
    update_crawler = GlueBackend.update_crawler
    as_dict = FakeCrawler.as_dict

    def checked_create_crawler(self: GlueBackend, name: str, *args: Any, **kwargs: Any) -> None:
        if name not in self.crawlers:  # else AlreadyExistsException from moto
            err = problem("CreateCrawler", kwargs.get("targets"),
                          kwargs.get("schema_change_policy"))
            if err is not None:
                raise err
        return create_crawler(self, name, *args, **kwargs)

    def checked_update_crawler(self: GlueBackend, name: str, changes: dict[str, Any]) -> None:
        crawler = self.get_crawler(name)  # EntityNotFoundException first
        if "Targets" in changes or "SchemaChangePolicy" in changes:
            err = problem("UpdateCrawler", changes.get("Targets", crawler.targets),
                          changes.get("SchemaChangePolicy", crawler.schema_change_policy))
            if err is not None:
                raise err
        return update_crawler(self, name, changes)

    def reported(self: FakeCrawler) -> dict[str, Any]:
        data = as_dict(self)
        if "Targets" in data:
            data["Targets"] = reported_targets(data["Targets"])
            if (data["Targets"] or {}).get("CatalogTargets"):
                data["Configuration"] = catalog_configuration(data.get("Configuration"))
        return data

    GlueBackend.create_crawler = checked_create_crawler
    GlueBackend.update_crawler = checked_update_crawler
    FakeCrawler.as_dict = reported
    GlueBackend._flywheel_crawler_targets = True
