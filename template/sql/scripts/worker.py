"""The job queue's worker loop (`make worker`): runs app_private.jobs.

    python scripts/worker.py --database-url URL [--queues default,orders,notifications]
        [--concurrency 1] [--poll-seconds 5] [--once]

Each worker thread has its own connection, LISTENs on the `jobs` channel
(app.enqueue_job notifies it), and loops: claim a due job (app.claim_job,
committed at once), run it (app.run_job: the task's SQL handler, in the job's
trace, with retry and back-off on failure), until none is due; then it waits
for a notification or --poll-seconds (jobs scheduled for later). Without
pg_cron the first thread also enqueues the due schedules
(app.enqueue_due_schedules). --once runs what is due and exits.

Ctrl-C or SIGTERM lets each thread finish its current job, then exits 0.
One line per job on stdout: id, task, result (done, retry, dead, lost), ms.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType

import psycopg

DEFAULT_QUEUES = "default,orders,notifications"
# How often a waiting thread checks whether it was asked to stop.
STOP_CHECK_SECONDS = 0.2
# Wait before reconnecting after the database went away.
RECONNECT_SECONDS = 2.0


@dataclass(frozen=True)
class Options:
    database_url: str
    queues: list[str]
    concurrency: int
    poll_seconds: float
    once: bool


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description="Run the database's job queue.")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--queues", default=DEFAULT_QUEUES, help="comma-separated queue names")
    parser.add_argument("--concurrency", type=int, default=1, help="jobs run at once")
    parser.add_argument("--poll-seconds", type=float, default=5.0, help="longest idle wait")
    parser.add_argument("--once", action="store_true", help="run the due jobs, then exit")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")
    queues = [q.strip() for q in str(args.queues).split(",") if q.strip()]
    if not queues:
        parser.error("--queues names no queue")
    if args.concurrency < 1 or args.poll_seconds <= 0:
        parser.error("--concurrency must be 1 or more and --poll-seconds above 0")
    return Options(
        database_url=str(args.database_url),
        queues=queues,
        concurrency=int(args.concurrency),
        poll_seconds=float(args.poll_seconds),
        once=bool(args.once),
    )


def log(line: str) -> None:
    # One write per line: threads never interleave within a line.
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def enqueue_due_schedules(conn: psycopg.Connection) -> None:
    """Without pg_cron, the worker loop is the scheduler."""
    row = conn.execute("select app.schedules_use_cron()").fetchone()
    if row is not None and not row[0]:
        conn.execute("select app.enqueue_due_schedules()")


def run_next(conn: psycopg.Connection, worker_id: str, queues: list[str]) -> bool:
    """Claim and run one due job; False when none is due."""
    # Autocommit: the claim is committed before the job runs, so a crash
    # leaves it locked (app.release_stale_jobs frees it) rather than lost.
    claimed = conn.execute(
        "select id, task from app.claim_job(%s, %s)", (worker_id, queues)
    ).fetchone()
    if claimed is None:
        return False
    job_id, task = claimed
    started = time.perf_counter()
    # One transaction: the handler's writes and the job's new status commit together.
    ran = conn.execute("select app.run_job(%s, %s)", (job_id, worker_id)).fetchone()
    result = ran[0] if ran is not None else "lost"
    elapsed_ms = (time.perf_counter() - started) * 1000
    log(f"job {job_id} {task} {result} {elapsed_ms:.1f}ms")
    return True


def wait_for_jobs(conn: psycopg.Connection, seconds: float, stop: threading.Event) -> None:
    """Return on a NOTIFY on the jobs channel, after `seconds`, or when asked to stop."""
    deadline = time.monotonic() + seconds
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        for _ in conn.notifies(timeout=min(left, STOP_CHECK_SECONDS), stop_after=1):
            return


def work(options: Options, worker_id: str, schedules: bool, stop: threading.Event) -> None:
    """One worker: its own connection, claim and run until stopped."""
    while not stop.is_set():
        try:
            with psycopg.connect(options.database_url, autocommit=True) as conn:
                conn.execute("listen jobs")
                log(f"worker {worker_id}: listening")
                while not stop.is_set():
                    if schedules:
                        enqueue_due_schedules(conn)
                    while not stop.is_set() and run_next(conn, worker_id, options.queues):
                        pass
                    if options.once:
                        return
                    wait_for_jobs(conn, options.poll_seconds, stop)
        except psycopg.OperationalError as error:
            if options.once:
                raise
            log(f"worker {worker_id}: database unavailable ({error}); retrying")
            stop.wait(RECONNECT_SECONDS)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        if not stop.is_set():
            log(f"stopping ({signal.Signals(signum).name}): finishing the current job")
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    prefix = f"{socket.gethostname()}:{os.getpid()}"
    log(
        f"worker {prefix}: queues {','.join(options.queues)}, "
        f"concurrency {options.concurrency}, poll {options.poll_seconds:g}s"
    )
    if options.concurrency == 1:
        work(options, f"{prefix}:0", True, stop)
        return 0
    threads = [
        threading.Thread(
            target=work, args=(options, f"{prefix}:{n}", n == 0, stop), name=f"worker-{n}"
        )
        for n in range(options.concurrency)
    ]
    for thread in threads:
        thread.start()
    # The main thread keeps receiving signals while the workers run.
    while any(thread.is_alive() for thread in threads):
        for thread in threads:
            thread.join(timeout=STOP_CHECK_SECONDS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
