"""Computed context and answer rules for the uts template.

Copier renders in several phases (questions being asked, a migration running
against an older answers file, an update from a release that lacked a
question), so every key is read with a default and every rule accepts any type.
"""

from __future__ import annotations

import json
import keyword
import pkgutil
import re
import secrets
import sys
import sysconfig
import unicodedata
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from typing import Any

from copier_template_extensions import ContextHook
from jinja2 import Environment
from jinja2.ext import Extension


def _load_cells() -> Any:
    # copier loads this file by path, so its sibling is loaded by path too.
    spec = spec_from_file_location("uts_cells", Path(__file__).with_name("cells.py"))
    module = module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.Cells.load()


CELLS = _load_cells()

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]*$")
SLUG_MAX = 64
# One "@" between a local part and a domain of non-empty labels, no spaces: catches
# typos, accepts every real address, dotless hosts included (me@localhost).
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)*$")
SPDX = {"Proprietary": "LicenseRef-Proprietary"}
# A package named like one of these is shadowed by (or shadows) the standard library.
# sys.stdlib_module_names leaves out what ships for CPython's own use (`test`,
# `__phello__`, `_testcapi`...), so the stdlib folders are listed too; `test` is named
# because some distributions ship it as a separate package.
_STDLIB = sysconfig.get_paths()["stdlib"]
STDLIB_NAMES = frozenset(
    {*sys.stdlib_module_names, *sys.builtin_module_names, "test"}
    | {m.name for m in pkgutil.iter_modules([_STDLIB, f"{_STDLIB}/lib-dynload"])}
)


def slugify(value: Any) -> str:
    """'Acme Orders 2' -> 'acme-orders-2'; a leading digit gets a 'p-' prefix.
    Always a slug that slug_problem accepts."""
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if slug and not slug[0].isalpha():
        slug = f"p-{slug}"
    return slug[:SLUG_MAX].rstrip("-") or "project"


def package_from_slug(value: Any) -> str:
    """'acme-orders' -> 'acme_orders'. A name package_name_problem would refuse ('json',
    'class', 'test') gets an '_app' suffix: a default is never refused."""
    package = str(value or "").replace("-", "_")
    return f"{package}_app" if package_name_problem(package) else package


# Copier shows a refused answer as "Validation error for question '<question>': <rule>",
# at the prompt on one line that an 80-column terminal cuts: the question is named there,
# so each rule says only what it wants, briefly (tests/questionnaire checks the width).


def project_name_problem(value: Any) -> str:
    text = str(value if value is not None else "")
    if not text.strip():
        return "must not be empty"
    if len(text) > 64:
        return "must be at most 64 characters"
    if not text.isprintable():
        return "must be printable characters only"
    return ""


def slug_problem(value: Any) -> str:
    text = str(value if value is not None else "")
    if len(text) > SLUG_MAX:
        return f"must be at most {SLUG_MAX} characters"
    if not SLUG_RE.match(text):
        return "must match ^[a-z][a-z0-9-]*$"
    if text.endswith("-"):
        return "must not end with '-'"
    if "--" in text:
        return "must not contain '--'"
    return ""


def package_name_problem(value: Any, stack: Any = "python") -> str:
    """Python only: for another stack the question is not asked and its answer unused."""
    if str(stack or "python") != "python":
        return ""
    text = str(value if value is not None else "")
    if not text.isidentifier() or not text.isascii():
        return "must be a Python identifier"
    if text != text.lower():
        return "must be lower case (PEP 8)"
    if keyword.iskeyword(text) or keyword.issoftkeyword(text):
        return "must not be a Python keyword"
    if text in STDLIB_NAMES:
        return "must not shadow a stdlib module"
    return ""


def email_problem(value: Any) -> str:
    if not EMAIL_RE.match(str(value if value is not None else "")):
        return "must look like name@example.com"
    return ""


def text_problem(value: Any, limit: int = 200) -> str:
    text = str(value if value is not None else "")
    if len(text) > limit:
        return f"must be at most {limit} characters"
    if "\n" in text or not text.isprintable():
        return "must be one line, printable only"
    return ""


def unbuilt_tier_problem(tier: Any, stack: Any) -> str:
    """Used by each tier choice: a non-empty answer disables the choice at the prompt
    (shown after its label) and refuses it from --data."""
    stack, tier = str(stack or "python"), str(tier)
    if CELLS.is_built(stack, tier):
        return ""
    return f"not available yet for {stack}"


def source_problem(src: Any, dst: Any) -> str:
    """Why `copier update` could not follow the template the project records, if it can't.

    Copier records the template as it was given: a relative path only resolves from where
    it was typed, and a project inside the template's clone leaves that clone dirty, so
    what is generated from it next records a commit that exists nowhere else.
    """
    src, dst = str(src or ""), str(dst or "")
    if ":" in src:  # a URL (gh:, https:, git@host:)
        return ""
    if not Path(src).expanduser().is_absolute():
        return (
            f"the project records its template as '{src}', a relative path, so\n"
            "  copier update will fail. Generate it again from the absolute path."
        )
    if Path(dst).resolve().is_relative_to(Path(src).expanduser().resolve()):
        return (
            "the project is inside the template's clone, which it leaves dirty.\n"
            "  Generate it outside the clone."
        )
    return ""


def toml_str(value: Any) -> str:
    """A TOML basic string (also valid JSON and YAML)."""
    return json.dumps(str(value if value is not None else ""), ensure_ascii=False)


def py_str(value: Any) -> str:
    """A Python string literal quoted the way ruff format leaves it (fewest escapes)."""
    text = str(value if value is not None else "")
    body = json.dumps(text, ensure_ascii=False)[1:-1]  # escapes \\, " and controls
    if text.count('"') > text.count("'"):
        return "'" + body.replace('\\"', '"').replace("'", "\\'") + "'"
    return '"' + body + '"'


class Rules(Extension):
    """Filters used by copier.yml: defaults and validators, one message per rule."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(
            slugify=slugify,
            package_from_slug=package_from_slug,
            project_name_problem=project_name_problem,
            slug_problem=slug_problem,
            package_name_problem=package_name_problem,
            email_problem=email_problem,
            text_problem=text_problem,
            unbuilt_tier_problem=unbuilt_tier_problem,
            source_problem=source_problem,
            toml_str=toml_str,
            py_str=py_str,
        )


class Flags(ContextHook):
    """Flags that template files test, computed once from the answers."""

    def hook(self, context: dict[str, Any]) -> None:
        stack = str(context.get("stack") or "python")
        tier = str(context.get("tier") or "MVP")
        rank = CELLS.rank(tier)
        license = str(context.get("license") or "MIT")
        context.update(
            is_python=stack == "python",
            is_sql=stack == "sql",
            # Exactly one tier, or that tier and the ones above it (FULL contains CORE).
            tier_is_mvp=tier == "MVP",
            at_least_core=rank >= CELLS.rank("CORE"),
            at_least_full=rank >= CELLS.rank("FULL"),
            # copier.yml's _exclude: the stack's paths this tier does not have, one per line.
            paths_outside_tier="\n".join(CELLS.paths_outside(stack, tier)),
            # A file that differs by tier includes tier_file("<its path>").
            tier_file=lambda path: CELLS.tier_files(stack, tier, path),
            license_spdx=SPDX.get(license, license),
            # New on every render; only .env uses it, and .env is never re-rendered.
            fresh_secret=secrets.token_hex(32),
            # For a second secret in .env: each call gives a new one.
            new_secret=lambda: secrets.token_hex(32),
        )
