"""The generated SQL MVP (SQLite) works the minute it is generated."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require, run

pytestmark = pytest.mark.slow

# `make help`, the same on both sql tiers: two spaces, the target padded to 14, a space,
# then what it does (column 17).
HELP_LINE = re.compile(r"  (?P<target>[a-z][a-z-]*) +(?P<what>\S.*)")


@pytest.fixture(scope="module")
def project(rendered: dict) -> Path:
    require("uv")
    return rendered["sql", "MVP"]


def sql_shell(project: Path, sql: str) -> subprocess.CompletedProcess[str]:
    """`make run` with SQL piped in, as a user would script it."""
    return subprocess.run(
        ["make", "-s", "run"],
        cwd=project,
        input=sql,
        env={k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_lint_is_clean(project: Path) -> None:
    run("make", "lint", cwd=project)


def test_sql_tests_pass(project: Path) -> None:
    out = run("make", "test", cwd=project).stdout
    closing = re.search(r"^(\d+) passed, (\d+) failed$", out, re.MULTILINE)
    assert closing, out
    assert int(closing[1]) >= 20 and closing[2] == "0", out


def test_tests_are_sql(project: Path) -> None:
    tests = sorted(p.name for p in (project / "tests").iterdir())
    assert tests and all(name.endswith(".sql") for name in tests), tests


def test_env_example_lists_every_setting_of_env(project: Path) -> None:
    def settings(name: str) -> set[str]:
        text = (project / name).read_text()
        return set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))

    # JWT_SECRET is there too: growing to CORE keeps .env, and CORE signs tokens with it.
    assert {"DATABASE_PATH", "JWT_SECRET"} <= settings(".env") <= settings(".env.example")


def test_make_help_lists_each_target_in_two_columns(project: Path) -> None:
    lines = run("make", "help", cwd=project).stdout.splitlines()
    found = [HELP_LINE.fullmatch(line) for line in lines]
    assert all(m and m.start("what") == 17 for m in found), lines
    assert {"run", "test", "lint", "db", "clean"} <= {m["target"] for m in found if m}


def test_readme_promises_only_what_make_lint_does(project: Path) -> None:
    # MVP has no migrations: its README must not say that `make lint` checks them.
    assert "migrations" not in (project / "README.md").read_text()


def test_make_run_opens_the_database_and_the_rules_hold(project: Path) -> None:
    proc = sql_shell(
        project,
        "insert into api_users (email, full_name) values ('  Ada@Example.COM ', 'Ada');\n"
        "select email, full_name from api_users;\n",
    )
    assert proc.returncode == 0, proc.stderr
    assert "ada@example.com|Ada" in proc.stdout
    duplicate = sql_shell(project, "insert into api_users (email) values ('ADA@example.com');\n")
    assert "email: already registered" in duplicate.stdout + duplicate.stderr
    # make db again: the rules are re-applied, the data is kept.
    run("make", "db", cwd=project)
    again = sql_shell(project, "select count(*) from api_users;\n")
    assert again.stdout.strip().splitlines()[-1] == "1", again.stdout
    run("make", "clean", cwd=project)
