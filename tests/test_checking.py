"""Tests for the checking strategies, counterexamples, time budgets and repeatable runs."""

from __future__ import annotations

import random
import time

import pytest
import sympy

from symcheck.api import verify_text
from symcheck.checking import strategies
from symcheck.checking.numeric import compare_at, sample_points, substitute_functions
from symcheck.checking.verdict import Counterexample, Verdict
from symcheck.config import Options

x = sympy.Symbol("x", real=True)
y = sympy.Symbol("y", real=True)
f = sympy.Function("f", real=True)
g = sympy.Function("g", real=True)


def check(text: str, budget: float = 2.0, seed: int = 0):
    return verify_text(text, options=Options(budget=budget, seed=seed, cache=False))


def concrete_function(text: str) -> sympy.Lambda:
    """Rebuild the function a counterexample names, written as '(t1) -> body'."""
    arguments_text, body_text = text.split("->", 1)
    names = [name.strip() for name in arguments_text.strip().strip("()").split(",")]
    arguments = [sympy.Symbol(name, real=True) for name in names]
    body = sympy.sympify(body_text, locals=dict(zip(names, arguments)))
    return sympy.Lambda(tuple(arguments), body)


def at_point(build, counterexample: Counterexample) -> float:
    """Evaluate ``build(functions)`` at the counterexample's point, with its concrete functions."""
    functions = {name: concrete_function(text) for name, text in counterexample.functions.items()}
    expression = sympy.sympify(build(functions)).doit()
    point = {sympy.Symbol(name, real=True): sympy.Rational(text) for name, text in counterexample.point.items()}
    return float(expression.xreplace(point).evalf(30))


# -- structural -----------------------------------------------------------------------


def test_structural_identical() -> None:
    outcome = strategies.structural(x**2 + 1, x**2 + 1)
    assert outcome is not None
    assert outcome.verdict is Verdict.PROVED
    assert outcome.method == "structural"


def test_structural_different() -> None:
    assert strategies.structural(x**2 + 1, x**2) is None
    assert strategies.structural(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, sympy.Integer(1)) is None


# -- shapes ---------------------------------------------------------------------------


def test_shapes_mismatch_refutes() -> None:
    outcome = strategies.shapes(sympy.ImmutableMatrix([x, y]), x)
    assert outcome is not None
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.method == "shape"
    assert outcome.message == "the left side is 2 x 1 but the right side is a scalar"


def test_shapes_matrix_sizes() -> None:
    outcome = strategies.shapes(sympy.ImmutableMatrix([[x, y], [y, x]]), sympy.ImmutableMatrix([x, y]))
    assert outcome is not None
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.message == "the left side is 2 x 2 but the right side is 2 x 1"


def test_shapes_equal_pass() -> None:
    assert strategies.shapes(sympy.ImmutableMatrix([x, y]), sympy.ImmutableMatrix([y, x])) is None
    assert strategies.shapes(sympy.ImmutableMatrix([[x]]), y) is None


def test_shapes_row_column_deferred() -> None:
    row, column = sympy.ImmutableMatrix([[x, y]]), sympy.ImmutableMatrix([x, y])
    assert strategies.shapes(row, column) is None
    assert strategies.transposed(row, column) is True
    assert strategies.transposed(column, column) is False


def test_row_against_column_inconclusive() -> None:
    report = check("$$f(x_1, x_2) = x_1^2 x_2$$\n\n$$\\nabla f = \\begin{bmatrix} 2x_1x_2 & x_1^2 \\end{bmatrix}$$")
    claim = report.claims[1]
    assert claim.verdict is Verdict.INCONCLUSIVE
    assert claim.steps[0].message.startswith("one side is a row and the other a column")


# -- symbolic -------------------------------------------------------------------------


def test_symbolic_proves_identity() -> None:
    outcome = strategies.symbolic(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, sympy.Integer(1), 2.0)
    assert outcome is not None
    assert outcome.verdict is Verdict.PROVED
    assert outcome.method == "symbolic"


def test_symbolic_matrix_entries() -> None:
    left = sympy.ImmutableMatrix([(x + 1) ** 2, sympy.exp(x) * sympy.exp(y)])
    right = sympy.ImmutableMatrix([x**2 + 2 * x + 1, sympy.exp(x + y)])
    outcome = strategies.symbolic(left, right, 2.0)
    assert outcome is not None
    assert outcome.verdict is Verdict.PROVED


def test_symbolic_never_refutes() -> None:
    assert strategies.symbolic(sympy.sin(x) ** 2, sympy.Integer(1), 2.0) is None


def test_symbolic_unevaluated_derivative() -> None:
    outcome = strategies.symbolic(sympy.Derivative(x**3, x), 3 * x**2, 2.0)
    assert outcome is not None
    assert outcome.verdict is Verdict.PROVED


def test_symbolic_gives_up_in_time() -> None:
    heavy_left = sympy.expand((1 + x + y) ** 40) * (1 - x) ** 40
    heavy_right = heavy_left + sympy.Rational(1, 10**9) * x
    started = time.monotonic()
    outcome = strategies.symbolic(heavy_left, heavy_right, 0.2)
    assert outcome is None
    assert time.monotonic() - started < 2


# -- numeric --------------------------------------------------------------------------


def test_numeric_refutes_with_point() -> None:
    outcome = strategies.numeric(sympy.sin(x) ** 2, sympy.Integer(1), 0, 2.0)
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.method == "numeric"
    counterexample = outcome.counterexample
    assert counterexample is not None
    assert list(counterexample.point) == ["x"]
    point = sympy.Rational(counterexample.point["x"])
    left = float(sympy.sin(point) ** 2)
    assert float(counterexample.lhs_value) == pytest.approx(left, rel=1e-9)
    assert float(counterexample.rhs_value) == 1.0
    assert abs(left - 1.0) > 1e-6


def test_numeric_supports_true() -> None:
    outcome = strategies.numeric(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, sympy.Integer(1), 0, 2.0)
    assert outcome.verdict is Verdict.NUMERIC
    assert outcome.counterexample is None
    assert outcome.message.startswith("the sides agree at")


def test_numeric_undefined_everywhere() -> None:
    outcome = strategies.numeric(sympy.log(-(x**2) - 1), sympy.Integer(0), 0, 2.0)
    assert outcome.verdict is Verdict.INCONCLUSIVE
    assert outcome.message == "both sides are undefined or complex at every sampled point"


def test_numeric_negative_points() -> None:
    # sqrt(x^2) = x is true only for x >= 0, and the samples include negative points.
    outcome = strategies.numeric(sympy.sqrt(x**2), x, 0, 2.0)
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.counterexample is not None
    assert sympy.Rational(outcome.counterexample.point["x"]) < 0


def test_numeric_replaces_functions() -> None:
    outcome = strategies.numeric(sympy.diff(f(x) ** 2, x), 2 * f(x), 0, 2.0)
    assert outcome.verdict is Verdict.REFUTED
    counterexample = outcome.counterexample
    assert counterexample is not None
    assert list(counterexample.functions) == ["f"]
    left = at_point(lambda concrete: sympy.diff(concrete["f"](x) ** 2, x), counterexample)
    right = at_point(lambda concrete: 2 * concrete["f"](x), counterexample)
    assert float(counterexample.lhs_value) == pytest.approx(left, rel=1e-9)
    assert float(counterexample.rhs_value) == pytest.approx(right, rel=1e-9)
    assert abs(left - right) > 1e-6


def test_numeric_true_rule_with_functions() -> None:
    outcome = strategies.numeric(sympy.diff(f(x) ** 2, x), 2 * f(x) * sympy.diff(f(x), x), 0, 2.0)
    assert outcome.verdict is Verdict.NUMERIC
    assert "random concrete functions" in outcome.message


def test_sample_points_avoid_zero() -> None:
    points = sample_points([x, y], 20, random.Random(3))
    assert len(points) == 20
    assert all(abs(value) >= sympy.Rational(15, 100) for point in points for value in point.values())
    assert any(point[x] < 0 for point in points)


def test_substitute_functions_concrete() -> None:
    (left,), names = substitute_functions([f(x) + g(x)], random.Random(1))
    assert sorted(names) == ["f", "g"]
    assert not left.atoms(sympy.core.function.AppliedUndef)
    comparison = compare_at(left, left, {x: sympy.Rational(1, 2)})
    assert comparison.defined
    assert comparison.agree


# -- counterexamples through a document ---------------------------------------------


def test_document_counterexample_confirmed() -> None:
    report = check("$$\\frac{d}{dx}(x^3) = 3x$$")
    (claim,) = report.claims
    assert claim.verdict is Verdict.REFUTED
    counterexample = claim.steps[0].counterexample
    assert counterexample is not None
    point = sympy.Rational(counterexample.point["x"])
    assert float(counterexample.lhs_value) == pytest.approx(float(3 * point**2), rel=1e-9)
    assert float(counterexample.rhs_value) == pytest.approx(float(3 * point), rel=1e-9)
    assert float(counterexample.lhs_value) != pytest.approx(float(counterexample.rhs_value))
    assert claim.steps[0].expected == "3 x^{2}"


def test_document_functions_replaced() -> None:
    report = check("$$\\frac{d}{dx} f(g(x)) = f'(x) g'(x)$$")
    (claim,) = report.claims
    assert claim.verdict is Verdict.REFUTED
    counterexample = claim.steps[0].counterexample
    assert counterexample is not None
    assert sorted(counterexample.functions) == ["f", "g"]
    left = at_point(lambda concrete: sympy.diff(concrete["f"](concrete["g"](x)), x), counterexample)
    right = at_point(lambda concrete: sympy.diff(concrete["f"](x), x) * sympy.diff(concrete["g"](x), x), counterexample)
    assert float(counterexample.lhs_value) == pytest.approx(left, rel=1e-9)
    assert float(counterexample.rhs_value) == pytest.approx(right, rel=1e-9)
    assert abs(left - right) > 1e-6


def test_document_chain_rule_holds() -> None:
    report = check("$$\\frac{d}{dx} f(g(x)) = f'(g(x)) g'(x)$$")
    (claim,) = report.claims
    assert claim.verdict in (Verdict.PROVED, Verdict.NUMERIC)


# -- time budget ----------------------------------------------------------------------

SLOW_DERIVATIVE = "\\frac{d}{dx}\\sin(10(x+5)^4)"


def test_budget_true_derivative() -> None:
    started = time.monotonic()
    report = check(f"$${SLOW_DERIVATIVE} = 40(x+5)^3\\cos(10(x+5)^4)$$", budget=2.0)
    elapsed = time.monotonic() - started
    (claim,) = report.claims
    assert claim.verdict in (Verdict.PROVED, Verdict.NUMERIC)
    assert elapsed < 3.5


@pytest.mark.parametrize(
    "wrong",
    ["-40(x+5)^3\\cos(10(x+5)^4)", "40(x+5)^3\\cos(10(x+5)^3)", "4(x+5)^3\\cos(10(x+5)^4)", "40(x+5)^3\\sin(10(x+5)^4)"],
)
def test_budget_wrong_derivative(wrong: str) -> None:
    started = time.monotonic()
    report = check(f"$${SLOW_DERIVATIVE} = {wrong}$$", budget=2.0)
    elapsed = time.monotonic() - started
    (claim,) = report.claims
    assert claim.verdict is Verdict.REFUTED
    assert elapsed < 3.5


def test_hanging_step_times_out() -> None:
    started = time.monotonic()
    report = check("$$(10^{6})! = 1$$", budget=0.5)
    elapsed = time.monotonic() - started
    (claim,) = report.claims
    assert claim.verdict is Verdict.INCONCLUSIVE
    assert claim.steps[0].method == "timeout"
    assert claim.steps[0].message == "timed out after 0.5 s"
    assert elapsed < 2.5


def test_timeout_then_next_claim() -> None:
    # The worker killed by a timeout is replaced, so the next claim is still checked.
    report = check("$$(10^{6})! = 1$$\n\n$$\\frac{d}{dx}(x^2) = 2x$$", budget=0.5)
    assert [claim.verdict for claim in report.claims] == [Verdict.INCONCLUSIVE, Verdict.PROVED]


def test_budget_directive_overrides() -> None:
    report = check("<!-- symcheck: budget 0.3s -->\n$$(10^{6})! = 1$$", budget=5.0)
    (claim,) = report.claims
    assert claim.steps[0].message == "timed out after 0.3 s"


# -- repeatable runs ------------------------------------------------------------------

REPEAT_DOCUMENT = (
    "$$\\frac{d}{dx}(x^2) = 2x^2$$\n\n"
    "$$\\frac{d}{dx} f(g(x)) = f'(x) g'(x)$$\n\n"
    "$$\\frac{d}{dx}\\sin(x) = \\cos(x) + x$$\n"
)


def without_seconds(data: object) -> object:
    if isinstance(data, dict):
        return {key: without_seconds(item) for key, item in data.items() if key != "seconds"}
    if isinstance(data, list):
        return [without_seconds(item) for item in data]
    return data


def test_same_seed_same_report() -> None:
    first = check(REPEAT_DOCUMENT, seed=7).to_dict()
    second = check(REPEAT_DOCUMENT, seed=7).to_dict()
    assert without_seconds(first) == without_seconds(second)
    assert [claim["verdict"] for claim in first["claims"]] == ["refuted", "refuted", "refuted"]
