"""The worker loop (scripts/worker.py) against the real queue (background/queue.sql).

Each test uses a queue of its own, so the scheduled jobs and other tests'
jobs never get in the way.
"""

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from worker import run_next

WORKER = Path(__file__).resolve().parents[3] / "scripts" / "worker.py"


class WorkerProcess:
    """scripts/worker.py in a subprocess, its output read line by line."""

    def __init__(self, database_url: str, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER), "--database-url", database_url, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} in {timeout}s; got {self.seen}")

    def drain(self) -> list[str]:
        """Every line so far (all of them once the process has exited)."""
        if self.process.poll() is not None:
            self.reader.join(timeout=10)
        while True:
            try:
                self.seen.append(self.lines.get_nowait())
            except queue.Empty:
                return self.seen

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=10)


@pytest.fixture
def start_worker(database_url: str) -> Iterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    yield started
    for process in started:
        if process.process.poll() is None:
            process.process.kill()
            process.process.wait(timeout=10)


def enqueue(db: psycopg.Connection, task: str, payload: str, queue_name: str, **kw: int) -> int:
    row = db.execute(
        "select app.enqueue_job(%s, %s::jsonb, %s, now(), 0, %s)",
        (task, payload, queue_name, kw.get("max_attempts", 5)),
    ).fetchone()
    assert row is not None
    return int(row[0])


def job_status(db: psycopg.Connection, job_id: int) -> tuple[str, int]:
    row = db.execute(
        "select status, attempts from app_private.jobs where id = %s", (job_id,)
    ).fetchone()
    assert row is not None
    return str(row[0]), int(row[1])


def test_two_workers_run_each_job_exactly_once(
    database_url: str, db: psycopg.Connection, unique: str
) -> None:
    queue_name = f"burst_{unique}"
    ids = {enqueue(db, "maintenance.noop", "{}", queue_name) for _ in range(200)}
    claimed: dict[str, list[int]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def drain(name: str) -> None:
        with psycopg.connect(database_url, autocommit=True) as conn:
            start.wait()
            while True:
                row = conn.execute(
                    "select id from app.claim_job(%s, %s)", (name, [queue_name])
                ).fetchone()
                if row is None:
                    return
                claimed[name].append(int(row[0]))
                conn.execute("select app.run_job(%s, %s)", (row[0], name))

    threads = [threading.Thread(target=drain, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not set(claimed["a"]) & set(claimed["b"]), "a job was claimed twice"
    assert set(claimed["a"]) | set(claimed["b"]) == ids
    assert claimed["a"] and claimed["b"], "both workers should have had a share"
    rows = db.execute(
        "select status, attempts, count(*) from app_private.jobs where queue = %s"
        " group by status, attempts",
        (queue_name,),
    ).fetchall()
    assert rows == [("done", 1, 200)]


def test_two_worker_processes_share_a_burst(
    database_url: str, db: psycopg.Connection, unique: str, start_worker: list[WorkerProcess]
) -> None:
    queue_name = f"procs_{unique}"
    ids = {enqueue(db, "maintenance.noop", "{}", queue_name) for _ in range(100)}
    workers = [
        WorkerProcess(database_url, "--queues", queue_name, "--once", "--concurrency", "2")
        for _ in range(2)
    ]
    start_worker.extend(workers)
    ran: list[int] = []
    for process in workers:
        assert process.process.wait(timeout=30) == 0
        for line in process.drain():
            if line.startswith("job "):
                ran.append(int(line.split()[1]))
    assert sorted(ran) == sorted(ids), "each job is run by exactly one worker, once"


def test_worker_wakes_on_notify(
    database_url: str, db: psycopg.Connection, unique: str, start_worker: list[WorkerProcess]
) -> None:
    queue_name = f"notify_{unique}"
    process = WorkerProcess(database_url, "--queues", queue_name, "--poll-seconds", "30")
    start_worker.append(process)
    process.wait_for("listening")
    started = time.monotonic()
    job_id = enqueue(db, "maintenance.noop", "{}", queue_name)
    line = process.wait_for(f"job {job_id} ", timeout=5)
    elapsed = time.monotonic() - started
    assert "maintenance.noop done" in line
    assert elapsed < 1.0, f"the worker took {elapsed:.2f}s: it waited for the poll"
    assert job_status(db, job_id) == ("done", 1)
    assert process.stop() == 0


def test_failing_task_backs_off_then_dies(
    database_url: str, db: psycopg.Connection, unique: str
) -> None:
    queue_name = f"fail_{unique}"
    # email.send without a recipient always fails.
    job_id = enqueue(db, "email.send", '{"subject": "x"}', queue_name, max_attempts=3)
    waits: list[float] = []
    with psycopg.connect(database_url, autocommit=True) as conn:
        for attempt in (1, 2, 3):
            deadline = time.monotonic() + 15
            while not run_next(conn, "test-worker", [queue_name]):
                assert time.monotonic() < deadline, f"attempt {attempt} never became due"
                time.sleep(0.1)
            row = db.execute(
                "select status, attempts, extract(epoch from run_at - now())::float8, last_error"
                " from app_private.jobs where id = %s",
                (job_id,),
            ).fetchone()
            assert row is not None
            status, attempts, wait, last_error = row
            assert attempts == attempt
            assert "email needs a valid" in str(last_error)
            if attempt < 3:
                assert status == "queued"
                waits.append(float(wait))
                # Not claimable again before the back-off has passed.
                assert not run_next(conn, "test-worker", [queue_name])
            else:
                assert status == "dead"
    assert 1.5 < waits[0] < 3.0
    assert waits[1] > waits[0] + 1.0, f"the back-off should grow: {waits}"


def test_sigterm_stops_the_worker_cleanly(
    database_url: str, unique: str, start_worker: list[WorkerProcess]
) -> None:
    process = WorkerProcess(database_url, "--queues", f"stop_{unique}", "--poll-seconds", "30")
    start_worker.append(process)
    process.wait_for("listening")
    started = time.monotonic()
    assert process.stop() == 0
    assert time.monotonic() - started < 3.0
    assert any("stopping (SIGTERM)" in line for line in process.drain())
