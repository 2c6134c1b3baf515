"""HTTP routes for the users resource and the status of each broken rule."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from sqlmodel import Session

from .database import get_session
from .models import User, UserCreate, UserPage, UserRead, UserUpdate
from .services import EmailAlreadyRegistered, InvalidEmail, UserNotFound, UserService

ERROR_STATUS: dict[type[Exception], int] = {
    UserNotFound: status.HTTP_404_NOT_FOUND,
    EmailAlreadyRegistered: status.HTTP_409_CONFLICT,
    InvalidEmail: status.HTTP_422_UNPROCESSABLE_CONTENT,
}

router = APIRouter(prefix="/users", tags=["users"])


def get_user_service(session: Annotated[Session, Depends(get_session)]) -> UserService:
    return UserService(session)


Service = Annotated[UserService, Depends(get_user_service)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=UserRead)
def create_user(data: UserCreate, service: Service) -> User:
    return service.create(data)


@router.get("", response_model=UserPage)
def list_users(
    service: Service,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> UserPage:
    users, total = service.list(offset=offset, limit=limit)
    items = [UserRead.model_validate(user) for user in users]
    return UserPage(items=items, total=total, offset=offset, limit=limit)


@router.get("/{user_id}", response_model=UserRead)
def read_user(user_id: int, service: Service) -> User:
    return service.get(user_id)


@router.patch("/{user_id}", response_model=UserRead)
def update_user(user_id: int, data: UserUpdate, service: Service) -> User:
    return service.update(user_id, data)


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(user_id: int, service: Service) -> Response:
    service.delete(user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
