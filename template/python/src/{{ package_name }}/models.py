"""The users table and the shapes the API accepts and returns."""

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Field, SQLModel

EMAIL_PATTERN = r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+"
# What the API accepts, so its OpenAPI document says it too: an email, maybe with spaces
# around it (the service strips them, and checks the email again for every caller).
EMAIL_FIELD_PATTERN = rf"^\s*{EMAIL_PATTERN}\s*$"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UserBase(SQLModel):
    email: str = Field(max_length=320, schema_extra={"pattern": EMAIL_FIELD_PATTERN})
    name: str = Field(min_length=1, max_length=100)


class User(UserBase, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    # Stored lower-cased by the service, so this index makes emails unique
    # case-insensitively and backs the rule up when two requests race.
    email: str = Field(max_length=320, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class UserCreate(UserBase):
    pass


class UserUpdate(SQLModel):
    email: str | None = Field(
        default=None, max_length=320, schema_extra={"pattern": EMAIL_FIELD_PATTERN}
    )
    name: str | None = Field(default=None, min_length=1, max_length=100)


class UserRead(UserBase):
    id: int
    created_at: datetime
    updated_at: datetime


class UserPage(SQLModel):
    items: list[UserRead]
    total: int
    offset: int
    limit: int


class ErrorBody(SQLModel):
    """Every error answer: a message (or a list of problems, for 422) and a stable code."""

    detail: str | list[dict[str, Any]]
    code: str
