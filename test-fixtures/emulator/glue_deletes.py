"""Glue DeleteJob, DeleteCrawler and DeleteTrigger for the emulator, as on AWS.

moto 5.2.5 keeps a deleted job's, crawler's or trigger's tags in its tag store (keyed by
ARN), so a new one of the same name starts with the old tags (a stale `flywheel:owner`,
say); on AWS it starts untagged. `install()` makes the deletes drop the tags too.

moto also deletes a running crawler; AWS refuses with CrawlerRunningException (stop it,
or wait for the crawl to finish, first). `install()` refuses as AWS does.
"""

from __future__ import annotations

from moto.glue.exceptions import CrawlerRunningException
from moto.glue.models import GlueBackend

_original_delete_job = GlueBackend.delete_job
_original_delete_crawler = GlueBackend.delete_crawler
_original_delete_trigger = GlueBackend.delete_trigger


def _untag(self: GlueBackend, arn: str) -> None:
    self.tagger.delete_all_tags_for_resource(arn)


def delete_job(self: GlueBackend, name: str) -> None:
    job = self.jobs.get(name)
    _original_delete_job(self, name)
    if job is not None:
        _untag(self, job.arn)


def delete_crawler(self: GlueBackend, name: str) -> None:
    crawler = self.crawlers.get(name)
    if crawler is not None and crawler.status == "RUNNING":
        raise CrawlerRunningException(
            f"Crawler with name {name} is running; stop it before deleting it.")
    _original_delete_crawler(self, name)  # CrawlerNotFoundException (EntityNotFound)
    if crawler is not None:
        _untag(self, crawler.arn)


def delete_trigger(self: GlueBackend, name: str) -> None:
    trigger = self.triggers.get(name)
    _original_delete_trigger(self, name)
    if trigger is not None:
        _untag(self, trigger.arn)


def install() -> None:
    """Patch moto's Glue backend in this process; safe to call more than once."""
    if getattr(GlueBackend, "_flywheel_deletes", False):
        return
    GlueBackend.delete_job = delete_job
    GlueBackend.delete_crawler = delete_crawler
    GlueBackend.delete_trigger = delete_trigger
    GlueBackend._flywheel_deletes = True
