"""The events the core services publish."""

from dataclasses import dataclass

from .event_bus import Event


@dataclass(frozen=True, kw_only=True)
class UserRegistered(Event):
    user_id: int
    email: str
    full_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class UserErased(Event):
    """A person's data was erased (GDPR): whoever keeps copies elsewhere drops them."""

    user_id: int
