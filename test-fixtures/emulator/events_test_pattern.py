"""EventBridge TestEventPattern for the emulator, as on AWS.

moto 5.2.5 routes TestEventPattern to a handler that does nothing (an empty answer, which
the SDKs read as `Result: false`). AWS answers whether the event matches the pattern
(`{"Result": true|false}`), and rejects an event that is not JSON or lacks the fields
every event has (`InvalidEventPatternException` for a bad pattern). `install()` matches
with moto's own pattern matcher, the one its rules use to deliver events (it knows
`wildcard`, `prefix`, `anything-but`, `exists`, `numeric` and `$or`).
"""

from __future__ import annotations

import json

from moto.events.exceptions import InvalidEventPatternException, ValidationException
from moto.events.models import EventPattern
from moto.events.responses import EventsHandler

# Fields AWS requires in a test event (TestEventPattern: "Event" must have them).
_REQUIRED = ("id", "account", "source", "time", "region", "detail-type")


def test_event_pattern(self: EventsHandler) -> str:
    raw_pattern = self._get_param("EventPattern")
    raw_event = self._get_param("Event")
    try:
        event = json.loads(raw_event or "")
    except ValueError:
        raise ValidationException("Parameter Event is not valid.")
    if not isinstance(event, dict) or any(k not in event for k in _REQUIRED):
        raise ValidationException(
            "Parameter Event is not valid: it needs " + ", ".join(_REQUIRED) + ".")
    try:
        pattern = EventPattern.load(raw_pattern)
    except InvalidEventPatternException:
        raise
    except ValueError as e:
        raise InvalidEventPatternException(reason=str(e))
    return json.dumps({"Result": bool(pattern.matches_event(event))})


def install() -> None:
    """Patch moto's EventBridge handler in this process; safe to call more than once."""
    if getattr(EventsHandler, "_flywheel_test_event_pattern", False):
        return
    EventsHandler.test_event_pattern = test_event_pattern
    EventsHandler._flywheel_test_event_pattern = True
