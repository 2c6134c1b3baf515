"""Update timings: what the update migration costs on top of copier's own update.

For every release and every built cell it had, one project is generated at the release
and updated to the working tree twice, from identical copies: once as users do (update),
once to the same tree with `_migrations` removed from copier.yml (plain: copier alone).
The ratio update / plain is the migration's cost; `copy` is a fresh render of the cell,
for scale. Each figure is the best of --repeat runs, plain and update taking turns, so a
busy machine slows both alike.

    uv run python bench/update.py [--repeat 2]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import BUILT, commit_all, git, render  # noqa: E402
from tests.update.conftest import NEXT, clone_working_tree, releases, update  # noqa: E402

# The working tree without its migrations: a throwaway commit of the clone, never pushed.
PLAIN = f"{NEXT}+plain"
MIGRATIONS = re.compile(r"^_migrations:\n(?:[ #].*\n|\n)*", re.M)


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


def timed_update(project: Path, to: Path, version: str) -> float:
    shutil.copytree(project, to, symlinks=True)
    start = time.perf_counter()
    update(to, version)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each update (best kept)")
    repeat = parser.parse_args().repeat
    worst: tuple[float, str] = (0.0, "")
    with tempfile.TemporaryDirectory() as tmp:
        clone = clone_working_tree(Path(tmp) / "uts")
        for release in releases():
            git("tag", "-f", release.tag, release.commit, cwd=clone)
        git("tag", "-f", NEXT, cwd=clone)
        tag_plain(clone)
        print(
            f"{'cell':<12} {'from':<8} {'copy s':>7} {'plain s':>8} {'update s':>9} {'ratio':>6}",
            flush=True,
        )
        for release in releases():
            for stack, tier in (cell for cell in release.cells if cell in BUILT):
                answers = {"stack": stack, "tier": tier}
                base = Path(tmp) / f"{release.version}-{stack}-{tier}"
                start = time.perf_counter()
                quiet_render(base / "fresh", clone, NEXT, **answers)
                copy_s = time.perf_counter() - start
                project = quiet_render(base / "app", clone, release.tag, **answers)
                git("init", "-q", "-b", "main", cwd=project)
                commit_all(project, "generated")
                plain, full = [], []
                for run in range(repeat):
                    plain.append(timed_update(project, base / f"plain-{run}", PLAIN))
                    full.append(timed_update(project, base / f"update-{run}", NEXT))
                plain_s, update_s = min(plain), min(full)
                cell = f"{stack}/{tier}"
                ratio = update_s / plain_s
                worst = max(worst, (ratio, f"{cell} from {release.tag}"))
                print(
                    f"{cell:<12} {release.tag:<8} {copy_s:>7.2f} {plain_s:>8.2f} "
                    f"{update_s:>9.2f} {ratio:>6.2f}",
                    flush=True,
                )
                shutil.rmtree(base)
        print(f"worst update/plain ratio: {worst[0]:.2f} ({worst[1]})")


if __name__ == "__main__":
    main()
