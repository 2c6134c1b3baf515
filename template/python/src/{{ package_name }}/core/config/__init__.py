"""Configuration management."""

from .settings import DEFAULT_SECRET_KEY, Settings, get_settings

__all__ = ["DEFAULT_SECRET_KEY", "Settings", "get_settings"]
