"""The SQL FULL cell under load: `api_v1.place_order` calls per second, jobs per second.

Renders sql/FULL with defaults, builds its database in a throwaway development cluster
(the project's `make db`, data in a temporary folder), stocks one product and makes one
customer per pgbench client. Then:

- pgbench runs `api_v1.place_order` (one unit per call, a fresh idempotency key) as the
  client role, each client authenticated with its own token for each transaction, as a
  client behind a transaction pooler would be: 16 clients, 2 threads, 20 s. The rate
  limits are raised for the run (one source making every account, and one customer per
  client, would hit them first); each call still counts itself against its limit.
- It checks the stock: reserved equals the units ordered, on hand is untouched.
- One worker (`scripts/worker.py --once`, the project's own loop) drains N queued jobs of
  the cheapest task; jobs per second is N over its wall time.

    uv run python bench/sql_full.py [--clients 16] [--duration 20] [--jobs 2000]

Needs uv, make, pgbench and PostgreSQL server binaries.
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

from bench.common import clean_env  # noqa: E402
from tests.conftest import render  # noqa: E402

STOCK = 10_000_000
PLACE_ORDER = """\\set unused 0
begin;
select set_config('request.jwt.token', token, true) from bench_tokens where client = :client_id;
set local role {role};
select (api_v1.place_order(
    jsonb_build_array(jsonb_build_object('product_id', {product}, 'quantity', 1)),
    md5(random()::text)
)).id;
commit;
"""


def sh(*args: str, cwd: Path, env: dict[str, str], stdin: str | None = None) -> str:
    proc = subprocess.run(
        args, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def psql(project: Path, env: dict[str, str], sql: str) -> str:
    return sh(
        "bash",
        "scripts/pg.sh",
        "psql",
        "-qAt",
        "-v",
        "ON_ERROR_STOP=1",
        cwd=project,
        env=env,
        stdin=sql,
    ).strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2000)
    args = parser.parse_args()
    pgbench = shutil.which("pgbench") or next(
        iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"), reverse=True)), None
    )
    if pgbench is None:
        sys.exit("pgbench not found: apt-get install postgresql-client")

    with tempfile.TemporaryDirectory(prefix="bench-sql-full.") as tmp:
        work = Path(tmp)
        work.chmod(0o755)
        project = render(work / "project", stack="sql", tier="FULL")
        env = {**clean_env(), "DATABASE_URL": "", "DEV_PGDATA": str(work / "pgdata")}
        sh("uv", "sync", "-q", cwd=project, env=env)
        try:
            run_bench(project, env, str(pgbench), args)
        finally:
            subprocess.run(["make", "-s", "clean"], cwd=project, env=env, check=False)


def run_bench(project: Path, env: dict[str, str], pgbench: str, args: argparse.Namespace) -> None:
    sh("make", "-s", "db", cwd=project, env=env)
    url = sh("bash", "scripts/pg.sh", "url", cwd=project, env=env).strip()
    slug = re.search(r"^project_slug: (\S+)$", (project / ".copier-answers.yml").read_text(), re.M)
    role = f"{slug[1][:30].replace('-', '_')}_user" if slug else sys.exit("no project_slug")
    product = psql(
        project,
        env,
        f"""
select app.set_setting('rate_limit_' || action || '_calls', '1000000000')
from unnest(array['login', 'register', 'place_order']) as action \\g /dev/null
select app.register_user('admin@bench.example', 'admin password', 'Admin', 'admin') \\g /dev/null
begin;
select set_config('request.jwt.token', app.login('admin@bench.example', 'admin password'), true)
\\g /dev/null
set local role {role};
select (api_v1.create_product('BENCH-1', 'Bench tea', 12.50, {STOCK}, '')).id;
commit;
""",
    ).splitlines()[-1]
    tokens = "\n".join(
        f"select app.register_user('c{i}@bench.example', 'client password', 'C{i}') \\g /dev/null\n"
        f"insert into bench_tokens values ({i}, "
        f"app.login('c{i}@bench.example', 'client password'));"
        for i in range(args.clients)
    )
    psql(
        project,
        env,
        "create table bench_tokens (client integer primary key, token text not null);\n"
        f"grant select on bench_tokens to {role};\n{tokens}\n",
    )
    script = Path(project / "place_order.pgbench")
    script.write_text(PLACE_ORDER.format(role=role, product=product))

    proc = subprocess.run(
        [
            pgbench,
            "-n",
            "-c",
            str(args.clients),
            "-j",
            str(args.threads),
            "-T",
            str(args.duration),
            "-r",
            "-f",
            str(script),
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"pgbench failed:\n{proc.stdout}{proc.stderr}")
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", proc.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", proc.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", proc.stdout)
    done = re.search(r"number of transactions actually processed: (\d+)", proc.stdout)
    assert tps and latency and done, proc.stdout

    orders, reserved, on_hand = psql(
        project,
        env,
        f"""
select (select count(*) from app_private.orders where status = 'pending')
    || ' ' || i.reserved || ' ' || i.on_hand
from app_private.inventory as i where i.product_id = {product};
""",
    ).split()
    print(f"place_order, {args.clients} clients, {args.duration} s (pgbench, one tx per call):")
    print(
        f"  {float(tps[1]):,.0f} calls/s, latency average {float(latency[1]):.1f} ms,"
        f" {done[1]} calls, {failed[1] if failed else 0} failed"
    )
    stock_ok = int(reserved) == int(orders) and int(on_hand) == STOCK
    print(
        f"  orders {orders}, reserved {reserved}, on hand {on_hand}:"
        f" stock {'equals' if stock_ok else 'DIFFERS FROM'} the stock expected"
    )

    # Jobs per second through one worker: the queue drained by the project's loop.
    psql(
        project,
        env,
        f"select app.enqueue_job('maintenance.noop', jsonb_build_object('n', n))"
        f" from generate_series(1, {args.jobs}) as n \\g /dev/null\n",
    )
    started = time.perf_counter()
    sh(
        "uv",
        "run",
        "python",
        "scripts/worker.py",
        "--database-url",
        url,
        "--queues",
        "default",
        "--once",
        cwd=project,
        env=env,
    )
    elapsed = time.perf_counter() - started
    left = psql(project, env, "select count(*) from app_private.jobs where status = 'queued';")
    print(
        f"worker: {args.jobs} jobs in {elapsed:.1f} s through one worker:"
        f" {args.jobs / elapsed:,.0f} jobs/s (queued left: {left})"
    )


if __name__ == "__main__":
    os.environ.pop("VIRTUAL_ENV", None)
    main()
