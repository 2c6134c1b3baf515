"""Do two versions of the template render the same projects?

A refactoring of the template must not change what it generates. This renders every
built cell with every licence at a git ref and from the working tree, and lists every
difference. Two things differ on every render and are masked: the answers file's
`_commit` line and the fresh secret in `.env`.

    uv run python -m tests.render.same_output v0.2.0     # exits 1 on any difference
"""

from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from extensions.cells import Cells
from tests.cells import BUILT
from tests.conftest import TEMPLATE, files_of, render

LICENSES = yaml.safe_load((TEMPLATE / "copier.yml").read_text())["license"]["choices"]
SECRET = re.compile(r"^((?:SECRET_KEY|JWT_SECRET)=).*$", re.M)


def masked(path: Path) -> str:
    text = path.read_text()
    if path.name == ".copier-answers.yml":
        text = re.sub(r"^_commit: .*$", "_commit: <masked>", text, flags=re.M)
    if path.name == ".env":
        text = SECRET.sub(r"\1<masked>", text)
    return text


def folders_of(project: Path) -> set[Path]:
    return {p.relative_to(project) for p in project.rglob("*") if p.is_dir()}


def differences(old: Path, new: Path) -> list[str]:
    old_files, new_files = (
        set(files_of(old)) | folders_of(old),
        set(files_of(new)) | folders_of(new),
    )
    found = [f"only at the ref: {p}" for p in sorted(old_files - new_files)]
    found += [f"only in the working tree: {p}" for p in sorted(new_files - old_files)]
    for relative in sorted(p for p in old_files & new_files if (new / p).is_file()):
        a, b = masked(old / relative), masked(new / relative)
        if a != b:
            diff = difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=1)
            found.append(f"{relative} differs:\n" + "\n".join(list(diff)[2:12]))
        elif (old / relative).stat().st_mode != (new / relative).stat().st_mode:
            found.append(f"{relative}: file mode differs")
    return found


def git_show(ref: str, path: str) -> str | None:
    """A file as it is at `ref`, or None where it did not exist."""
    proc = subprocess.run(
        ["git", "show", f"{ref}:{path}"], cwd=TEMPLATE, capture_output=True, text=True
    )
    return proc.stdout if proc.returncode == 0 else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="git ref (tag or commit) of the template to compare with")
    args = parser.parse_args()
    failures = compared = 0
    # The cells the ref's own registry builds: a cell new since then has nothing to compare.
    at_ref = git_show(args.ref, "cells.toml")
    with tempfile.TemporaryDirectory() as tmp:
        for stack, tier in BUILT:
            if at_ref is not None and not Cells.parse(at_ref).is_built(stack, tier):
                print(f"{stack}-{tier}: not built at {args.ref}, nothing to compare")
                continue
            for license in LICENSES:
                compared += 1
                answers = {"stack": stack, "tier": tier, "license": license}
                name = f"{stack}-{tier}-{license}"
                old = render(Path(tmp, "ref", name), vcs_ref=args.ref, **answers)
                new = render(Path(tmp, "now", name), **answers)
                found = differences(old, new)
                failures += bool(found)
                verdict = "DIFFERENT" if found else "same"
                print(f"{name}: {len(files_of(new))} files, {verdict}")
                for line in found:
                    print(f"  {line}")
    print(f"{failures} of {compared} renders differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
