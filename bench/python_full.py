"""Figures for the Python FULL cell: render cost, its test suite's wall time, task throughput.

1. Render: median `copier copy` of python/FULL against a template holding the same files
   (the FULL render's own output, copied verbatim, no `.jinja` suffix) rendered by copier in
   the same run: the ratio is what the template's Jinja, tier overlays and exclusions cost
   over copier moving the same bytes.
2. Suite: wall time of the generated project's `make test` (SQLite, real Redis and
   RabbitMQ started by its session).
3. Throughput: tasks per second through one worker (solo pool, one process) on a real
   Redis: N `record_event` tasks enqueued at once, timed until every result is back.

    uv run python bench/python_full.py [--repeat 5] [--tasks 2000] [--no-suite]

Needs uv, make, redis-server and rabbitmq-server (Debian packages).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import clean_env  # noqa: E402
from bench.render import time_copy  # noqa: E402
from tests.conftest import files_of, render  # noqa: E402

PACKAGE = "my_project"

THROUGHPUT = """
import sys, time, subprocess, os, signal
from pathlib import Path
from tests.servers import redis_server

n = int(sys.argv[1])
workdir = Path(sys.argv[2])
with redis_server(workdir) as redis:
    os.environ["REDIS_URL"] = redis.url
    from {package}.background import celery_app, configure_celery
    from {package}.background.tasks import record_event
    from {package}.core.config import Settings
    configure_celery(Settings(_env_file=None))
    worker = subprocess.Popen(
        [sys.executable, "-m", "{package}.background", "worker", "--pool=solo",
         "--queues=orders", "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
        env=os.environ | {{"REDIS_URL": redis.url}},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(timeout=0.5):
            assert time.monotonic() < deadline, "worker did not answer"
        record_event.delay("warm-up").get(timeout=30)
        start = time.perf_counter()
        results = [record_event.delay("bench", {{"i": i}}) for i in range(n)]
        enqueued = time.perf_counter() - start
        for result in results:
            result.get(timeout=120)
        elapsed = time.perf_counter() - start
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
print(f"{{n}} {{enqueued:.3f}} {{elapsed:.3f}}")
"""


def git_template(files_from: Path, where: Path) -> Path:
    """A template whose files are `files_from`'s, verbatim: copier copies them, no Jinja."""
    where.mkdir()
    for relative in files_of(files_from):
        target = where / "template" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(files_from / relative, target)
    (where / "copier.yml").write_text(
        "_subdirectory: template\n_templates_suffix: .no-such-suffix\n"
        "name:\n  type: str\n  default: floor\n"
    )
    env = {
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@b.io",
        "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@b.io",
        "PATH": os.environ["PATH"],
    }
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "same files"]):
        subprocess.run(["git", *cmd], cwd=where, check=True, env=env, capture_output=True)
    return where


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--no-suite", action="store_true", help="skip the project's make test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = render(Path(tmp) / "full", stack="python", tier="FULL")
        count = len(files_of(project))
        work = Path(tmp) / "out"
        work.mkdir()
        same_files = git_template(project, Path(tmp) / "same-files")
        floor = statistics.median(time_copy(same_files, work, [], args.repeat))
        full = statistics.median(
            time_copy(ROOT, work, ["--data", "stack=python", "--data", "tier=FULL"], args.repeat)
        )
        print(f"render python/FULL ({count} files): median {full:.3f} s of {args.repeat}")
        print(f"  same files, no Jinja:           median {floor:.3f} s  -> x{full / floor:.2f}")

        env = clean_env()
        subprocess.run(["uv", "sync", "-q"], cwd=project, env=env, check=True)
        if not args.no_suite:
            start = time.perf_counter()
            proc = subprocess.run(
                ["make", "test"], cwd=project, env=env, capture_output=True, text=True
            )
            wall = time.perf_counter() - start
            summary = [line for line in proc.stdout.splitlines() if " passed" in line]
            print(f"make test: {wall:.1f} s wall, exit {proc.returncode}: {summary[-1:]}")

        script = THROUGHPUT.format(package=PACKAGE)
        out = subprocess.run(
            ["uv", "run", "python", "-c", script, str(args.tasks), tmp],
            cwd=project,
            env=env | {"PYTHONPATH": str(project)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        tasks, enqueued, elapsed = int(out[-3]), float(out[-2]), float(out[-1])
        print(
            f"one worker (solo) on Redis: {tasks} tasks in {elapsed:.2f} s -> "
            f"{tasks / elapsed:.0f} tasks/s (enqueueing alone: {tasks / enqueued:.0f}/s)"
        )


if __name__ == "__main__":
    main()
