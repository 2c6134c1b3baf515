"""Every built stack x tier renders cleanly with defaults, with the files it should have."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.cells import CELLS
from tests.clones import clone_working_tree
from tests.conftest import BUILT, JINJA_LEFTOVER, TEMPLATE, cell_id, copier, files_of, run

# Paths every project has (CONTRACT 3); what each tier adds is in cells.toml.
COMMON = [
    "README.md",
    "docs/ARCHITECTURE.md",
    "Makefile",
    "LICENSE",
    ".gitignore",
    ".editorconfig",
    ".copier-answers.yml",
    ".pre-commit-config.yaml",
    ".github/workflows/ci.yml",
    ".env",
    ".env.example",
]
TEXT_SUFFIXES = {"", ".py", ".md", ".toml", ".yml", ".yaml", ".json", ".sql", ".ini", ".txt", ".sh"}


@pytest.fixture(params=BUILT, ids=cell_id)
def project(request: pytest.FixtureRequest, rendered: dict) -> Path:
    return rendered[request.param]


@pytest.mark.copier
def test_no_unrendered_jinja_in_paths(project: Path) -> None:
    leftovers = [str(path) for path in files_of(project) if JINJA_LEFTOVER.search(str(path))]
    assert leftovers == []
    assert [str(p) for p in files_of(project) if p.suffix == ".jinja"] == []


def test_no_unrendered_jinja_in_text(project: Path) -> None:
    leftovers = []
    for path in files_of(project):
        if path.suffix in TEXT_SUFFIXES or path.name.startswith("."):
            try:
                text = (project / path).read_text()
            except UnicodeDecodeError:  # a database a slow test left in the shared render
                continue
            # GitHub Actions expressions are ${{ ... }}: not Jinja.
            text = text.replace("${{", "").replace("}}", "") if path.suffix == ".yml" else text
            if JINJA_LEFTOVER.search(text):
                leftovers.append(str(path))
    assert leftovers == []


def test_structured_files_parse(project: Path) -> None:
    parsed = 0
    for path in files_of(project):
        full = project / path
        if path.suffix in {".yml", ".yaml"}:
            list(yaml.safe_load_all(full.read_text()))
        elif path.suffix == ".toml":
            tomllib.loads(full.read_text())
        elif path.suffix == ".json":
            json.loads(full.read_text())
        else:
            continue
        parsed += 1
    assert parsed >= 3


def test_ci_workflow_is_valid_github_actions(project: Path) -> None:
    run(
        "check-jsonschema",
        "--builtin-schema",
        "vendor.github-workflows",
        project / ".github/workflows/ci.yml",
    )


def test_ci_workflow_passes_actionlint(project: Path) -> None:
    """Beyond the schema: expressions, job and step references, and shell scripts."""
    run("actionlint", "-no-color", ".github/workflows/ci.yml", cwd=project)


@pytest.mark.parametrize("cell", BUILT, ids=cell_id)
def test_the_cell_has_its_tier_paths_and_no_other(cell: tuple[str, str], rendered: dict) -> None:
    project = rendered[cell]
    missing = [p for p in COMMON if not (project / p).exists()]
    missing += [p for p in CELLS.paths(*cell) if not any(project.glob(p.rstrip("/")))]
    assert missing == []
    present = [p for p in CELLS.paths_outside(*cell) if any(project.glob(p.strip("/")))]
    assert present == []


@pytest.mark.parametrize("cell", BUILT, ids=cell_id)
def test_answers_file_records_the_cell(cell: tuple[str, str], rendered: dict) -> None:
    answers = yaml.safe_load((rendered[cell] / ".copier-answers.yml").read_text())
    assert (answers["stack"], answers["tier"]) == cell
    assert answers["_src_path"]
    assert "fresh_secret" not in answers


def test_env_has_a_fresh_secret_and_example_has_none(tmp_path: Path, rendered: dict) -> None:
    from tests.conftest import render

    first = rendered[BUILT[0]]
    second = render(tmp_path / "again", stack=BUILT[0][0], tier=BUILT[0][1])
    secret = [line for line in (first / ".env").read_text().splitlines() if "SECRET" in line]
    again = [line for line in (second / ".env").read_text().splitlines() if "SECRET" in line]
    assert secret and again and secret != again
    value = secret[0].split("=", 1)[1]
    assert len(value) >= 64
    assert value not in (first / ".env.example").read_text()


@pytest.mark.parametrize(
    ("license", "marker"),
    [
        ("MIT", "MIT License"),
        ("Apache-2.0", "Apache License"),
        ("BSD-3-Clause", "BSD 3-Clause License"),
        ("Proprietary", "All rights reserved"),
    ],
)
def test_license_as_answered(copie, license: str, marker: str) -> None:
    result = copie.copy(extra_answers={"license": license, "author_name": "Ada Lovelace"})
    assert result.exception is None, result.exception
    text = (result.project_dir / "LICENSE").read_text()
    assert marker in text
    assert "Ada Lovelace" in text
    assert [p.name for p in result.project_dir.iterdir() if p.name.startswith("LICENSE")] == [
        "LICENSE"
    ]


@pytest.mark.parametrize("cell", BUILT, ids=cell_id)
def test_readme_installs_copier_before_using_it(cell: tuple[str, str], rendered: dict) -> None:
    readme = (rendered[cell] / "README.md").read_text()
    install = readme.index("uv tool install copier --with copier-template-extensions")
    assert install < readme.index("copier check-update") < readme.index("copier update --trust")
    assert "uvx" not in readme
    # recopy replaces edited template files: the README says so, next to the command.
    assert re.search(r"copier recopy --trust +# [^\n]*dropping your edits", readme)
    assert "your edits are discarded, not merged" in readme


@pytest.mark.parametrize("stack", CELLS.stacks)
@pytest.mark.copier
def test_after_copy_message_says_what_make_run_does(
    stack: str, tmp_path: Path, rendered: dict
) -> None:
    # The message depends on the stack only; its word must hold for every tier's Makefile.
    proc = copier(
        "copy",
        "--trust",
        "--defaults",
        "--vcs-ref",
        "HEAD",
        "--data",
        f"stack={stack}",
        TEMPLATE,
        tmp_path / "project",
    )
    said = re.search(r"make run +# (\w+)", proc.stdout + proc.stderr)
    assert said, "the message gives make run"
    for cell in (cell for cell in BUILT if cell[0] == stack):
        makefile = (rendered[cell] / "Makefile").read_text()
        run_help = re.search(r"^run:.*## (.*)$", makefile, flags=re.M)
        assert run_help and said[1].lower() in run_help[1].lower(), (cell, said[0], run_help)


@pytest.mark.copier
def test_after_copy_message_warns_when_updates_cannot_work(tmp_path: Path) -> None:
    """A relative template path, or a project inside the template's clone, cannot be updated."""
    relative = copier("copy", "--trust", "--defaults", ".", tmp_path / "a", cwd=TEMPLATE)
    assert "Warning: the project records its template as '.', a relative path" in relative.stderr

    clone = clone_working_tree(tmp_path / "uts")
    outside = copier("copy", "--trust", "--defaults", clone, tmp_path / "b")
    assert "Warning" not in outside.stderr

    inside = copier("copy", "--trust", "--defaults", clone, clone / "myapp")
    assert "Warning: the project is inside the template's clone" in inside.stderr
