"""Start a generated project's `make run` and wait until it answers."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request(
    url: str,
    method: str = "GET",
    body: object = None,
    headers: dict | None = None,
    form: dict | None = None,
) -> tuple[int, object]:
    data = None
    headers = dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    try:
        return status, json.loads(raw) if raw else None
    except json.JSONDecodeError:
        return status, raw.decode(errors="replace")


@contextmanager
def process_group(
    command: list[str], cwd: Path, env: dict[str, str] | None, log: Path
) -> Iterator[subprocess.Popen]:
    """A long-running command in its own process group, its output in `log`; stopped with
    all its children (reloader, workers, throwaway database) afterwards."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        yield proc
    finally:
        with suppress(ProcessLookupError):  # it may have exited on its own
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def serve(
    project: Path,
    command: list[str],
    port: int,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Iterator[str]:
    """Start a server command (see `process_group`); yield the base URL once /docs answers."""
    log = project / f".serve-{port}.log"
    base = f"http://127.0.0.1:{port}"
    try:
        with process_group(command, project, env, log) as proc:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise AssertionError(f"{command} exited {proc.returncode}:\n{log.read_text()}")
                try:
                    if request(f"{base}/docs")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"{command} did not answer in {timeout}s:\n{log.read_text()}"
                    )
                time.sleep(0.3)
            yield base
    finally:
        log.unlink(missing_ok=True)


@contextmanager
def make_run(project: Path, timeout: float = 120) -> Iterator[str]:
    """`make run PORT=<free>`; yields the base URL once /docs answers."""
    port = free_port()
    with serve(project, ["make", "run", f"PORT={port}"], port, timeout=timeout) as base:
        yield base
