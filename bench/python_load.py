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
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import render  # noqa: E402
from tests.projects.serving import free_port, process_group, request  # noqa: E402

PACKAGE = "my_project"
UVICORN_FLAGS = "--host 127.0.0.1 --port {port} --workers 1 --no-access-log --log-level warning"
REFERENCE_COMMAND = (
    "alembic upgrade head >/dev/null && python app/initial_data.py >/dev/null && "
    f"exec uvicorn app.main:app {UVICORN_FLAGS}"
)
OUR_COMMAND = f"python -m scripts.init_db >/dev/null && exec uvicorn {PACKAGE}.main:app {UVICORN_FLAGS}"


def clean_env() -> dict[str, str]:
    """The bench's environment without anything that would redirect a project."""
    env = dict(os.environ)
    for name in ("VIRTUAL_ENV", "DATABASE_URL", "TEST_DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    return env


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
            [*run_as, bindir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"],
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c max_connections=300 "
            "-c fsync=off -c synchronous_commit=off"
        )
        subprocess.run(
            [*run_as, bindir / "pg_ctl", "-D", data, "-l", f"{tmp}/log", "-w", "-o", options, "start"],
            check=True,
            capture_output=True,
        )
        try:
            for name in databases:
                subprocess.run(
                    [bindir / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", name],
                    check=True,
                )
            yield port
        finally:
            subprocess.run(
                [*run_as, bindir / "pg_ctl", "-D", data, "-m", "fast", "stop"], capture_output=True
            )


@dataclass
class Server:
    name: str
    base: str
    user_url: str
    trivial_url: str
    auth: str
    results: dict[str, list[dict[str, float]]] = field(default_factory=dict)


@contextmanager
def started(cwd: Path, command: list[str], env: dict[str, str], port: int, probe: str) -> Iterator[str]:
    base = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkstemp(prefix="bench-serve.", suffix=".log")[1])
    with process_group(command, cwd, env, log) as proc:
        for _ in range(600):
            if proc.poll() is not None:
                sys.exit(f"{command} exited {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if request(base + probe)[0] == 200:
                    break
            except OSError:
                pass
            subprocess.run(["sleep", "0.2"])
        else:
            sys.exit(f"{command} did not answer:\n{log.read_text()[-3000:]}")
        yield base
    log.unlink(missing_ok=True)


def login(base: str, path: str, email: str, password: str) -> str:
    status, token = request(base + path, "POST", form={"username": email, "password": password})
    if status != 200 or not isinstance(token, dict):
        sys.exit(f"login at {base}{path} failed: {status} {token}")
    return f"Bearer {token['access_token']}"


def start_ours(stack: ExitStack, project: Path, db_port: int) -> Server:
    port = free_port()
    env = {
        **clean_env(),
        "DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:{db_port}/ours",
        "LOG_LEVEL": "WARNING",
    }
    command = ["uv", "run", "bash", "-c", OUR_COMMAND.format(port=port)]
    base = stack.enter_context(started(project, command, env, port, "/health"))
    user = {"email": "load@example.com", "password": "load test password"}
    status, body = request(f"{base}/api/v1/auth/register", "POST", user)
    if status != 201:
        sys.exit(f"register failed: {status} {body}")
    auth = login(base, "/api/v1/auth/login", user["email"], user["password"])
    return Server("ours", base, f"{base}/api/v1/users/me", f"{base}/health", auth)


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
    base = stack.enter_context(
        started(backend, [*uv, command.format(port=port)], env, port, "/api/v1/utils/health-check/")
    )
    auth = login(base, "/api/v1/login/access-token", "admin@example.com", password)
    return Server(
        "reference",
        base,
        f"{base}/api/v1/users/me",
        f"{base}/api/v1/utils/health-check/",
        auth,
    )


def seconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def wrk(url: str, auth: str, connections: int, duration: int) -> dict[str, float]:
    threads = min(2, connections)
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency",
         "-H", f"Authorization: {auth}", url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_line = next((ln for ln in out.splitlines() if "Socket errors:" in ln), "")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", socket_line))
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p99": seconds(p99.group(1)) * 1000 if p99 else float("nan"),
        "errors": errors + (int(non2xx.group(1)) if non2xx else 0),
    }


def measure(servers: list[Server], key: str, url_of, connections: int, args) -> None:
    for round_ in range(args.rounds):
        # alternate who goes first, so a drifting machine weighs on both alike
        for server in servers if round_ % 2 == 0 else list(reversed(servers)):
            url = url_of(server)
            wrk(url, server.auth, connections, 2)  # warm up: pool filled, caches hot
            server.results.setdefault(key, []).append(wrk(url, server.auth, connections, args.duration))


def summary(runs: list[dict[str, float]]) -> tuple[float, float, float, int]:
    rates = [r["rps"] for r in runs]
    return (
        max(rates),
        statistics.median(rates),
        max(r["p99"] for r in runs),
        int(sum(r["errors"] for r in runs)),
    )


def report(servers: list[Server], keys: list[str]) -> None:
    print(f"\n{'route / connections':<24} {'server':<10} {'best req/s':>10} {'median':>8} "
          f"{'worst p99':>10} {'errors':>7}")
    for key in keys:
        for server in servers:
            best, median, p99, errors = summary(server.results[key])
            print(f"{key:<24} {server.name:<10} {best:>10.0f} {median:>8.0f} {p99:>8.1f}ms {errors:>7}")
        if len(servers) == 2:
            ours, ref = (summary(s.results[key])[1] for s in servers)
            print(f"{key:<24} {'ratio':<10} {ours / ref if ref else float('inf'):>10.2f}  (medians, ours / reference)")
    ours = servers[0]
    user_keys = [k for k in keys if k.startswith("users/me")]
    rates = {k: summary(ours.results[k])[1] for k in user_keys}
    print(f"\nours, users/me median req/s by connections: "
          + ", ".join(f"{k.split()[-1]}: {v:.0f}" for k, v in rates.items()))
    if len(servers) == 2:
        ref_best = max(summary(servers[1].results[k])[0] for k in user_keys)
        at64 = [k for k in user_keys if k.endswith(" 64")]
        if at64:
            ratio = summary(ours.results[at64[0]])[1] / ref_best if ref_best else float("inf")
            print(f"ours at 64 connections / reference's best at any concurrency: {ratio:.2f}")


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
                ["uv", "sync", "--quiet", *(["--python", args.reference_python] if args.reference_python else [])],
                cwd=args.reference, env=clean_env(), check=True,
            )
        db_port = stack.enter_context(postgres(["ours", "reference"]))
        servers = [start_ours(stack, project, db_port)]
        if args.reference:
            servers.append(
                start_reference(stack, args.reference, args.reference_python, args.reference_command, db_port)
            )
        print(f"python/{args.tier} vs {args.reference or 'no reference'}: one uvicorn worker each, "
              f"wrk -t2 {args.duration}s x {args.rounds} rounds, alternating")
        keys = []
        for connections in counts:
            key = f"users/me {connections}"
            measure(servers, key, lambda s: s.user_url, connections, args)
            keys.append(key)
        key = "no database 64"
        measure(servers, key, lambda s: s.trivial_url, 64, args)
        keys.append(key)
        report(servers, keys)


if __name__ == "__main__":
    main()
