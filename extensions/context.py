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
from typing import Any

from copier_template_extensions import ContextHook
from jinja2 import Environment
from jinja2.ext import Extension

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]*$")
# One "@", a dot in the domain, no spaces: strict enough to catch typos,
# loose enough for every real address.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
TIER_ORDER = {"MVP": 0, "CORE": 1, "FULL": 2}
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
            toml_str=toml_str,
            py_str=py_str,
        )


class Flags(ContextHook):
    """Flags that template paths and files test, computed once from the answers."""

    def hook(self, context: dict[str, Any]) -> None:
        stack = str(context.get("stack") or "python")
        tier = str(context.get("tier") or "MVP")
        rank = TIER_ORDER.get(tier, 0)
        license = str(context.get("license") or "MIT")
        is_python = stack == "python"
        is_sql = stack == "sql"
        has_core = rank >= TIER_ORDER["CORE"]
        context.update(
            is_python=is_python,
            is_sql=is_sql,
            has_core=has_core,
            has_full=rank >= TIER_ORDER["FULL"],
            # "_core" means CORE or above: FULL contains CORE.
            python_mvp=is_python and not has_core,
            python_core=is_python and has_core,
            sql_mvp=is_sql and not has_core,
            sql_core=is_sql and has_core,
            license_spdx=SPDX.get(license, license),
            # New on every render; only .env uses it, and .env is never re-rendered.
            fresh_secret=secrets.token_hex(32),
        )
