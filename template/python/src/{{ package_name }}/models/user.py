"""The user table."""

from enum import StrEnum

from sqlmodel import Field

from .base import TableBase


class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"


class User(TableBase, table=True):
    __tablename__ = "users"

    email: str = Field(max_length=320, unique=True, index=True)  # stored lower-case
    full_name: str = Field(default="", max_length=255)
    hashed_password: str = Field(max_length=255)
    role: str = Field(default=Role.USER, max_length=32)
    is_active: bool = Field(default=True)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN
