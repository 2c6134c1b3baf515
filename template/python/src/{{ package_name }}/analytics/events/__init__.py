"""The events the domain publishes on the event bus once its transaction has committed."""

from .business_events import (
    OrderCancelled,
    OrderCreated,
    OrderEvent,
    OrderPaid,
    OrderPaymentFailed,
    OrderStatusChanged,
)
from .user_events import UserErased, UserRegistered

__all__ = [
    "OrderCancelled",
    "OrderCreated",
    "OrderEvent",
    "OrderPaid",
    "OrderPaymentFailed",
    "OrderStatusChanged",
    "UserErased",
    "UserRegistered",
]
