"""Outgoing email: one `Mailer` interface, an SMTP client and an in-memory recorder."""

from .factory import mailer_from_settings
from .mailer import (
    Email,
    EmailError,
    Mailer,
    PermanentEmailError,
    TransientEmailError,
    mask_address,
)
from .recording_mailer import RecordingMailer
from .smtp_mailer import SmtpMailer

__all__ = [
    "Email",
    "EmailError",
    "Mailer",
    "PermanentEmailError",
    "RecordingMailer",
    "SmtpMailer",
    "TransientEmailError",
    "mailer_from_settings",
    "mask_address",
]
