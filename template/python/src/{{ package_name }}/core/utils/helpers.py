"""Small helpers used across layers."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def normalize_email(email: str) -> str:
    """Emails are stored and compared in lower case, without surrounding spaces."""
    return email.strip().lower()


def as_utc(moment: datetime) -> datetime:
    """SQLite drops the timezone: read naive timestamps as the UTC they were written in."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
