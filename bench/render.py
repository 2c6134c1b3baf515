"""Render timings: median `copier copy` per built cell, against copier's own floor.

The floor is a one-file template rendered in the same run, through the same code
path (a git repository, --trust, --defaults), so the ratio says what uts itself costs
and survives a noisy machine better than seconds do.

    uv run python bench/render.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import BUILT  # noqa: E402


def floor_template(where: Path) -> Path:
    where.mkdir()
    (where / "copier.yml").write_text("name:\n  type: str\n  default: floor\n")
    (where / "README.md.jinja").write_text("# {{ name }}\n")
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "floor"]):
        subprocess.run(
            ["git", *cmd],
            cwd=where,
            check=True,
            env={
                "GIT_AUTHOR_NAME": "b",
                "GIT_AUTHOR_EMAIL": "b@b.io",
                "GIT_COMMITTER_NAME": "b",
                "GIT_COMMITTER_EMAIL": "b@b.io",
                "PATH": "/usr/bin:/bin",
            },
        )
    return where


def time_copy(src: Path, work: Path, data: list[str], repeat: int) -> list[float]:
    times = []
    for i in range(repeat):
        dest = work / f"out-{len(list(work.iterdir()))}-{i}"
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "copier",
                "copy",
                "--trust",
                "--defaults",
                "--quiet",
                "--vcs-ref",
                "HEAD",
                *data,
                str(src),
                str(dest),
            ],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "out"
        work.mkdir()
        floor = statistics.median(
            time_copy(floor_template(Path(tmp) / "floor"), work, [], args.repeat)
        )
        print(
            f"{'cell':<12} {'median s':>9} {'x floor':>8}   (floor: one-file template, "
            f"{floor:.3f} s, median of {args.repeat})"
        )
        for stack, tier in BUILT:
            median = statistics.median(
                time_copy(
                    ROOT, work, ["--data", f"stack={stack}", "--data", f"tier={tier}"], args.repeat
                )
            )
            print(f"{stack + '/' + tier:<12} {median:>9.3f} {median / floor:>8.2f}")


if __name__ == "__main__":
    main()
