"""The generated SQL projects on PostgreSQL (CORE, and FULL which contains it) work the
minute they are generated: what CORE promises holds in both."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import render, require, run

pytestmark = pytest.mark.slow

# No DATABASE_URL: the project starts (and removes) a PostgreSQL cluster of its own.
LOCAL = {"DATABASE_URL": ""}
# `make help`, the same on both sql tiers: two spaces, the target padded to 14, a space,
# then what it does (column 17).
HELP_LINE = re.compile(r"  (?P<target>[a-z][a-z-]*) +(?P<what>\S.*)")


@pytest.fixture(scope="module", params=["CORE", "FULL"])
def project(request: pytest.FixtureRequest, rendered: dict) -> Path:
    require("uv")
    require("pg_prove")
    return rendered["sql", request.param]


@pytest.fixture(scope="module")
def core_project(rendered: dict) -> Path:
    """For what does not depend on the tier: the development cluster, roles across projects."""
    require("uv")
    require("pg_prove")
    return rendered["sql", "CORE"]


def role_prefix(project: Path) -> str:
    """The project's PostgreSQL roles are named after its slug: <slug_with_underscores>_anon."""
    answers = (project / ".copier-answers.yml").read_text()
    slug = re.search(r"^project_slug: (\S+)$", answers, re.MULTILINE)
    assert slug, answers
    return slug[1].replace("-", "_")


def test_lint_is_clean(project: Path) -> None:
    run("make", "lint", cwd=project, env=LOCAL)


def test_pgtap_suite_passes_in_a_throwaway_cluster(project: Path) -> None:
    before = set(Path("/tmp").glob("pgtest.*"))
    out = run("make", "test", cwd=project, env=LOCAL).stdout
    assert "applying the migrations and main.sql twice leaves the same schema" in out
    assert "All tests successful." in out and "Result: PASS" in out, out
    files, tests = map(int, re.search(r"Files=(\d+), Tests=(\d+)", out).groups())
    assert files >= 6 and tests >= 60, out
    for folder in ("unit", "integration", "e2e"):
        assert f"tests/{folder}/" in out
    # The throwaway cluster is gone.
    assert set(Path("/tmp").glob("pgtest.*")) <= before


def test_a_user_logs_in_for_one_transaction_and_reads_only_their_own_row(project: Path) -> None:
    script = f"""
set role {role_prefix(project)}_anon;
select email from api_v1.register('ann@example.com', 'ann password', 'Ann');
select email from api_v1.register('bob@example.com', 'bob password', 'Bob');
select api_v1.login('ann@example.com', 'ann password') as token \\gset
\\echo token=:token
set role {role_prefix(project)}_user;
begin;
select 'me=' || email from api_v1.authenticate(:'token');
select 'row=' || email from api_v1.users;
commit;
select 'after=' || count(*) from api_v1.users;
"""
    try:
        proc = subprocess.run(
            ["make", "-s", "run"],
            cwd=project,
            input=script,
            capture_output=True,
            text=True,
            timeout=600,
            env={**{k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}, **LOCAL},
            check=False,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        token = re.search(r"^token=(\S+)$", proc.stdout, re.MULTILINE)
        assert token and re.fullmatch(r"[\w-]+\.[\w-]+\.[\w-]+", token[1]), proc.stdout
        assert "me=ann@example.com" in proc.stdout
        rows = re.findall(r"row=(\S+)", proc.stdout)
        assert rows == ["ann@example.com"], proc.stdout
        # The identity ended with its transaction: the next one on this connection sees nothing.
        assert "after=0" in proc.stdout, proc.stdout
        # The development cluster says where its data is, and it is there.
        data = re.search(r"^development cluster: data in ([^,\s]+)", proc.stderr, re.MULTILINE)
        assert data and (project / data[1] / "PG_VERSION").is_file(), proc.stderr
    finally:
        run("make", "clean", cwd=project, env=LOCAL, check=False)


def test_two_projects_share_a_cluster_without_sharing_roles(
    core_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    project = core_project
    # Roles belong to the whole cluster: load two projects into two databases of one
    # server (the first project's development cluster) and check that neither one's
    # client roles reach the other's API.
    other = render(
        tmp_path_factory.mktemp("other") / "project",
        stack="sql",
        tier="CORE",
        project_name="Other Shop",
    )
    mine, theirs = role_prefix(project), role_prefix(other)
    assert mine != theirs
    try:
        url = run("bash", "scripts/pg.sh", "url", cwd=project, env=LOCAL).stdout.strip()
        databases = {project: url, other: url.replace("/app?", "/other_shop?")}
        for where, database_url in databases.items():
            out = run("make", "test", cwd=where, env={"DATABASE_URL": database_url}).stdout
            assert "Result: PASS" in out, out

        def query(sql: str, database_url: str) -> str:
            return run(
                "bash",
                "scripts/pg.sh",
                "psql",
                "-At",
                "-c",
                sql,
                cwd=project,
                env={"DATABASE_URL": database_url},
            ).stdout.strip()

        roles = query("select string_agg(rolname, ' ' order by rolname) from pg_roles", url)
        for prefix in (mine, theirs):
            assert {f"{prefix}_anon", f"{prefix}_user", f"{prefix}_api"} <= set(roles.split())
        can = "select has_schema_privilege('{}_user', 'api_v1', 'usage')"
        assert query(can.format(mine), databases[project]) == "t"
        assert query(can.format(theirs), databases[other]) == "t"
        assert query(can.format(mine), databases[other]) == "f"
        assert query(can.format(theirs), databases[project]) == "f"
    finally:
        run("make", "clean", cwd=project, env=LOCAL, check=False)


def test_the_development_cluster_lives_where_the_settings_say(core_project: Path) -> None:
    project = core_project
    # A folder the cluster's user can enter, also when this runs as root.
    data = Path(tempfile.mkdtemp(prefix="devpg.", dir="/tmp")) / "data"
    data.parent.chmod(0o755)
    try:
        # On make's command line, as a setting of .env would be.
        proc = run("make", "db", f"DEV_PGDATA={data}", cwd=project, env=LOCAL)
        assert f"development cluster: data in {data}\n" in proc.stderr, proc.stderr
        assert (data / "PG_VERSION").is_file()
    finally:
        run("make", "clean", f"DEV_PGDATA={data}", cwd=project, env=LOCAL, check=False)
    assert not data.exists()
    data.parent.rmdir()


def test_env_example_lists_every_setting_of_env(project: Path) -> None:
    def settings(name: str) -> set[str]:
        text = (project / name).read_text()
        return set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))

    assert settings(".env") and settings(".env") <= settings(".env.example")


def test_make_help_lists_each_target_in_two_columns(project: Path) -> None:
    lines = run("make", "help", cwd=project).stdout.splitlines()
    found = [HELP_LINE.fullmatch(line) for line in lines]
    assert all(m and m.start("what") == 17 for m in found), lines
    assert {"run", "test", "lint", "db", "clean"} <= {m["target"] for m in found if m}


def test_missing_postgresql_is_one_clear_line(project: Path, tmp_path: Path) -> None:
    # PATH without any directory that holds the server binaries, and an empty search list.
    path = [d for d in os.environ["PATH"].split(os.pathsep) if not Path(d, "pg_ctl").exists()]
    env = {**LOCAL, "PATH": os.pathsep.join(path), "PG_BINDIR_SEARCH": str(tmp_path / "none")}
    proc = run("make", "test", cwd=project, env=env, check=False)
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if not line.startswith("make")]
    assert lines == [
        "PostgreSQL server binaries not found: apt-get install postgresql "
        "postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl "
        "(or set DATABASE_URL to a running server)"
    ], proc.stderr
