"""The update migration completes .env with the settings .env.example gained, and only them."""

from __future__ import annotations

from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

import pytest

from tests.conftest import TEMPLATE, commit_all, git


def migration():
    spec = spec_from_file_location(
        "keep_edited_files", TEMPLATE / "migrations/keep_edited_files.py"
    )
    module = module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose .env.example had A and DROPPED; the user dropped DROPPED from .env."""
    git("init", "-q", "-b", "main", cwd=tmp_path)
    (tmp_path / ".env.example").write_text("A=example\nDROPPED=1\n")
    commit_all(tmp_path, "generated")
    (tmp_path / ".env").write_text("# ours\nA=ours")  # no final newline
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_gained_settings_are_appended_and_named(project: Path, capsys) -> None:
    (project / ".env.example").write_text(
        "A=example\nDROPPED=1\n# B=commented\nTTL_SECONDS=3600\nJWT_SECRET=change-me\n"
    )
    migration().complete_env()
    lines = (project / ".env").read_text().splitlines()
    assert lines[:2] == ["# ours", "A=ours"]
    added = dict(line.split("=", 1) for line in lines[2:] if not line.startswith("#"))
    assert added.keys() == {"TTL_SECONDS", "JWT_SECRET"}
    assert added["TTL_SECONDS"] == "3600"
    assert len(added["JWT_SECRET"]) == 64 and added["JWT_SECRET"] != "change-me"
    err = capsys.readouterr().err
    assert ".env lacked TTL_SECONDS, JWT_SECRET" in err

    migration().complete_env()  # a second run finds nothing to do
    assert (project / ".env").read_text().splitlines() == lines
    assert capsys.readouterr().err == ""


def test_nothing_gained_leaves_env_alone(project: Path) -> None:
    migration().complete_env()
    assert (project / ".env").read_text() == "# ours\nA=ours"
