"""OpenTelemetry tracing, exported over OTLP/HTTP when a collector is configured."""

from .tracer import (
    TracingService,
    create_tracer_provider,
    install_tracer_provider,
    setup_tracing,
    setup_worker_tracing,
    trace_engine,
    tracing_enabled,
    untraced,
)

__all__ = [
    "TracingService",
    "create_tracer_provider",
    "install_tracer_provider",
    "setup_tracing",
    "setup_worker_tracing",
    "trace_engine",
    "tracing_enabled",
    "untraced",
]
