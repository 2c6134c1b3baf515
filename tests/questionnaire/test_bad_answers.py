"""Bad answers given on the command line: refused, named, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import BUILT, NOT_BUILT, TEMPLATE, copier, files_of

BUILT_STACKS = {stack for stack, _ in BUILT}

BAD_ANSWERS = [
    # (answers, question named, words of the rule)
    ({"project_name": ""}, "project_name", "must not be empty"),
    ({"project_name": "x" * 65}, "project_name", "at most 64"),
    ({"project_name": "Tab\there"}, "project_name", "printable"),
    ({"project_slug": "my project"}, "project_slug", "^[a-z][a-z0-9-]*$"),
    ({"project_slug": "MyProject"}, "project_slug", "^[a-z][a-z0-9-]*$"),
    ({"project_slug": "1project"}, "project_slug", "^[a-z][a-z0-9-]*$"),
    ({"project_slug": "my_project"}, "project_slug", "^[a-z][a-z0-9-]*$"),
    ({"project_slug": ""}, "project_slug", "^[a-z][a-z0-9-]*$"),
    ({"project_slug": "project-"}, "project_slug", "must not end with '-'"),
    ({"project_slug": "my--project"}, "project_slug", "must not contain '--'"),
    ({"project_slug": "a" * 65}, "project_slug", "at most 64"),
    ({"package_name": "class"}, "package_name", "Python keyword"),
    ({"package_name": "match"}, "package_name", "Python keyword"),
    # Importable from the standard library, whether sys.stdlib_module_names lists it or not.
    *(
        ({"package_name": name}, "package_name", "stdlib module")
        for name in ("json", "test", "idlelib", "this", "antigravity", "__future__")
    ),
    ({"package_name": "my-project"}, "package_name", "Python identifier"),
    ({"package_name": "2fast"}, "package_name", "Python identifier"),
    ({"package_name": "MyPkg"}, "package_name", "lower case"),
    *(
        ({"author_email": email}, "author_email", "name@example.com")
        for email in ("not-an-email", "a b@example.com", "me@", "@example.com", "me@example.")
    ),
    ({"stack": "ruby"}, "stack", "'ruby' is not in"),
    ({"tier": "ENTERPRISE"}, "tier", "'ENTERPRISE' is not in"),
    ({"tier": "mvp"}, "tier", "'mvp' is not in"),
    ({"license": "GPL-3.0"}, "license", "'GPL-3.0' is not in"),
    ({"description": "line one\nline two"}, "description", "one line"),
    ({"description": "x" * 201}, "description", "at most 200"),
    ({"author_name": "x" * 101}, "author_name", "at most 100"),
    *(
        (
            {"stack": stack, "tier": tier},
            "tier" if stack in BUILT_STACKS else "stack",
            f"not available yet for {stack}",
        )
        for stack, tier in NOT_BUILT
    ),
]


def copy(dest: Path, answers: dict[str, str], check: bool = True):
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    return copier(
        "copy", "--trust", "--defaults", "--vcs-ref", "HEAD", *data, TEMPLATE, dest, check=check
    )


def answer_id(case: tuple) -> str:
    answers = case[0]
    return ",".join(f"{k}={str(v)[:12]!r}" for k, v in answers.items())


def one_per_question(cases: list[tuple]) -> list:
    """The cases, the first one of each question marked `copier`: how copier reports a
    refused answer is the same for every rule of a question."""
    seen: set[str] = set()
    params = []
    for case in cases:
        question = case[1]
        marks = [] if question in seen else [pytest.mark.copier]
        seen.add(question)
        params.append(pytest.param(case, marks=marks, id=answer_id(case)))
    return params


@pytest.mark.parametrize("case", one_per_question(BAD_ANSWERS))
def test_bad_answer_is_refused_and_nothing_is_written(case: tuple, tmp_path: Path) -> None:
    answers, question, rule = case
    dest = tmp_path / "project"
    proc = copy(dest, answers, check=False)
    assert proc.returncode != 0
    last_line = (proc.stdout + proc.stderr).strip().splitlines()[-1]
    assert f"'{question}'" in last_line
    assert rule in last_line
    assert not dest.exists() or files_of(dest) == []


@pytest.mark.copier
@pytest.mark.parametrize("package", [None, "class"])
def test_sql_project_ignores_package_name(package: str | None, tmp_path: Path) -> None:
    """package_name is a Python question: for SQL it is not asked, checked nor saved."""
    dest = tmp_path / "project"
    copy(dest, {"stack": "sql"} | ({"package_name": package} if package else {}))
    assert "package_name" not in (dest / ".copier-answers.yml").read_text()


@pytest.mark.copier
@pytest.mark.parametrize("email", ["me@localhost", "ops+alerts@mail.example.co.uk"])
def test_real_addresses_are_accepted(email: str, tmp_path: Path) -> None:
    dest = tmp_path / "project"
    copy(dest, {"author_email": email})
    assert yaml.safe_load((dest / ".copier-answers.yml").read_text())["author_email"] == email
