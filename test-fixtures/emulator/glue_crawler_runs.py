"""Glue crawler runs that last, and what AWS refuses while a crawler runs.

moto 5.2.5 ends a crawl only when the crawler's crawls are listed (ListCrawls), or as its
global state manager says for every crawl at once. A test of a client that waits for a
running crawler needs one crawler, and only that one, to run for a while by itself. The
control API starts such a run (see `control.py`, `/_flywheel/crawler-runs`):

    {"crawler": "name", "running_seconds": 8, "stopping_seconds": 2,
     "account": "123456789012", "region": "us-east-1"}

The crawler's state is then RUNNING for `running_seconds` (then READY, its crawl
COMPLETED: GetCrawler's LastCrawl SUCCEEDED, see glue_run_history.py), unless StopCrawler
is called meanwhile: then STOPPING for `stopping_seconds`, then READY (its crawl STOPPED:
LastCrawl CANCELLED). Time is the server's clock; ListCrawls does not move such
a run on.

While a crawler is RUNNING or STOPPING, as on AWS:
- UpdateCrawler answers InvalidInputException "Cannot update Crawler while running. Please
  stop crawl or wait until it completes to update." (what Glue answers in practice:
  aws-cloudformation/cloudformation-coverage-roadmap#817, hashicorp/terraform-provider-aws#43345;
  its API reference also lists CrawlerRunningException, which clients should accept too);
  moto's own patch in glue_updates.py refused only RUNNING, with CrawlerRunningException;
- DeleteCrawler answers CrawlerRunningException (glue_deletes.py refused only RUNNING);
- StartCrawler answers CrawlerRunningException;
- StopCrawler of a STOPPING crawler answers CrawlerStoppingException (moto answered
  CrawlerNotRunningException); of a READY one, CrawlerNotRunningException, as in moto.
"""

from __future__ import annotations

import time
from typing import Any

from moto.core.utils import utcnow
from moto.glue.exceptions import (CrawlerNotRunningException, CrawlerRunningException,
                                  GlueClientError, InvalidInputException)
from moto.glue.models import FakeCrawl, FakeCrawler, GlueBackend, glue_backends

UPDATE_WHILE_RUNNING = ("Cannot update Crawler while running. Please stop crawl or wait "
                        "until it completes to update.")
BUSY = ("RUNNING", "STOPPING")


class CrawlerStoppingException(GlueClientError):
    def __init__(self, msg: str):
        super().__init__("CrawlerStoppingException", msg)


class TimedCrawl(FakeCrawl):
    """A crawl whose state follows the clock, not moto's state manager."""

    def __init__(self, crawler_name: str, running_seconds: float, stopping_seconds: float):
        FakeCrawl.__init__(self, crawler_name)
        self._held = "RUNNING"
        self._until = time.monotonic() + running_seconds
        self._stopping_seconds = stopping_seconds

    @property  # type: ignore[override]
    def status(self) -> str:
        if self._held in BUSY and time.monotonic() >= self._until:
            self._held = "COMPLETED" if self._held == "RUNNING" else "STOPPED"
            self.end_time = utcnow()
        return self._held

    @status.setter
    def status(self, value: str) -> None:
        # FakeCrawler.stop_crawler sets STOPPING: the stop takes `stopping_seconds`.
        if value == "STOPPING" and self.status == "RUNNING":
            self._until = time.monotonic() + self._stopping_seconds
        self._held = value

    def advance(self) -> None:
        """ListCrawls moves moto's crawls on; a timed crawl moves with the clock only."""


def start_run(spec: Any) -> dict[str, Any]:
    """Starts a timed run of a crawler, as the control API's POST /_flywheel/crawler-runs."""
    if not isinstance(spec, dict) or not isinstance(spec.get("crawler"), str):
        raise ValueError('give {"crawler": <name>, "running_seconds": N, "stopping_seconds": N}')
    running = spec.get("running_seconds", 10)
    stopping = spec.get("stopping_seconds", 2)
    for key, value in (("running_seconds", running), ("stopping_seconds", stopping)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 3600:
            raise ValueError(f"{key} must be a number of seconds from 0 to 3600")
    account = spec.get("account") or "123456789012"
    region = spec.get("region") or "us-east-1"
    backend: GlueBackend = glue_backends[account][region]
    crawler: FakeCrawler | None = backend.crawlers.get(spec["crawler"])
    if crawler is None:
        raise KeyError(f"no crawler {spec['crawler']!r} in {account} {region}")
    if crawler.status in BUSY:
        raise ValueError(f"crawler {crawler.name!r} is already {crawler.status}")
    crawl = TimedCrawl(crawler.name, running, stopping)
    crawler.crawls.append(crawl)
    return {"crawler": crawler.name, "crawl_id": crawl.crawl_id, "state": crawler.status,
            "running_seconds": running, "stopping_seconds": stopping}


def install() -> None:
    """Patch moto's Glue backend in this process (after glue_updates, glue_crawler_roles
    and glue_deletes, whose UpdateCrawler and DeleteCrawler it wraps); safe to call more
    than once."""
    if getattr(GlueBackend, "_flywheel_crawler_runs", False):
        return
    update_crawler = GlueBackend.update_crawler
    delete_crawler = GlueBackend.delete_crawler

    def busy_update_crawler(self: GlueBackend, name: str, changes: dict[str, Any]) -> None:
        crawler = self.get_crawler(name)  # EntityNotFoundException first
        if crawler.status in BUSY:
            raise InvalidInputException("UpdateCrawler", UPDATE_WHILE_RUNNING)
        return update_crawler(self, name, changes)

    def busy_delete_crawler(self: GlueBackend, name: str) -> None:
        crawler = self.crawlers.get(name)
        if crawler is not None and crawler.status in BUSY:
            raise CrawlerRunningException(
                f"Crawler with name {name} is {crawler.status}; it cannot be deleted until "
                "its run ends.")
        return delete_crawler(self, name)

    def stop_crawler(self: FakeCrawler) -> None:
        if self.status == "STOPPING":
            raise CrawlerStoppingException(f"Crawler with name {self.name} is stopping.")
        if self.status != "RUNNING":
            raise CrawlerNotRunningException(f"Crawler with name {self.name} isn't running")
        self.crawls[-1].status = "STOPPING"

    def start_crawler(self: FakeCrawler) -> None:
        if self.status in BUSY:
            raise CrawlerRunningException(f"Crawler with name {self.name} has already started")
        self.crawls.append(FakeCrawl(self.name))

    GlueBackend.update_crawler = busy_update_crawler
    GlueBackend.delete_crawler = busy_delete_crawler
    FakeCrawler.stop_crawler = stop_crawler
    FakeCrawler.start_crawler = start_crawler
    GlueBackend._flywheel_crawler_runs = True
