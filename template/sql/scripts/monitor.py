"""The database's health and metrics over HTTP, for a load balancer, Kubernetes, Prometheus.

    python scripts/monitor.py [--host 127.0.0.1] [--port 8080] [--database-url URL]

    GET /health/live    app.liveness(): 200 while the database answers, else 503
    GET /health/ready   app.readiness(): 200 when its status is "ok", else 503 (with the checks)
    GET /metrics        app.prometheus_metrics(), in the Prometheus text format 0.0.4

The answers are computed in the database (monitoring/); this only carries them. Each request
opens one short connection with a time limit, so a stuck server fails the probe instead of
hanging it. A failed connection answers 503 without the URL or the error text (they may
name hosts and users); the error goes to the log.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import psycopg

log = logging.getLogger("monitor")

DEFAULT_PORT = 8080
CONNECT_TIMEOUT_SECONDS = 3
STATEMENT_TIMEOUT_MS = 5000
JSON = "application/json"
PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"
FAILED = {"status": "fail"}

#: An answer: HTTP status, content type, body.
Answer = tuple[int, str, bytes]


def json_answer(health: Any) -> Answer:
    """A health document: 200 when its status is "ok", else 503."""
    document = health if isinstance(health, dict) else {"status": "fail"}
    status = 200 if document.get("status") == "ok" else 503
    return status, JSON, json.dumps(document).encode()


def liveness(conn: psycopg.Connection[Any]) -> Answer:
    row = conn.execute("select app.liveness()").fetchone()
    return json_answer(row[0] if row else None)


def readiness(conn: psycopg.Connection[Any]) -> Answer:
    row = conn.execute("select app.readiness()").fetchone()
    return json_answer(row[0] if row else None)


def metrics(conn: psycopg.Connection[Any]) -> Answer:
    row = conn.execute("select app.prometheus_metrics()").fetchone()
    return 200, PROMETHEUS, str(row[0] if row and row[0] else "").encode()


#: What is served: the path and the function that answers it. infra_check.py reads this
#: to check that the Kubernetes probes ask for paths that exist.
ROUTES: dict[str, Callable[[psycopg.Connection[Any]], Answer]] = {
    "/health/live": liveness,
    "/health/ready": readiness,
    "/metrics": metrics,
}


def answer(database_url: str, path: str) -> Answer:
    route = ROUTES.get(path.split("?", 1)[0])
    if route is None:
        return 404, JSON, json.dumps({"detail": "not found", "code": "not_found"}).encode()
    try:
        with psycopg.connect(
            database_url,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
            application_name="monitor",
        ) as conn:
            return route(conn)
    except psycopg.Error as error:
        log.warning("%s: database unavailable (%s)", path, type(error).__name__)
        down = {"status": "fail", "checks": dict(database=FAILED)}
        return 503, JSON, json.dumps(down).encode()


def make_handler(database_url: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "monitor"
        sys_version = ""

        def do_GET(self) -> None:  # the http.server API
            status, content_type, body = answer(database_url, self.path)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug(format, *args)

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Health and metrics of the database over HTTP.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(message)s")
    server = ThreadingHTTPServer((args.host, args.port), make_handler(args.database_url))
    log.info("monitor on http://%s:%d (%s)", args.host, args.port, ", ".join(ROUTES))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
