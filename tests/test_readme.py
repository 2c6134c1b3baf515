"""README.md's two commands are the ones that work, and .ci/run runs the second."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.conftest import TEMPLATE, run

README = (TEMPLATE / "README.md").read_text()


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, flags=re.S)


def test_ci_runs_the_readme_test_command() -> None:
    marked = README.split("<!-- test-command -->", 1)[1]
    command = shell_blocks()[1].strip()
    assert command in marked
    extracted = run(
        "awk", "/<!-- test-command -->/{getline; getline; print; exit}", "README.md", cwd=TEMPLATE
    ).stdout.strip()
    assert extracted == command
    assert "pytest" in command
    assert "awk '/<!-- test-command -->/" in (TEMPLATE / ".ci/run").read_text()


@pytest.mark.slow
def test_readme_generate_command_makes_a_project(tmp_path: Path) -> None:
    if shutil.which("uvx") is None:
        pytest.fail("uvx (from uv) is needed to run README's generate command", pytrace=False)
    command = shell_blocks()[0].strip().split("&&", 1)[1]
    args = shlex.split(command)
    assert args[:2] == ["uvx", "--with"] and "--defaults" in args and "--trust" in args
    args[args.index("gh:ORG/uts")] = str(TEMPLATE)
    args[-1] = str(tmp_path / "myapp")
    run(*args, "--vcs-ref", "HEAD")
    assert (tmp_path / "myapp/Makefile").is_file()
    assert (tmp_path / "myapp/.copier-answers.yml").is_file()
