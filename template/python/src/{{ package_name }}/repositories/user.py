"""User queries."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models.user import User
from .base import BaseRepository


class UserRepository(BaseRepository[User]):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, User)

    async def get_by_email(self, email: str) -> User | None:
        """`email` must already be normalised (lower case)."""
        result = await self.session.exec(select(User).where(User.email == email))
        return result.first()

    async def email_taken(self, email: str, *, exclude_id: int | None = None) -> bool:
        user = await self.get_by_email(email)
        return user is not None and user.id != exclude_id
