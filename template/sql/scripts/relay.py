"""The outbox relay: delivers app_private.outbox rows to the outside world (`make relay`).

    python scripts/relay.py --database-url URL [--channels payment,email ...]
        [--poll-seconds 5] [--once]

One row at a time: claim it (app.outbox_claim, `for update skip locked`, committed at
once, so several relays never deliver the same row), call its adapter (scripts/adapters.py)
outside any transaction, then record the answer in one transaction that resumes the row's
trace (app.resume_trace): app.outbox_delivered, which also runs the row's result handler
(a charge pays the order), or app.outbox_failed (transient: tried again after a back-off;
permanent: dead), or app.outbox_skipped (that system is not configured here).

Delivery is at least once: a relay that dies after the call and before the answer leaves a
claim that app.outbox_release_stale hands back, and the call is made again with the same
idempotency key. The relay wakes on NOTIFY outbox and polls every --poll-seconds for rows
whose back-off is over. --once delivers what is due, then exits.
"""

from __future__ import annotations

import argparse
import logging
import os
import select
import signal
import socket
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any

import psycopg
from adapters import (
    Adapters,
    Delivery,
    NotConfiguredError,
    PermanentError,
    Settings,
    TransientError,
    build_adapters,
)
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

logger = logging.getLogger("relay")

CHANNELS = ("payment", "shipping", "email", "redis", "rabbitmq", "storage")
#: A claim older than this is taken for a relay that died holding it.
STALE_AFTER = "5 minutes"


@dataclass(frozen=True)
class Outcome:
    """What happened to one row: delivered, pending (to retry), dead or skipped."""

    id: int
    channel: str
    action: str
    status: str
    detail: str = ""


class Relay:
    def __init__(
        self,
        conn: psycopg.Connection[Any],
        adapters: Adapters,
        *,
        channels: Sequence[str] | None = None,
        worker: str | None = None,
    ) -> None:
        self.conn = conn
        self.adapters = adapters
        self.channels = list(channels) if channels else None
        self.worker = worker or f"relay@{socket.gethostname()}:{os.getpid()}"

    def claim(self) -> Delivery | None:
        with self.conn.transaction(), self.conn.cursor(row_factory=dict_row) as cur:
            cur.execute(
                "select id, channel, action, payload, idempotency_key, attempts,"
                " max_attempts, trace_id from app.outbox_claim(%s, %s, 1)",
                (self.channels, self.worker),
            )
            row = cur.fetchone()
        if row is None:
            return None
        return Delivery(**row)

    def release_stale(self) -> int:
        with self.conn.transaction():
            row = self.conn.execute(
                "select app.outbox_release_stale(%s::interval)", (STALE_AFTER,)
            ).fetchone()
        return int(row[0]) if row else 0

    def deliver_one(self) -> Outcome | None:
        """Claim, call, record one due row; None when nothing is due."""
        delivery = self.claim()
        if delivery is None:
            return None
        where = f"outbox {delivery.id} ({delivery.channel}/{delivery.action})"
        try:
            result = self.adapters.deliver(delivery)
        except NotConfiguredError as exc:
            logger.warning("%s skipped: %s", where, exc)
            self._record("select app.outbox_skipped(%s, %s)", delivery, (str(exc),))
            return Outcome(delivery.id, delivery.channel, delivery.action, "skipped", str(exc))
        except PermanentError as exc:
            return self._failed(delivery, str(exc), permanent=True, result=exc.result)
        except TransientError as exc:
            return self._failed(delivery, str(exc), permanent=False)
        except Exception as exc:
            # A bug in an adapter: keep the row (and its retries) rather than lose it.
            logger.exception("%s: the adapter failed", where)
            return self._failed(delivery, f"{type(exc).__name__}: {exc}", permanent=False)
        try:
            self._record("select app.outbox_delivered(%s, %s)", delivery, (Jsonb(result),))
        except psycopg.Error as exc:
            # The call happened; its result handler did not. A business error (SQLSTATE
            # class UA: the order moved on meanwhile) will not change: dead at once, with
            # the answer kept. Anything else (a deadlock, a lost connection) is retried:
            # the call is repeated with the same idempotency key and answers the same.
            sqlstate = exc.sqlstate or ""
            if self.conn.closed:
                raise
            return self._failed(
                delivery,
                f"result handler: {sqlstate} {exc}".strip(),
                permanent=sqlstate.startswith("UA"),
                result=result,
            )
        logger.info("%s delivered", where)
        return Outcome(delivery.id, delivery.channel, delivery.action, "delivered")

    def _failed(
        self,
        delivery: Delivery,
        error: str,
        *,
        permanent: bool,
        result: dict[str, Any] | None = None,
    ) -> Outcome:
        status = self._record(
            "select app.outbox_failed(%s, %s, %s, %s)",
            delivery,
            (error, permanent, Jsonb(result) if result is not None else None),
        )
        logger.warning(
            "outbox %s (%s/%s) attempt %d failed, now %s: %s",
            delivery.id,
            delivery.channel,
            delivery.action,
            delivery.attempts,
            status,
            error,
        )
        return Outcome(
            delivery.id, delivery.channel, delivery.action, str(status or "unknown"), error
        )

    def _record(self, sql: str, delivery: Delivery, args: tuple[Any, ...]) -> Any:
        """Run `sql` (id first) in one transaction that carries on the row's trace."""
        with self.conn.transaction():
            self.conn.execute("select app.resume_trace(%s)", (delivery.trace_id,))
            row = self.conn.execute(sql, (delivery.id, *args)).fetchone()
        return row[0] if row else None

    def drain(self) -> list[Outcome]:
        """Deliver every row due now (a failed one waits for its back-off)."""
        self.release_stale()
        outcomes: list[Outcome] = []
        while (outcome := self.deliver_one()) is not None:
            outcomes.append(outcome)
        return outcomes


class Stop:
    requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        logger.info("stopping after the current row")
        self.requested = True


def wait_for_work(listener: psycopg.Connection[Any], poll_seconds: float, stop: Stop) -> None:
    """Sleep until a NOTIFY outbox, the next poll or a stop request, whichever comes first
    (in short slices: a signal does not cut a select() short)."""
    deadline = time.monotonic() + poll_seconds
    while not stop.requested and (remaining := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([listener.fileno()], [], [], min(remaining, 0.5))
        if ready:
            for _ in listener.notifies(timeout=0):
                pass
            return


def run(
    database_url: str,
    *,
    channels: Sequence[str] | None,
    poll_seconds: float,
    once: bool,
    settings: Settings | None = None,
) -> int:
    adapters = build_adapters(settings or Settings.from_env())
    stop = Stop()
    if not once:
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    try:
        with (
            psycopg.connect(database_url, autocommit=True) as conn,
            psycopg.connect(database_url, autocommit=True) as listener,
        ):
            relay = Relay(conn, adapters, channels=channels)
            if once:
                outcomes = relay.drain()
                counts = Counter(outcome.status for outcome in outcomes)
                logger.info(
                    "%d row(s) handled%s",
                    len(outcomes),
                    "".join(f", {n} {status}" for status, n in sorted(counts.items())),
                )
                return 0
            listener.execute("listen outbox")
            logger.info(
                "relay %s: channels %s, polling every %s s",
                relay.worker,
                ", ".join(channels or CHANNELS),
                poll_seconds,
            )
            while not stop.requested:
                relay.drain()
                wait_for_work(listener, poll_seconds, stop)
    finally:
        adapters.close()
    return 0


def parse_channels(values: Sequence[str] | None) -> list[str] | None:
    if not values:
        return None
    channels = [c.strip() for value in values for c in value.split(",") if c.strip()]
    unknown = sorted(set(channels) - set(CHANNELS))
    if unknown:
        raise SystemExit(f"unknown channel(s): {', '.join(unknown)} (known: {', '.join(CHANNELS)})")
    return channels


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument(
        "--channels",
        nargs="*",
        help=f"the channels to deliver (default: all of {', '.join(CHANNELS)})",
    )
    parser.add_argument("--poll-seconds", type=float, default=5.0)
    parser.add_argument("--once", action="store_true", help="deliver what is due, then exit")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    return run(
        args.database_url,
        channels=parse_channels(args.channels),
        poll_seconds=args.poll_seconds,
        once=args.once,
    )


if __name__ == "__main__":
    sys.exit(main())
