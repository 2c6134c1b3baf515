"""Computed context and answer rules for the uts template.

Copier renders in several phases (questions being asked, a migration running
against an older answers file, an update from a release that lacked a
question), so every key is read with a default and every rule accepts any type.
"""

from __future__ import annotations

import json
import keyword
import re
import secrets
import sys
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
# One "@", a dot in the domain, no spaces: strict enough to catch typos,
# loose enough for every real address.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
SPDX = {"Proprietary": "LicenseRef-Proprietary"}


def slugify(value: Any) -> str:
    """'Acme Orders 2' -> 'acme-orders-2'; a leading digit gets a 'p-' prefix."""
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if slug and not slug[0].isalpha():
        slug = f"p-{slug}"
    return slug or "project"


def package_from_slug(value: Any) -> str:
    return str(value or "").replace("-", "_")


def project_name_problem(value: Any) -> str:
    text = str(value if value is not None else "")
    if not text.strip():
        return "project_name must not be empty"
    if len(text) > 64:
        return f"project_name must be at most 64 characters (got {len(text)})"
    if not text.isprintable():
        return "project_name must contain printable characters only"
    return ""


def slug_problem(value: Any) -> str:
    text = str(value if value is not None else "")
    if len(text) > 64:
        return f"project_slug must be at most 64 characters (got {len(text)})"
    if not SLUG_RE.match(text):
        return (
            "project_slug must match ^[a-z][a-z0-9-]*$ "
            "(lower-case letters, digits and '-', starting with a letter)"
        )
    if text.endswith("-") or "--" in text:
        return "project_slug must not end with '-' or contain '--'"
    return ""


def package_name_problem(value: Any) -> str:
    text = str(value if value is not None else "")
    if not text.isidentifier() or not text.isascii():
        return "package_name must be a valid Python identifier (letters, digits, '_')"
    if text != text.lower():
        return "package_name must be lower case (PEP 8)"
    if keyword.iskeyword(text) or keyword.issoftkeyword(text):
        return f"package_name must not be a Python keyword ('{text}')"
    if text in sys.stdlib_module_names:
        return f"package_name must not shadow the standard library module '{text}'"
    return ""


def email_problem(value: Any) -> str:
    text = str(value if value is not None else "")
    if not EMAIL_RE.match(text):
        return f"author_email must be an email address like name@example.com (got '{text}')"
    return ""


def text_problem(value: Any, question: str, limit: int = 200) -> str:
    text = str(value if value is not None else "")
    if len(text) > limit:
        return f"{question} must be at most {limit} characters (got {len(text)})"
    if "\n" in text or not text.isprintable():
        return f"{question} must be a single line of printable characters"
    return ""


def unbuilt_tier_problem(tier: Any, stack: Any) -> str:
    """Used by each tier choice: a non-empty answer disables the choice at the prompt
    and refuses it from --data."""
    stack, tier = str(stack or "python"), str(tier)
    if CELLS.is_built(stack, tier):
        return ""
    return f"tier '{tier}' is not available yet for the {stack} stack in this release of uts"


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
        )
