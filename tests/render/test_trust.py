"""The template runs Jinja extensions, so copier needs --trust, and says so without it."""

from pathlib import Path

import pytest

from tests.conftest import TEMPLATE, copier

pytestmark = pytest.mark.copier


def test_copy_without_trust_is_refused(tmp_path: Path) -> None:
    dest = tmp_path / "project"
    proc = copier("copy", "--defaults", "--vcs-ref", "HEAD", TEMPLATE, dest, check=False)
    assert proc.returncode != 0
    assert "unsafe" in (proc.stdout + proc.stderr).lower()
    assert not dest.exists() or not any(dest.iterdir())
