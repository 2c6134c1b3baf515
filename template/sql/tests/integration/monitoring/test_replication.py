"""Readiness on a real streaming standby (monitoring/health/health_check.sql).

Takes a base backup of the test cluster, starts it as a hot standby on a socket
of its own, and checks what readiness says: the standby knows it is one, the
primary counts it, and a standby whose replay is paused falls behind and fails
once the lag passes health_replication_lag_seconds, then recovers.
Skipped when the test database is not a local cluster reached through a unix
socket as a superuser (DATABASE_URL naming another server), or pg_basebackup
is missing.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(check: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def readiness(conn: psycopg.Connection[Any]) -> dict[str, Any]:
    row = conn.execute("select app.readiness()").fetchone()
    assert row is not None
    result: dict[str, Any] = row[0]
    return result


def replication_check(conn: psycopg.Connection[Any]) -> dict[str, Any]:
    check: dict[str, Any] = readiness(conn)["checks"]["replication"]
    return check


@pytest.fixture
def standby(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    params = conninfo_to_dict(database_url)
    socket_dir = str(params.get("host") or "")
    if not socket_dir.startswith("/"):
        pytest.skip("the test database is not a local cluster on a unix socket")
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute("select rolsuper from pg_roles where rolname = current_user").fetchone()
        if row is None or not row[0]:
            pytest.skip("a base backup needs a superuser")
        bindir_row = conn.execute("select setting from pg_config where name = 'BINDIR'").fetchone()
        data_row = conn.execute("show data_directory").fetchone()
    assert bindir_row is not None and data_row is not None
    bindir = Path(bindir_row[0])
    if not (bindir / "pg_basebackup").exists():
        pytest.skip("pg_basebackup not found")
    owner = pwd.getpwuid(os.stat(data_row[0]).st_uid).pw_name
    as_owner = ["runuser", "-u", owner, "--"] if os.geteuid() == 0 else []

    def run(*command: str) -> None:
        subprocess.run([*as_owner, *command], check=True, cwd="/", timeout=120, capture_output=True)

    workdir = Path(tempfile.mkdtemp(prefix="standby-"))
    data = workdir / "data"
    port = free_port()
    if as_owner:
        shutil.chown(workdir, user=owner)
    workdir.chmod(0o700)
    try:
        run(
            str(bindir / "pg_basebackup"),
            "-D",
            str(data),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "-h",
            socket_dir,
            "-p",
            str(params.get("port") or 5432),
            "-U",
            str(params.get("user") or "postgres"),
        )
        run(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(workdir / "server.log"),
            "-w",
            "-s",
            "-o",
            f"-c listen_addresses='' -k {workdir} -p {port} -c hot_standby=on"
            " -c shared_preload_libraries=''",
            "start",
        )
        standby_url = psycopg.conninfo.make_conninfo(database_url, host=str(workdir), port=port)
        with psycopg.connect(standby_url, autocommit=True) as conn:
            yield conn
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [
                    *as_owner,
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-m",
                    "immediate",
                    "-w",
                    "-s",
                    "stop",
                ],
                check=False,
                cwd="/",
                timeout=60,
            )
        shutil.rmtree(workdir, ignore_errors=True)


def test_readiness_follows_a_standby(
    db: psycopg.Connection[Any], standby: psycopg.Connection[Any]
) -> None:
    check = replication_check(standby)
    assert check["role"] == "standby"
    assert check["status"] == "ok"

    wait_for(lambda: replication_check(db)["standbys"] >= 1, "the primary to see its standby")
    assert replication_check(db)["role"] == "primary"

    db.execute("select app.set_setting('health_replication_lag_seconds', '1')")
    try:
        wait_for(
            lambda: (
                standby.execute("select app.setting('health_replication_lag_seconds')").fetchone()
                == ("1",)
            ),
            "the setting to reach the standby",
        )
        # Replay stops; the primary goes on writing.
        standby.execute("select pg_wal_replay_pause()")
        db.execute("select app.set_setting('health_replication_probe', now()::text)")
        wait_for(
            lambda: (
                standby.execute(
                    "select pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()"
                ).fetchone()
                == (True,)
            ),
            "the standby to receive what it does not replay",
        )
        time.sleep(2)
        behind = replication_check(standby)
        assert behind["status"] == "fail", behind
        assert behind["lag_seconds"] > 1
        assert readiness(standby)["status"] == "fail"

        standby.execute("select pg_wal_replay_resume()")
        wait_for(lambda: replication_check(standby)["status"] == "ok", "the standby to catch up")
    finally:
        db.execute(
            "delete from app_private.settings where key in"
            " ('health_replication_lag_seconds', 'health_replication_probe')"
        )
