"""Observability: Prometheus metrics, health checks, OpenTelemetry tracing."""

from .health import health_router
from .metrics import (
    BusinessMetrics,
    business_metrics,
    setup_metrics,
    subscribe_metrics,
)
from .tracing import (
    TracingService,
    setup_tracing,
    setup_worker_tracing,
    trace_engine,
)

__all__ = [
    "BusinessMetrics",
    "TracingService",
    "business_metrics",
    "health_router",
    "setup_metrics",
    "setup_tracing",
    "setup_worker_tracing",
    "subscribe_metrics",
    "trace_engine",
]
