"""The beat schedule, in code: reviewed and versioned with the tasks it starts.

`configure_celery` applies it; one beat process (`python -m <package>.background beat`)
sends the tasks when they are due. Run exactly one beat: two would send everything twice.
"""

from datetime import timedelta
from typing import Any

from .routing import REFRESH_ACTIVE_USERS

# The active-users gauge is a dashboard number that moves slowly; counting costs a query
# over the users table. Every 5 minutes keeps the graph honest for a few queries an hour.
ACTIVE_USERS_EVERY = timedelta(minutes=5)

beat_schedule: dict[str, dict[str, Any]] = {
    "refresh-active-users": {
        "task": REFRESH_ACTIVE_USERS,
        "schedule": ACTIVE_USERS_EVERY,
        # A refresh still queued when the next one is due is useless: after a worker
        # outage, run one fresh count instead of every missed one.
        "options": {"expires": ACTIVE_USERS_EVERY.total_seconds()},
    },
}
