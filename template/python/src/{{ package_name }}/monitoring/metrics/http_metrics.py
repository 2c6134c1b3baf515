"""HTTP request metrics and the /metrics route.

Every request is counted and timed by method, route template and status. The template
(`/api/v1/users/{user_id}`), not the path, keeps one series per route rather than one per id;
requests that match no route share the handler "none", so no client can create series at will.
prometheus-fastapi-instrumentator finds the template (FastAPI's included routers hide it from
a plain middleware); the metrics themselves are ours, registered once per registry.

With several server processes, scripts/serve.sh sets PROMETHEUS_MULTIPROC_DIR before Python
starts (prometheus-client reads it at import): every process then writes its samples to files
there, and /metrics merges the files of all processes, whichever process answers the scrape.
"""

import os
from collections.abc import Callable

from fastapi import FastAPI, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_fastapi_instrumentator import Instrumentator
from prometheus_fastapi_instrumentator.metrics import Info

METRICS_PATH = "/metrics"
MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# prometheus-client leaves this constructor unannotated; mypy --strict refuses to call it as is.
_multiprocess_collector: Callable[[CollectorRegistry], object] = MultiProcessCollector
#: Seconds. Fine below a second, where an API answers; coarse above.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests, by method, route template and status",
            ["method", "handler", "status"],
            registry=registry,
        )
        self.duration = Histogram(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method, route template and status",
            ["method", "handler", "status"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )

    def observe(self, info: Info) -> None:
        labels = (info.method, info.modified_handler, info.modified_status)
        self.requests.labels(*labels).inc()
        self.duration.labels(*labels).observe(info.modified_duration)


http_metrics = HttpMetrics()


def render_metrics(registry: CollectorRegistry = REGISTRY) -> bytes:
    """The Prometheus text of `registry`, or of every process under PROMETHEUS_MULTIPROC_DIR."""
    if MULTIPROC_DIR_VARIABLE in os.environ:
        # A fresh registry each time: the collector reads the files when asked.
        merged = CollectorRegistry()
        _multiprocess_collector(merged)
        return generate_latest(merged)
    return generate_latest(registry)


def setup_metrics(app: FastAPI, registry: CollectorRegistry | None = None) -> None:
    """Count and time the app's requests and serve GET /metrics (not in the OpenAPI schema).

    `registry` is for tests; the application uses the process-wide default registry.
    """
    metrics = http_metrics if registry is None else HttpMetrics(registry)
    served = REGISTRY if registry is None else registry
    Instrumentator(
        # 401 and 404 say different things; 4xx would hide which.
        should_group_status_codes=False,
        # Scrapes are not traffic.
        excluded_handlers=[f"^{METRICS_PATH}$"],
        registry=served,
    ).add(metrics.observe).instrument(app)

    # A plain function: FastAPI runs it in a thread, so reading the files never blocks the loop.
    def metrics_endpoint() -> Response:
        return Response(render_metrics(served), media_type=CONTENT_TYPE_LATEST)

    app.add_api_route(
        METRICS_PATH, metrics_endpoint, methods=["GET"], name="metrics", include_in_schema=False
    )
