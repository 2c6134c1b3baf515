"""Authentication: credentials to token, token to user."""

import asyncio
from datetime import timedelta

from ..core.config.settings import Settings
from ..core.errors.exceptions import AuthenticationError
from ..core.security.jwt import InvalidTokenError, create_access_token, decode_access_token
from ..core.security.password import burn_verification_time, verify_and_update
from ..core.utils.helpers import normalize_email
from ..core.utils.logger import get_logger
from ..models.user import User
from ..repositories.user import UserRepository
from ..schemas.user import Token

logger = get_logger(__name__)


class AuthService:
    def __init__(self, repository: UserRepository, settings: Settings) -> None:
        self.repository = repository
        self.settings = settings

    async def authenticate(self, email: str, password: str) -> User:
        # Argon2 is deliberately slow (tens of ms): it runs in a worker thread so the
        # event loop keeps serving other requests meanwhile.
        user = await self.repository.get_by_email(normalize_email(email))
        if user is None:
            await asyncio.to_thread(burn_verification_time, password)
            raise AuthenticationError("Incorrect email or password")
        valid, new_hash = await asyncio.to_thread(verify_and_update, password, user.hashed_password)
        if not valid:
            raise AuthenticationError("Incorrect email or password")
        if not user.is_active:
            raise AuthenticationError("Inactive user")
        if new_hash is not None:
            user = await self.repository.update(user, {"hashed_password": new_hash})
            logger.info("password hash of user %s upgraded", user.id)
        return user

    def issue_token(self, user: User) -> Token:
        token = create_access_token(
            user.id or 0,
            secret_key=self.settings.SECRET_KEY,
            expires_delta=timedelta(minutes=self.settings.ACCESS_TOKEN_EXPIRE_MINUTES),
        )
        return Token(access_token=token)

    async def login(self, email: str, password: str) -> Token:
        return self.issue_token(await self.authenticate(email, password))

    async def user_from_token(self, token: str) -> User:
        """The active user a valid token names; otherwise AuthenticationError."""
        try:
            claims = decode_access_token(token, secret_key=self.settings.SECRET_KEY)
        except InvalidTokenError as exc:
            raise AuthenticationError(str(exc)) from exc
        try:
            user_id = int(claims["sub"])
        except ValueError as exc:
            raise AuthenticationError("Could not validate credentials") from exc
        user = await self.repository.get(user_id)
        if user is None:
            raise AuthenticationError("Could not validate credentials")
        if not user.is_active:
            raise AuthenticationError("Inactive user")
        return user
