"""Load figures for a generated Python service beside a reference FastAPI backend, in one run.

Both servers run side by side on one throwaway PostgreSQL 15 cluster (TCP on loopback,
one database each), one uvicorn worker each, the same uvicorn flags. wrk drives
`GET /api/v1/users/me` with a valid bearer token at each concurrency, the two servers in
turn (the order swaps every round, so drift in the machine hits both alike), then a route
that touches no database on each (our ceiling on our dependency set). Each line prints
both figures and the ratio ours / reference.

The reference is fastapi/full-stack-fastapi-template's `backend/`: give its directory.
Its head needs Python 3.14; the last commit on 3.10+ is f459c20a. For example:

    git clone https://github.com/fastapi/full-stack-fastapi-template /tmp/ref
    git -C /tmp/ref checkout f459c20a
    uv run python bench/python_load.py --reference /tmp/ref/backend --reference-python 3.11

Options: --tier CORE|FULL (ours), --connections 16,64,128, --duration 15, --rounds 2,
--project DIR (an already rendered project), --reference-command (a shell command run
with `uv run --python X` in the reference directory, `{port}` replaced). Without
--reference only ours is measured.

Needs uv, wrk (apt-get install wrk) and PostgreSQL server binaries.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import clean_env, parse_wrk  # noqa: E402
from tests.conftest import render  # noqa: E402
from tests.projects.serving import free_port, process_group, request  # noqa: E402

PACKAGE = "my_project"
UVICORN_FLAGS = "--host 127.0.0.1 --port {port} --workers 1 --no-access-log --log-level warning"
REFERENCE_COMMAND = (
    "alembic upgrade head >/dev/null && python app/initial_data.py >/dev/null && "
    f"exec uvicorn app.main:app {UVICORN_FLAGS}"
)
OUR_COMMAND = (
    f"python -m scripts.init_db >/dev/null && exec uvicorn {PACKAGE}.main:app {UVICORN_FLAGS}"
)


def pg_bin() -> Path:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    if found and (Path(found).parent / "createdb").exists():
        return Path(found).parent
    sys.exit("PostgreSQL server binaries not found (apt-get install postgresql)")


@contextmanager
def postgres(databases: list[str]) -> Iterator[int]:
    """A throwaway cluster on 127.0.0.1 with `databases` created; yields its port."""
    bindir, port = pg_bin(), free_port()
    with tempfile.TemporaryDirectory(prefix="bench-pg.") as tmp:
        data = Path(tmp) / "data"
        run_as: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(tmp, "postgres")
            run_as = ["runuser", "-u", "postgres", "--"]
        subprocess.run(
            [
                *run_as,
                bindir / "initdb",
                "-D",
                data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
            ],
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c max_connections=300 "
            "-c fsync=off -c synchronous_commit=off"
        )
        subprocess.run(
            [
                *run_as,
                bindir / "pg_ctl",
                "-D",
                data,
                "-l",
                f"{tmp}/log",
                "-w",
                "-o",
                options,
                "start",
            ],
            check=True,
            capture_output=True,
        )
        try:
            for name in databases:
                subprocess.run(
                    [
                        bindir / "createdb",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "-U",
                        "postgres",
                        name,
                    ],
                    check=True,
                )
            yield port
        finally:
            subprocess.run(
                [*run_as, bindir / "pg_ctl", "-D", data, "-m", "fast", "stop"], capture_output=True
            )


@contextmanager
def redis() -> Iterator[str]:
    """A throwaway redis-server on loopback (FULL's rate limits and lockouts); yields its URL."""
    if shutil.which("redis-server") is None:
        sys.exit("redis-server not found (apt-get install redis-server)")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-redis.") as tmp:
        proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                tmp,
            ],
            stdout=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                if (
                    subprocess.run(
                        ["redis-cli", "-p", str(port), "ping"], capture_output=True
                    ).stdout.strip()
                    == b"PONG"
                ):
                    break
                subprocess.run(["sleep", "0.1"])
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            proc.wait()


@dataclass
class Server:
    name: str
    user_url: str
    trivial_url: str
    auth: str
    pgid: int
    results: dict[str, list[dict[str, float]]] = field(default_factory=dict)


def cpu_seconds(pgid: int) -> float:
    """User and system CPU of every process in the server's process group so far."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp, after the state and the parent
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


@contextmanager
def started(
    cwd: Path, command: list[str], env: dict[str, str], port: int, probe: str
) -> Iterator[tuple[str, int]]:
    """The server command in its own process group; yields its URL and group id once
    `probe` answers 200."""
    base = f"http://127.0.0.1:{port}"
    with (
        tempfile.NamedTemporaryFile(prefix="bench-serve.", suffix=".log") as log,
        process_group(command, cwd, env, Path(log.name)) as proc,
    ):
        for _ in range(600):
            if proc.poll() is not None:
                sys.exit(f"{command} exited {proc.returncode}:\n{Path(log.name).read_text()}")
            try:
                if request(base + probe)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            sys.exit(f"{command} did not answer:\n{Path(log.name).read_text()}")
        yield base, proc.pid


def login(base: str, path: str, email: str, password: str) -> str:
    status, token = request(base + path, "POST", form={"username": email, "password": password})
    if status != 200 or not isinstance(token, dict):
        sys.exit(f"login at {base}{path} failed: {status} {token}")
    return f"Bearer {token['access_token']}"


def start_ours(stack: ExitStack, project: Path, db_port: int, redis_url: str | None) -> Server:
    port = free_port()
    env = {
        **clean_env(),
        "DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:{db_port}/ours",
        "LOG_LEVEL": "WARNING",
        # FULL: the limiter runs on every request, but one client's load must not be refused
        **(
            {"REDIS_URL": redis_url, "RATE_LIMIT_DEFAULT": "1000000000/minute"} if redis_url else {}
        ),
    }
    command = ["uv", "run", "bash", "-c", OUR_COMMAND.format(port=port)]
    base, pgid = stack.enter_context(started(project, command, env, port, "/health"))
    user = {"email": "load@example.com", "password": "load test password"}
    status, body = request(f"{base}/api/v1/auth/register", "POST", user)
    if status != 201:
        sys.exit(f"register failed: {status} {body}")
    auth = login(base, "/api/v1/auth/login", user["email"], user["password"])
    return Server("ours", f"{base}/api/v1/users/me", f"{base}/health", auth, pgid)


def start_reference(
    stack: ExitStack, backend: Path, python: str | None, command: str, db_port: int
) -> Server:
    port = free_port()
    password = "reference load password"
    env = {
        **clean_env(),
        "POSTGRES_SERVER": "127.0.0.1",
        "POSTGRES_PORT": str(db_port),
        "POSTGRES_USER": "postgres",
        "POSTGRES_DB": "reference",
        "PROJECT_NAME": "reference",
        "SECRET_KEY": "reference-load-secret-0123456789abcdef",
        "FIRST_SUPERUSER": "admin@example.com",
        "FIRST_SUPERUSER_PASSWORD": password,
        "ENVIRONMENT": "local",
        "SENTRY_DSN": "",
    }
    uv = ["uv", "run", *(["--python", python] if python else []), "bash", "-c"]
    health = "/api/v1/utils/health-check/"
    base, pgid = stack.enter_context(
        started(backend, [*uv, command.format(port=port)], env, port, health)
    )
    auth = login(base, "/api/v1/login/access-token", "admin@example.com", password)
    return Server("reference", f"{base}/api/v1/users/me", base + health, auth, pgid)


def milliseconds(value: str) -> float:
    if value == "?":
        return float("nan")
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]


def wrk(url: str, auth: str, connections: int, duration: int) -> dict[str, float]:
    command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections)]
    command += ["-d", f"{duration}s", "--latency", "-H", f"Authorization: {auth}", url]
    figures = parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    return {
        "rps": float(figures["rps"]),
        "p99": milliseconds(figures["p99"]),
        "errors": int(figures["non2xx"]) + int(figures["socket_errors"]),
        "requests": int(figures["requests"]),
    }


def measure(servers: list[Server], key: str, connections: int, args: argparse.Namespace) -> None:
    """`args.rounds` runs per server, alternating which goes first: a machine that drifts
    weighs on both alike. Each run follows a short warm-up (pool filled, caches hot)."""
    for round_ in range(args.rounds):
        for server in servers if round_ % 2 == 0 else servers[::-1]:
            url = server.trivial_url if key.startswith("no database") else server.user_url
            wrk(url, server.auth, connections, 2)
            before = cpu_seconds(server.pgid)
            run = wrk(url, server.auth, connections, args.duration)
            run["cpu_ms"] = (cpu_seconds(server.pgid) - before) * 1000 / max(run["requests"], 1)
            server.results.setdefault(key, []).append(run)


def summary(runs: list[dict[str, float]]) -> dict[str, float]:
    rates = [run["rps"] for run in runs]
    return {
        "best": max(rates),
        "median": statistics.median(rates),
        "p99": max(run["p99"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "cpu_ms": statistics.median(run["cpu_ms"] for run in runs),
    }


def report(servers: list[Server], keys: list[str]) -> None:
    print(
        f"\n{'route, connections':<20} {'server':<10} {'best req/s':>10} {'median':>8} "
        f"{'worst p99':>10} {'errors':>7} {'server CPU/req':>15}"
    )
    for key in keys:
        medians = []
        for server in servers:
            row = summary(server.results[key])
            medians.append(row["median"])
            stalled = "  stalled: no answer" if row["best"] == 0 else ""
            print(
                f"{key:<20} {server.name:<10} {row['best']:>10.0f} {row['median']:>8.0f} "
                f"{row['p99']:>8.1f}ms {row['errors']:>7.0f} {row['cpu_ms']:>13.2f}ms{stalled}"
            )
        if len(servers) == 2 and medians[1]:
            ratio = medians[0] / medians[1]
            print(f"{key:<20} {'ratio':<10} {ratio:>10.2f}  (medians, ours / reference)")
    ours = {key: summary(servers[0].results[key]) for key in keys}
    users = [key for key in keys if key.startswith("users/me")]
    rates = ", ".join(f"{key.split()[-1]}: {ours[key]['median']:.0f}" for key in users)
    print(f"\nours, GET /users/me, median req/s by connections: {rates}")
    medians = [ours[key]["median"] for key in users]
    print(f"  lowest / highest: {min(medians) / max(medians):.2f}  (1.00: no fall under load)")
    if "users/me 64" in ours:
        at64 = ours["users/me 64"]
        print(f"  at 64 connections: p99 {at64['p99']:.1f} ms, errors {at64['errors']:.0f}")
    if len(servers) == 2 and "users/me 64" in ours:
        best = max(summary(servers[1].results[key])["best"] for key in users)
        if best:
            print(
                f"  at 64 connections / the reference's best at any concurrency: "
                f"{ours['users/me 64']['median'] / best:.2f}  (reference best {best:.0f} req/s)"
            )
        else:
            print("  the reference answered nothing at any concurrency")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", choices=["CORE", "FULL"], default="CORE")
    parser.add_argument("--project", type=Path, help="an already rendered project (ours)")
    parser.add_argument("--reference", type=Path, help="the reference backend directory")
    parser.add_argument("--reference-python", help="interpreter for the reference (uv --python)")
    parser.add_argument("--reference-command", default=REFERENCE_COMMAND)
    parser.add_argument("--connections", default="16,64,128")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: install it (apt-get install wrk)")
    counts = [int(c) for c in args.connections.split(",")]
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        project = args.project or render(Path(tmp) / "ours", stack="python", tier=args.tier)
        subprocess.run(["uv", "sync", "--quiet"], cwd=project, env=clean_env(), check=True)
        if args.reference:
            subprocess.run(
                [
                    "uv",
                    "sync",
                    "--quiet",
                    *(["--python", args.reference_python] if args.reference_python else []),
                ],
                cwd=args.reference,
                env=clean_env(),
                check=True,
            )
        db_port = stack.enter_context(postgres(["ours", "reference"]))
        redis_url = stack.enter_context(redis()) if args.tier == "FULL" else None
        servers = [start_ours(stack, project, db_port, redis_url)]
        if args.reference:
            servers.append(
                start_reference(
                    stack, args.reference, args.reference_python, args.reference_command, db_port
                )
            )
        print(
            f"python/{args.tier} vs {args.reference or 'no reference'}: one uvicorn worker each, "
            f"wrk -t2 {args.duration}s x {args.rounds} rounds, alternating"
        )
        keys = [f"users/me {connections}" for connections in counts] + ["no database 64"]
        for key in keys:
            measure(servers, key, int(key.split()[-1]), args)
        report(servers, keys)


if __name__ == "__main__":
    main()
