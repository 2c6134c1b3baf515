"""API schemas: the shapes of requests and responses."""

from .user import Token, UserCreate, UserPage, UserRead, UserUpdate

__all__ = ["Token", "UserCreate", "UserPage", "UserRead", "UserUpdate"]
