"""Stored files: S3 behind the `FileStorage` interface, and their URLs on the CDN."""

from .cdn_client import CdnClient
from .keys import InvalidKeyError, check_key
from .s3_client import (
    FileStorage,
    InMemoryStorage,
    MissingFileError,
    S3Storage,
    StoredFile,
)

__all__ = [
    "CdnClient",
    "FileStorage",
    "InMemoryStorage",
    "InvalidKeyError",
    "MissingFileError",
    "S3Storage",
    "StoredFile",
    "check_key",
]
