"""Update timings: `copier update` from every release to the working tree, per cell,
beside the `copier copy` time of the same cell in the same run.

    uv run python bench/update.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import BUILT, commit_all, git, render  # noqa: E402
from tests.update.conftest import NEXT, clone_working_tree, releases, update  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clone = clone_working_tree(Path(tmp) / "uts")
        for release in releases():
            git("tag", "-f", release.tag, release.commit, cwd=clone)
        git("tag", "-f", NEXT, cwd=clone)
        print(f"{'cell':<12} {'from':<8} {'copy s':>7} {'update s':>9} {'ratio':>6}")
        for release in releases():
            for stack, tier in (cell for cell in release.cells if cell in BUILT):
                answers = {"stack": stack, "tier": tier}
                base = Path(tmp) / f"{release.version}-{stack}-{tier}"
                start = time.perf_counter()
                render(base / "fresh", src=clone, vcs_ref=NEXT, **answers)
                copy_s = time.perf_counter() - start
                project = render(base / "app", src=clone, vcs_ref=release.tag, **answers)
                git("init", "-q", "-b", "main", cwd=project)
                commit_all(project, "generated")
                start = time.perf_counter()
                update(project, NEXT)
                update_s = time.perf_counter() - start
                print(
                    f"{stack + '/' + tier:<12} {release.tag:<8} {copy_s:>7.2f} {update_s:>9.2f} "
                    f"{update_s / copy_s:>6.2f}"
                )


if __name__ == "__main__":
    main()
