"""scripts/monitor.py over HTTP, against the test database: the three routes answer what
the database says (app.liveness, app.readiness, app.prometheus_metrics), and a database
that cannot be reached is a 503 that names neither the server nor the user."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def get(url: str) -> tuple[int, str, bytes]:
    """Status, content type and body of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def start_monitor(database_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "scripts" / "monitor.py"),
            "--port",
            str(port),
            "--database-url",
            database_url,
        ],
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    pytest.fail("monitor.py did not start listening")


@pytest.fixture
def monitor(database_url: str) -> Iterator[str]:
    process, url = start_monitor(database_url)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_liveness_is_the_database_answer(monitor: str) -> None:
    status, content_type, body = get(f"{monitor}/health/live")
    assert (status, content_type) == (200, "application/json")
    assert json.loads(body)["status"] == "ok"


def test_readiness_is_503_unless_every_check_is_ok(monitor: str) -> None:
    status, content_type, body = get(f"{monitor}/health/ready")
    document = json.loads(body)
    assert content_type == "application/json"
    assert {"migrations", "queue", "outbox"} <= set(document["checks"])
    assert status == (200 if document["status"] == "ok" else 503)
    assert document["checks"]["migrations"]["status"] == "ok"


def test_metrics_are_in_the_prometheus_text_format(monitor: str) -> None:
    status, content_type, body = get(f"{monitor}/metrics")
    assert status == 200
    assert content_type.startswith("text/plain; version=0.0.4")
    assert b"# TYPE " in body


def test_unknown_path_is_404(monitor: str) -> None:
    assert get(f"{monitor}/nothing")[0] == 404


def test_unreachable_database_is_503_without_its_url(unique: str) -> None:
    port = free_port()  # nothing listens there
    secret = f"pw{unique}"
    process, url = start_monitor(f"postgresql://user{unique}:{secret}@127.0.0.1:{port}/db")
    try:
        for path in ("/health/live", "/health/ready", "/metrics"):
            status, _, body = get(url + path)
            assert status == 503
            assert unique.encode() not in body
    finally:
        process.terminate()
        process.wait(timeout=10)
