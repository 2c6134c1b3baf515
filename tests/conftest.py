"""Shared fixtures: the template's location, its cells, renders and commands."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_copie.plugin import Copie

# Every stack x tier (from cells.toml); the ones this release builds are in BUILT, the rest
# are refused by the questionnaire with "not available yet".
from tests.cells import ALL_CELLS, BUILT, NOT_BUILT  # noqa: F401

TEMPLATE = Path(__file__).resolve().parents[1]


# Leftover Jinja in a rendered file or path name.
JINJA_LEFTOVER = re.compile(r"{{|}}|{%|%}|{#|#}")


def cell_id(cell: tuple[str, str]) -> str:
    return "-".join(cell)


def pytest_configure(config: pytest.Config) -> None:
    # The template suite tests `main` as it is in the working tree; never a tag.
    config.option.template = str(TEMPLATE)


def run(
    *cmd: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 900,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a command, and on failure show what it printed."""
    full_env = {**os.environ, **(env or {})}
    # Generated projects have their own environment: never leak the suite's venv into them.
    full_env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run(
        [str(part) for part in cmd],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if check and proc.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, cmd))} exited {proc.returncode} in {cwd}\n"
            f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}",
            pytrace=False,
        )
    return proc


def copier(*args: str | Path, cwd: Path | None = None, check: bool = True):
    """The copier command line, as a user runs it.

    Projects are generated through pytest-copie (`render`, the `rendered` and `copie`
    fixtures). The command line is kept where what is tested is the command itself: the
    messages and exit code of a refused answer, `--trust`, the README's commands, and
    `copier update` (a tier change with `--data`, migrations, conflicts).
    """
    return run(sys.executable, "-m", "copier", *args, cwd=cwd, check=check, timeout=300)


def render(dest: Path, src: Path | str = TEMPLATE, vcs_ref: str = "HEAD", **answers: str) -> Path:
    """Generate a project with pytest-copie, defaults plus `answers`, into `dest`.
    HEAD includes uncommitted changes of the working tree."""
    workdir = dest.parent / f".copie-{dest.name}"
    workdir.mkdir(parents=True)
    result = Copie(Path(src), workdir, workdir / "config").copy(
        extra_answers=answers, vcs_ref=vcs_ref
    )
    if result.exception is not None:
        pytest.fail(f"copier copy {answers} at {vcs_ref} failed: {result.exception}", pytrace=False)
    assert result.project_dir is not None
    result.project_dir.rename(dest)
    workdir.rmdir()
    return dest


def git(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    identity = {
        "GIT_AUTHOR_NAME": "uts tests",
        "GIT_AUTHOR_EMAIL": "tests@example.com",
        "GIT_COMMITTER_NAME": "uts tests",
        "GIT_COMMITTER_EMAIL": "tests@example.com",
    }
    return run("git", *args, cwd=cwd, env=identity, check=check)


def commit_all(repo: Path, message: str) -> None:
    git("add", "-A", cwd=repo)
    git("commit", "-q", "--allow-empty", "-m", message, cwd=repo)


def files_of(project: Path) -> list[Path]:
    """Every file of a rendered project, as relative paths, outside tool caches."""
    skip = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}
    return sorted(
        path.relative_to(project)
        for path in project.rglob("*")
        if path.is_file() and not skip.intersection(path.relative_to(project).parts)
    )


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[tuple[str, str], Path]]:
    """One default render per built cell, shared by the whole session (lazily)."""

    class Renders(dict[tuple[str, str], Path]):
        def __missing__(self, cell: tuple[str, str]) -> Path:
            stack, tier = cell
            dest = tmp_path_factory.mktemp(cell_id(cell)) / "project"
            self[cell] = render(dest, stack=stack, tier=tier)
            return self[cell]

    yield Renders()


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is required by this test and is not on PATH", pytrace=False)
    return path
