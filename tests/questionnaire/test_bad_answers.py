"""Bad answers given on the command line: refused, named, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import BUILT, NOT_BUILT, TEMPLATE, copier, files_of

BUILT_STACKS = {stack for stack, _ in BUILT}

BAD_ANSWERS = [
    # (answers, question named, words of the rule)
    ({"project_name": ""}, "project_name", "must not be empty"),
    ({"project_name": "x" * 65}, "project_name", "at most 64"),
    ({"project_name": "Tab\there"}, "project_name", "printable"),
    ({"project_slug": "my project"}, "project_slug", "^[a-z][a-z0-9-]*$"),
    ({"project_slug": "MyProject"}, "project_slug", "^[a-z][a-z0-9-]*$"),
    ({"project_slug": "1project"}, "project_slug", "starting with a letter"),
    ({"project_slug": "my_project"}, "project_slug", "^[a-z][a-z0-9-]*$"),
    ({"project_slug": "project-"}, "project_slug", "must not end with '-'"),
    ({"project_slug": ""}, "project_slug", "^[a-z][a-z0-9-]*$"),
    ({"package_name": "class"}, "package_name", "Python keyword"),
    ({"package_name": "json"}, "package_name", "standard library module 'json'"),
    ({"package_name": "my-project"}, "package_name", "valid Python identifier"),
    ({"package_name": "2fast"}, "package_name", "valid Python identifier"),
    ({"package_name": "MyPkg"}, "package_name", "lower case"),
    ({"author_email": "not-an-email"}, "author_email", "email address"),
    ({"author_email": "a@b"}, "author_email", "email address"),
    ({"author_email": "a b@example.com"}, "author_email", "email address"),
    ({"stack": "ruby"}, "stack", "'ruby' is not in"),
    ({"tier": "ENTERPRISE"}, "tier", "'ENTERPRISE' is not in"),
    ({"tier": "mvp"}, "tier", "'mvp' is not in"),
    ({"license": "GPL-3.0"}, "license", "'GPL-3.0' is not in"),
    ({"description": "line one\nline two"}, "description", "single line"),
    *(
        (
            {"stack": stack, "tier": tier},
            "tier" if stack in BUILT_STACKS else "stack",
            "not available yet",
        )
        for stack, tier in NOT_BUILT
    ),
]


def answer_id(case: tuple) -> str:
    answers = case[0]
    return ",".join(f"{k}={str(v)[:12]!r}" for k, v in answers.items())


@pytest.mark.parametrize("case", BAD_ANSWERS, ids=map(answer_id, BAD_ANSWERS))
def test_bad_answer_is_refused_and_nothing_is_written(case: tuple, tmp_path: Path) -> None:
    answers, question, rule = case
    dest = tmp_path / "project"
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    proc = copier(
        "copy", "--trust", "--defaults", "--vcs-ref", "HEAD", *data, TEMPLATE, dest, check=False
    )
    assert proc.returncode != 0
    last_line = (proc.stdout + proc.stderr).strip().splitlines()[-1]
    assert f"'{question}'" in last_line
    assert rule in last_line
    assert not dest.exists() or files_of(dest) == []


def test_sql_project_ignores_package_name(tmp_path: Path) -> None:
    """package_name is a Python question: for SQL it is not asked nor saved."""
    dest = tmp_path / "project"
    copier(
        "copy", "--trust", "--defaults", "--vcs-ref", "HEAD", "--data", "stack=sql", TEMPLATE, dest
    )
    assert "package_name" not in (dest / ".copier-answers.yml").read_text()
