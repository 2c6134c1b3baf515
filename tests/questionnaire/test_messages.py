"""Every refusal fits one line of an 80-column terminal, naming the question and its rule.

At the prompt, copier shows a refused answer on one line that the terminal cuts; a refused
tier is shown after the tier's label. The lines are built here the way copier builds them
from the validators in copier.yml (test_prompt.py watches one at a real 80-column prompt).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml
from jinja2 import Environment

from extensions import context
from tests.cells import CELLS
from tests.conftest import NOT_BUILT, TEMPLATE
from tests.questionnaire.test_bad_answers import BAD_ANSWERS

WIDTH = 80
QUESTIONS = yaml.safe_load((TEMPLATE / "copier.yml").read_text())
JINJA = Environment(extensions=[context.Rules])


def refusal(question: str, answers: dict[str, str]) -> str:
    """The validator's message for `answers`, as copier shows it ('' when accepted)."""
    validator = QUESTIONS[question]["validator"]
    message = JINJA.from_string(validator).render({"stack": "python", **answers}).strip()
    return message and f"Validation error for question '{question}': {message}"


RULE_CASES = [case for case in BAD_ANSWERS if "validator" in QUESTIONS[case[1]]]
LINES = [refusal(question, answers) for answers, question, _ in RULE_CASES]


@pytest.mark.parametrize("case", RULE_CASES, ids=lambda case: str(case[0])[:40])
def test_a_refusal_fits_and_names_question_and_rule(case: tuple) -> None:
    answers, question, rule = case
    line = refusal(question, answers)
    assert f"'{question}'" in line
    assert rule in line
    assert len(line) <= WIDTH, line


@pytest.mark.parametrize("cell", NOT_BUILT, ids="-".join)
def test_an_unbuilt_tier_is_explained_within_the_width(cell: tuple[str, str]) -> None:
    stack, tier = cell
    label, choice = next(
        (label, choice)
        for label, choice in QUESTIONS["tier"]["choices"].items()
        if choice["value"] == tier
    )
    reason = JINJA.from_string(choice["validator"]).render(stack=stack).strip()
    assert reason == f"not available yet for {stack}"
    assert len(f"   - {label} ({reason})") <= WIDTH  # the disabled choice at the prompt
    assert len(f"Invalid choice for 'tier': {reason}") <= WIDTH  # given with --data


def message_patterns() -> list[re.Pattern[str]]:
    """Every message a rule used by copier.yml's validators returns, as a pattern."""
    rules = set(
        re.findall(r"validator: .*\| *(\w+_problem)", (TEMPLATE / "copier.yml").read_text())
    )
    tree = ast.parse(Path(context.__file__).read_text())
    patterns = []
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef) and function.name in rules:
            for node in ast.walk(function):
                if isinstance(node, ast.Return) and node.value is not None:
                    value = node.value
                    parts = value.values if isinstance(value, ast.JoinedStr) else [value]
                    text = "".join(
                        re.escape(part.value) if isinstance(part, ast.Constant) else ".+"
                        for part in parts
                    )
                    if text:
                        patterns.append(re.compile(text))
    return patterns


def test_every_rule_of_the_extension_has_a_case() -> None:
    """So that the width test above sees every message, including future ones."""
    patterns = message_patterns()
    # The refusal of an unbuilt tier, as it would read for each stack (every cell may be built).
    unbuilt = [f"not available yet for {stack}" for stack in CELLS.stacks]
    assert len(patterns) >= 10
    missing = [p.pattern for p in patterns if not any(p.search(line) for line in LINES + unbuilt)]
    assert missing == []
