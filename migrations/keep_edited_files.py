"""Update migration: no file the user edited disappears silently.

Copier deletes every file the old version rendered and the new one does not, edited or
not: that happens when a tier changes (MVP's `services.py` becomes CORE's `services/`) or
a release drops a file. This script runs at both stages of `copier update`. The common
update (same cell, no file dropped) renders nothing more than copier does.

- before (nothing written yet): only a downgrade (smaller tier) or a change of stack,
  read from the recorded answers and `--data`, is looked at. It deletes whole layers, so
  it is refused, listing what would go, unless UTS_ALLOW_DOWNGRADE=1 is set. What would
  go: the tracked files the new version does not render (one render of it) that the old
  version does render (a render restricted to those paths).
- after: the project was clean before the update, so `git diff HEAD` lists exactly the
  files the update deleted, and HEAD holds each one as the user left it. Only when there
  are some, the old version is rendered restricted to those paths: a deleted file whose
  committed content differs from that pristine render was edited, and is written to
  `upgrade-leftovers/<label>/<path>` and named on the terminal; untouched ones just go.
  Deciding after the fact also covers answers changed at the prompt, which the before
  stage cannot see. And `.env`, which copier never re-renders, gets the settings
  `.env.example` gained in this update and `.env` lacks (a new tier reads new settings):
  appended, each named, no existing line changed.

Run by copier from the project directory; running it again changes nothing.
"""

from __future__ import annotations

# Copier, yaml and the registry are imported by the functions that use them: the common
# update needs none of them (importing copier alone takes about a second).
import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

# Where extensions/cells.py, the registry of the version being updated to, lives.
EXTENSIONS = Path(__file__).resolve().parents[1] / "extensions"
LEFTOVERS = Path("upgrade-leftovers")
SETTING = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.M)
SKIP = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}
# Characters a gitignore pattern would read as a wildcard or an escape.
GLOB_SPECIAL = re.compile(r"([][*?\\])")


def say(message: str) -> None:
    print(f"uts: {message}", file=sys.stderr)


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def render(
    src: str, ref: str | None, answers: dict, into: Path, exclude: list[str] | None = None
) -> dict[Path, bytes]:
    from copier import run_copy

    run_copy(
        src,
        into,
        data=answers,
        vcs_ref=ref,
        exclude=exclude or [],
        defaults=True,
        unsafe=True,
        quiet=True,
        overwrite=True,
        skip_tasks=True,
    )
    return {
        path.relative_to(into): path.read_bytes()
        for path in into.rglob("*")
        if path.is_file() and not SKIP.intersection(path.relative_to(into).parts)
    }


def load_answers(text: str) -> dict:
    import yaml

    return yaml.safe_load(text) or {}


def pristine(recorded: dict, paths: list[Path]) -> dict[Path, bytes]:
    """The old version's render of `paths` alone (those it has): every other path excluded.

    Copier's exclusions are gitignore patterns where the last match wins: "*" drops every
    path, then one anchored "!/<path>" per file brings it back.
    """
    if not paths:
        return {}
    keep = ["!/" + GLOB_SPECIAL.sub(r"\\\1", p.as_posix()) for p in paths]
    with tempfile.TemporaryDirectory() as tmp:
        return render(
            recorded["_src_path"],
            recorded.get("_commit"),
            user_answers(recorded),
            Path(tmp),
            exclude=["*", *keep],
        )


def user_answers(recorded: dict) -> dict:
    return {k: v for k, v in recorded.items() if not k.startswith("_")}


def label_for(old: dict, new: dict, recorded: dict) -> str:
    if (old.get("stack"), old.get("tier")) == (new.get("stack"), new.get("tier")):
        return f"from-{recorded.get('_commit', 'previous')}"
    return f"{old.get('stack')}-{old.get('tier')}-to-{new.get('stack')}-{new.get('tier')}".lower()


def shrinking(old: dict, new: dict) -> bool:
    """A change of stack or a smaller tier: whole layers of the old cell go."""
    sys.path.insert(0, str(EXTENSIONS))
    from cells import Cells

    cells = Cells.load()
    return new.get("stack") != old.get("stack") or cells.rank(str(new.get("tier"))) < cells.rank(
        str(old.get("tier"))
    )


def before(args: argparse.Namespace) -> int:
    answers_file = Path(".copier-answers.yml")
    if not answers_file.is_file():
        return 0
    recorded = load_answers(answers_file.read_text())
    old = user_answers(recorded)
    new = {**old, **{k: v for k, v in json.loads(args.data).items() if not k.startswith("_")}}
    # Growing, staying, or shrinking by the user's leave: nothing to refuse. The after stage
    # keeps the edited files the update deletes.
    if not shrinking(old, new) or os.environ.get("UTS_ALLOW_DOWNGRADE") == "1":
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        kept = render(args.template, args.ref, new, Path(tmp)).keys()
    lacking = [
        path
        for path in map(Path, git("ls-files", "-z").split("\0"))
        if path.name and path not in kept and not path.is_relative_to(LEFTOVERS)
    ]
    old_files = pristine(recorded, lacking)
    vanishing = sorted(old_files)
    if not vanishing:
        return 0
    edited = [p for p in vanishing if p.read_bytes() != old_files[p]]
    say(
        f"{old.get('stack')}/{old.get('tier')} -> {new.get('stack')}/{new.get('tier')} "
        f"would delete {len(vanishing)} files ({len(edited)} edited by you): "
        + ", ".join(map(str, vanishing[:8]))
        + (", ..." if len(vanishing) > 8 else "")
    )
    say(
        "refused, nothing was changed. Set UTS_ALLOW_DOWNGRADE=1 to go ahead; "
        f"your edited files are then kept under {LEFTOVERS}/."
    )
    return 1


def settings(text: str) -> dict[str, str]:
    return dict(SETTING.findall(text))


# Settings whose value is a random secret of ours; other keys and passwords (S3, SMTP,
# payment) come from a provider and keep the example's value (empty: not used).
GENERATED_SECRETS = ("SECRET", "SECRET_KEY", "SIGNING_KEY")


def complete_env() -> None:
    """Append to .env each setting that .env.example gained in this update and .env lacks.

    Only gained ones: a setting the user removed from .env before stays removed. Values
    come from .env.example, except secrets, which get a fresh random value.
    """
    env, example = Path(".env"), Path(".env.example")
    if not env.is_file() or not example.is_file():
        return
    try:
        known = settings(git("show", f"HEAD:{example}")) | settings(env.read_text())
    except subprocess.CalledProcessError:
        known = settings(env.read_text())
    gained = {
        key: secrets.token_hex(32) if key.endswith(GENERATED_SECRETS) else value
        for key, value in settings(example.read_text()).items()
        if key not in known
    }
    if not gained:
        return
    text = env.read_text()
    if text and not text.endswith("\n"):
        text += "\n"
    added = "".join(f"{key}={value}\n" for key, value in gained.items())
    env.write_text(f"{text}# Added by copier update: settings this version reads.\n{added}")
    say(
        f".env lacked {', '.join(gained)}, which this version reads: appended "
        "(values from .env.example, a fresh one for a secret). Review them."
    )


def after(args: argparse.Namespace) -> int:
    complete_env()
    return keep_deleted_edits()


def keep_deleted_edits() -> int:
    """Write each file the update deleted and the user had edited to upgrade-leftovers/."""
    try:
        # Renames are not deletions: a `git mv` migration already took the user's edits along.
        deleted = git("diff", "--name-only", "--diff-filter=D", "--find-renames", "-z", "HEAD")
        paths = [Path(p) for p in deleted.split("\0") if p and not p.startswith(f"{LEFTOVERS}/")]
        if not paths:
            return 0  # the common update: nothing deleted, nothing to render
        recorded = load_answers(git("show", "HEAD:.copier-answers.yml"))
    except subprocess.CalledProcessError:
        return 0
    old_files = pristine(recorded, paths)
    now = load_answers(Path(".copier-answers.yml").read_text())
    label = label_for(user_answers(recorded), user_answers(now), recorded)
    for path in paths:
        committed = subprocess.run(
            ["git", "show", f"HEAD:{path.as_posix()}"], check=True, capture_output=True
        ).stdout
        if path not in old_files or committed == old_files[path]:
            continue
        target = LEFTOVERS / label / path
        if target.is_file() and target.read_bytes() == committed:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(committed)
        say(
            f"you edited {path}, which the new template no longer has: moved to {target}. "
            "Port your changes, then delete it."
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=["before", "after"])
    parser.add_argument("--template", help="checkout of the version being updated to")
    parser.add_argument("--ref", default=os.environ.get("VERSION_TO"))
    parser.add_argument("--data", default="{}", help="the update's --data answers, as JSON")
    args = parser.parse_args()
    return before(args) if args.stage == "before" else after(args)


if __name__ == "__main__":
    sys.exit(main())
