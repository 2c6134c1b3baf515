"""The template's own code (not the template tree) is ruff-clean."""

from tests.conftest import TEMPLATE, run

OWN_CODE = ("bench", "extensions", "migrations", "tests")


def test_own_code_is_ruff_clean() -> None:
    run("ruff", "check", *OWN_CODE, cwd=TEMPLATE)
    run("ruff", "format", "--check", *OWN_CODE, cwd=TEMPLATE)
