"""Background work: the Celery application, its tasks and the subscribers that enqueue them.

Workers and beat are started with `python -m <package>.background ...` (see `command`
and `workers`).
"""

from .celery_app import celery_app, celery_config, configure_celery
from .routing import (
    DEFAULT_QUEUE,
    NOTIFICATIONS_QUEUE,
    ORDERS_QUEUE,
    QUEUES,
)
from .scheduler import beat_schedule
from .subscribers import enqueue_tasks_on_events
from .tasks import (
    process_order,
    record_event,
    refresh_active_users,
    send_email,
    send_welcome_email,
)
from .worker_runtime import WorkerRuntime, runtime

__all__ = [
    "DEFAULT_QUEUE",
    "NOTIFICATIONS_QUEUE",
    "ORDERS_QUEUE",
    "QUEUES",
    "WorkerRuntime",
    "beat_schedule",
    "celery_app",
    "celery_config",
    "configure_celery",
    "enqueue_tasks_on_events",
    "process_order",
    "record_event",
    "refresh_active_users",
    "runtime",
    "send_email",
    "send_welcome_email",
]
