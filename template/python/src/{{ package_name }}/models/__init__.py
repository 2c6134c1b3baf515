"""Database models. Importing this package registers every table on `SQLModel.metadata`."""

from sqlmodel import SQLModel

from .base import TableBase
from .user import Role, User

metadata = SQLModel.metadata

__all__ = ["Role", "TableBase", "User", "metadata"]
