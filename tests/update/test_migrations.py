"""Each `_migrations` entry, on a temporary clone tagged above it; running it twice changes nothing.

keep_edited_files.py: an update never deletes a file the user edited.
"""

from __future__ import annotations

import sys
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

import pytest
import yaml

from tests.conftest import TEMPLATE, commit_all, git, run
from tests.update.conftest import NEXT, TemplateClone, conflict_leftovers, generate, update

pytestmark = pytest.mark.copier

PACKAGE = "template/python/src/{{ package_name }}"
MVP_PACKAGE = "template/tiers/python/MVP/src/{{ package_name }}"
SCRIPT = "migrations/keep_edited_files.py"


def test_every_migration_is_tested_here() -> None:
    migrations = yaml.safe_load((TEMPLATE / "copier.yml").read_text())["_migrations"]
    scripts = {part for m in migrations for part in m["command"] if part.endswith(".py")}
    assert scripts == {"{{ _copier_conf.src_path }}/" + SCRIPT}


def drop_services(clone: TemplateClone, version: str) -> None:
    """A release that renames services.py with no migration of its own."""
    package = clone.path / PACKAGE
    (package / "services.py").rename(package / "rules.py")
    for module in (package / "api.py", clone.path / MVP_PACKAGE / "main.py.jinja"):
        module.write_text(module.read_text().replace(".services import", ".rules import"))
    commit_all(clone.path, f"release {version}")
    clone.tag(version)


def test_edited_file_the_template_drops_is_moved_and_named(
    template_clone: TemplateClone, tmp_path: Path
) -> None:
    template_clone.tag("v1.0.0")
    project = generate(template_clone, tmp_path / "app", "v1.0.0")
    services = project / "src/my_project/services.py"
    services.write_text(services.read_text() + "\nOUR_RULE = True\n")
    commit_all(project, "our rule")
    drop_services(template_clone, "v1.1.0")

    proc = update(project, "v1.1.0")

    moved = list((project / "upgrade-leftovers").rglob("services.py"))
    assert len(moved) == 1
    assert "OUR_RULE = True" in moved[0].read_text()
    assert not services.exists()
    assert (project / "src/my_project/rules.py").is_file()
    assert f"moved to {moved[0].relative_to(project)}" in proc.stderr
    assert conflict_leftovers(project) == []

    # Run it again: nothing left to move, nothing changes.
    commit_all(project, "after update")
    for stage in ("before", "after"):
        run(
            sys.executable,
            template_clone.path / SCRIPT,
            stage,
            "--template",
            template_clone.path,
            "--ref",
            "v1.1.0",
            cwd=project,
        )
        assert git("status", "--porcelain", cwd=project).stdout == ""


def test_untouched_file_the_template_drops_is_just_deleted(
    template_clone: TemplateClone, tmp_path: Path
) -> None:
    template_clone.tag("v1.0.0")
    project = generate(template_clone, tmp_path / "app", "v1.0.0")
    drop_services(template_clone, "v1.1.0")
    update(project, "v1.1.0")
    assert not (project / "src/my_project/services.py").exists()
    assert not (project / "upgrade-leftovers").exists()


def test_after_stage_restores_an_edited_file_the_update_deleted(
    template_clone: TemplateClone, tmp_path: Path
) -> None:
    """The safety net for answers changed at the prompt, which the before stage cannot see."""
    project = generate(template_clone, tmp_path / "app", NEXT)
    services = project / "src/my_project/services.py"
    services.write_text(services.read_text() + "\nOUR_RULE = True\n")
    commit_all(project, "our rule")
    services.unlink()  # what copier does to a file the new render lacks

    proc = run(sys.executable, template_clone.path / SCRIPT, "after", cwd=project)

    moved = list((project / "upgrade-leftovers").rglob("services.py"))
    assert len(moved) == 1 and moved[0].read_text().endswith("OUR_RULE = True\n")
    assert "you edited src/my_project/services.py" in proc.stderr
    assert f"moved to {moved[0].relative_to(project)}" in proc.stderr
    again = run(sys.executable, template_clone.path / SCRIPT, "after", cwd=project)
    assert again.stderr == ""


def test_an_update_that_deletes_nothing_renders_nothing(
    template_clone: TemplateClone, tmp_path: Path
) -> None:
    """The common update costs copier's renders only: both stages run without the template.

    The project records a template that does not exist; any render would fail on it.
    """
    project = generate(template_clone, tmp_path / "app", NEXT)
    answers = project / ".copier-answers.yml"
    recorded = yaml.safe_load(answers.read_text())
    recorded["_src_path"] = str(tmp_path / "no-such-template")
    answers.write_text(yaml.safe_dump(recorded))
    commit_all(project, "a template that is gone")
    for stage in ("before", "after"):
        proc = run(sys.executable, template_clone.path / SCRIPT, stage, cwd=project)
        assert proc.stderr == ""
    assert git("status", "--porcelain", cwd=project).stdout == ""


def test_pristine_renders_only_the_paths_asked(
    template_clone: TemplateClone, tmp_path: Path
) -> None:
    """The after stage's one render: the old version restricted to the deleted paths."""
    project = generate(template_clone, tmp_path / "app", NEXT)
    spec = spec_from_file_location("keep_edited_files", template_clone.path / SCRIPT)
    module = module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    asked = [Path("src/my_project/services.py"), Path("tests/test_api.py")]

    old = module.pristine(recorded, [*asked, Path("src/my_project/not_ours.py")])

    assert set(old) == set(asked)
    for path in asked:
        assert old[path] == (project / path).read_bytes()
