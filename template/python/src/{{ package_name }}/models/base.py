"""Base model class: integer primary key and timestamps."""

from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel

from ..core.utils.helpers import utcnow


class TableBase(SQLModel):
    """Fields shared by every table. Subclasses add `table=True`."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False
    )
