"""Registration and login (OAuth2 password flow)."""

from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.security import OAuth2PasswordRequestForm

from ....schemas.user import Token, UserCreate, UserRead
from ...deps import AuthServiceDep, UserServiceDep

router = APIRouter()


@router.post("/register", response_model=UserRead, status_code=status.HTTP_201_CREATED)
async def register(data: UserCreate, user_service: UserServiceDep) -> UserRead:
    user = await user_service.create(data)
    return UserRead.model_validate(user)


@router.post("/login", response_model=Token)
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], auth_service: AuthServiceDep
) -> Token:
    """`username` is the email."""
    return await auth_service.login(form.username, form.password)
