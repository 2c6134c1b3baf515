"""Data access layer: the only code that builds queries."""

from .base import BaseRepository
from .user import UserRepository

__all__ = ["BaseRepository", "UserRepository"]
