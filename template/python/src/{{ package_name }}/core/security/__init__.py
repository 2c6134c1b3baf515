"""Security utilities: JWT access tokens, password hashing, role checks."""
