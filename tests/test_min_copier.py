"""The suite's fast half also passes with the oldest copier the template accepts.

The rest of the suite runs with the newest copier (the dev group's); this runs the
questionnaire, render and update tests again under `_min_copier_version`.
"""

from __future__ import annotations

import re
import shutil
import tomllib

import pytest
import yaml

from tests.conftest import TEMPLATE, run

MIN_COPIER = yaml.safe_load((TEMPLATE / "copier.yml").read_text())["_min_copier_version"]


@pytest.mark.slow
def test_fast_suite_passes_with_min_copier_version() -> None:
    if shutil.which("uv") is None:
        pytest.fail("uv is needed to run the suite with another copier", pytrace=False)
    # The dev group as it is, with copier pinned to the minimum.
    dev = tomllib.loads((TEMPLATE / "pyproject.toml").read_text())["dependency-groups"]["dev"]
    packages = [f"copier=={MIN_COPIER}"] + [
        p for p in dev if re.split(r"[<>=!~\[ ]", p, maxsplit=1)[0] != "copier"
    ]
    proc = run(
        "uv",
        "run",
        "--isolated",
        "--no-project",
        *(arg for p in packages for arg in ("--with", p)),
        "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        "not slow",
        "tests/questionnaire",
        "tests/render",
        "tests/update",
        cwd=TEMPLATE,
        timeout=1800,
    )
    assert " passed" in proc.stdout
    assert (
        f"copier {MIN_COPIER}"
        in run(
            "uv",
            "run",
            "--isolated",
            "--no-project",
            "--with",
            f"copier=={MIN_COPIER}",
            "copier",
            "--version",
            cwd=TEMPLATE,
        ).stdout
    )
