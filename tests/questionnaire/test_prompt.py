"""At the prompt, a bad answer shows the rule it breaks and the question is asked again."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from tests.cells import CELLS
from tests.conftest import BUILT, NOT_BUILT, TEMPLATE, files_of

pytestmark = pytest.mark.copier

CLEAR_LINE = "\x15"  # Ctrl-U: drop the pre-filled default
DOWN = "\x1b[B"


def prompt(dest: Path) -> pexpect.spawn:
    """`copier copy` at the prompt, in an 80-column terminal: a rule must fit, not be cut."""
    return pexpect.spawn(
        sys.executable,
        ["-m", "copier", "copy", "--trust", "--vcs-ref", "HEAD", str(TEMPLATE), str(dest)],
        env={**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1"},
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 80),
    )


def test_bad_answer_at_the_prompt_is_explained_and_asked_again(tmp_path: Path) -> None:
    dest = tmp_path / "project"
    child = prompt(dest)
    try:
        child.expect("Human name of the project")
        child.send("\r")
        child.expect("Repository and distribution name")
        child.send(f"{CLEAR_LINE}Bad Slug\r")
        child.expect(
            re.escape("Validation error for question 'project_slug': must match ^[a-z][a-z0-9-]*$")
        )
        child.send(f"{CLEAR_LINE}good-slug\r")
        child.expect("Which stack")  # accepted: the next question comes
    finally:
        child.terminate(force=True)
    assert not dest.exists() or files_of(dest) == []


def test_an_unbuilt_tier_is_refused_at_the_prompt_with_its_rule(tmp_path: Path) -> None:
    """The prompt shows why a tier cannot be chosen, and moving onto it does not choose it."""
    if not NOT_BUILT:
        pytest.skip("every cell is built")
    stack, tier = NOT_BUILT[0]
    dest = tmp_path / "project"
    child = prompt(dest)
    try:
        child.expect("Human name of the project")
        child.send("\r")
        child.expect("Repository and distribution name")
        child.send("\r")
        child.expect("Which stack")
        child.send(DOWN * CELLS.stacks.index(stack) + "\r")
        child.expect(re.escape(f"- {tier} (") + r"[^\r\n]*" + rf"\(not available yet for {stack}\)")
        # From the default (the first tier), down onto the unbuilt one, and Enter.
        child.send(DOWN * CELLS.tiers.index(tier) + "\r")
        while child.expect(["Python import name|One-line|Author|License", pexpect.EOF]) == 0:
            child.send("\r")
    finally:
        child.terminate(force=True)
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert answers["stack"] == stack
    assert (stack, answers["tier"]) in BUILT
