"""README.md's commands are the ones that work: CI runs the test command, and the commands that
install copier and generate from a clone give a project that `copier update` can update."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pexpect
import pytest
import yaml

from tests.clones import TemplateClone, clone_working_tree
from tests.conftest import TEMPLATE, commit_all, git, run

README = (TEMPLATE / "README.md").read_text()
INSTALL = "uv tool install copier --with copier-template-extensions"


def shell_blocks(text: str) -> list[list[str]]:
    """The ```sh blocks of a README, as lists of commands without their comments."""
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    return [[line.split("  #")[0].strip() for line in block.splitlines()] for block in blocks]


def block_with(text: str, command: str) -> list[str]:
    return next(block for block in shell_blocks(text) if any(command in c for c in block))


def test_ci_runs_the_readme_test_command() -> None:
    command = shell_blocks(README.split("<!-- test-command -->", 1)[1])[0][0]
    extracted = run(
        "awk", "/<!-- test-command -->/{getline; getline; print; exit}", "README.md", cwd=TEMPLATE
    ).stdout.strip()
    assert extracted == command
    assert "pytest" in command
    assert "awk '/<!-- test-command -->/" in (TEMPLATE / ".ci/run").read_text()


def test_copier_is_installed_with_its_extension_before_any_copier_command() -> None:
    """uvx would leave no `copier` behind, and a plain pip install lacks the extension."""
    commands = [command for block in shell_blocks(README) for command in block]
    first_copier = next(i for i, c in enumerate(commands) if c.startswith("copier "))
    assert INSTALL in commands[:first_copier]
    assert not any("uvx" in command for command in commands)


def test_generating_from_a_clone_uses_an_absolute_path_outside_it() -> None:
    copy = next(c for c in block_with(README, '"$PWD/uts"') if c.startswith("copier copy"))
    source, dest = copy.split()[-2:]
    assert source == '"$PWD/uts"'
    assert not dest.startswith(("uts/", ".")), "generate outside the clone"


@pytest.mark.slow
def test_readme_commands_give_a_project_that_updates(tmp_path: Path) -> None:
    """Run literally: install copier as a uv tool, generate from a clone, then, in the
    project, the commands its own README gives to update to a newer template commit."""
    bin_dir = tmp_path / "bin"
    env = {
        "UV_TOOL_DIR": str(tmp_path / "tools"),
        "UV_TOOL_BIN_DIR": str(bin_dir),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
    }
    quick_start = block_with(README, INSTALL)
    # uv is already here: installing it with pip again is not what is tested.
    for command in quick_start[1 : quick_start.index(INSTALL) + 1]:
        run("bash", "-c", command, cwd=tmp_path, env=env)
    assert (bin_dir / "copier").is_file()

    # The clone's `git clone` line, with this working tree as the clone.
    clone = TemplateClone(clone_working_tree(tmp_path / "uts"))
    for command in block_with(README, '"$PWD/uts"'):
        if not command.startswith("git clone"):
            run("bash", "-c", command, cwd=tmp_path, env=env)
    project = tmp_path / "myapp"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == str(clone.path)
    git("init", "-q", "-b", "main", cwd=project)
    commit_all(project, "generated")

    clone.change(
        "template/shared/readme/configuration-and-updating.md",
        "## Updating from the template",
        "## Following the template",
        "v999.0.0",
    )
    updating = block_with((project / "README.md").read_text(), "copier update --trust")
    assert INSTALL in updating
    check = run("bash", "-c", "copier check-update", cwd=project, env=env)
    assert "copier check-update" in updating
    assert "New template version available" in check.stdout + check.stderr
    update_interactively("copier update --trust", project, env)
    assert "copier update --trust" in updating
    assert "## Following the template" in (project / "README.md").read_text()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v999.0.0"


def update_interactively(command: str, project: Path, env: dict[str, str]) -> None:
    """`copier update` asks the questions again: keep every recorded answer (Enter)."""
    child = pexpect.spawn(
        "bash",
        ["-c", command],
        cwd=str(project),
        env={**os.environ, **env, "PROMPT_TOOLKIT_NO_CPR": "1"},
        encoding="utf-8",
        timeout=300,
        dimensions=(40, 80),
    )
    output = []
    while child.expect(["\U0001f3a4", pexpect.EOF]) == 0:  # copier's mark before a question
        output.append(child.before)
        child.send("\r")
    output.append(child.before)
    child.close()
    assert child.exitstatus == 0, "".join(output)[-4000:]
