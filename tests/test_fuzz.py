"""Fuzz tests: malformed LaTeX and Markdown never crash the reader, the parser or the checker.

The examples are few and derandomized so that the suite stays fast and repeatable; the long
search is ``benchmarks/fuzz_campaign.py``.
"""

from __future__ import annotations

import re
from typing import Iterator

import pytest
from claim_samples import limits_are_checked
from fuzz_inputs import HUGE_NUMBERS, LATEX_PIECES, LINE_ENDINGS, mutate, random_latex, random_markdown, real_formulas
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symcheck.checking.checker import Checker
from symcheck.checking.runner import GRACE_SECONDS
from symcheck.checking.verdict import FileReport, Verdict
from symcheck.config import Options
from symcheck.document.blocks import FormulaBlock
from symcheck.document.reader import read_text
from symcheck.notation.parser import ParseError, parse_side
from symcheck.notation.tokens import strip_layout, tokenize

BUDGET = 0.5
# A step's wall time also includes the time to send it to the worker and read the result back.
TIME_SLACK = 0.5
LOCATED = re.compile(r"^\d+:\d+: ")

FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None)
CHECKER = settings(
    max_examples=30, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

latex_pieces = st.lists(st.sampled_from(LATEX_PIECES + HUGE_NUMBERS), max_size=25).map("".join)
latex_text = st.one_of(latex_pieces, st.text(max_size=40), st.randoms(use_true_random=False).map(random_latex))
markdown_text = st.randoms(use_true_random=False).map(random_markdown)


@pytest.fixture(scope="module")
def checker() -> Iterator[Checker]:
    with Checker(Options(budget=BUDGET, cache=False)) as shared:
        yield shared


def assert_sound_report(report: FileReport) -> None:
    """Every unparsed verdict is located, and no step overran its budget."""
    for claim in report.claims:
        if claim.verdict is Verdict.UNPARSED:
            unparsed_steps = [step for step in claim.steps if step.verdict is Verdict.UNPARSED]
            messages = [step.message for step in unparsed_steps] if unparsed_steps else [claim.message]
            for message in messages:
                assert LOCATED.match(message), f"unlocated unparsed message: {message!r}"
        for step in claim.steps:
            assert step.seconds <= BUDGET + GRACE_SECONDS + TIME_SLACK, f"{step.lhs} = {step.rhs} took {step.seconds:.2f} s"
            assert step.method != "error", f"checking {step.lhs} = {step.rhs} failed: {step.message}"


@FAST
@given(markdown_text)
def test_reader_accepts_any_markdown(text: str) -> None:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for item in read_text(text):
        assert 1 <= item.line <= len(lines)
        assert item.column >= 1
        if isinstance(item, FormulaBlock):
            assert item.latex.strip()


@FAST
@given(st.lists(st.sampled_from(["$$x = 1$$", "```latex", "```", "$", "$$", "\\[", "\\]", "<details>", "</details>", "# H", "<!--", "-->", ""]), max_size=12), st.sampled_from(LINE_ENDINGS))
def test_reader_accepts_broken_containers(parts: list[str], ending: str) -> None:
    read_text(ending.join(parts))


@FAST
@given(latex_text)
def test_parser_raises_only_parse_errors(latex: str) -> None:
    tokens = strip_layout(tokenize(latex, 3, 5))
    assert all(token.line >= 3 for token in tokens)
    try:
        parse_side(tokens)
    except ParseError as error:
        assert error.message
        assert error.token is None or error.token.line >= 3


@FAST
@given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=8))
def test_parser_on_mutated_real_formulas(rng, mutations: int) -> None:  # type: ignore[no-untyped-def]
    formula = mutate(rng, rng.choice(real_formulas()), mutations)
    try:
        parse_side(strip_layout(tokenize(formula)))
    except ParseError:
        pass


@CHECKER
@given(markdown_text)
def test_checker_on_generated_documents(checker: Checker, text: str) -> None:
    assert_sound_report(checker.check_text(text, "fuzz.md"))


@CHECKER
@given(latex_pieces, latex_pieces)
def test_checker_on_generated_claims(checker: Checker, left: str, right: str) -> None:
    assert_sound_report(checker.check_text(f"# Claims\n\n$${left} = {right}$$\n", "fuzz.md"))


@pytest.mark.parametrize(
    "text",
    [
        "$$x = -$$",
        "$$(-$$",
        "$$\\frac{1}{%comment\n$$",
        "$$x_{" + "1" * 5000 + "} = 1$$",
        pytest.param("$$1" + "0" * 5000 + " = 1$$", marks=pytest.mark.xfail(
            not limits_are_checked(), reason="Checker.plan_claim does not call limits.check_claim yet", strict=True,
        )),
        "$$2^{2^{2^{2^{2^{2}}}}} = 1$$",
        "$$x = 1$$\r\n\r\n$$x + 1 = 2$$\r\n",
        "```latex\n```\n\n```math\n\n```\n$$$$",
        "$$\\begin{bmatrix} & \\\\ & \\end{bmatrix} = 0$$",
        "$$\\left( x \\right. = x$$",
        "$$x & y \\\\ = 1$$",
        "$$α + β = β + α$$",
        "$$\u202ex\u202c = x$$",
        "$$\\unknown{x} = 1$$",
        "\ufeff# Title\n\n$$x = 1$$",
    ],
)
def test_checker_on_known_hard_inputs(checker: Checker, text: str) -> None:
    assert_sound_report(checker.check_text(text, "hard.md"))
