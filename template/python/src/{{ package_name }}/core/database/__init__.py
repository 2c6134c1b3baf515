"""Database engine and sessions."""

from .database import Database, get_session, normalize_database_url

__all__ = ["Database", "get_session", "normalize_database_url"]
