"""Growing a tier (MVP -> CORE -> FULL) gives the fresh render of the new tier plus the
user's own files and edits; an edited file the new tier replaces is moved and named.
Shrinking is refused with the list of what it would delete, unless explicitly allowed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cells import CELLS, GROWTH
from tests.conftest import commit_all, files_of, git, render, run
from tests.update.conftest import NEXT, TemplateClone, conflict_leftovers, generate, update

STEPS = GROWTH
OWN_FILES = {"notes/ours.md": "# ours\n", "ours/data.csv": "a,b\n1,2\n"}


def step_id(step: tuple[str, str, str]) -> str:
    return f"{step[0]}-{step[1]}-to-{step[2]}"


def replaced_file(project: Path, stack: str, big: str) -> Path | None:
    """A source file of the small tier that the big tier does not have (cells.toml)."""
    for pattern in CELLS.paths_outside(stack, big):
        for path in sorted(project.glob(pattern.strip("/"))):
            if path.is_file() and path.suffix in {".py", ".sql"}:
                return path.relative_to(project)
    return None


def settings(env: str) -> set[str]:
    """The keys an env file sets."""
    return set(re.findall(r"^([A-Za-z_][A-Za-z0-9_]*)=", env, flags=re.M))


def our_edit(path: Path) -> str:
    return f"\n{'--' if path.suffix == '.sql' else '#'} our rule: names are trimmed\n"


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS, ids=map(step_id, STEPS))
def test_growing_a_tier_keeps_user_work(step, template_clone: TemplateClone, tmp_path: Path):
    stack, small, big = step
    project = generate(template_clone, tmp_path / "app", NEXT, stack=stack, tier=small)
    for name, text in OWN_FILES.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    gitignore = project / ".gitignore"
    gitignore.write_text(gitignore.read_text() + "/scratch/\n")
    replaced = replaced_file(project, stack, big)
    if replaced:
        edit = our_edit(replaced)
        (project / replaced).write_text((project / replaced).read_text() + edit)
    commit_all(project, "our work")
    env = (project / ".env").read_text()

    proc = update(project, NEXT, "--data", f"tier={big}")

    fresh = render(tmp_path / "fresh", src=template_clone.path, vcs_ref=NEXT, stack=stack, tier=big)
    for name, text in OWN_FILES.items():
        assert (project / name).read_text() == text
    assert gitignore.read_text().endswith("/scratch/\n")
    assert conflict_leftovers(project) == []
    leftovers = set()
    if replaced:
        label = f"{stack}-{small}-to-{stack}-{big}".lower()
        moved = project / "upgrade-leftovers" / label / replaced
        assert moved.read_text().endswith(edit)
        assert f"moved to {moved.relative_to(project)}" in proc.stderr
        leftovers.add(moved.relative_to(project))
    own = {Path(name) for name in OWN_FILES}
    assert set(files_of(project)) - {Path("uv.lock")} == set(files_of(fresh)) | own | leftovers
    for relative in files_of(fresh):
        if relative.name not in {".copier-answers.yml", ".env", ".gitignore"}:
            assert (project / relative).read_bytes() == (fresh / relative).read_bytes(), relative
    # .env keeps every line it had and gains, named, each setting the new tier's has.
    grown_env = (project / ".env").read_text()
    assert grown_env.startswith(env)
    assert settings((fresh / ".env").read_text()) <= settings(grown_env)
    for key in settings((fresh / ".env").read_text()) - settings(env):
        assert re.search(rf"uts: \.env lacked .*\b{key}\b", proc.stderr), key
    # The grown project is the fresh render byte for byte (above), plus the user's files and
    # a .env that has every setting: the fresh render's own tests and linters
    # (tests/projects/) are what prove it works.


@pytest.mark.parametrize(
    "step",
    # How copier reports a refusing migration: the same for every step, so one under min copier.
    [
        pytest.param(step, id=step_id(step), marks=[pytest.mark.copier] if i == 0 else [])
        for i, step in enumerate(STEPS)
    ],
)
def test_shrinking_a_tier_is_refused_unless_allowed(
    step, template_clone: TemplateClone, tmp_path: Path
):
    stack, small, big = step
    project = generate(template_clone, tmp_path / "app", NEXT, stack=stack, tier=big)
    proc = update(project, NEXT, "--data", f"tier={small}", check=False)
    assert proc.returncode != 0
    assert f"{stack}/{big} -> {stack}/{small} would delete" in proc.stderr
    assert "UTS_ALLOW_DOWNGRADE=1" in proc.stderr
    assert git("status", "--porcelain", cwd=project).stdout == ""
    assert f"tier: {big}" in (project / ".copier-answers.yml").read_text()


def test_changing_the_stack_is_refused_with_what_would_go(
    template_clone: TemplateClone, tmp_path: Path
) -> None:
    project = generate(template_clone, tmp_path / "app", NEXT, stack="python", tier="MVP")
    other = render(tmp_path / "sql", src=template_clone.path, vcs_ref=NEXT, stack="sql", tier="MVP")
    proc = update(project, NEXT, "--data", "stack=sql", check=False)
    assert proc.returncode != 0
    # Every file of the project that the sql render lacks, none edited, named up to eight.
    going = sorted(set(files_of(project)) - set(files_of(other)))
    listed = re.search(
        r"python/MVP -> sql/MVP would delete (\d+) files \(0 edited by you\)", proc.stderr
    )
    assert listed and int(listed[1]) == len(going), proc.stderr
    assert ", ".join(map(str, going[:8])) in proc.stderr
    assert git("status", "--porcelain", cwd=project).stdout == ""
    assert "stack: python" in (project / ".copier-answers.yml").read_text()


@pytest.mark.parametrize("step", STEPS, ids=map(step_id, STEPS))
def test_shrinking_when_allowed_keeps_edited_files_aside(
    step, template_clone: TemplateClone, tmp_path: Path
):
    stack, small, big = step
    project = generate(template_clone, tmp_path / "app", NEXT, stack=stack, tier=big)
    readme = project / "docs/ARCHITECTURE.md"
    edited = next(
        p
        for p in files_of(project)
        if p.suffix in {".py", ".sql"} and not CELLS.renders(stack, small, p.as_posix())
    )
    (project / edited).write_text((project / edited).read_text() + "\n")
    commit_all(project, "our edit")
    proc = run(
        "python",
        "-m",
        "copier",
        "update",
        "--trust",
        "--defaults",
        "--vcs-ref",
        NEXT,
        "--data",
        f"tier={small}",
        cwd=project,
        env={"UTS_ALLOW_DOWNGRADE": "1"},
    )
    assert f"tier: {small}" in (project / ".copier-answers.yml").read_text()
    assert readme.is_file()
    assert not (project / edited).exists(), f"{edited} is not a {big}-only file"
    moved = project / "upgrade-leftovers" / f"{stack}-{big}-to-{stack}-{small}".lower() / edited
    assert moved.is_file()
    assert f"you edited {edited}" in proc.stderr
