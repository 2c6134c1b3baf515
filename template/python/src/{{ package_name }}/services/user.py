"""User rules: unique lower-case emails, who may read or change whom."""

import asyncio
from collections.abc import Sequence
from typing import Any

from ..core.errors.exceptions import ConflictError, NotFoundError, PermissionDeniedError
from ..core.security.password import hash_password
from ..core.utils.helpers import normalize_email
from ..core.utils.logger import get_logger
from ..models.user import Role, User
from ..repositories.user import UserRepository
from ..schemas.user import UserCreate, UserUpdate

logger = get_logger(__name__)

ADMIN_ONLY_FIELDS = frozenset({"role", "is_active"})


class UserService:
    def __init__(self, repository: UserRepository) -> None:
        self.repository = repository

    async def create(self, data: UserCreate, *, role: Role = Role.USER) -> User:
        email = normalize_email(data.email)
        if await self.repository.get_by_email(email) is not None:
            raise ConflictError("A user with this email already exists")
        user = User(
            email=email,
            full_name=data.full_name,
            hashed_password=await asyncio.to_thread(hash_password, data.password),
            role=role,
        )
        user = await self.repository.add(user)
        logger.info("user %s created with role %s", user.id, role)
        return user

    async def get(self, user_id: int) -> User:
        user = await self.repository.get(user_id)
        if user is None:
            raise NotFoundError("User not found")
        return user

    async def list(self, *, skip: int, limit: int) -> tuple[Sequence[User], int]:
        return await self.repository.list(skip=skip, limit=limit), await self.repository.count()

    async def get_for(self, actor: User, user_id: int) -> User:
        """The user `user_id`, if `actor` is that user or an admin."""
        if actor.id != user_id and not actor.is_admin:
            raise PermissionDeniedError("You may only access your own account")
        return await self.get(user_id)

    async def update(self, actor: User, user_id: int, data: UserUpdate) -> User:
        user = await self.get_for(actor, user_id)
        changes: dict[str, Any] = data.model_dump(exclude_unset=True)
        if ADMIN_ONLY_FIELDS & changes.keys() and not actor.is_admin:
            raise PermissionDeniedError("Only an admin may change role or is_active")
        if changes.get("email") is not None:
            changes["email"] = normalize_email(changes["email"])
            if await self.repository.email_taken(changes["email"], exclude_id=user.id):
                raise ConflictError("A user with this email already exists")
        if changes.get("password") is not None:
            password = changes.pop("password")
            changes["hashed_password"] = await asyncio.to_thread(hash_password, password)
        changes = {key: value for key, value in changes.items() if value is not None}
        return await self.repository.update(user, changes)

    async def delete(self, actor: User, user_id: int) -> None:
        user = await self.get_for(actor, user_id)
        await self.repository.delete(user)
        logger.info("user %s deleted by user %s", user_id, actor.id)
