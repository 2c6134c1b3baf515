"""The "Use the API" commands of a generated README, run against a live server."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

README_BASE = "http://127.0.0.1:8000"


def use_the_api_commands(project: Path) -> str:
    readme = (project / "README.md").read_text()
    section = readme.split("## Use the API", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match, section
    return match.group(1)


def run_use_the_api(project: Path, base: str) -> list[str]:
    """Run the README's commands with the server's base URL; one output line per curl."""
    script = use_the_api_commands(project).replace(README_BASE, base)
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    # curl -s prints bodies without a newline: split where one JSON document ends.
    return [line for line in re.split(r"(?<=})(?={)", proc.stdout.strip()) if line]
