"""scripts/serve.sh with two uvicorn workers: /metrics adds up what every worker counted.

With one registry per worker, a scrape would see the counts of whichever worker answered it.
This is also where a FastAPI or instrumentator release that breaks under a real server, and
not under the in-process test client, shows.
"""

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import ROOT, TEST_SECRET, DatabaseFactory, run_migrations
from tests.servers import free_port

SERVE = ROOT / "scripts" / "serve.sh"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
# A new connection per request, so the kernel may hand any of them to either worker. One
# client for many requests: building one loads the CA certificates, which costs more.
NEW_CONNECTIONS = httpx.Limits(max_keepalive_connections=0)
# Typed here: prometheus-client leaves it unannotated.
merge: Callable[[list[str], bool], Iterable[Metric]] = MultiProcessCollector.merge


@dataclass(frozen=True)
class Served:
    url: str
    metrics_dir: Path
    process: subprocess.Popen[bytes]
    log: Path


@pytest.fixture
async def served_database(databases: DatabaseFactory) -> str:
    """A migrated database of its own: the server commits where the test's session is not."""
    url = await databases.create("serve")
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(run_migrations)
    await engine.dispose()
    return url


@pytest.fixture
def server(served_database: str, redis_url: str, tmp_path: Path) -> Iterator[Served]:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    # What an earlier run leaves: the script must clear the samples, and only them.
    (metrics_dir / "counter_1.db").write_bytes(b"samples of an earlier run")
    (metrics_dir / "notes.txt").write_text("not a sample file")
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": served_database,
        "REDIS_URL": redis_url,
        "ENVIRONMENT": "test",
        "SECRET_KEY": TEST_SECRET,
        "METRICS_ENABLED": "true",
        "OTEL_EXPORTER_OTLP_ENDPOINT": "",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(SERVE), "--workers", "2", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    served = Served(f"http://127.0.0.1:{port}", metrics_dir, process, log)
    try:
        wait_until_live(served)
        yield served
    finally:
        stop(process)
        # Whatever the outcome, nothing of the server outlives the test.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def wait_until_live(served: Served) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with httpx.Client(base_url=served.url, timeout=1, limits=NEW_CONNECTIONS) as http:
        while time.monotonic() < deadline:
            if served.process.poll() is not None:
                raise AssertionError(f"serve.sh exited:\n{served.log.read_text()}")
            try:
                if http.get("/health/live").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise AssertionError(f"not serving after {START_TIMEOUT:.0f} s:\n{served.log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def requests_by_worker(metrics_dir: Path) -> dict[int, float]:
    """The requests to /health each worker process counted, read from its own sample file."""
    counts = {}
    for path in metrics_dir.glob("counter_*.db"):
        families = merge([str(path)], True)
        counts[int(path.stem.removeprefix("counter_"))] = sum(
            sample.value
            for family in families
            for sample in family.samples
            if sample.name == "http_requests_total" and sample.labels["handler"] == "/health"
        )
    return counts


def health_requests(page: str) -> float:
    """The requests to /health counted on a /metrics page, over all its samples."""
    return sum(
        sample.value
        for family in text_string_to_metric_families(page)
        for sample in family.samples
        if sample.name == "http_requests_total" and sample.labels["handler"] == "/health"
    )


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_metrics_add_up_the_requests_of_every_worker(server):
    assert not (server.metrics_dir / "counter_1.db").exists()
    assert (server.metrics_dir / "notes.txt").exists()

    http = httpx.Client(base_url=server.url, limits=NEW_CONNECTIONS)
    # The kernel hands each new connection to whichever worker takes it first: send until
    # both have answered some, so that a scrape answered by one worker must add up both.
    sent = 0
    while sum(1 for count in requests_by_worker(server.metrics_dir).values() if count) < 2:
        assert sent < 500, "one worker answered every request"
        for _ in range(10):
            assert http.get("/health").status_code == 200
        sent += 10

    for _ in range(6):
        page = http.get("/metrics").text
        assert health_requests(page) == sent

    ready = http.get("/health/ready")
    http.close()
    assert ready.status_code == 200, ready.text
    checks = {"database": "ok", "redis": "ok"}
    assert ready.json() == {"status": "ok", "checks": checks}

    workers = set(requests_by_worker(server.metrics_dir))
    assert len(workers) == 2
    stop(server.process)
    assert server.process.returncode == 0, server.log.read_text()
    assert [pid for pid in workers if alive(pid)] == []
