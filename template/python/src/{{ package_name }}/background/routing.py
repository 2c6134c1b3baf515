"""Task and queue names: what producers, workers and beat must agree on.

Each task is named here once; the task modules, the routes and the beat schedule use the
constants. A task's queue follows from its name (`<package>.email.*` goes to
`notifications`), so a new task in a group needs no new route.
"""

PACKAGE = __name__.split(".")[0]

#: Mail: slow and waiting on an SMTP server, so kept away from order processing.
NOTIFICATIONS_QUEUE = "notifications"
#: The order pipeline (tasks/order_tasks) and the analytics around it.
ORDERS_QUEUE = "orders"
#: Where a task without a route lands; the notification worker consumes it too.
DEFAULT_QUEUE = "default"
QUEUES = (DEFAULT_QUEUE, NOTIFICATIONS_QUEUE, ORDERS_QUEUE)

SEND_EMAIL = f"{PACKAGE}.email.send_email"
SEND_WELCOME_EMAIL = f"{PACKAGE}.email.send_welcome_email"
REFRESH_ACTIVE_USERS = f"{PACKAGE}.analytics.refresh_active_users"
RECORD_EVENT = f"{PACKAGE}.analytics.record_event"
PROCESS_ORDER = f"{PACKAGE}.orders.process_order"

TASK_ROUTES = {
    f"{PACKAGE}.email.*": {"queue": NOTIFICATIONS_QUEUE},
    f"{PACKAGE}.analytics.*": {"queue": ORDERS_QUEUE},
    f"{PACKAGE}.orders.*": {"queue": ORDERS_QUEUE},
}
