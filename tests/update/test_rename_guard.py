"""A path the previous release rendered must still render, or be moved by a migration,
or be declared removed in CHANGELOG.md: otherwise users' edits to it would be orphaned."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import BUILT, TEMPLATE, cell_id, commit_all, files_of, render
from tests.update.conftest import NEXT, TemplateClone, releases

LATEST = releases()[-1]
DEFAULTS = {"{{ package_name }}": "my_project", "{{package_name}}": "my_project"}


def migration_commands(template: Path) -> str:
    config = yaml.safe_load((template / "copier.yml").read_text())
    text = yaml.safe_dump(config.get("_migrations") or [])
    for placeholder, value in DEFAULTS.items():
        text = text.replace(placeholder, value)
    return text


def unexplained_removals(old: Path, new: Path, template: Path) -> list[str]:
    moved = migration_commands(template)
    changelog = (template / "CHANGELOG.md").read_text()
    gone = {str(p) for p in files_of(old)} - {str(p) for p in files_of(new)}
    return sorted(p for p in gone if p not in moved and f"`{p}`" not in changelog)


@pytest.mark.parametrize("cell", [c for c in LATEST.cells if c in BUILT], ids=cell_id)
def test_no_path_of_the_last_release_vanishes_silently(
    cell: tuple[str, str], template_clone: TemplateClone, tmp_path: Path
) -> None:
    answers = {"stack": cell[0], "tier": cell[1]}
    old = render(tmp_path / "old", src=template_clone.path, vcs_ref=LATEST.tag, **answers)
    new = render(tmp_path / "new", src=template_clone.path, vcs_ref=NEXT, **answers)
    assert unexplained_removals(old, new, TEMPLATE) == []


def test_guard_catches_a_rename_without_migration(
    template_clone: TemplateClone, tmp_path: Path
) -> None:
    """The guard itself: rename a template file with no migration, and it must object."""
    old = render(tmp_path / "old", src=template_clone.path, vcs_ref=NEXT)
    package = template_clone.path / "template/python/src/{{ package_name }}"
    (package / "services.py").rename(package / "rules.py")
    commit_all(template_clone.path, "rename services.py without a migration")
    template_clone.tag("v1000.0.0")
    new = render(tmp_path / "new", src=template_clone.path, vcs_ref="v1000.0.0")
    assert unexplained_removals(old, new, template_clone.path) == ["src/my_project/services.py"]

    # With a before-stage migration that moves the file, the guard is satisfied.
    config = template_clone.path / "copier.yml"
    config.write_text(
        config.read_text().replace(
            "_migrations:\n",
            "_migrations:\n  - version: v1000.0.0\n    when: \"{{ _stage == 'before' }}\"\n"
            "    command: git mv src/{{ package_name }}/services.py"
            " src/{{ package_name }}/rules.py\n",
            1,
        )
    )
    assert unexplained_removals(old, new, template_clone.path) == []
