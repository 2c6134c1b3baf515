"""In-process events: services publish what happened, subscribers react."""

from .event_bus import Event, EventBus, Handler
from .events import UserErased, UserRegistered

__all__ = ["Event", "EventBus", "Handler", "UserErased", "UserRegistered"]
