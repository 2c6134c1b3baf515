"""FastAPI dependencies: settings, session, repositories, services, current user.

Every dependency is `async def`: FastAPI runs a plain `def` dependency in a worker
thread, which costs a thread hop per dependency per request.
"""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel.ext.asyncio.session import AsyncSession

from ..core.config.settings import Settings
from ..core.database.database import get_session
from ..models.user import User
from ..repositories.user import UserRepository
from ..services.auth import AuthService
from ..services.user import UserService

TOKEN_URL = "/api/v1/auth/login"

oauth2_scheme = OAuth2PasswordBearer(tokenUrl=TOKEN_URL)


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def get_user_repository(session: SessionDep) -> UserRepository:
    return UserRepository(session)


UserRepositoryDep = Annotated[UserRepository, Depends(get_user_repository)]


async def get_user_service(repository: UserRepositoryDep) -> UserService:
    return UserService(repository)


async def get_auth_service(repository: UserRepositoryDep, settings: SettingsDep) -> AuthService:
    return AuthService(repository, settings)


UserServiceDep = Annotated[UserService, Depends(get_user_service)]
AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]


async def get_current_user(
    token: Annotated[str, Depends(oauth2_scheme)], auth_service: AuthServiceDep
) -> User:
    return await auth_service.user_from_token(token)


CurrentUser = Annotated[User, Depends(get_current_user)]
