"""Database engine and sessions."""

from .database import (
    Database,
    engine_options,
    get_session,
    is_postgresql,
    normalize_database_url,
    read_options,
)

__all__ = [
    "Database",
    "engine_options",
    "get_session",
    "is_postgresql",
    "normalize_database_url",
    "read_options",
]
