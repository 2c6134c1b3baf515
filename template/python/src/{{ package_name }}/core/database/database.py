"""Async engine and session management.

SQLite (aiosqlite) is the default; a PostgreSQL URL is served by asyncpg with an
explicitly sized connection pool. One `Database` belongs to one application and
is disposed when the application shuts down.
"""

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from ..config.settings import Settings

_DRIVER_PREFIXES = {
    "postgres://": "postgresql+asyncpg://",
    "postgresql://": "postgresql+asyncpg://",
    "postgresql+psycopg2://": "postgresql+asyncpg://",
    "sqlite://": "sqlite+aiosqlite://",
}


def normalize_database_url(url: str) -> str:
    """Give a URL its async driver: `postgres://` and `postgresql://` become asyncpg."""
    for prefix, replacement in _DRIVER_PREFIXES.items():
        if url.startswith(prefix):
            return replacement + url[len(prefix) :]
    return url


def is_postgresql(url: str) -> bool:
    return normalize_database_url(url).startswith("postgresql")


def engine_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `create_async_engine`, per backend."""
    options: dict[str, Any] = {"echo": settings.DB_ECHO}
    if is_postgresql(settings.DATABASE_URL):
        options.update(
            pool_size=settings.DB_POOL_SIZE,
            max_overflow=settings.DB_MAX_OVERFLOW,
            pool_timeout=settings.DB_POOL_TIMEOUT,
            pool_recycle=settings.DB_POOL_RECYCLE,
            pool_pre_ping=settings.DB_POOL_PRE_PING,
        )
    return options


def create_engine(settings: Settings) -> AsyncEngine:
    return create_async_engine(
        normalize_database_url(settings.DATABASE_URL), **engine_options(settings)
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


#: Requests that must not change data. Their sessions run in autocommit mode: a read
#: needs no transaction, and skipping BEGIN and ROLLBACK saves two of the three database
#: round trips of a typical GET.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Database:
    """An engine and its session factories: transactional, and autocommit for reads."""

    def __init__(self, settings: Settings) -> None:
        self.engine = create_engine(settings)
        self.session_factory = create_session_factory(self.engine)
        self.read_session_factory = create_session_factory(
            self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        # The pool's own wait queue lets a newcomer take a connection that was just
        # handed back while older requests keep waiting, so under load a few requests
        # wait for seconds. A FIFO semaphore sized like the pool serves them in order.
        self._slots: asyncio.Semaphore | None = None
        if is_postgresql(settings.DATABASE_URL):
            self._slots = asyncio.Semaphore(settings.DB_POOL_SIZE + settings.DB_MAX_OVERFLOW)

    @asynccontextmanager
    async def connection_slot(self) -> AsyncIterator[None]:
        """Wait, first come first served, until the pool can lend a connection."""
        if self._slots is None:
            yield
            return
        async with self._slots:
            yield

    async def dispose(self) -> None:
        await self.engine.dispose()


async def get_session(request: Request) -> AsyncGenerator[AsyncSession, None]:
    """FastAPI dependency: one session per request, closed afterwards."""
    database: Database = request.app.state.database
    if request.method in READ_ONLY_METHODS:
        factory = database.read_session_factory
    else:
        factory = database.session_factory
    async with database.connection_slot(), factory() as session:
        yield session
