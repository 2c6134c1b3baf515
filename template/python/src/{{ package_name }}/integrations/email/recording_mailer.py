"""The mailer of development and tests: it sends nothing and remembers what it was given."""

import logging
from collections import deque

from .mailer import Email, mask_address

logger = logging.getLogger(__name__)

#: Messages kept per process: a long-running development worker must not grow forever.
KEPT_MESSAGES = 1000


class RecordingMailer:
    def __init__(self, sender: str, keep: int = KEPT_MESSAGES) -> None:
        self.sender = sender
        self.messages: deque[Email] = deque(maxlen=keep)

    def send(self, email: Email) -> None:
        self.messages.append(email)
        logger.info(
            "email not sent (no SMTP_HOST): %r to %s", email.subject, mask_address(email.to)
        )
