"""Figures for the generated Python projects' own test suites (python/CORE and python/FULL).

Renders each cell from the working tree, runs `uv sync`, then times `make test` (SQLite) and
`make test-postgres` (a throwaway local cluster), each `--repeat` times. For every run it
prints the wall time, the CPU time of everything the run started (servers included), the
test count and pytest's own figure; then the ten slowest setups, calls and teardowns of the
last run (pytest's --durations), so what dominates shows. --coverage-cost adds one run of
each target without coverage measurement (`--no-cov`): the difference is what measuring costs.

    uv run python bench/generated_suites.py [--tiers CORE FULL] [--targets test test-postgres]
                                            [--repeat 2] [--workers 0] [--no-bytecode-cache]
                                            [--coverage-cost]

Python writes no bytecode cache when PYTHONDONTWRITEBYTECODE is set: then every process of
the run (pytest, each server, each worker) compiles what it imports again. The bench says
which way it ran; --no-bytecode-cache sets it, otherwise it is unset as in a usual shell.
The load average is printed before and after: on a shared machine the wall times vary.

Needs uv, make, redis-server and rabbitmq-server (FULL), PostgreSQL server binaries.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import clean_env  # noqa: E402
from tests.conftest import render  # noqa: E402

SUMMARY = re.compile(r"=+ (?P<counts>.*\d+ passed.*) in (?P<seconds>[\d.]+)s")
DURATION = re.compile(r"^(?P<seconds>[\d.]+)s (?P<phase>setup|call|teardown) +(?P<test>\S+)$")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_make(
    project: Path, target: str, env: dict[str, str], workers: int, extra: str = ""
) -> dict:
    args = f"--durations=10 --durations-min=0 -p no:cacheprovider {extra}".strip()
    cmd = ["make", target, f"WORKERS={workers}", f"PYTEST_ARGS={args}"]
    cpu, start = children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - start, children_cpu() - cpu
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}")
    summary = SUMMARY.search(proc.stdout)
    assert summary, proc.stdout[-2000:]
    slowest = [m.groups() for m in map(DURATION.match, proc.stdout.splitlines()) if m]
    return {
        "wall": wall,
        "cpu": cpu,
        "counts": summary["counts"],
        "pytest": float(summary["seconds"]),
        "slowest": slowest,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", nargs="+", default=["CORE", "FULL"])
    parser.add_argument("--targets", nargs="+", default=["test", "test-postgres"])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--workers", type=int, default=0, help="pytest-xdist workers (WORKERS=)")
    parser.add_argument("--no-bytecode-cache", action="store_true")
    parser.add_argument("--coverage-cost", action="store_true", help="also run with --no-cov")
    args = parser.parse_args()

    env = clean_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.no_bytecode_cache:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    cache = "off (PYTHONDONTWRITEBYTECODE=1)" if args.no_bytecode_cache else "on"
    print(f"{os.cpu_count()} cores, bytecode cache {cache}, WORKERS={args.workers}")
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    with tempfile.TemporaryDirectory() as tmp:
        for tier in args.tiers:
            with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
                project = render(Path(tmp) / tier.lower(), stack="python", tier=tier)
            subprocess.run(["uv", "sync", "-q"], cwd=project, env=env, check=True)
            for target in args.targets:
                runs = [timed_make(project, target, env, args.workers) for _ in range(args.repeat)]
                for number, found in enumerate(runs, 1):
                    print(
                        f"python/{tier} make {target} #{number}: {found['wall']:.1f} s wall, "
                        f"{found['cpu']:.1f} s CPU, pytest {found['pytest']:.1f} s, "
                        f"{found['counts']}"
                    )
                if args.coverage_cost:
                    bare = timed_make(project, target, env, args.workers, "--no-cov")
                    print(
                        f"python/{tier} make {target} without coverage: {bare['wall']:.1f} s "
                        f"wall, {bare['cpu']:.1f} s CPU, pytest {bare['pytest']:.1f} s"
                    )
                for seconds, phase, test in runs[-1]["slowest"]:
                    print(f"    {float(seconds):6.2f} s {phase:<8} {test}")
    print("load average after:  {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
