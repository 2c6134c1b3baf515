"""Business rules for users: a valid email, unique whatever its case."""

import re

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from .models import EMAIL_PATTERN, User, UserCreate, UserUpdate, utcnow

EMAIL = re.compile(EMAIL_PATTERN)


class UserError(Exception):
    """A broken rule; api.py maps each kind to its HTTP status."""


class UserNotFoundError(UserError):
    def __init__(self, user_id: int) -> None:
        super().__init__(f"User {user_id} not found")


class EmailAlreadyRegisteredError(UserError):
    def __init__(self, email: str) -> None:
        super().__init__(f"Email {email} is already registered")


class InvalidEmailError(UserError):
    def __init__(self, email: str) -> None:
        super().__init__(f"'{email}' is not a valid email address")


def normalize_email(email: str) -> str:
    candidate = email.strip().lower()
    if not EMAIL.fullmatch(candidate):
        raise InvalidEmailError(email)
    return candidate


class UserService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, data: UserCreate) -> User:
        email = normalize_email(data.email)
        self._ensure_email_free(email)
        user = User(email=email, name=data.name.strip())
        return self._save(user)

    def get(self, user_id: int) -> User:
        user = self.session.get(User, user_id)
        if user is None:
            raise UserNotFoundError(user_id)
        return user

    def list(self, offset: int, limit: int) -> tuple[list[User], int]:
        total = self.session.exec(select(func.count()).select_from(User)).one()
        users = self.session.exec(select(User).order_by(col(User.id)).offset(offset).limit(limit))
        return list(users), total

    def update(self, user_id: int, data: UserUpdate) -> User:
        user = self.get(user_id)
        if data.email is not None:
            email = normalize_email(data.email)
            if email != user.email:
                self._ensure_email_free(email)
            user.email = email
        if data.name is not None:
            user.name = data.name.strip()
        user.updated_at = utcnow()
        return self._save(user)

    def delete(self, user_id: int) -> None:
        self.session.delete(self.get(user_id))
        self.session.commit()

    def _ensure_email_free(self, email: str) -> None:
        if self.session.exec(select(User.id).where(User.email == email)).first() is not None:
            raise EmailAlreadyRegisteredError(email)

    def _save(self, user: User) -> User:
        self.session.add(user)
        try:
            self.session.commit()
        except IntegrityError as error:
            # Another request took the email between the check and the commit.
            self.session.rollback()
            raise EmailAlreadyRegisteredError(user.email) from error
        self.session.refresh(user)
        return user
