"""Database models. Importing this package registers every table on `SQLModel.metadata`."""

from sqlmodel import SQLModel

from .base import MAX_ID, TableBase
from .user import Role, User

metadata = SQLModel.metadata

__all__ = ["MAX_ID", "Role", "TableBase", "User", "metadata"]
