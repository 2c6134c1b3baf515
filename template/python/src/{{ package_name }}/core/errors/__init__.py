"""Business exceptions and their HTTP mapping."""

from .exceptions import (
    AppError,
    AuthenticationError,
    ConflictError,
    ErrorBody,
    NotFoundError,
    PermissionDeniedError,
    RuleViolationError,
    error_responses,
    register_exception_handlers,
)

__all__ = [
    "AppError",
    "AuthenticationError",
    "ConflictError",
    "ErrorBody",
    "NotFoundError",
    "PermissionDeniedError",
    "RuleViolationError",
    "error_responses",
    "register_exception_handlers",
]
