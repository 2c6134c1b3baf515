"""The SQLite engine and the session each request works in."""

import os
from collections.abc import Iterator

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, create_engine

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///./app.db")


def make_engine(url: str = DATABASE_URL) -> Engine:
    # FastAPI runs plain `def` endpoints in a thread pool, so one SQLite
    # connection may be used by several threads (one at a time).
    connect_args = {"check_same_thread": False} if url.startswith("sqlite") else {}
    return create_engine(url, connect_args=connect_args)


engine = make_engine()


def create_db_and_tables() -> None:
    SQLModel.metadata.create_all(engine)


def get_session() -> Iterator[Session]:
    with Session(engine) as session:
        yield session
