"""The Resource Groups Tagging API lists EventBridge rules, as AWS does.

moto 5.2.5's GetResources knows only the event buses of EventBridge: a tagged rule is
never listed, so batched tag reads would fall back to ListTagsForResource for every rule
(AWS indexes rules as `events:rule`).

`install()` makes EventBridge's taggable resources its buses and every bus's rules, each
with the tags ListTagsForResource answers.
"""

from __future__ import annotations

from typing import Iterator

from moto.core.resource_tagging import TaggedResource
from moto.events.models import EventsBackend


def install() -> None:
    """Patch moto's EventBridge backend in this process; safe to call more than once."""
    if getattr(EventsBackend, "_flywheel_rule_tagging", False):
        return
    inner = EventsBackend.iter_tagged_resources

    def iter_tagged_resources(self: EventsBackend) -> Iterator[TaggedResource]:
        yield from inner(self)
        for bus in list(self.event_buses.values()):
            for rule in list(bus.rules.values()):
                yield TaggedResource(
                    arn=rule.arn,
                    tags=self.tagger.get_tag_dict_for_resource(rule.arn),
                    resource_type="events:rule",
                )

    EventsBackend.iter_tagged_resources = iter_tagged_resources  # type: ignore[method-assign]
    EventsBackend._flywheel_rule_tagging = True  # type: ignore[attr-defined]
