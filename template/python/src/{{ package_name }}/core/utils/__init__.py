"""Shared utilities: logging and small helpers."""

from .helpers import as_utc, normalize_email, utcnow
from .logger import configure_logging, get_logger

__all__ = ["as_utc", "configure_logging", "get_logger", "normalize_email", "utcnow"]
