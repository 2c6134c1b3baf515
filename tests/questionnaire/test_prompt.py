"""At the prompt, a bad answer shows the rule it breaks and the question is asked again."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect

from tests.conftest import TEMPLATE, files_of

CLEAR_LINE = "\x15"  # Ctrl-U: drop the pre-filled default


def test_bad_answer_at_the_prompt_is_explained_and_asked_again(tmp_path: Path) -> None:
    dest = tmp_path / "project"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "copier", "copy", "--trust", "--vcs-ref", "HEAD", str(TEMPLATE), str(dest)],
        env={**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1"},
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 200),
    )
    try:
        child.expect("Human name of the project")
        child.send("\r")
        child.expect("Repository and distribution name")
        child.send(f"{CLEAR_LINE}Bad Slug\r")
        child.expect(r"project_slug must match \^\[a-z\]\[a-z0-9-\]\*\$")
        child.send(f"{CLEAR_LINE}good-slug\r")
        child.expect("Which stack")  # accepted: the next question comes
    finally:
        child.terminate(force=True)
    assert not dest.exists() or files_of(dest) == []
