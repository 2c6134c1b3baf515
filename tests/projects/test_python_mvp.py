"""The generated Python MVP works the minute it is generated."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import render, require, run
from tests.projects.readme_api import run_use_the_api
from tests.projects.serving import make_run, request

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(rendered: dict) -> Path:
    require("uv")
    return rendered["python", "MVP"]


def test_lint_is_clean(project: Path) -> None:
    run("make", "lint", cwd=project)


def test_tests_pass_with_coverage_and_leave_no_database(project: Path) -> None:
    out = run("make", "test", cwd=project).stdout
    assert " passed" in out and " failed" not in out
    assert "Required test coverage of 90" in out
    assert not (project / "app.db").exists()


def test_make_help_lists_targets_with_their_values(project: Path) -> None:
    out = run("make", "help", "PORT=8123", cwd=project).stdout
    assert "$(" not in out
    assert "http://127.0.0.1:8123" in out
    assert re.search(r"^  clean {10}remove caches", out, re.M)


def test_make_run_serves_the_users_resource(project: Path) -> None:
    with make_run(project) as base:
        ada = {"email": "Ada@Example.com", "name": "Ada"}
        status, created = request(f"{base}/users", "POST", ada)
        assert status == 201, created
        assert created["email"] == "ada@example.com"
        status, page = request(f"{base}/users")
        assert status == 200
        assert created in page["items"]
        assert request(f"{base}/users", "POST", {"email": "ada@example.com", "name": "A"})[0] == 409
        assert request(f"{base}/users/{created['id']}", "DELETE")[0] == 204
        assert request(f"{base}/users/{created['id']}")[0] == 404
        assert request(f"{base}/health") == (200, {"status": "ok"})
        status, error = request(f"{base}/users/{2**31}")
        assert status == 422 and error["code"] == "validation_error"


def test_unusual_names_still_lint_clean(tmp_path: Path) -> None:
    odd = render(
        tmp_path / "odd",
        project_name='Café "Ünïcode" Orders',
        description='It\'s "quoted" and has a back\\slash',
        author_name="O'Brien & Søn",
    )
    run("make", "lint", cwd=odd)


def test_the_readme_api_commands_work(project: Path) -> None:
    (project / "app.db").unlink(missing_ok=True)  # a fresh database: the README starts from none
    with make_run(project) as base:
        assert request(f"{base}/openapi.json")[0] == 200
        created, page = (json.loads(line) for line in run_use_the_api(project, base))
        assert created["email"] == "ada@example.com"
        assert created in page["items"]
