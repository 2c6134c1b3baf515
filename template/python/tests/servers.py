"""Real servers for the tests, started on free ports and stopped after: Redis, RabbitMQ,
and the app itself served by scripts/serve.sh.

Redis and RabbitMQ come from Debian packages (`redis-server`, `rabbitmq-server`); the test
session refuses to start without them, naming the package to install (see tests/conftest.py).
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import httpx

RABBITMQ_START_TIMEOUT = 60.0
SERVE_START_TIMEOUT = 60.0
T = TypeVar("T")


@dataclass(frozen=True)
class Server:
    url: str
    port: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# Debian's /usr/sbin/rabbitmq-server switches to the rabbitmq user and its directories;
# the script behind it runs a node as the current user.
SEARCH_PATH = f"/usr/lib/rabbitmq/bin:{os.environ.get('PATH', '')}:/usr/sbin"
BINARIES = {"redis-server": "redis-server", "rabbitmq-server": "rabbitmq-server"}


def binary(name: str) -> str:
    found = shutil.which(name, path=SEARCH_PATH)
    if found is None:
        raise FileNotFoundError(missing_message(name))
    return found


def missing_message(name: str) -> str:
    package = BINARIES[name]
    return f"{name} not found: install the Debian package {package} (apt-get install {package})"


def missing_servers() -> list[str]:
    """One line per server binary this machine lacks."""
    return [missing_message(name) for name in BINARIES if not shutil.which(name, path=SEARCH_PATH)]


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}; see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f} s; see {log}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def redis_server(workdir: Path) -> Iterator[Server]:
    executable = binary("redis-server")
    port = free_port()
    log = workdir / "redis.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                executable,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process, 10, log)
        yield Server(f"redis://127.0.0.1:{port}/0", port)
    finally:
        stop(process)


@contextmanager
def rabbitmq_server(workdir: Path) -> Iterator[Server]:
    """A throwaway node: its own name, ports, database and logs, and no plugins."""
    executable = binary("rabbitmq-server")
    port, dist_port = free_port(), free_port()
    node = f"uts{port}@localhost"
    (workdir / "enabled_plugins").write_text("[].\n")
    (workdir / "rabbitmq.conf").write_text("loopback_users = none\n")
    env = os.environ | {
        "RABBITMQ_NODENAME": node,
        "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
        "RABBITMQ_NODE_PORT": str(port),
        "RABBITMQ_DIST_PORT": str(dist_port),
        "RABBITMQ_MNESIA_BASE": str(workdir / "mnesia"),
        "RABBITMQ_LOG_BASE": str(workdir / "log"),
        "RABBITMQ_CONFIG_FILE": str(workdir / "rabbitmq"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(workdir / "enabled_plugins"),
        "HOME": str(workdir),
    }
    log = workdir / "rabbitmq.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [executable], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_for_port(port, process, RABBITMQ_START_TIMEOUT, log)
        yield Server(f"amqp://guest:guest@127.0.0.1:{port}//", port)
    finally:
        # rabbitmq-server is a shell script: signal its whole process group.
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        # The node leaves the Erlang port mapper running; it would outlive the tests.
        epmd = shutil.which("epmd") or "/usr/lib/erlang/bin/epmd"
        subprocess.run([epmd, "-kill"], capture_output=True, check=False)


@dataclass(frozen=True)
class Served:
    url: str
    metrics_dir: Path
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def served_app(
    serve: Path, env: Mapping[str, str], workdir: Path, workers: int
) -> Iterator[Served]:
    """`serve.sh --workers N` on a free port, its samples in workdir/metrics, until it
    answers /health/live; stopped after, with every process it started."""
    metrics_dir = workdir / "metrics"
    metrics_dir.mkdir(exist_ok=True)
    port = free_port()
    log = workdir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(serve), "--workers", str(workers), "--host", "127.0.0.1", "--port", str(port)],
            env={**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    served = Served(f"http://127.0.0.1:{port}", metrics_dir, process, log)
    try:
        wait_until_live(served)
        yield served
    finally:
        stop(process)
        # Whatever the outcome, nothing of the server outlives the tests.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def wait_until_live(served: Served) -> None:
    deadline = time.monotonic() + SERVE_START_TIMEOUT
    with httpx.Client(base_url=served.url, timeout=1) as http:
        while time.monotonic() < deadline:
            if served.process.poll() is not None:
                raise RuntimeError(f"serve.sh exited:\n{served.log.read_text()}")
            try:
                if http.get("/health/live").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise RuntimeError(f"not serving after {SERVE_START_TIMEOUT:.0f} s:\n{served.log.read_text()}")


class Background(Generic[T]):
    """A server started now, in a thread, and waited for by the first test that needs it:
    its start overlaps the tests that run before. Stopped by `stop`."""

    def __init__(self, server: AbstractContextManager[T]) -> None:
        self._server = server
        self._up = threading.Event()
        self._stopping = threading.Event()
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with self._server as value:
                self._value = value
                self._up.set()
                self._stopping.wait()
        except BaseException as error:  # handed to the tests that wait for the server
            self._error = error
        finally:
            self._up.set()

    def get(self) -> T:
        self._up.wait()
        if self._value is None:
            raise RuntimeError("the server did not start") from self._error
        return self._value

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()
        if self._value is not None and self._error is not None:
            raise self._error
