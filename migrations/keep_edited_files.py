"""Update migration: no file the user edited disappears silently.

Copier deletes every file the old template rendered and the new one does not, edited or
not: that happens when a tier changes (MVP's `services.py` becomes CORE's `services/`)
or a release drops a file. This script runs at both stages of `copier update`:

- before: with the answers the update will use (the recorded ones plus `--data`), it
  renders the old and the new version; an edited file about to vanish is moved with
  `git mv` to `upgrade-leftovers/<label>/<path>` and named on the terminal. A downgrade
  (smaller tier) or a change of stack deletes whole layers: it is refused, listing what
  would go, unless UTS_ALLOW_DOWNGRADE=1 is set. Nothing has been written yet then.
- after: a safety net for answers changed at the prompt, which the before stage cannot
  see: any file the update deleted whose committed content differs from the old render
  is restored under `upgrade-leftovers/` and named. And `.env`, which copier never
  re-renders, gets the settings `.env.example` gained in this update and `.env` lacks
  (a new tier reads new settings): appended, each named, no existing line changed.

Run by copier from the project directory; running it again changes nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from copier import run_copy

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "extensions"))
from cells import Cells  # noqa: E402  (the registry of the version being updated to)

CELLS = Cells.load()
LEFTOVERS = Path("upgrade-leftovers")
SETTING = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.M)
SKIP = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}


def say(message: str) -> None:
    print(f"uts: {message}", file=sys.stderr)


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def render(src: str, ref: str | None, answers: dict, into: Path) -> dict[Path, bytes]:
    run_copy(
        src,
        into,
        data=answers,
        vcs_ref=ref,
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


def user_answers(recorded: dict) -> dict:
    return {k: v for k, v in recorded.items() if not k.startswith("_")}


def label_for(old: dict, new: dict, recorded: dict) -> str:
    if (old.get("stack"), old.get("tier")) == (new.get("stack"), new.get("tier")):
        return f"from-{recorded.get('_commit', 'previous')}"
    return f"{old.get('stack')}-{old.get('tier')}-to-{new.get('stack')}-{new.get('tier')}".lower()


def before(args: argparse.Namespace) -> int:
    answers_file = Path(".copier-answers.yml")
    if not answers_file.is_file():
        return 0
    recorded = yaml.safe_load(answers_file.read_text()) or {}
    old = user_answers(recorded)
    new = {**old, **{k: v for k, v in json.loads(args.data).items() if not k.startswith("_")}}
    with tempfile.TemporaryDirectory() as tmp:
        old_files = render(recorded["_src_path"], recorded.get("_commit"), old, Path(tmp, "old"))
        new_files = render(args.template, args.ref, new, Path(tmp, "new"))
    vanishing = sorted(p for p in old_files.keys() - new_files.keys() if p.is_file())
    edited = [p for p in vanishing if p.read_bytes() != old_files[p]]

    shrinking = new.get("stack") != old.get("stack") or CELLS.rank(
        str(new.get("tier"))
    ) < CELLS.rank(str(old.get("tier")))
    if shrinking and vanishing and os.environ.get("UTS_ALLOW_DOWNGRADE") != "1":
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

    label = label_for(old, new, recorded)
    for path in edited:
        target = LEFTOVERS / label / path
        target.parent.mkdir(parents=True, exist_ok=True)
        git("mv", "-f", str(path), str(target))
        say(
            f"you edited {path}, which the new template no longer has: moved to {target}. "
            "Port your changes, then delete it."
        )
    return 0


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
    try:
        deleted = git("diff", "--name-only", "--diff-filter=D", "-z", "HEAD").split("\0")
        recorded = yaml.safe_load(git("show", "HEAD:.copier-answers.yml")) or {}
    except subprocess.CalledProcessError:
        return 0
    deleted = [Path(p) for p in deleted if p and not Path(p).is_relative_to(LEFTOVERS)]
    if not deleted:
        return 0
    now = yaml.safe_load(Path(".copier-answers.yml").read_text()) or {}
    old = user_answers(recorded)
    with tempfile.TemporaryDirectory() as tmp:
        old_files = render(recorded["_src_path"], recorded.get("_commit"), old, Path(tmp, "old"))
    label = label_for(old, user_answers(now), recorded)
    for path in deleted:
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
            f"the update removed {path}, which you had edited: your version is in {target}. "
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
