"""What the benchmarks share: a clean environment for a project, and wrk's figures."""

from __future__ import annotations

import os
import re


def clean_env() -> dict[str, str]:
    """The bench's environment without anything that would redirect a project."""
    env = dict(os.environ)
    for name in ("VIRTUAL_ENV", "DATABASE_URL", "TEST_DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    return env


def parse_wrk(out: str) -> dict[str, str]:
    """Requests per second, p50, p99 and the errors of a `wrk --latency` run."""

    def find(pattern: str, default: str = "0") -> str:
        match = re.search(pattern, out, re.MULTILINE)
        return match.group(1) if match else default

    socket_line = next((line for line in out.splitlines() if "Socket errors:" in line), "")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", socket_line))
    return {
        "rps": find(r"Requests/sec:\s+([\d.]+)"),
        "p50": find(r"^\s+50%\s+(\S+)", "?"),
        "p99": find(r"^\s+99%\s+(\S+)", "?"),
        "requests": find(r"(\d+) requests in"),
        "non2xx": find(r"Non-2xx or 3xx responses:\s+(\d+)"),
        "socket_errors": str(errors),
    }
