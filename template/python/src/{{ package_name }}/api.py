"""HTTP routes for the users resource and the status of each broken rule."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status
from sqlmodel import Session

from .database import get_session
from .models import ErrorBody, User, UserCreate, UserPage, UserRead, UserUpdate
from .services import EmailAlreadyRegisteredError, InvalidEmailError, UserNotFoundError, UserService

# The status and code of each broken rule.
ERRORS: dict[type[Exception], tuple[int, str]] = {
    UserNotFoundError: (status.HTTP_404_NOT_FOUND, "not_found"),
    EmailAlreadyRegisteredError: (status.HTTP_409_CONFLICT, "conflict"),
    InvalidEmailError: (status.HTTP_422_UNPROCESSABLE_CONTENT, "validation_error"),
}

# Ids and offsets are 32-bit, as on PostgreSQL: a larger one is a 422, not a database error.
MAX_INT = 2**31 - 1
UserId = Annotated[int, Path(ge=1, le=MAX_INT)]

router = APIRouter(prefix="/users", tags=["users"])


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: the error statuses it answers, with their body
    (400: a body that is not JSON at all)."""
    return {status_code: {"model": ErrorBody} for status_code in statuses}


def get_user_service(session: Annotated[Session, Depends(get_session)]) -> UserService:
    return UserService(session)


Service = Annotated[UserService, Depends(get_user_service)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=UserRead,
    responses=errors(400, 409, 422),
)
def create_user(data: UserCreate, service: Service) -> User:
    return service.create(data)


@router.get("", response_model=UserPage, responses=errors(422))
def list_users(
    service: Service,
    offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> UserPage:
    users, total = service.list(offset=offset, limit=limit)
    items = [UserRead.model_validate(user) for user in users]
    return UserPage(items=items, total=total, offset=offset, limit=limit)


@router.get("/{user_id}", response_model=UserRead, responses=errors(404, 422))
def read_user(user_id: UserId, service: Service) -> User:
    return service.get(user_id)


@router.patch("/{user_id}", response_model=UserRead, responses=errors(400, 404, 409, 422))
def update_user(user_id: UserId, data: UserUpdate, service: Service) -> User:
    return service.update(user_id, data)


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(404, 422))
def delete_user(user_id: UserId, service: Service) -> Response:
    service.delete(user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
