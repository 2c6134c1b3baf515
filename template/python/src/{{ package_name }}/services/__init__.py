"""Business rules. Services raise business exceptions and never see HTTP."""

from .auth import AuthService
from .user import UserService

__all__ = ["AuthService", "UserService"]
