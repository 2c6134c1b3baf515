"""The rate limit counts and login records outlive the transaction that made them.

They are written through a loopback dblink connection in their own
transaction, so a login that fails (and rolls back) or a call whose transaction
is rolled back by the client still leaves its trace.
"""

import psycopg
import pytest


def calls(db: psycopg.Connection, subject: str) -> int:
    row = db.execute(
        "select coalesce(sum(calls), 0)::int from app_private.rate_limit_counters"
        " where subject = %s",
        (subject,),
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_a_count_survives_a_rolled_back_transaction(database_url: str, unique: str) -> None:
    subject = f"rollback-{unique}"
    with psycopg.connect(database_url) as conn:
        conn.execute("select app.rate_limit('register', %s)", (subject,))
        conn.rollback()
    with psycopg.connect(database_url, autocommit=True) as db:
        assert calls(db, subject) == 1


def test_a_failed_login_is_recorded(db: psycopg.Connection, unique: str) -> None:
    email = f"failing-{unique}@example.com"
    db.execute("select app.register_user(%s, 'correct horse', 'Failing')", (email,))
    with pytest.raises(psycopg.Error) as failure:
        db.execute("select api_v1.login(%s, 'wrong horse')", (email,))
    assert failure.value.sqlstate == "UA004"
    row = db.execute(
        "select count(*) from app_private.login_attempts where email = %s and not succeeded",
        (email,),
    ).fetchone()
    assert row == (1,)


def test_one_loopback_connection_per_backend(db: psycopg.Connection, unique: str) -> None:
    for n in range(3):
        db.execute("select app.rate_limit('register', %s)", (f"reuse-{unique}-{n}",))
    row = db.execute("select extensions.dblink_get_connections()").fetchone()
    assert row == (["app_autonomous"],)


def test_a_broken_loopback_connection_is_reopened(db: psycopg.Connection, unique: str) -> None:
    db.execute("select app.rate_limit('register', %s)", (f"before-{unique}",))
    row = db.execute("select app.autonomous('select to_jsonb(pg_backend_pid())')").fetchone()
    assert row is not None
    with psycopg.connect(str(db.info.dsn), autocommit=True) as other:
        other.execute("select pg_terminate_backend(%s)", (int(row[0]),))
    db.execute("select app.rate_limit('register', %s)", (f"after-{unique}",))
    assert calls(db, f"after-{unique}") == 1
