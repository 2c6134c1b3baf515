"""Publish/subscribe inside one process.

A service publishes an event once its transaction has committed; each subscriber then
does its part (enqueue a task, count a metric). A failing subscriber is logged and does
not stop the others, nor fail the request that published: the work it stands for is
already committed.
"""

import inspect
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened. Subscribers name the class they want."""

    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))


E = TypeVar("E", bound=Event)
#: A subscriber: a function of the event, plain or async.
Handler = Callable[[E], Awaitable[None] | None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: defaultdict[type[Event], list[Handler[Any]]] = defaultdict(list)

    def subscribe(self, event_type: type[E], handler: Handler[E]) -> None:
        self._handlers[event_type].append(handler)

    def handlers(self, event_type: type[Event]) -> list[Handler[Any]]:
        """The subscribers of the class, then those of its bases (nearest first), each
        class's in the order they subscribed."""
        return [h for cls in event_type.__mro__ for h in self._handlers.get(cls, [])]

    async def publish(self, event: Event) -> int:
        """Run every subscriber; return how many failed."""
        failures = 0
        for handler in self.handlers(type(event)):
            try:
                result = handler(event)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                failures += 1
                logger.exception(
                    "subscriber %s failed on %s",
                    getattr(handler, "__qualname__", repr(handler)),
                    type(event).__name__,
                )
        return failures
