"""Liveness and readiness endpoints."""

from .health_check import NotReady, Readiness, health_router, run_checks

__all__ = ["NotReady", "Readiness", "health_router", "run_checks"]
