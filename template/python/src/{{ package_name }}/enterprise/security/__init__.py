"""Rate limiting and login threat detection."""

from .client_address import client_address, trusted_networks
from .rate_limiting import RateLimiter, RateLimitMiddleware, create_storage
from .threat_detection import LoginGuard, account_key, lockout_seconds

__all__ = [
    "LoginGuard",
    "RateLimitMiddleware",
    "RateLimiter",
    "account_key",
    "client_address",
    "create_storage",
    "lockout_seconds",
    "trusted_networks",
]
