"""The FULL tier's infrastructure/ is checked offline, and against what the project serves.

`make infra-check` passes on a fresh render of each stack; then, on one copy per stack,
three mistakes are made one at a time (and undone after each): a readiness probe on a path
the server does not serve, a container port that is not the one the command listens on, a
Terraform variable used but not declared. Each must fail the check with a line that names
the file and the mistake.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require, run

pytestmark = pytest.mark.slow

STACKS = ["python", "sql"]
DEPLOYMENT = "infrastructure/kubernetes/deployment.yaml"
MAIN_TF = "infrastructure/terraform/main.tf"
# The port each stack's HTTP container listens on: the API (python), the monitor (sql).
PORT = {"python": 8000, "sql": 8080}
UNDECLARED = """
resource "aws_s3_bucket" "logs" {
  bucket = var.log_bucket
}
"""


def breaks(stack: str) -> dict[str, tuple[str, str, str, str]]:
    """name: (file, text, replacement, the line infra-check must print)."""
    port = PORT[stack]
    return {
        "readiness-path": (
            DEPLOYMENT,
            "path: /health/ready",
            "path: /health/not-there",
            f"{DEPLOYMENT}: my-project-{'api/api' if stack == 'python' else 'monitor/monitor'}: "
            "readinessProbe path /health/not-there is not served",
        ),
        "container-port": (
            DEPLOYMENT,
            f"containerPort: {port}",
            f"containerPort: {port + 1}",
            f"containerPort {port + 1}, the command listens on {port}",
        ),
        "undeclared-variable": (
            MAIN_TF,
            "",
            UNDECLARED,
            f"{MAIN_TF}: var.log_bucket is used but not declared in variables.tf",
        ),
    }


CASES = [(stack, name) for stack in STACKS for name in breaks(stack)]


def infra_check(project: Path, check: bool = True):
    return run("make", "infra-check", cwd=project, check=check, timeout=600)


@pytest.mark.parametrize("stack", STACKS)
def test_infra_check_passes_on_a_fresh_render(stack: str, rendered: dict) -> None:
    require("uv")
    require("make")
    proc = infra_check(rendered[(stack, "FULL")])
    assert "infra-check: Docker, compose, Kubernetes and Terraform files are consistent" in (
        proc.stdout
    )


@pytest.fixture(scope="module")
def copies(rendered: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """One copy of each stack's render (without its environment), made on first use."""

    class Copies(dict[str, Path]):
        def __missing__(self, stack: str) -> Path:
            dest = tmp_path_factory.mktemp(f"infra-{stack}") / "project"
            shutil.copytree(rendered[(stack, "FULL")], dest, ignore=shutil.ignore_patterns(".venv"))
            self[stack] = dest
            return dest

    yield Copies()


@pytest.mark.parametrize(("stack", "name"), CASES, ids=[f"{s}-{n}" for s, n in CASES])
def test_a_mistake_fails_the_check_and_names_itself(
    stack: str, name: str, copies: dict[str, Path]
) -> None:
    require("uv")
    require("make")
    project = copies[stack]
    relative, text, replacement, message = breaks(stack)[name]
    path = project / relative
    original = path.read_text()
    if text:
        assert original.count(text) == 1, f"{relative} should hold {text!r} once"
        path.write_text(original.replace(text, replacement))
    else:
        path.write_text(original + replacement)
    try:
        proc = infra_check(project, check=False)
    finally:
        path.write_text(original)
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert message in proc.stderr, proc.stderr
