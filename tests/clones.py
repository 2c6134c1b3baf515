"""Throwaway clones of the template: its history plus the working tree, where a test can tag
releases and make new ones without touching the repository it runs from."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import TEMPLATE, commit_all, git, run


@dataclass
class TemplateClone:
    path: Path

    def tag(self, version: str, ref: str = "HEAD") -> None:
        git("tag", "-f", version, ref, cwd=self.path)

    def change(self, relative: str, old: str, new: str, version: str) -> None:
        """Release a new version whose only change is `old` -> `new` in one template file."""
        target = self.path / relative
        text = target.read_text()
        assert old in text, f"{old!r} not in {relative}"
        target.write_text(text.replace(old, new, 1))
        commit_all(self.path, f"release {version}")
        self.tag(version)


def clone_working_tree(dest: Path) -> Path:
    """Clone the template's history, then commit its working tree on top (tests run on it)."""
    git("clone", "-q", "--no-hardlinks", str(TEMPLATE), str(dest), cwd=TEMPLATE.parent)
    listed = run("git", "ls-files", "-z", "-co", "--exclude-standard", cwd=TEMPLATE).stdout
    for name in filter(None, listed.split("\0")):
        source = TEMPLATE / name
        target = dest / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for name in run("git", "ls-files", "-z", cwd=dest).stdout.split("\0"):
        if name and not (TEMPLATE / name).exists():
            (dest / name).unlink()
    commit_all(dest, "working tree")
    return dest
