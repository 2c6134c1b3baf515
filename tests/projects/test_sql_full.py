"""The generated SQL FULL project takes an order from the client's call to its delivery:
`make run` (psql) registers, logs in, orders and pays; `make worker` and `make relay`,
running beside it, take the order through payment to shipping; one trace id follows it
through the jobs, the outbox, the audit log and the analytics events."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require, run
from tests.projects.serving import process_group
from tests.projects.test_sql_database import role_prefix

pytestmark = pytest.mark.slow

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@pytest.fixture(scope="module")
def project(rendered: dict) -> Path:
    require("uv")
    require("pg_prove")
    return rendered["sql", "FULL"]


@pytest.fixture(scope="module")
def dev_env(project: Path) -> Iterator[dict[str, str]]:
    """The project's development cluster, its data in a folder the cluster's user can enter
    (also when this runs as root), removed afterwards."""
    data = Path(tempfile.mkdtemp(prefix="devpg.", dir="/tmp")) / "data"
    data.parent.chmod(0o755)
    env = {
        **{k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
        "DATABASE_URL": "",
        "DEV_PGDATA": str(data),
    }
    try:
        yield env
    finally:
        run("make", "clean", cwd=project, env=env, check=False)


def psql(project: Path, env: dict[str, str], script: str) -> str:
    proc = subprocess.run(
        ["make", "-s", "run"],
        cwd=project,
        input=script,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def query(project: Path, env: dict[str, str], sql: str) -> str:
    return psql(
        project, env, f"\\set QUIET on\n\\pset tuples_only on\n\\pset format unaligned\n{sql}\n"
    ).strip()


def test_an_order_goes_from_the_call_to_shipping_with_one_trace(
    project: Path, dev_env: dict[str, str], tmp_path: Path
) -> None:
    prefix = role_prefix(project)
    run("make", "db", cwd=project, env=dev_env)
    run(
        "make",
        "create-user",
        "EMAIL=admin@example.com",
        "PASSWORD=admin password",
        "ROLE=admin",
        cwd=project,
        env=dev_env,
    )
    setup = f"""
set role {prefix}_user;
begin;
select id from api_v1.authenticate(api_v1.login('admin@example.com', 'admin password'));
select 'product=' || id from api_v1.create_product('TEA-1', 'Green tea', 12.50, 10, 'Loose leaf');
commit;
"""
    product = re.search(r"product=(\d+)", psql(project, dev_env, setup))
    assert product, "no product created"
    order_script = f"""
set role {prefix}_anon;
select email from api_v1.register('ann@example.com', 'ann password', 'Ann');
select api_v1.login('ann@example.com', 'ann password') as token \\gset
set role {prefix}_user;
begin;
select set_config('request.traceparent', '{TRACEPARENT}', true);
select id from api_v1.authenticate(:'token');
select 'order=' || o.id || ' status=' || o.status
from api_v1.place_order('[{{"product_id": {product[1]}, "quantity": 2}}]'::jsonb, 'ann-1') as o;
commit;
begin;
select set_config('request.traceparent', '{TRACEPARENT}', true);
select id from api_v1.authenticate(:'token');
select 'paid=' || o.status from api_v1.pay_order(
    (select max(id) from api_v1.my_orders(10, 0))
) as o;
commit;
"""
    out = psql(project, dev_env, order_script)
    placed = re.search(r"order=(\d+) status=pending", out)
    assert placed, out
    order_id = placed[1]

    with (
        process_group(["make", "-s", "worker"], project, dev_env, tmp_path / "worker.log"),
        process_group(["make", "-s", "relay"], project, dev_env, tmp_path / "relay.log"),
    ):
        deadline = time.monotonic() + 90
        status = ""
        while time.monotonic() < deadline:
            status = query(
                project, dev_env, f"select status from app_private.orders where id = {order_id};"
            )
            sent = query(
                project,
                dev_env,
                "select count(*) from app_private.outbox"
                " where channel = 'email' and status = 'delivered';",
            )
            if status == "shipped" and sent != "0":
                break
            time.sleep(0.5)
        logs = (tmp_path / "worker.log").read_text() + (tmp_path / "relay.log").read_text()
        assert status == "shipped", logs
        assert sent != "0", logs

    # Stock: 10 on hand, 2 left the warehouse, nothing held any more.
    stock = query(
        project,
        dev_env,
        f"select on_hand || '/' || reserved from app_private.inventory"
        f" where product_id = {product[1]};",
    )
    assert stock == "8/0"
    # One trace id on every job, outbox row, audit row and event of this order.
    traces = query(
        project,
        dev_env,
        f"""
select distinct trace_id from (
    select trace_id from app_private.jobs where payload ->> 'order_id' = '{order_id}'
    union all
    select trace_id from app_private.outbox where payload ->> 'order_id' = '{order_id}'
    union all
    select trace_id from app_private.audit_log
    where table_name = 'orders' and row_id = '{order_id}'
    union all
    select trace_id from app_private.analytics_events
    where properties ->> 'order_id' = '{order_id}'
) as t;""",
    )
    assert traces.splitlines() == [TRACE_ID]
    kinds = query(
        project,
        dev_env,
        f"""
select string_agg(distinct what, ' ' order by what) from (
    select 'job:' || task as what from app_private.jobs
    where payload ->> 'order_id' = '{order_id}' and status = 'done'
    union all
    select 'outbox:' || channel from app_private.outbox
    where payload ->> 'order_id' = '{order_id}' and status = 'delivered'
    union all
    select 'audit:' || operation from app_private.audit_log
    where table_name = 'orders' and row_id = '{order_id}'
) as t;""",
    )
    for expected in ("job:orders.process", "outbox:payment", "outbox:shipping", "audit:update"):
        assert expected in kinds.split(), kinds
