"""What depends on copier also holds with the oldest copier the template accepts.

The suite runs with the newest copier (the dev group's). The tests marked `copier` (the
questions and their refusals, the prompt, --trust, the after-copy messages, rendering each
cell, an update's merge, conflict and migrations) run again here under
`_min_copier_version`, in groups that run side by side.
"""

from __future__ import annotations

import re
import shutil
import tomllib

import pytest
import yaml

from tests.conftest import TEMPLATE, run

MIN_COPIER = yaml.safe_load((TEMPLATE / "copier.yml").read_text())["_min_copier_version"]


# Groups of similar length; each is one test of this module.
GROUPS = {
    "questionnaire-refusals": ["tests/questionnaire/test_bad_answers.py"],
    "questionnaire-prompt": [
        "tests/questionnaire/test_defaults.py",
        "tests/questionnaire/test_prompt.py",
    ],
    "render": ["tests/render"],
    "update-merge": ["tests/update/test_keeps_user_work.py"],
    # One file in two groups (by test): each group is one serial run, about 30 s.
    "update-migrations-before": [
        "tests/update/test_migrations.py::test_every_migration_is_tested_here",
        "tests/update/test_migrations.py::test_edited_file_the_template_drops_is_moved_and_named",
        "tests/update/test_migrations.py::test_untouched_file_the_template_drops_is_just_deleted",
    ],
    "update-migrations-after": [
        "tests/update/test_migrations.py::test_after_stage_restores_an_edited_file_the_update_deleted",
        "tests/update/test_migrations.py::test_an_update_that_deletes_nothing_renders_nothing",
        "tests/update/test_migrations.py::test_pristine_renders_only_the_paths_asked",
    ],
    "update-tiers": ["tests/update/test_tier_change.py"],
}


@pytest.mark.slow
@pytest.mark.parametrize("group", GROUPS)
def test_copier_behaviour_holds_with_min_copier_version(group: str) -> None:
    if shutil.which("uv") is None:
        pytest.fail("uv is needed to run the suite with another copier", pytrace=False)
    # The dev group as it is, with copier pinned to the minimum.
    dev = tomllib.loads((TEMPLATE / "pyproject.toml").read_text())["dependency-groups"]["dev"]
    packages = [f"copier=={MIN_COPIER}"] + [
        p for p in dev if re.split(r"[<>=!~\[ ]", p, maxsplit=1)[0] != "copier"
    ]
    proc = run(
        "uv",
        "run",
        "--isolated",
        "--no-project",
        *(arg for p in packages for arg in ("--with", p)),
        "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        "copier and not slow",
        *GROUPS[group],
        cwd=TEMPLATE,
        timeout=1800,
    )
    assert " passed" in proc.stdout and " failed" not in proc.stdout, proc.stdout
    assert (
        f"copier {MIN_COPIER}"
        in run(
            "uv",
            "run",
            "--isolated",
            "--no-project",
            "--with",
            f"copier=={MIN_COPIER}",
            "copier",
            "--version",
            cwd=TEMPLATE,
        ).stdout
    )


def test_every_copier_marked_test_is_in_a_group() -> None:
    """A test marked `copier` outside every group would never run under the minimum copier."""
    entries = [entry for entries in GROUPS.values() for entry in entries]
    groups = [TEMPLATE / entry for entry in entries if "::" not in entry]
    named = {entry for entry in entries if "::" in entry}  # a file split between groups
    marked = [
        path
        for path in (TEMPLATE / "tests").rglob("test_*.py")
        if "pytest.mark.copier" in path.read_text() and path.name != "test_min_copier.py"
    ]
    assert marked
    outside = []
    for path in marked:
        relative = path.relative_to(TEMPLATE).as_posix()
        if any(path == g or g in path.parents for g in groups):
            continue
        tests = re.findall(r"^(?:async )?def (test_\w+)", path.read_text(), re.M)
        outside += [f"{relative}::{t}" for t in tests if f"{relative}::{t}" not in named]
    assert outside == []
