"""Role-based access, written as FastAPI dependencies."""

from collections.abc import Iterable

from ...api.deps import CurrentUser
from ...models.user import Role, User
from ..errors.exceptions import PermissionDeniedError


def has_role(user: User, roles: Iterable[str]) -> bool:
    return user.role in set(roles)


def can_access_user(actor: User, user_id: int) -> bool:
    """A user may act on their own account; an admin on any account."""
    return actor.id == user_id or actor.is_admin


class RoleChecker:
    """`Depends(RoleChecker(["admin"]))`: the current user, if they hold one of the roles."""

    def __init__(self, allowed_roles: Iterable[str]) -> None:
        self.allowed_roles = frozenset(allowed_roles)

    async def __call__(self, current_user: CurrentUser) -> User:
        if not has_role(current_user, self.allowed_roles):
            raise PermissionDeniedError("Insufficient permissions")
        return current_user


require_admin = RoleChecker([Role.ADMIN])
