"""The generated Python APIs against their own OpenAPI documents (schemathesis).

Each cell is served as `make run` serves it, on SQLite, and fuzzed with every check but
three that test something other than the API's contract:
- allow_header_conformance: Starlette's 405 names the methods of one route of the path;
- unsupported_method: `PATCH /users/me` is matched by `/users/{user_id}` (a 422, not a 405);
- positive_data_acceptance: some schema-valid values are refused by a rule the schema does
  not express (an email at a `.test` domain, an empty form field that FastAPI reads as missing).
Any server error or undocumented status fails the test.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.conftest import require, run
from tests.projects.serving import free_port, make_run, request, serve
from tests.projects.test_python_service import postgres_available

pytestmark = pytest.mark.slow

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
EXCLUDED = "allow_header_conformance,unsupported_method,positive_data_acceptance"
ADMIN = {"username": "admin@example.com", "password": "admin-password"}


def fuzz(workdir: Path, schema_url: str, *headers: str) -> str:
    """Run schemathesis from `workdir`, where it keeps its cache."""
    options = [arg for header in headers for arg in ("--header", header)]
    proc = run(
        SCHEMATHESIS,
        "run",
        schema_url,
        "--checks",
        "all",
        "--exclude-checks",
        EXCLUDED,
        "--max-examples",
        "30",
        "--seed",
        "1",
        *options,
        cwd=workdir,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-6000:]
    return proc.stdout


def test_mvp_answers_only_what_its_schema_declares(rendered: dict, tmp_path: Path) -> None:
    require("uv")
    project = rendered["python", "MVP"]
    (project / "app.db").unlink(missing_ok=True)
    with make_run(project) as base:
        fuzz(tmp_path, f"{base}/openapi.json")
    (project / "app.db").unlink()  # the other tests of this render start from no data


def fuzz_core_as_an_admin(workdir: Path, base: str) -> None:
    status, token = request(f"{base}/api/v1/auth/login", "POST", form=ADMIN)
    assert status == 200, token
    # As an admin every route is reached (and an admin cannot delete or demote itself).
    fuzz(workdir, f"{base}/api/v1/openapi.json", f"Authorization: Bearer {token['access_token']}")


def test_core_answers_only_what_its_schema_declares(rendered: dict, tmp_path: Path) -> None:
    require("uv")
    project = rendered["python", "CORE"]
    (project / "app.db").unlink(missing_ok=True)
    run("uv", "run", "python", "-m", "scripts.init_db", cwd=project)
    env = {"CREATE_USER_PASSWORD": ADMIN["password"]}
    run("uv", "run", "python", "-m", "scripts.create_user", ADMIN["username"], cwd=project, env=env)
    with make_run(project) as base:
        fuzz_core_as_an_admin(tmp_path, base)
    (project / "app.db").unlink()  # the other tests of this render start from no data


def test_core_on_postgresql_answers_only_what_its_schema_declares(
    rendered: dict, tmp_path: Path
) -> None:
    if postgres_available() != "binaries":
        pytest.skip("no PostgreSQL server binaries for a throwaway cluster")
    project = rendered["python", "CORE"]
    port = free_port()
    steps = f"make migrate && uv run python -m scripts.create_user {ADMIN['username']}"
    command = ["bash", "scripts/with-postgres.sh", "sh", "-c", f"{steps} && make run PORT={port}"]
    env = {**os.environ, "CREATE_USER_PASSWORD": ADMIN["password"]}
    env.pop("VIRTUAL_ENV", None)
    with serve(project, command, port, env=env) as base:
        fuzz_core_as_an_admin(tmp_path, base)
