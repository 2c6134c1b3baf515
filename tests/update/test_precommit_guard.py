"""A conflicted update cannot be committed: the generated pre-commit hooks refuse
conflict markers and *.rej files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import git, run
from tests.update.conftest import (
    TemplateClone,
    clashing_update,
    conflict_leftovers,
)


@pytest.mark.slow
def test_precommit_refuses_a_conflicted_update(
    template_clone: TemplateClone, tmp_path: Path
) -> None:
    project = clashing_update(template_clone, tmp_path / "app")
    readme = project / "README.md"
    assert conflict_leftovers(project) == ["README.md"]
    (project / "stray.rej").write_text("a rejected hunk\n")
    git("add", "-A", cwd=project)
    git("add", "-f", "stray.rej", cwd=project)  # .gitignore hides *.rej; force it past that

    refused = run("pre-commit", "run", "--all-files", cwd=project, check=False)
    assert refused.returncode != 0
    assert "reject merge-conflict markers" in refused.stdout
    assert "README.md" in refused.stdout
    assert "reject *.rej files" in refused.stdout and "stray.rej" in refused.stdout

    # Resolved: markers gone, .rej deleted: the same hooks pass.
    readme.write_text(
        "\n".join(
            line
            for line in readme.read_text().splitlines()
            if not line.startswith(("<<<<<<< ", "=======", ">>>>>>> "))
        )
        + "\n"
    )
    git("rm", "-q", "--cached", "stray.rej", cwd=project)
    (project / "stray.rej").unlink()
    git("add", "-A", cwd=project)
    hooks = ("no-conflict-markers", "no-rej-files")
    for hook in hooks:
        run("pre-commit", "run", hook, "--all-files", cwd=project)
