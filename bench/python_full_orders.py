"""Orders per second for the Python FULL cell: `POST /api/v1/orders` under load.

Renders python/FULL with defaults and serves it on a throwaway PostgreSQL cluster (the
project's scripts/with-postgres.sh) with one uvicorn worker and a local Redis. An admin
stocks one product; one customer's token drives `POST /api/v1/orders` (one unit per order)
from wrk: 64 connections, 2 threads, 20 s, on loopback. Rate limits are off (one client
address would be limited first) and the login guard is untouched.

It prints orders per second, p50 and p99, the answers that were not 201 (a 409 once the
stock is gone is a correct refusal, anything else is an error), and checks that the stock
left equals the stock put in minus the orders created.

    uv run python bench/python_full_orders.py [--connections 64] [--duration 20] [--stock N]

Needs uv, make, wrk, redis-server and PostgreSQL server binaries.
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

from bench.common import clean_env, parse_wrk  # noqa: E402
from tests.conftest import render  # noqa: E402
from tests.projects.serving import free_port, request, serve  # noqa: E402

PACKAGE = "my_project"
WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = '{"items": [{"product_id": %d, "quantity": 1}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--stock", type=int, default=1_000_000)
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk not found: install it (apt-get install wrk)")
    with tempfile.TemporaryDirectory() as tmp:
        project = render(Path(tmp) / "full", stack="python", tier="FULL")
        env = {
            **clean_env(),
            "LOG_LEVEL": "WARNING",
            "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
            "RATE_LIMIT_ENABLED": "false",
            "CREATE_USER_PASSWORD": "admin password",
        }
        subprocess.run(["uv", "sync", "-q"], cwd=project, env=env, check=True)
        subprocess.run(["make", "services"], cwd=project, env=env, check=True)
        port = free_port()
        server = (
            "uv run python -m scripts.init_db >/dev/null 2>&1 && "
            "uv run python -m scripts.create_user root@example.com >/dev/null && "
            f"exec bash scripts/serve.sh --host 127.0.0.1 --port {port} --workers 1 "
            "--no-access-log --log-level warning"
        )
        command = ["bash", "scripts/with-postgres.sh", "bash", "-c", server]
        try:
            with serve(project, command, port, env=env) as base:
                run_load(base, wrk, args)
        finally:
            subprocess.run(["make", "services-stop"], cwd=project, env=env, check=False)


def token(api: str, email: str, password: str) -> str:
    status, answer = request(
        f"{api}/auth/login", "POST", form={"username": email, "password": password}
    )
    assert status == 200 and isinstance(answer, dict), answer
    return str(answer["access_token"])


def run_load(base: str, wrk: str, args: argparse.Namespace) -> None:
    api = f"{base}/api/v1"
    admin = {"Authorization": f"Bearer {token(api, 'root@example.com', 'admin password')}"}
    product = {"sku": "BENCH-1", "name": "Bench", "price": "9.99", "stock": args.stock}
    status, created = request(f"{api}/products", "POST", product, headers=admin)
    assert status == 201 and isinstance(created, dict), created
    customer = {"email": "load@example.com", "password": "load test password"}
    assert request(f"{api}/auth/register", "POST", customer)[0] == 201
    bearer = token(api, customer["email"], customer["password"])

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % (created["id"], bearer))
    cmd = [
        wrk,
        "-t", str(args.threads),
        "-c", str(args.connections),
        "-d", f"{args.duration}s",
        "--latency",
        "-s", script.name,
        f"{api}/orders",
    ]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    figures = parse_wrk(out)

    # wrk stops counting with requests still in flight: read once the server is quiet.
    previous = None
    while True:
        time.sleep(1)
        status, listed = request(f"{api}/orders?limit=1&all_users=true", headers=admin)
        assert status == 200 and isinstance(listed, dict), listed
        status, after = request(f"{api}/products/{created['id']}", headers=admin)
        assert status == 200 and isinstance(after, dict)
        current = (int(listed["total"]), int(after["stock"]))
        if current == previous:
            break
        previous = current
    orders, stock_left = current
    expected = args.stock - orders
    print(
        f"POST /api/v1/orders, PostgreSQL, 1 uvicorn worker, wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration}s:"
    )
    print(
        f"  {figures['rps']} orders/s   p50 {figures['p50']}   p99 {figures['p99']}   "
        f"non-201 {figures['non2xx']}   socket errors {figures['socket_errors']}   "
        f"[{figures['requests']} requests]"
    )
    verdict = "equal" if stock_left == expected else "DIFFERENT"
    print(f"  orders created {orders}; stock left {stock_left}, expected {expected}: {verdict}")
    if re.search(r"Socket errors", out):
        print("  wrk:", next(ln for ln in out.splitlines() if "Socket errors" in ln).strip())


if __name__ == "__main__":
    main()
