"""releases.toml rebuilds every release: commits exist, versions are PEP 440 and in order,
each is in CHANGELOG.md, and any tag that exists was never moved."""

from __future__ import annotations

import re

from packaging.version import Version

from tests.conftest import ALL_CELLS, TEMPLATE, run
from tests.update.conftest import releases

CHANGELOG = (TEMPLATE / "CHANGELOG.md").read_text()


def test_versions_are_pep440_increasing_and_in_the_changelog() -> None:
    versions = [Version(release.version) for release in releases()]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    for release in releases():
        assert str(Version(release.version)) == release.version
        assert re.search(rf"^## {re.escape(release.version)}\b", CHANGELOG, re.M), release.version


def test_each_release_commit_is_in_history_and_has_its_cells() -> None:
    for release in releases():
        assert (
            run(
                "git", "cat-file", "-e", f"{release.commit}^{{commit}}", cwd=TEMPLATE, check=False
            ).returncode
            == 0
        ), f"{release.version}: {release.commit} not found"
        assert release.cells and set(release.cells) <= set(ALL_CELLS)


def test_existing_tags_point_at_the_recorded_commit() -> None:
    for release in releases():
        proc = run(
            "git",
            "rev-parse",
            "-q",
            "--verify",
            f"refs/tags/{release.tag}^{{commit}}",
            cwd=TEMPLATE,
            check=False,
        )
        if proc.returncode == 0:  # a clone of main alone has no tags
            assert proc.stdout.strip() == release.commit, f"{release.tag} was moved"
