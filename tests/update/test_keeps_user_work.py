"""An update brings the template's change and keeps every edit and file of the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import commit_all
from tests.update.conftest import (
    TemplateClone,
    clashing_update,
    conflict_leftovers,
    generate,
    update,
)

pytestmark = pytest.mark.copier

SERVICES = "template/python/src/{{ package_name }}/services.py"


def test_update_merges_template_change_with_user_edit(
    template_clone: TemplateClone, tmp_path: Path
) -> None:
    template_clone.tag("v1.0.0")
    project = generate(template_clone, tmp_path / "app", "v1.0.0")

    # The user's work: an edit in a template-managed file, and a file of their own.
    services = project / "src/my_project/services.py"
    services.write_text(services.read_text() + "\n\nMAX_NAME_LENGTH = 100\n")
    own = project / "src/my_project/reports.py"
    own.write_text('"""Reports of our own."""\n')
    commit_all(project, "our work")

    # The template's next release changes another region of the same file.
    template_clone.change(
        SERVICES,
        '"""Business rules for users: a valid email, unique whatever its case."""',
        '"""Business rules for users: a valid email, unique whatever its case (v1.1)."""',
        "v1.1.0",
    )
    update(project, "v1.1.0")

    text = services.read_text()
    assert "(v1.1)" in text, "the template's change did not arrive"
    assert "MAX_NAME_LENGTH = 100" in text, "the user's edit was lost"
    assert own.read_text() == '"""Reports of our own."""\n'
    assert conflict_leftovers(project) == []
    assert "_commit: v1.1.0" in (project / ".copier-answers.yml").read_text()


def test_update_marks_a_clash_as_a_conflict_never_drops_it(
    template_clone: TemplateClone, tmp_path: Path
) -> None:
    project = clashing_update(template_clone, tmp_path / "app")

    text = (project / "README.md").read_text()
    assert "## How we run it" in text
    assert "## Run it and test it" in text
    assert conflict_leftovers(project) == ["README.md"]


def test_update_never_overwrites_env(template_clone: TemplateClone, tmp_path: Path) -> None:
    template_clone.tag("v1.0.0")
    project = generate(template_clone, tmp_path / "app", "v1.0.0")
    env = project / ".env"
    env.write_text(env.read_text() + "OUR_SETTING=1\n")
    before = env.read_text()
    template_clone.change(SERVICES, "Business rules", "Business rules", "v1.1.0")
    update(project, "v1.1.0")
    assert env.read_text() == before
    assert conflict_leftovers(project) == []
