"""The tasks. Importing this package registers them on `celery_app`."""

from .analytics_tasks import record_event, refresh_active_users
from .email_tasks import send_email, send_welcome_email

__all__ = ["record_event", "refresh_active_users", "send_email", "send_welcome_email"]
