"""Fixtures shared by the Python tests: the worker loop, the relay, concurrency.

`make test` runs them after the pgTAP suite, with TEST_DATABASE_URL naming the
database it has just migrated and loaded (a throwaway cluster unless
DATABASE_URL is set). Each test makes its own rows, with unique names, and
commits them: they run as the worker and the relay do, outside a test
transaction.
"""

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest

# The JWT secret the tests sign with; a real one comes from .env.
TEST_JWT_SECRET = "test-secret-" + "x" * 40


@pytest.fixture(scope="session")
def database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        pytest.exit("TEST_DATABASE_URL is not set: run these tests with `make test`", returncode=2)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("select app.set_setting('jwt_secret', %s)", (TEST_JWT_SECRET,))
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[psycopg.Connection]:
    """A connection in autocommit mode, as the database's owner."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def unique() -> str:
    """A short unique word for names, emails and SKUs made by one test."""
    return uuid.uuid4().hex[:10]
