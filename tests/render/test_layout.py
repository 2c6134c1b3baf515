"""The template tree reads like the projects it makes: one source per generated path, no
conditional names, and every file that differs by tier wired to its tier files."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cells import CELLS
from tests.conftest import TEMPLATE

TREE = TEMPLATE / "template"
DISPATCH = re.compile(r'^\{% include tier_file\("(?P<path>[^"]+)"\) -%\}\n$')


def test_no_path_in_the_template_is_conditional() -> None:
    conditional = [str(p.relative_to(TREE)) for p in TREE.rglob("*") if "{%" in p.name]
    assert conditional == []


def test_the_tree_has_one_folder_per_stack_and_tier_files_per_registered_tier() -> None:
    assert {p.name for p in TREE.iterdir()} == {*CELLS.stacks, "shared", "tiers"}
    for stack_dir in (TREE / "tiers").iterdir():
        assert stack_dir.name in CELLS.stacks
        assert {p.name for p in stack_dir.iterdir()} <= set(CELLS.tiers)


def dispatchers(stack: str) -> dict[str, Path]:
    found = {}
    for path in (TREE / stack).rglob("*.jinja"):
        match = DISPATCH.match(path.read_text())
        if match:
            assert path.relative_to(TREE / stack).as_posix() == match["path"] + ".jinja", path
            found[match["path"]] = path
    return found


def test_each_file_that_differs_by_tier_has_a_source_for_every_built_tier() -> None:
    for stack in CELLS.stacks:
        wired = dispatchers(stack)
        for tier in CELLS.built[stack]:
            for path in (p for p in wired if CELLS.renders(stack, tier, p)):
                sources = [TEMPLATE / s for s in CELLS.tier_files(stack, tier, path)]
                assert any(s.is_file() for s in sources), f"{stack}/{tier} has no {path}"
        # And no tier file is left without the one-line include that renders it.
        tier_files = {
            p.relative_to(tier_dir).as_posix().removesuffix(".jinja")
            for tier_dir in (TREE / "tiers" / stack).iterdir()
            for p in tier_dir.rglob("*")
            if p.is_file()
        }
        assert tier_files <= set(wired), tier_files - set(wired)
