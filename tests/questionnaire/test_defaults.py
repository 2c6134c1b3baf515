"""Defaults: every question has one, and the derived ones follow the name."""

from pathlib import Path

import pytest
import yaml

from tests.conftest import render, run

pytestmark = pytest.mark.copier


def answers_of(project: Path) -> dict:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def test_defaults_alone_make_a_project(rendered: dict) -> None:
    answers = answers_of(rendered["python", "MVP"])
    assert answers["project_name"] == "My Project"
    assert answers["project_slug"] == "my-project"
    assert answers["package_name"] == "my_project"
    assert (answers["stack"], answers["tier"], answers["license"]) == ("python", "MVP", "MIT")


def test_slug_and_package_derive_from_the_name(tmp_path: Path) -> None:
    project = render(tmp_path / "p", project_name="Acme Orders 2")
    answers = answers_of(project)
    assert answers["project_slug"] == "acme-orders-2"
    assert answers["package_name"] == "acme_orders_2"
    assert (project / "src/acme_orders_2/main.py").is_file()


def test_name_with_quotes_and_accents_renders_valid_python(tmp_path: Path) -> None:
    project = render(tmp_path / "p", project_name='Café "Ünïcode" Orders')
    answers = answers_of(project)
    assert answers["project_slug"] == "cafe-unicode-orders"
    main = (project / "src/cafe_unicode_orders/main.py").read_text()
    compile(main, "main.py", "exec")
    assert "Café" in main


@pytest.mark.parametrize(
    ("name", "package"),
    [("Json", "json_app"), ("Email", "email_app"), ("Test", "test_app"), ("Class", "class_app")],
)
def test_a_refused_derived_package_name_gets_a_suffix(
    name: str, package: str, tmp_path: Path
) -> None:
    """--defaults never refuses a question the user did not see."""
    answers = answers_of(render(tmp_path / "p", project_name=name))
    assert answers["package_name"] == package


def test_a_long_numeric_name_derives_a_valid_slug(tmp_path: Path) -> None:
    answers = answers_of(render(tmp_path / "p", project_name="2" * 64))
    assert answers["project_slug"] == "p-" + "2" * 62


@pytest.mark.slow
def test_a_project_named_test_passes_its_tests(tmp_path: Path) -> None:
    """The standard library's own `test` package must not shadow the project's package."""
    project = render(tmp_path / "p", project_name="Test")
    run("make", "test", cwd=project)
