"""A throwaway clone of the template where tests can tag releases and add new ones."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.clones import TemplateClone, clone_working_tree
from tests.conftest import TEMPLATE, commit_all, copier, git, render


@dataclass(frozen=True)
class Release:
    version: str
    commit: str
    cells: tuple[tuple[str, str], ...]

    @property
    def tag(self) -> str:
        return f"v{self.version}"


def releases() -> list[Release]:
    data = tomllib.loads((TEMPLATE / "releases.toml").read_text())
    return [
        Release(
            version=entry["version"],
            commit=entry["commit"],
            cells=tuple(tuple(cell.split("/")) for cell in entry["cells"]),  # type: ignore[misc]
        )
        for entry in data["release"]
    ]


# The working tree, tagged above every release, is what updates go to.
NEXT = "v999.0.0"


@pytest.fixture
def template_clone(tmp_path: Path) -> TemplateClone:
    """Clone with every release tagged at its recorded commit and the working tree as NEXT."""
    clone = TemplateClone(clone_working_tree(tmp_path / "uts"))
    for release in releases():
        clone.tag(release.tag, release.commit)
    clone.tag(NEXT)
    return clone


def generate(clone: TemplateClone, dest: Path, version: str, **answers: str) -> Path:
    """Render at `version`, then make the project a git repository, as a user would."""
    render(dest, src=clone.path, vcs_ref=version, **answers)
    git("init", "-q", "-b", "main", cwd=dest)
    commit_all(dest, "generated")
    return dest


def update(project: Path, version: str, *extra: str, check: bool = True):
    return copier(
        "update", "--trust", "--defaults", "--vcs-ref", version, *extra, cwd=project, check=check
    )


def conflict_leftovers(project: Path) -> list[str]:
    """Files with conflict markers, and *.rej files."""
    found = [str(p.relative_to(project)) for p in project.rglob("*.rej") if ".git" not in p.parts]
    for path in project.rglob("*"):
        if path.is_file() and ".git" not in path.parts and ".venv" not in path.parts:
            try:
                text = path.read_text()
            except UnicodeDecodeError:
                continue
            if "<<<<<<< " in text or "\n>>>>>>> " in text:
                found.append(str(path.relative_to(project)))
    return found


def clashing_update(clone: TemplateClone, dest: Path) -> Path:
    """A project whose README heading the user and the next release (v1.1.0) both change."""
    clone.tag("v1.0.0")
    project = generate(clone, dest, "v1.0.0")
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("## Run it, test it", "## How we run it"))
    commit_all(project, "our heading")
    clone.change(
        "template/tiers/python/MVP/README.md.jinja",
        "## Run it, test it",
        "## Run it and test it",
        "v1.1.0",
    )
    update(project, "v1.1.0")
    return project
