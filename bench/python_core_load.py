"""Load figure for the Python CORE cell, and the wall time of its own test suite.

Renders python/CORE with defaults, times the generated project's `make test` (SQLite)
and `make test-postgres`, then serves the app on a throwaway PostgreSQL cluster
(the project's own scripts/with-postgres.sh) with one uvicorn worker, registers and
logs in a user, and drives `GET /api/v1/users/me` with a valid bearer token from wrk:
64 connections, 2 threads, 20 s, on loopback.

    uv run python bench/python_core_load.py [--connections 64] [--duration 20] [--no-suite]

Needs uv, make, wrk (apt-get install wrk) and PostgreSQL server binaries.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import render  # noqa: E402
from tests.projects.serving import free_port, request, serve  # noqa: E402

PACKAGE = "my_project"


def clean_env() -> dict[str, str]:
    """The bench's environment without anything that would redirect the project."""
    env = dict(os.environ)
    for name in ("VIRTUAL_ENV", "DATABASE_URL", "TEST_DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    return env


def sh(*cmd: str, cwd: Path) -> subprocess.CompletedProcess:
    full_env = clean_env()
    proc = subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def render_core(dest: Path) -> Path:
    return render(dest, stack="python", tier="CORE")


def timed(label: str, *cmd: str, cwd: Path) -> float:
    start = time.perf_counter()
    out = sh(*cmd, cwd=cwd).stdout
    elapsed = time.perf_counter() - start
    passed = re.search(r"(\d+) passed", out)
    cover = re.search(r"Total coverage: ([\d.]+)%", out)
    tests = passed.group(1) if passed else "?"
    percent = cover.group(1) if cover else "?"
    print(f"{label:<34} {elapsed:6.1f} s wall  ({tests} tests, coverage {percent}%)")
    return elapsed


def parse_wrk(out: str) -> dict[str, str]:
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


def load(project: Path, connections: int, duration: int, threads: int) -> None:
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk not found: install it (apt-get install wrk)")
    port = free_port()
    server_cmd = (
        "uv run python -m scripts.init_db >/dev/null 2>&1 && exec uv run uvicorn "
        f"{PACKAGE}.main:app --host 127.0.0.1 --port {port} --workers 1 "
        "--no-access-log --log-level warning"
    )
    env = {**clean_env(), "LOG_LEVEL": "WARNING"}
    command = ["bash", "scripts/with-postgres.sh", "bash", "-c", server_cmd]
    with serve(project, command, port, env=env) as base:
        user = {"email": "load@example.com", "password": "load test password"}
        status, _ = request(f"{base}/api/v1/auth/register", "POST", user)
        assert status == 201, status
        status, token = request(
            f"{base}/api/v1/auth/login",
            "POST",
            form={"username": user["email"], "password": user["password"]},
        )
        assert status == 200 and isinstance(token, dict), token
        auth = f"Authorization: Bearer {token['access_token']}"
        url = f"{base}/api/v1/users/me"
        assert request(url, headers={"Authorization": auth.split(": ", 1)[1]})[0] == 200
        # warm up: fill the pool, JIT-free but caches and connections ready
        subprocess.run(
            [wrk, "-t", str(threads), "-c", str(connections), "-d", "3s", "-H", auth, url],
            capture_output=True,
            check=True,
        )
        out = subprocess.run(
            [
                wrk,
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{duration}s",
                "--latency",
                "-H",
                auth,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        figures = parse_wrk(out)
        if "Socket errors" in out:
            print("  wrk:", next(ln for ln in out.splitlines() if "Socket errors" in ln).strip())
        errors = int(figures["non2xx"]) + int(figures["socket_errors"])
        print(
            f"GET /api/v1/users/me, PostgreSQL, 1 uvicorn worker, wrk -t{threads} "
            f"-c{connections} -d{duration}s:"
        )
        print(
            f"  {figures['rps']} req/s   p50 {figures['p50']}   p99 {figures['p99']}   "
            f"errors {errors} (non-2xx {figures['non2xx']}, socket {figures['socket_errors']})"
            f"   [{figures['requests']} requests]"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--no-suite", action="store_true", help="skip timing the test suite")
    parser.add_argument("--project", type=Path, help="use this rendered project instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = args.project or render_core(Path(tmp) / "core")
        sh("uv", "sync", "--quiet", cwd=project)
        if not args.no_suite:
            timed("generated CORE suite, SQLite", "make", "test", cwd=project)
            timed("generated CORE suite, PostgreSQL", "make", "test-postgres", cwd=project)
        load(project, args.connections, args.duration, args.threads)


if __name__ == "__main__":
    main()
