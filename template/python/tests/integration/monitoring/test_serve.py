"""scripts/serve.sh with two uvicorn workers: /metrics adds up what every worker counted.

With one registry per worker, a scrape would see the counts of whichever worker answered it.
This is also where a FastAPI or instrumentator release that breaks under a real server, and
not under the in-process test client, shows.
"""

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from tests.servers import Served, stop

# Typed here: prometheus-client leaves it unannotated.
merge: Callable[[list[str], bool], Iterable[Metric]] = MultiProcessCollector.merge


@pytest.fixture
def http(served: Served) -> Iterator[httpx.Client]:
    """A new connection per request, so the kernel may hand any of them to either worker.
    One client for every request: making one loads the CA certificates, which costs more."""
    limits = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(base_url=served.url, limits=limits) as client:
        yield client


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


def test_metrics_add_up_the_requests_of_every_worker(served, http):
    # The server started with the session (tests/conftest.py), on a directory that held
    # samples of an earlier run and a file of someone else's.
    assert not (served.metrics_dir / "counter_1.db").exists()
    assert (served.metrics_dir / "notes.txt").exists()

    # The kernel hands each new connection to whichever worker takes it first: send until
    # both have answered some, so that a scrape answered by one worker must add up both.
    sent = 0
    while sum(1 for count in requests_by_worker(served.metrics_dir).values() if count) < 2:
        assert sent < 500, "one worker answered every request"
        for _ in range(10):
            assert http.get("/health").status_code == 200
        sent += 10

    for _ in range(6):
        page = http.get("/metrics").text
        assert health_requests(page) == sent

    ready = http.get("/health/ready")
    assert ready.status_code == 200, ready.text
    checks = {"database": "ok", "redis": "ok"}
    assert ready.json() == {"status": "ok", "checks": checks}

    workers = set(requests_by_worker(served.metrics_dir))
    assert len(workers) == 2
    stop(served.process)
    assert served.process.returncode == 0, served.log.read_text()
    assert [pid for pid in workers if alive(pid)] == []
