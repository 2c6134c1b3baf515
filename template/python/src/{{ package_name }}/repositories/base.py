"""A generic async repository: CRUD and pagination for any table model."""

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..core.errors.exceptions import ConflictError
from ..core.utils.helpers import utcnow
from ..models.base import TableBase

ModelT = TypeVar("ModelT", bound=TableBase)


class BaseRepository(Generic[ModelT]):
    """Each write commits its own unit of work."""

    model: type[ModelT]

    def __init__(self, session: AsyncSession, model: type[ModelT]) -> None:
        self.session = session
        self.model = model

    async def get(self, obj_id: int) -> ModelT | None:
        return await self.session.get(self.model, obj_id)

    async def list(self, *, skip: int = 0, limit: int = 100) -> Sequence[ModelT]:
        statement = select(self.model).order_by(col(self.model.id)).offset(skip).limit(limit)
        result = await self.session.exec(statement)
        return result.all()

    async def count(self) -> int:
        result = await self.session.exec(select(func.count()).select_from(self.model))
        return result.one()

    async def add(self, obj: ModelT) -> ModelT:
        self.session.add(obj)
        await self._commit()
        return obj

    async def update(self, obj: ModelT, values: dict[str, Any]) -> ModelT:
        for field, value in values.items():
            setattr(obj, field, value)
        obj.updated_at = utcnow()
        self.session.add(obj)
        await self._commit()
        return obj

    async def delete(self, obj: ModelT) -> None:
        await self.session.delete(obj)
        await self._commit()

    async def _commit(self) -> None:
        try:
            await self.session.commit()
        except IntegrityError as exc:
            await self.session.rollback()
            raise ConflictError(f"{self.model.__name__} conflicts with an existing row") from exc
