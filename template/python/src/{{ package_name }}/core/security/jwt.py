"""JWT access tokens (PyJWT, HS256), always with an expiry."""

import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import jwt

ALGORITHM = "HS256"


class InvalidTokenError(Exception):
    """The token is malformed, badly signed, expired or lacks a subject."""


def create_access_token(
    subject: str | int,
    *,
    secret_key: str,
    expires_delta: timedelta,
    extra_claims: dict[str, Any] | None = None,
) -> str:
    now = datetime.now(UTC)
    payload: dict[str, Any] = {
        **(extra_claims or {}),
        "sub": str(subject),
        "iat": now,
        "exp": now + expires_delta,
        "type": "access",
    }
    return jwt.encode(payload, secret_key, algorithm=ALGORITHM)


def decode_access_token(token: str, *, secret_key: str) -> dict[str, Any]:
    """Verify signature, expiry and shape; return the claims."""
    try:
        claims = _verified_claims(token, secret_key)
    except jwt.PyJWTError as exc:
        raise InvalidTokenError("Invalid token") from exc
    if claims["exp"] <= time.time():
        raise InvalidTokenError("Token has expired")
    return dict(claims)


# A client sends the same token with every request; checking its signature is a tenth
# of a request's work. The key is the whole token and the secret, so only the very
# string that passed is served from here; only failures are checked again each time.
@lru_cache(maxsize=4096)
def _verified_claims(token: str, secret_key: str) -> MappingProxyType[str, Any]:
    """Signature and shape, checked once per token; expiry is checked at each use."""
    claims: dict[str, Any] = jwt.decode(
        token,
        secret_key,
        algorithms=[ALGORITHM],
        options={"require": ["exp", "sub"], "verify_exp": False},
    )
    if claims.get("type") != "access" or not isinstance(claims["exp"], int | float):
        raise jwt.InvalidTokenError("not an access token")
    return MappingProxyType(claims)
