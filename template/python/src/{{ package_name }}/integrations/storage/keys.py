"""Object keys: the names files are stored under, and so the paths they are served at."""

#: S3's limit, in UTF-8 bytes.
MAX_KEY_BYTES = 1024


class InvalidKeyError(ValueError):
    """A key that is not a plain relative path."""


def check_key(key: str) -> str:
    """`key`, if it is a relative path of plain segments.

    Refused: an empty, `.` or `..` segment (a CDN or a file server resolves them to another
    file, maybe another user's), a leading slash, a backslash (a separator to some servers),
    a control character, more than 1024 bytes.
    """
    if not key or len(key.encode()) > MAX_KEY_BYTES:
        raise InvalidKeyError(f"a key is 1 to {MAX_KEY_BYTES} bytes long")
    if "\\" in key or any(ord(c) < 32 or ord(c) == 127 for c in key):
        raise InvalidKeyError(f"a backslash or a control character in the key {key!r}")
    if any(segment in {"", ".", ".."} for segment in key.split("/")):
        raise InvalidKeyError(f"an empty, '.' or '..' segment in the key {key!r}")
    return key
