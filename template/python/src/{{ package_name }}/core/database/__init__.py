"""Database engine and sessions."""

from .database import (
    ConnectionSlot,
    Database,
    engine_options,
    get_autocommit_sessions,
    get_session,
    hold_connection_slot,
    is_postgresql,
    normalize_database_url,
    read_options,
)

__all__ = [
    "ConnectionSlot",
    "Database",
    "engine_options",
    "get_autocommit_sessions",
    "get_session",
    "hold_connection_slot",
    "is_postgresql",
    "normalize_database_url",
    "read_options",
]
