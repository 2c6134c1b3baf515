"""Password hashing with pwdlib (Argon2)."""

from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

password_hash = PasswordHash((Argon2Hasher(),))


def hash_password(password: str) -> str:
    return password_hash.hash(password)


def verify_password(password: str, hashed: str) -> bool:
    return password_hash.verify(password, hashed)


def verify_and_update(password: str, hashed: str) -> tuple[bool, str | None]:
    """Check a password; when its hash uses outdated parameters, also return a new hash."""
    return password_hash.verify_and_update(password, hashed)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("dummy password used to equalise timing")


def burn_verification_time(password: str) -> None:
    """Spend the time of one verification, so unknown emails are not revealed by timing."""
    password_hash.verify(password, _dummy_hash())
