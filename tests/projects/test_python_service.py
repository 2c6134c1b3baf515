"""The generated Python service (CORE, and FULL which contains it) works the minute it is
generated.

One default render per cell is shared by the session (so `uv sync` runs once): its linters,
its own test suite on SQLite and on PostgreSQL, and `make run` answering a real
register -> login -> /users/me round trip over HTTP. FULL's own guarantees (workers,
metrics, tracing) are in test_python_full.py.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cells import BUILT, CELLS
from tests.conftest import cell_id, render, require, run
from tests.projects.readme_api import run_use_the_api
from tests.projects.serving import free_port, make_run, request

pytestmark = pytest.mark.slow

# Every built Python tier from CORE up: FULL contains CORE, so CORE's promises hold there too.
CELLS_FROM_CORE = [
    (stack, tier)
    for stack, tier in BUILT
    if stack == "python" and CELLS.rank(tier) >= CELLS.rank("CORE")
]
PACKAGE = "my_project"
# The project's own tests run as in a developer's shell, where Python keeps its bytecode
# cache: with PYTHONDONTWRITEBYTECODE set (some machines set it), every process of the run,
# each server and worker included, compiles all it imports again.
BYTECODE_CACHE = {"PYTHONDONTWRITEBYTECODE": ""}


def postgres_available() -> str | None:
    """How the PostgreSQL run can happen here: a configured URL, local binaries, or None."""
    for name in ("TEST_DATABASE_URL", "DATABASE_URL"):
        if os.environ.get(name, "").startswith(("postgres://", "postgresql")):
            return "url"
    if shutil.which("initdb") or glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        return "binaries"
    return None


def coverage_of(output: str) -> float:
    match = re.search(r"Total coverage: ([\d.]+)%", output)
    assert match, output[-3000:]
    return float(match.group(1))


@pytest.fixture(scope="module", params=CELLS_FROM_CORE, ids=cell_id)
def project(request: pytest.FixtureRequest, rendered: dict) -> Iterator[Path]:
    require("uv")
    require("make")
    path = rendered[request.param]
    if CELLS.rank(request.param[1]) < CELLS.rank("FULL"):
        yield path
        return
    # FULL keeps login lockouts and rate limits in Redis: `make services` first, as its
    # README says, on a port of its own.
    require("redis-server")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
        run("make", "services", cwd=path)
        try:
            yield path
        finally:
            run("make", "services-stop", cwd=path)


def test_lint_is_clean(project: Path) -> None:
    run("make", "lint", cwd=project)


def test_tests_pass_on_sqlite_with_coverage(project: Path) -> None:
    # SQLite, whatever CI sets.
    env = {"TEST_DATABASE_URL": "sqlite+aiosqlite:///unused.db", **BYTECODE_CACHE}
    out = run("make", "test", cwd=project, env=env).stdout
    assert re.search(r"\b\d+ passed\b", out) and " failed" not in out, out[-3000:]
    assert "database: SQLite" in out
    assert coverage_of(out) >= 90


def test_tests_pass_on_postgresql(project: Path) -> None:
    how = postgres_available()
    if how is None:
        pytest.skip("no PostgreSQL: set TEST_DATABASE_URL or install postgresql server binaries")
    target = "test" if how == "url" else "test-postgres"
    out = run("make", target, "WORKERS=2", cwd=project, env=BYTECODE_CACHE).stdout
    assert re.search(r"\b\d+ passed\b", out) and " failed" not in out, out[-3000:]
    assert "database: PostgreSQL" in out
    assert re.search(r"\d+ skipped", out) is None
    assert coverage_of(out) >= 90


def test_make_help_lists_targets_with_their_values(project: Path) -> None:
    out = run("make", "help", "PORT=8123", cwd=project).stdout
    assert "$(" not in out
    assert "http://127.0.0.1:8123" in out
    assert re.search(r"^  clean {10}remove caches", out, re.M)


def test_make_run_serves_docs_and_a_login_round_trip(project: Path) -> None:
    with make_run(project) as base:
        api = f"{base}/api/v1"
        body = {"email": "Ada@Example.com", "password": "analytical engine", "full_name": "Ada"}
        status, created = request(f"{api}/auth/register", "POST", body)
        assert status == 201, created
        assert created["email"] == "ada@example.com"
        assert request(f"{api}/auth/register", "POST", body)[0] == 409

        form = {"username": "ada@example.com", "password": "analytical engine"}
        status, token = request(f"{api}/auth/login", "POST", form=form)
        assert status == 200, token
        assert token["token_type"] == "bearer"
        headers = {"Authorization": f"Bearer {token['access_token']}"}

        status, me = request(f"{api}/users/me", headers=headers)
        assert status == 200, me
        assert me["id"] == created["id"]
        assert request(f"{api}/users", headers=headers)[0] == 403
        assert request(f"{api}/users/me") == (
            401,
            {"detail": "Not authenticated", "code": "not_authenticated"},
        )
        assert request(f"{base}/health") == (200, {"status": "ok"})
        bad = {"username": "ada@example.com", "password": "wrong password"}
        assert request(f"{api}/auth/login", "POST", form=bad)[0] == 401


def test_the_readme_api_round_trip_works(project: Path) -> None:
    (project / "app.db").unlink(missing_ok=True)  # a fresh database: the README starts from none
    with make_run(project) as base:
        assert request(f"{base}/api/v1/openapi.json")[0] == 200
        registered, me = (json.loads(line) for line in run_use_the_api(project, base))
        assert registered["email"] == me["email"] == "ada@example.com"
        assert me["id"] == registered["id"]


def test_production_refuses_the_default_secret(project: Path) -> None:
    env = {"ENVIRONMENT": "production", "SECRET_KEY": "change-me"}
    proc = run(
        "uv", "run", "python", "-c", f"import {PACKAGE}.main", cwd=project, env=env, check=False
    )
    assert proc.returncode != 0
    assert "refusing to start with ENVIRONMENT=production" in proc.stderr


def test_create_user_script_says_clearly_when_the_email_exists(
    project: Path, tmp_path: Path
) -> None:
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'admin.db'}",
        "CREATE_USER_PASSWORD": "admin password",
    }
    run("uv", "run", "python", "-m", "scripts.init_db", cwd=project, env=env)
    first = run(
        "uv", "run", "python", "-m", "scripts.create_user", "Root@Example.com", cwd=project, env=env
    )
    assert "created admin root@example.com" in first.stdout
    again = run(
        "uv",
        "run",
        "python",
        "-m",
        "scripts.create_user",
        "root@example.com",
        cwd=project,
        env=env,
        check=False,
    )
    assert again.returncode == 1
    assert again.stderr.strip().splitlines()[-1] == (
        "error: a user with email root@example.com already exists"
    )


def test_architecture_doc_lists_only_files_that_exist(project: Path) -> None:
    """Every path in the tree of docs/ARCHITECTURE.md is in the project, and vice versa."""
    doc = (project / "docs/ARCHITECTURE.md").read_text()
    tree = doc.split("## The tree", 1)[1].split("```")[1]
    listed: list[str] = []
    stack: list[tuple[int, str]] = []
    for line in tree.strip().splitlines()[1:]:
        match = re.match(r"^([│ ]*)[├└]── (\S+)", line)
        assert match, line
        depth = len(match.group(1)) // 4
        stack = [entry for entry in stack if entry[0] < depth]
        path = "/".join([name for _, name in stack] + [match.group(2).rstrip("/")])
        stack.append((depth, match.group(2).rstrip("/")))
        listed.append(path)
    missing = [path for path in listed if not (project / path).exists()]
    assert missing == []
    python_files = {
        str(p.relative_to(project))
        for p in (project / "src").rglob("*.py")
        if p.name != "__init__.py"
    }
    assert python_files <= set(listed), python_files - set(listed)


@pytest.mark.parametrize("cell", CELLS_FROM_CORE, ids=cell_id)
def test_a_long_package_name_still_lints_clean(cell: tuple[str, str], tmp_path: Path) -> None:
    name = "The Extraordinarily Long Named Order Management Platform"
    project = render(tmp_path / "long", stack=cell[0], tier=cell[1], project_name=name)
    assert (project / "src/the_extraordinarily_long_named_order_management_platform").is_dir()
    run("make", "lint", cwd=project)
