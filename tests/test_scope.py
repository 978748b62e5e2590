"""Tests for definitions in scope: sections, redefinitions, chains that define, prose and directives."""

from __future__ import annotations

from fractions import Fraction

import pytest

from symcheck.api import verify_text
from symcheck.checking.verdict import ClaimResult, Verdict
from symcheck.config import Options
from symcheck.semantics.context import Definition, Scope


def check(text: str) -> list[ClaimResult]:
    return verify_text(text, options=Options(budget=2.0, cache=False)).claims


def verdicts(text: str) -> list[Verdict]:
    return [claim.verdict for claim in check(text)]


# -- a definition, then a claim about it ---------------------------------------------


def test_definition_then_prime() -> None:
    claims = check("$$f(x) = x^2$$\n\n$$f'(x) = 2x$$")
    assert [claim.verdict for claim in claims] == [Verdict.DEFINITION, Verdict.PROVED]
    assert claims[0].message == "defines f"
    assert claims[1].message == "1 step proved"


@pytest.mark.parametrize("wrong", ["-2x", "3x", "2x^2", "x^2", "2"])
def test_definition_then_wrong_prime(wrong: str) -> None:
    claims = check(f"$$f(x) = x^2$$\n\n$$f'(x) = {wrong}$$")
    assert claims[1].verdict is Verdict.REFUTED
    assert claims[1].steps[0].counterexample is not None


def test_definition_value_used() -> None:
    assert verdicts("$$f(x) = x^2$$\n\n$$f(3) = 9$$") == [Verdict.DEFINITION, Verdict.PROVED]
    assert verdicts("$$f(x) = x^2$$\n\n$$f(3) = 6$$") == [Verdict.DEFINITION, Verdict.REFUTED]


def test_two_parameter_definition() -> None:
    text = "$$f(x_1, x_2) = x_1^2 + cos(x_2)$$\n\n$$\\frac{df}{dx_2} = -sin(x_2)$$"
    assert verdicts(text) == [Verdict.DEFINITION, Verdict.PROVED]
    wrong = "$$f(x_1, x_2) = x_1^2 + cos(x_2)$$\n\n$$\\frac{df}{dx_2} = sin(x_2)$$"
    assert verdicts(wrong) == [Verdict.DEFINITION, Verdict.REFUTED]


def test_value_definition_substituted() -> None:
    assert verdicts("$$y = x^2$$\n\n$$\\frac{dy}{dx} = 2x$$") == [Verdict.DEFINITION, Verdict.PROVED]
    assert verdicts("$$y = x^2$$\n\n$$\\frac{dy}{dx} = x$$") == [Verdict.DEFINITION, Verdict.REFUTED]


def test_equation_not_definition() -> None:
    # x = x + 0 mentions x on the right, so it is checked rather than recorded.
    claims = check("$$x = x + 0$$")
    assert claims[0].verdict is Verdict.PROVED


# -- sections ------------------------------------------------------------------------


def test_redefinition_later_section() -> None:
    text = "# A\n\n$$f(x) = x^2$$\n\n$$f'(x) = 2x$$\n\n# B\n\n$$f(x) = x^3$$\n\n$$f'(x) = 3x^2$$\n\n$$f'(x) = 2x$$\n"
    assert verdicts(text) == [Verdict.DEFINITION, Verdict.PROVED, Verdict.DEFINITION, Verdict.PROVED, Verdict.REFUTED]


def test_redefinition_same_section() -> None:
    text = "$$f(x) = x^2$$\n\n$$f(x) = x^3$$\n\n$$f'(x) = 3x^2$$\n"
    assert verdicts(text) == [Verdict.DEFINITION, Verdict.DEFINITION, Verdict.PROVED]


def test_dropped_at_same_level() -> None:
    claims = check("# A\n\n$$f(x) = x^2$$\n\n# B\n\n$$f'(x) = 2x$$\n")
    assert claims[1].verdict is Verdict.INCONCLUSIVE
    assert "arbitrary function f" in claims[1].message


def test_dropped_at_higher_level() -> None:
    claims = check("## A\n\n$$k = 2$$\n\n# B\n\n$$k^2 = 4$$\n")
    assert claims[1].verdict is Verdict.REFUTED


def test_kept_in_subsection() -> None:
    text = "## A\n\n$$k = 2$$\n\n### A.1\n\n$$k^2 = 4$$\n\n## B\n\n$$k^2 = 4$$\n"
    assert verdicts(text) == [Verdict.DEFINITION, Verdict.PROVED, Verdict.REFUTED]


def test_document_level_definition_kept() -> None:
    text = "$$k = 2$$\n\n# A\n\n$$k^2 = 4$$\n\n# B\n\n$$k^3 = 8$$\n"
    assert verdicts(text) == [Verdict.DEFINITION, Verdict.PROVED, Verdict.PROVED]


# -- chains that define --------------------------------------------------------------


def test_chain_defines_and_checks() -> None:
    claims = check("$$a = \\sigma(z) = \\frac{1}{1+e^{-z}} = \\frac{e^z}{e^z+1}$$")
    (claim,) = claims
    assert claim.verdict is Verdict.PROVED
    assert claim.message == "defines a, \\sigma; 1 step proved"
    assert len(claim.steps) == 1


def test_chain_defines_then_refutes() -> None:
    (claim,) = check("$$a = \\sigma(z) = \\frac{1}{1+e^{-z}} = \\frac{e^z}{e^z+2}$$")
    assert claim.verdict is Verdict.REFUTED
    assert claim.message.startswith("defines a, \\sigma; the step")


def test_chain_definitions_used_later() -> None:
    text = "$$u = f(x) = 3x^2 - 4x$$\n\n$$u = 3x^2 - 4x$$\n\n$$f(2) = 4$$\n\n$$f(2) = 5$$\n"
    assert verdicts(text) == [Verdict.DEFINITION, Verdict.PROVED, Verdict.PROVED, Verdict.REFUTED]


def test_chain_after_definition_defines_a() -> None:
    text = "$$\\sigma(z) = \\frac{1}{1+e^{-z}}$$\n\n$$a = \\sigma(z) = \\frac{e^z}{e^z+1}$$\n\n$$a = \\frac{1}{1+e^{-z}}$$\n"
    claims = check(text)
    assert claims[1].message.startswith("defines a")
    assert claims[2].verdict is Verdict.PROVED


def test_chain_after_definition_checked() -> None:
    text = "$$\\sigma(z) = \\frac{1}{1+e^{-z}}$$\n\n$$a = \\sigma(z) = \\frac{e^z}{e^z+1}$$\n"
    claims = check(text)
    assert claims[1].verdict is Verdict.PROVED
    assert len(claims[1].steps) == 1


def test_chain_wrong_after_definition() -> None:
    text = "$$\\sigma(z) = \\frac{1}{1+e^{-z}}$$\n\n$$a = \\sigma(z) = \\frac{1}{1+e^{z}}$$\n"
    claims = check(text)
    assert claims[1].verdict is Verdict.REFUTED


def test_chain_keeps_earlier_definition() -> None:
    text = "$$\\sigma(z) = \\frac{1}{1+e^{-z}}$$\n\n$$a = \\sigma(z) = \\frac{1}{1+e^{z}}$$\n\n$$\\sigma(0) = \\frac{1}{2}$$\n\n$$\\sigma(1) = \\frac{1}{1+e^{-1}}$$\n"
    claims = check(text)
    assert claims[3].verdict is Verdict.PROVED


# -- prose definitions ---------------------------------------------------------------


def test_prose_new_name_permanent() -> None:
    text = "Here $k = 2$ holds.\n\n$$k^2 = 4$$\n\nMore text.\n\n$$k + 1 = 3$$\n"
    assert verdicts(text) == [Verdict.DEFINITION, Verdict.PROVED, Verdict.PROVED]


def test_prose_remark_is_local() -> None:
    text = "$$y = 2x$$\n\nIf $y = 3x$, then $y - 3x = 0$.\n\n$$z = 1$$\n\n$$y = 2x$$\n"
    claims = check(text)
    assert [claim.verdict for claim in claims] == [
        Verdict.DEFINITION, Verdict.DEFINITION, Verdict.PROVED, Verdict.DEFINITION, Verdict.PROVED,
    ]
    assert [warning.code for warning in claims[1].warnings] == ["local-definition"]
    assert (claims[1].warnings[0].line, claims[1].warnings[0].column) == (3, 5)


def test_prose_remark_same_paragraph() -> None:
    text = "$$y = 2x$$\n\nIf $y = 3x$, then $y - 2x = 0$.\n"
    assert verdicts(text)[2] is Verdict.REFUTED


def test_prose_remark_next_display() -> None:
    # The local definition also applies to the next displayed formula.
    text = "$$y = 2x$$\n\nIf $y = 3x$, then\n\n$$y - 3x = 0$$\n"
    assert verdicts(text)[2] is Verdict.PROVED


@pytest.mark.parametrize("word", ["Define", "Let", "Suppose", "Consider", "Assume", "We denote", "Given", "where"])
def test_defining_word_permanent(word: str) -> None:
    text = f"$$y = 2x$$\n\n{word} $y = 3x$.\n\n$$z = 1$$\n\n$$y = 3x$$\n"
    claims = check(text)
    assert claims[1].verdict is Verdict.DEFINITION
    assert claims[1].warnings == []
    assert claims[3].verdict is Verdict.PROVED


@pytest.mark.parametrize("word", ["If", "Then", "Note that"])
def test_other_word_local(word: str) -> None:
    text = f"$$y = 2x$$\n\n{word} $y = 3x$.\n\n$$z = 1$$\n\n$$y = 3x$$\n"
    claims = check(text)
    assert [warning.code for warning in claims[1].warnings] == ["local-definition"]
    assert claims[3].verdict is Verdict.REFUTED


def test_display_redefines_used_name() -> None:
    text = "$$y = 2x$$\n\n$$y + 1 = 2x + 1$$\n\n$$y = 3x$$\n\n$$y - 3x = 0$$\n"
    # A display y = 3x after y is defined is an equation to check, not a new definition.
    assert verdicts(text) == [Verdict.DEFINITION, Verdict.PROVED, Verdict.REFUTED, Verdict.REFUTED]


# -- Scope on its own ----------------------------------------------------------------


def definition(name: str, level: int) -> Definition:
    return Definition(name, [], None, name, 1, 1, level)


def test_scope_local_restores() -> None:
    scope = Scope()
    scope.definitions["y"] = definition("y", 2)
    local = definition("y", 2)
    scope.enter_claim(True, 5)
    scope.local_paragraph = 5
    scope.define_locally(local)
    assert scope.definitions["y"] is local

    scope.enter_claim(True, 5)  # same paragraph
    assert scope.definitions["y"] is local
    scope.enter_claim(False, 0)  # the next display
    assert scope.definitions["y"] is local
    scope.enter_claim(False, 0)  # the display after it
    assert scope.definitions["y"] is not local
    assert scope.local == {}


def test_scope_local_new_name_dropped() -> None:
    scope = Scope()
    scope.enter_claim(True, 3)
    scope.local_paragraph = 3
    scope.define_locally(definition("q", 1))
    scope.enter_claim(True, 9)  # another paragraph
    assert "q" not in scope.definitions


def test_scope_leave_section_levels() -> None:
    scope = Scope()
    for name, level in (("top", 0), ("one", 1), ("two", 2), ("three", 3)):
        scope.definitions[name] = definition(name, level)
    scope.leave_section(5, 2)
    assert sorted(scope.definitions) == ["one", "top"]


# -- directives in scope -------------------------------------------------------------


def test_skip_directive() -> None:
    claims = check("<!-- symcheck: skip -->\n$$1 = 2$$\n\n$$2 = 2$$\n")
    assert claims[0].directive == "skip"
    assert claims[0].message == "skipped by a directive"
    assert claims[0].steps == []
    assert claims[1].verdict is Verdict.PROVED
    assert claims[1].directive == ""


def test_xfail_directive() -> None:
    (claim,) = check("<!-- symcheck: xfail the sign is wrong -->\n$$1 = 2$$\n")
    assert claim.directive == "xfail"
    assert claim.verdict is Verdict.REFUTED


def test_invalid_directive_located() -> None:
    claims = check("Text.\n\n<!-- symcheck: frobnicate -->\n$$1 = 1$$\n")
    assert claims[0].verdict is Verdict.UNPARSED
    assert claims[0].message.startswith("3:1: invalid directive: unknown directive 'frobnicate'")
    assert claims[1].verdict is Verdict.PROVED


def test_shape_directive_used() -> None:
    text = "<!-- symcheck: A is n x n; b is a column vector of size n -->\n\n$$(A^T b)^T = b^T A$$\n"
    (claim,) = check(text)
    assert claim.verdict is Verdict.NUMERIC
    assert "n = 1, 2, 3, 4" in claim.steps[0].message


def test_assumption_directive_used() -> None:
    (claim,) = check("<!-- symcheck: assume x > 0 -->\n\n$$\\sqrt{x^2} = x$$\n")
    assert claim.verdict in (Verdict.PROVED, Verdict.NUMERIC)


def test_assumption_wrong_sign() -> None:
    (claim,) = check("<!-- symcheck: assume x > 0 -->\n\n$$\\sqrt{x^2} = -x$$\n")
    assert claim.verdict is Verdict.REFUTED
    assert claim.steps[0].counterexample is not None
    assert Fraction(claim.steps[0].counterexample.point["x"]) > 0


def test_assumption_from_directive_on() -> None:
    claims = check("$$\\sqrt{x^2} = x$$\n\n<!-- symcheck: assume x > 0 -->\n\n$$\\sqrt{x^2} = x$$\n")
    assert claims[0].verdict is Verdict.REFUTED
    assert claims[1].verdict in (Verdict.PROVED, Verdict.NUMERIC)


def test_without_assumption_refuted() -> None:
    (claim,) = check("$$\\sqrt{x^2} = x$$\n")
    assert claim.verdict is Verdict.REFUTED


def test_colon_equals_defines() -> None:
    claims = check("$$f(x) := x^2$$\n\n$$f'(x) = 2x$$\n\n$$f'(x) = 3x$$\n")
    assert claims[0].verdict is Verdict.DEFINITION
    assert claims[1].verdict is Verdict.PROVED
    assert claims[2].verdict is Verdict.REFUTED
