"""What the Python FULL tier adds works for real, the minute it is generated.

With a local Redis (`make services`), `make run` and `make worker` serve; one request that
enqueues a task leaves the task done by the worker, a metric counted at /metrics, and one
trace, received by an OTLP collector, that holds both the request's span and the task's.
The project's own tests, linters and the CORE promises run in test_python_service.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import require, run
from tests.projects.serving import free_port, process_group, request, serve

pytestmark = pytest.mark.slow

CELL = ("python", "FULL")
PACKAGE = "my_project"
# Decodes OTLP/HTTP protobuf bodies with the project's own opentelemetry-proto.
DECODE_SPANS = """
import json, sys
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
for path in sys.argv[1:]:
    message = ExportTraceServiceRequest()
    message.ParseFromString(open(path, "rb").read())
    for resource_spans in message.resource_spans:
        service = next(
            (a.value.string_value for a in resource_spans.resource.attributes
             if a.key == "service.name"), "")
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                print(json.dumps({"trace": span.trace_id.hex(), "name": span.name,
                                  "service": service, "scope": scope_spans.scope.name}))
"""


@pytest.fixture(scope="module")
def project(rendered: dict) -> Path:
    require("uv")
    require("make")
    require("redis-server")
    return rendered[CELL]


class Collector:
    """An OTLP/HTTP endpoint that keeps what it receives."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server API)
                length = int(self.headers.get("Content-Length", 0))
                if self.path == "/v1/traces":
                    bodies.append(self.rfile.read(length))
                else:
                    self.rfile.read(length)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def spans(self, project: Path, workdir: Path) -> list[dict]:
        paths = []
        for number, body in enumerate(list(self.bodies)):
            path = workdir / f"export-{number}.bin"
            path.write_bytes(body)
            paths.append(str(path))
        if not paths:
            return []
        out = run("uv", "run", "python", "-c", DECODE_SPANS, *paths, cwd=project).stdout
        return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def collector() -> Iterator[Collector]:
    found = Collector()
    thread = threading.Thread(target=found.server.serve_forever, daemon=True)
    thread.start()
    yield found
    found.server.shutdown()
    found.server.server_close()


def wait_for(what: str, check: Callable[[], object], timeout: float = 60) -> object:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


@pytest.fixture
def local_services(project: Path, tmp_path: Path) -> Iterator[dict[str, str]]:
    """`make services` on a free port, as a developer runs it; `make services-stop` after."""
    env = {
        **os.environ,
        "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'app.db'}",
    }
    env.pop("VIRTUAL_ENV", None)
    started = run("make", "services", cwd=project, env=env).stdout
    assert "Redis: started on port" in started, started
    try:
        yield env
    finally:
        stopped = run("make", "services-stop", cwd=project, env=env).stdout
        assert "Redis: stopped" in stopped


def test_a_request_leaves_a_task_done_a_metric_counted_and_one_trace(
    project: Path, local_services: dict[str, str], collector: Collector, tmp_path: Path
) -> None:
    env = {
        **local_services,
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url,
        "OTEL_BSP_SCHEDULE_DELAY": "200",  # export spans within 0.2 s, not 5 s
    }
    port = free_port()
    worker_log = tmp_path / "worker.log"
    with (
        serve(project, ["make", "run", f"PORT={port}"], port, env=env) as base,
        process_group(["make", "worker"], project, env, worker_log),
    ):
        body = {"email": "ada@example.com", "password": "analytical engine", "full_name": "Ada"}
        status, created = request(f"{base}/api/v1/auth/register", "POST", body)
        assert status == 201, created

        def welcome_sent() -> bool:
            text = worker_log.read_text()
            return "send_welcome_email" in text and "succeeded" in text

        wait_for("the worker to send the welcome email", welcome_sent)
        status, ready = request(f"{base}/health/ready")
        assert status == 200, ready

        status, metrics = request(f"{base}/metrics")
        assert status == 200
        assert isinstance(metrics, str)
        registered = [
            line for line in metrics.splitlines() if line.startswith("users_registered_total")
        ]
        assert registered and float(registered[0].split()[-1]) == 1.0, registered

        def one_trace() -> list[dict] | None:
            spans = collector.spans(project, tmp_path)
            by_trace: dict[str, set[str]] = {}
            for span in spans:
                by_trace.setdefault(span["trace"], set()).add(span["scope"])
            joined = [
                scopes
                for scopes in by_trace.values()
                if any("fastapi" in s or "asgi" in s for s in scopes)
                and any("celery" in s for s in scopes)
            ]
            return spans if joined else None

        wait_for("one trace with the request's span and the task's", one_trace, timeout=30)
    assert "Traceback" not in worker_log.read_text()


def test_production_refuses_a_default_service_secret(project: Path) -> None:
    env = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": "a-production-secret-that-is-long-enough-0123456789",
        "CDN_SIGNING_KEY": "change-me",
    }
    proc = run(
        "uv", "run", "python", "-c", f"import {PACKAGE}.main", cwd=project, env=env, check=False
    )
    assert proc.returncode != 0
    assert "CDN_SIGNING_KEY" in proc.stderr
    assert "refusing to start with ENVIRONMENT=production" in proc.stderr


def test_a_missing_redis_server_is_one_line_naming_the_package(project: Path) -> None:
    python = project / ".venv/bin/python"
    if not python.exists():
        run("uv", "sync", cwd=project)
    env = {"PATH": "/nonexistent", "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    proc = subprocess.run(
        [str(python), "-m", "scripts.services", "start"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if shutil.which("redis-server", path="/usr/lib/rabbitmq/bin:/usr/sbin"):
        pytest.skip("redis-server is installed where the script always looks")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "error: redis-server not found: install the Debian package redis-server "
        "(sudo apt-get install redis-server)"
    ]


def test_make_help_lists_the_worker_targets(project: Path) -> None:
    out = run("make", "help", cwd=project).stdout
    for target in ("services", "services-stop", "worker", "beat"):
        assert f"\n  {target} " in f"\n{out}", out


def test_a_customer_orders_pays_exports_and_erases_over_http(
    project: Path, local_services: dict[str, str]
) -> None:
    env = {**local_services, "CREATE_USER_PASSWORD": "admin password"}
    run("uv", "run", "python", "-m", "scripts.init_db", cwd=project, env=env)
    run(
        "uv", "run", "python", "-m", "scripts.create_user", "root@example.com", cwd=project, env=env
    )
    port = free_port()
    with serve(project, ["make", "run", f"PORT={port}"], port, env=env) as base:
        api = f"{base}/api/v1"

        def login(email: str, password: str) -> dict[str, str]:
            form = {"username": email, "password": password}
            status, token = request(f"{api}/auth/login", "POST", form=form)
            assert status == 200, token
            assert isinstance(token, dict)
            return {"Authorization": f"Bearer {token['access_token']}"}

        admin = login("root@example.com", "admin password")
        product = {"sku": "ENGINE-1", "name": "Difference engine", "price": "19.99", "stock": 3}
        status, created = request(f"{api}/products", "POST", product, headers=admin)
        assert status == 201, created
        assert isinstance(created, dict)

        ada = {"email": "ada@example.com", "password": "analytical engine", "full_name": "Ada"}
        assert request(f"{api}/auth/register", "POST", ada)[0] == 201
        customer = login("ada@example.com", "analytical engine")
        order = {
            "items": [{"product_id": created["id"], "quantity": 2}],
            "shipping_name": "Ada Lovelace",
            "shipping_address": "12 St James's Square, London",
        }
        once = {**customer, "Idempotency-Key": "order-1"}
        status, placed = request(f"{api}/orders", "POST", order, headers=once)
        assert status == 201, placed
        assert isinstance(placed, dict)
        # 2 x 19.99 = 39.98, plus 8% tax (3.1984, to the cent): 43.18
        assert Decimal(placed["total"]) == Decimal("43.18")
        status, again = request(f"{api}/orders", "POST", order, headers=once)
        assert status == 200 and isinstance(again, dict) and again["id"] == placed["id"]

        status, paid = request(f"{api}/orders/{placed['id']}/pay", "POST", headers=customer)
        assert status == 200, paid
        assert isinstance(paid, dict) and paid["status"] == "paid"
        status, stocked = request(f"{api}/products/{created['id']}", headers=customer)
        assert status == 200 and isinstance(stocked, dict) and stocked["stock"] == 1

        status, export = request(f"{api}/privacy/me/export", headers=customer)
        assert status == 200
        assert "ada@example.com" in json.dumps(export)
        assert "12 St James's Square" in json.dumps(export)
        assert request(f"{api}/privacy/me", "DELETE", headers=customer)[0] == 204

        form = {"username": "ada@example.com", "password": "analytical engine"}
        assert request(f"{api}/auth/login", "POST", form=form)[0] == 401
        status, kept = request(f"{api}/orders/{placed['id']}", headers=admin)
        assert status == 200 and isinstance(kept, dict)
        assert Decimal(kept["total"]) == Decimal("43.18")  # the accounts keep the money
        assert "Ada" not in json.dumps(kept) and "St James" not in json.dumps(kept)
