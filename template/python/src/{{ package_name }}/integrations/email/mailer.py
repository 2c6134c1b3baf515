"""What every mailer accepts and how it fails.

A failure is transient (the server is down, busy or answered 4xx: trying again later may
work) or permanent (5xx, refused credentials or recipient: trying again cannot help). The
email tasks retry the first kind only.
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Email:
    """A plain-text message to one recipient. The sender is the mailer's."""

    to: str
    subject: str
    body: str


class EmailError(Exception):
    """The message was not delivered to the mail server."""


class TransientEmailError(EmailError):
    """Worth trying again later."""


class PermanentEmailError(EmailError):
    """Trying again would fail the same way."""


class Mailer(Protocol):
    def send(self, email: Email) -> None:
        """Hand `email` to the mail server, or raise an `EmailError`."""
        ...


def mask_address(address: str) -> str:
    """`alice@example.com` as `a***@example.com`: enough to debug, without the address in logs."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
