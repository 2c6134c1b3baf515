"""From every release, for every cell it had: an update to the working tree keeps the user's work.

Each scenario renders a cell at a release, commits it, makes a fixed set of user changes,
updates to the working tree (tagged NEXT), and compares the result with a fresh render at
NEXT plus those changes.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tests.conftest import BUILT, cell_id, commit_all, files_of, render, run
from tests.update.conftest import (
    NEXT,
    Release,
    TemplateClone,
    conflict_leftovers,
    generate,
    releases,
    update,
)

SCENARIOS = [(release, cell) for release in releases() for cell in release.cells if cell in BUILT]
OURS = "uts-user-edit"
ADDED = {"notes/decisions.md": "# Our decisions\n", "ours/keep.txt": "kept\n"}
# Never compared: they record the version and are never re-rendered.
VOLATILE = {".copier-answers.yml", ".env"}


def scenario_id(scenario: tuple[Release, tuple[str, str]]) -> str:
    release, cell = scenario
    return f"{release.tag}-{cell_id(cell)}"


def comment(path: Path) -> str:
    return "-- " if path.suffix == ".sql" else "# "


def pick_changed_line(old: Path, new: Path) -> tuple[Path, str] | None:
    """A line of the old render that the new render changes (a region the template changes)."""
    for relative in files_of(old):
        if relative.name in VOLATILE or relative.suffix in {".md", ".txt", ""}:
            continue
        if not (new / relative).is_file():
            continue
        old_lines = (old / relative).read_text().splitlines()
        new_lines = (new / relative).read_text().splitlines()
        matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
        for tag, i1, i2, _, _ in matcher.get_opcodes():
            if tag in {"replace", "delete"}:
                for line in old_lines[i1:i2]:
                    if line.strip() and line.count(line.strip()) == 1:
                        return relative, line
    return None


def pick_stable_file(old: Path, new: Path) -> Path:
    """A text file the template does not change between the two renders."""
    for relative in files_of(old):
        if relative.name in VOLATILE or relative.suffix not in {".py", ".sql", ".toml", ".yml"}:
            continue
        if (new / relative).is_file() and (new / relative).read_text() == (
            old / relative
        ).read_text():
            return relative
    raise AssertionError("no file is stable between the two releases")


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS, ids=map(scenario_id, SCENARIOS))
def test_update_from_release(scenario, template_clone: TemplateClone, tmp_path: Path) -> None:
    release, (stack, tier) = scenario
    answers = {"stack": stack, "tier": tier}
    old = render(tmp_path / "old", src=template_clone.path, vcs_ref=release.tag, **answers)
    fresh = render(tmp_path / "fresh", src=template_clone.path, vcs_ref=NEXT, **answers)
    project = generate(template_clone, tmp_path / "app", release.tag, **answers)

    # 1. An edit where the template later changes (when it changes anything in this cell).
    changed = pick_changed_line(old, fresh)
    if changed is not None:
        changed_file, line = changed
        target = project / changed_file
        target.write_text(target.read_text().replace(line, f"{line}  {comment(target)}{OURS}", 1))
    # 2. An edit where the template does not change.
    stable = pick_stable_file(old, fresh)
    stable_text = (project / stable).read_text() + f"{comment(stable)}{OURS} stable\n"
    (project / stable).write_text(stable_text)
    # 3. Files of the user's own.
    for name, text in ADDED.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    # 4. A template file the user deleted.
    deleted = Path(".editorconfig")
    (project / deleted).unlink()
    commit_all(project, "our changes")

    update(project, NEXT, *(arg for k, v in answers.items() for arg in ("--data", f"{k}={v}")))

    leftovers = conflict_leftovers(project)
    assert not any(name.endswith(".rej") for name in leftovers)
    if changed is not None:
        assert OURS in (project / changed_file).read_text(), "the edit in a changed region was lost"
        assert set(leftovers) <= {str(changed_file)}
    else:
        assert leftovers == []
    assert (project / stable).read_text() == stable_text
    for name, text in ADDED.items():
        assert (project / name).read_text() == text
    assert not (project / deleted).exists(), "the file the user deleted came back"

    # The tree equals a fresh render at NEXT plus the user's changes.
    expected = {p for p in files_of(fresh) if p != deleted} | {Path(n) for n in ADDED}
    assert set(files_of(project)) - {Path("uv.lock")} == expected
    touched = {stable, deleted, *(Path(n) for n in ADDED)}
    if changed is not None:
        touched.add(changed_file)
    for relative in expected - touched:
        if relative.name not in VOLATILE:
            assert (project / relative).read_text() == (fresh / relative).read_text(), relative

    # The updated project still works (unless a conflict awaits the user).
    if not leftovers:
        run("make", "test", cwd=project)
