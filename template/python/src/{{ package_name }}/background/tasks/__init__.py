"""The tasks. Importing this package registers them on `celery_app`."""

from .analytics_tasks import record_event, refresh_active_users
from .email_tasks import send_email, send_welcome_email
from .order_tasks import process_order

__all__ = [
    "process_order",
    "record_event",
    "refresh_active_users",
    "send_email",
    "send_welcome_email",
]
