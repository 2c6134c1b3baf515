"""Security utilities: JWT access tokens, password hashing, role rules."""

from .jwt import InvalidTokenError, create_access_token, decode_access_token
from .password import PasswordHasher
from .permissions import has_role

__all__ = [
    "InvalidTokenError",
    "PasswordHasher",
    "create_access_token",
    "decode_access_token",
    "has_role",
]
