"""The users resource."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from ....core.security.permissions import require_admin
from ....models.user import User
from ....schemas.user import UserPage, UserRead, UserUpdate
from ...deps import CurrentUser, UserServiceDep

router = APIRouter()


@router.get("/me", response_model=UserRead)
async def read_me(current_user: CurrentUser) -> UserRead:
    return UserRead.model_validate(current_user)


@router.get("", response_model=UserPage)
async def list_users(
    _admin: Annotated[User, Depends(require_admin)],
    user_service: UserServiceDep,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> UserPage:
    users, total = await user_service.list(skip=skip, limit=limit)
    return UserPage(
        items=[UserRead.model_validate(u) for u in users], total=total, skip=skip, limit=limit
    )


@router.get("/{user_id}", response_model=UserRead)
async def read_user(
    user_id: int, current_user: CurrentUser, user_service: UserServiceDep
) -> UserRead:
    return UserRead.model_validate(await user_service.get_for(current_user, user_id))


@router.patch("/{user_id}", response_model=UserRead)
async def update_user(
    user_id: int, data: UserUpdate, current_user: CurrentUser, user_service: UserServiceDep
) -> UserRead:
    return UserRead.model_validate(await user_service.update(current_user, user_id, data))


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_user(
    user_id: int, current_user: CurrentUser, user_service: UserServiceDep
) -> Response:
    await user_service.delete(current_user, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
