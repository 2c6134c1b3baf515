"""Update timings: what the update migration costs on top of copier's own update.

For every release and every built cell it had, one project is generated at the release
and updated to the working tree twice, from identical copies: once as users do (update),
once to the same tree with `_migrations` removed from copier.yml (plain: copier alone).
The ratio update / plain is the migration's cost; `copy` is a fresh render of the cell,
for scale. Seconds are CPU seconds of copier and everything it runs (git, the migration):
the work done, which a busy machine disturbs far less than the wall clock. The last
column is the same ratio on wall-clock seconds. Each figure is the best of --repeat runs,
plain and update taking turns.

A second table grows each tier at the working tree (`--data tier=<next>`): there the
update deletes the old tier's files, and the migration renders those of the old version
once to tell edited from untouched.

    uv run python bench/update.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.cells import GROWTH  # noqa: E402
from tests.conftest import BUILT, commit_all, git, render  # noqa: E402
from tests.update.conftest import NEXT, clone_working_tree, releases, update  # noqa: E402

# The working tree without its migrations: a throwaway commit of the clone, never pushed.
PLAIN = f"{NEXT}+plain"
MIGRATIONS = re.compile(r"^_migrations:\n(?:[ #].*\n|\n)*", re.M)
HEADER = (
    f"{'cell':<12} {'from':<10} {'copy s':>7} {'plain s':>8} {'update s':>9} {'ratio':>6}"
    f" {'wall ratio':>11}"
)


def tag_plain(clone: Path) -> None:
    config = clone / "copier.yml"
    text, removed = MIGRATIONS.subn("", config.read_text())
    assert removed == 1, "copier.yml has no _migrations section to remove"
    config.write_text(text)
    commit_all(clone, "no migrations")
    git("tag", "-f", PLAIN, cwd=clone)


def quiet_render(dest: Path, src: Path, version: str, **answers: str) -> Path:
    """Render without copier's file list, which would bury the table."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return render(dest, src=src, vcs_ref=version, **answers)


def cpu_seconds() -> float:
    """User and system time of this process and of every child it waited for (and theirs)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one action."""
    cpu, wall = cpu_seconds(), time.perf_counter()
    action()
    return cpu_seconds() - cpu, time.perf_counter() - wall


def row(
    clone: Path, work: Path, version: str, cell: str, label: str, repeat: int, *extra: str
) -> tuple[float, str]:
    """Generate `cell` at `version`, time a fresh copy of the cell it is updated to, then the
    best plain update and update (each on its own copy of the project); print one line."""
    stack, tier = cell.split("/")
    target = {"stack": stack, "tier": tier}
    for arg in extra:
        key, _, value = arg.partition("=")
        target[key] = value
    copy_s, _ = timed(partial(quiet_render, work / "fresh", clone, NEXT, **target))
    project = quiet_render(work / "app", clone, version, stack=stack, tier=tier)
    git("init", "-q", "-b", "main", cwd=project)
    commit_all(project, "generated")
    data = [arg for value in extra for arg in ("--data", value)]
    runs: dict[str, list[tuple[float, float]]] = {PLAIN: [], NEXT: []}
    for run in range(repeat):
        for to, times in runs.items():
            copy = work / f"{to}-{run}"
            shutil.copytree(project, copy, symlinks=True)
            times.append(timed(partial(update, copy, to, *data)))
    (plain_cpu, plain_wall), (update_cpu, update_wall) = (
        (min(c for c, _ in runs[to]), min(w for _, w in runs[to])) for to in (PLAIN, NEXT)
    )
    ratio = update_cpu / plain_cpu
    print(
        f"{cell:<12} {label:<10} {copy_s:>7.2f} {plain_cpu:>8.2f} {update_cpu:>9.2f} "
        f"{ratio:>6.2f} {update_wall / plain_wall:>11.2f}",
        flush=True,
    )
    shutil.rmtree(work)
    return ratio, f"{cell} {label}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each update (best kept)")
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as tmp:
        clone = clone_working_tree(Path(tmp) / "uts")
        for release in releases():
            git("tag", "-f", release.tag, release.commit, cwd=clone)
        git("tag", "-f", NEXT, cwd=clone)
        tag_plain(clone)

        print(HEADER, flush=True)
        worst = max(
            row(clone, Path(tmp, "work"), release.tag, f"{s}/{t}", release.tag, repeat)
            for release in releases()
            for s, t in release.cells
            if (s, t) in BUILT
        )
        print(f"worst update/plain ratio: {worst[0]:.2f} ({worst[1]})\n", flush=True)

        print(f"tier growth at the working tree\n{HEADER}", flush=True)
        worst = max(
            row(clone, Path(tmp, "work"), NEXT, f"{s}/{small}", f"to {big}", repeat, f"tier={big}")
            for s, small, big in GROWTH
        )
        print(f"worst growth update/plain ratio: {worst[0]:.2f} ({worst[1]})")


if __name__ == "__main__":
    main()
