"""API shapes of the personal data endpoints."""

from typing import Any

from pydantic import BaseModel


class PersonalDataExport(BaseModel):
    """Everything stored about one person: `data` has one key per personal data source."""

    user_id: int
    exported_at: str
    data: dict[str, Any]
