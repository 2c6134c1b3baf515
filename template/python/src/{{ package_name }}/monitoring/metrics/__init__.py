"""Prometheus metrics: business counters, HTTP request metrics, the /metrics route."""

from .business_metrics import BusinessMetrics, business_metrics, subscribe_metrics
from .http_metrics import HttpMetrics, http_metrics, render_metrics, setup_metrics

__all__ = [
    "BusinessMetrics",
    "HttpMetrics",
    "business_metrics",
    "http_metrics",
    "render_metrics",
    "setup_metrics",
    "subscribe_metrics",
]
