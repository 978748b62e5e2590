"""The strategies that decide one step ``lhs = rhs``, tried in this order:

1. ``structural``: the two SymPy values are identical. Proves.
2. ``symbolic``: the difference (entry by entry for matrices) becomes 0 under ``doit``,
   ``expand`` or ``simplify``, within a share of the time budget. Proves.
3. ``numeric``: both sides are evaluated at seeded random points with 30 significant digits;
   arbitrary functions are replaced by random smooth ones first. A difference is confirmed at
   60 digits before it is reported, at a point where both sides are finite and real. Refutes,
   or supports without proof.

A step whose sides have different shapes is refuted by shape alone: no point can make a
2 x 1 vector equal a 2 x 2 matrix.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import sympy

from ..semantics.leaves import natural_key
from ..semantics.values import Value, as_scalar, is_matrix, shape_text
from .budget import SoftTimeout, soft_deadline
from .numeric import (
    CONFIRM_DIGITS, compare_at, entries, format_number, format_values, free_symbols,
    has_undefined_functions, sample_points, substitute_functions,
)
from .verdict import Counterexample, Verdict

SAMPLE_POINTS = 8
FUNCTION_TRIALS = 3


@dataclass
class Outcome:
    """The conclusion a strategy reached about one step."""

    verdict: Verdict
    method: str
    message: str
    counterexample: Counterexample | None = None
    expected: str | None = None


def structural(lhs: Value, rhs: Value) -> Outcome | None:
    """Prove the step when both sides are the same SymPy object."""
    if lhs == rhs:
        return Outcome(Verdict.PROVED, "structural", "both sides are identical")
    return None


def shapes(lhs: Value, rhs: Value) -> Outcome | None:
    """Refute the step when the sides have different shapes."""
    lhs, rhs = as_scalar(lhs), as_scalar(rhs)
    left_shape = lhs.shape if is_matrix(lhs) else None  # type: ignore[union-attr]
    right_shape = rhs.shape if is_matrix(rhs) else None  # type: ignore[union-attr]
    if left_shape == right_shape:
        return None
    if left_shape is not None and right_shape is not None and left_shape[::-1] == right_shape and 1 in left_shape:
        return None  # a row against a column: decided by transposed(), after the entries are compared
    message = f"the left side is {shape_text(lhs)} but the right side is {shape_text(rhs)}"
    counterexample = Counterexample({}, shape_text(lhs), shape_text(rhs))
    return Outcome(Verdict.REFUTED, "shape", message, counterexample)


def transposed(lhs: Value, rhs: Value) -> bool:
    """Tell whether one side is a row and the other the column of the same length."""
    lhs, rhs = as_scalar(lhs), as_scalar(rhs)
    if not (is_matrix(lhs) and is_matrix(rhs)):
        return False
    return lhs.shape != rhs.shape and lhs.shape[::-1] == rhs.shape and 1 in lhs.shape  # type: ignore[union-attr]


def _doit(value: Value) -> Value:
    if is_matrix(value):
        return sympy.ImmutableMatrix(value.applyfunc(lambda entry: entry.doit()))  # type: ignore[union-attr]
    return value.doit()  # type: ignore[union-attr]


def _zero(difference: sympy.Expr) -> bool:
    if difference == 0:
        return True
    if sympy.expand(difference) == 0:
        return True
    return sympy.simplify(difference) == 0


def symbolic(lhs: Value, rhs: Value, seconds: float) -> Outcome | None:
    """Prove the step by simplifying the difference of the sides, within ``seconds``."""
    try:
        with soft_deadline(seconds):
            left, right = _doit(lhs), _doit(rhs)
            if left == right:
                return Outcome(Verdict.PROVED, "symbolic", "both sides evaluate to the same expression")
            pairs = list(zip(entries(left), entries(right)))
            if all(_zero(a - b) for a, b in pairs):
                return Outcome(Verdict.PROVED, "symbolic", "the difference of the sides simplifies to 0")
    except SoftTimeout:
        return None
    except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError, ZeroDivisionError, OverflowError, MemoryError):
        return None
    return None


def derived_latex(value: Value, seconds: float) -> str | None:
    """LaTeX of the value symcheck derives for a side: evaluated, and simplified if that is quick."""
    try:
        with soft_deadline(seconds / 2):
            evaluated = _doit(value)
    except SoftTimeout:
        return None
    except Exception:  # noqa: BLE001 - the expected value is a courtesy, never fatal
        return None
    try:
        with soft_deadline(seconds / 2):
            simplified = evaluated.applyfunc(sympy.simplify) if is_matrix(evaluated) else sympy.simplify(evaluated)  # type: ignore[union-attr]
    except SoftTimeout:
        simplified = evaluated
    except Exception:  # noqa: BLE001 - a failed simplification keeps the evaluated value
        simplified = evaluated
    try:
        return sympy.latex(simplified)
    except Exception:  # noqa: BLE001 - printing failures leave the expected value out
        return None


def numeric(lhs: Value, rhs: Value, seed: int, seconds: float) -> Outcome:
    """Compare the sides at random points; refute with a confirmed counterexample."""
    rng = random.Random(seed)
    constant = _constant_difference(lhs, rhs)
    if constant is not None:
        return constant
    trials = FUNCTION_TRIALS if has_undefined_functions(lhs, rhs) else 1
    checked = 0
    undefined_points = 0
    try:
        with soft_deadline(seconds):
            for _ in range(trials):
                (left, right), functions = substitute_functions([lhs, rhs], rng)
                # Take limits and sums once, symbolically, rather than again at every point.
                left, right = _evaluate_once(left), _evaluate_once(right)
                symbols = free_symbols(left, right)
                for point in sample_points(symbols, SAMPLE_POINTS if symbols else 1, rng):
                    comparison = compare_at(left, right, point)
                    if not comparison.defined:
                        undefined_points += 1
                        continue
                    if comparison.agree:
                        checked += 1
                        continue
                    confirmed = compare_at(left, right, point, CONFIRM_DIGITS)
                    if confirmed.defined and not confirmed.agree:
                        counterexample = Counterexample(
                            {str(symbol): str(value) for symbol, value in sorted(point.items(), key=lambda item: natural_key(item[0]))},
                            *_distinct_texts(confirmed.lhs, confirmed.rhs),
                            functions=functions,
                        )
                        return Outcome(Verdict.REFUTED, "numeric", "the sides differ", counterexample)
                    checked += 1
    except SoftTimeout:
        if checked == 0:
            return Outcome(Verdict.INCONCLUSIVE, "numeric", "numeric evaluation ran out of time")
    except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError, OverflowError, MemoryError) as error:
        return Outcome(Verdict.INCONCLUSIVE, "numeric", f"numeric evaluation failed: {type(error).__name__}: {error}")
    if checked == 0:
        reason = "both sides are undefined or complex at every sampled point" if undefined_points else "the sides could not be evaluated"
        if _unevaluated(lhs, rhs):
            reason = "a limit, sum or derivative could not be evaluated"
        return Outcome(Verdict.INCONCLUSIVE, "numeric", reason)
    functions_note = " with random concrete functions in place of arbitrary ones" if trials > 1 else ""
    return Outcome(Verdict.NUMERIC, "numeric", f"the sides agree at {checked} random points{functions_note}, but no proof was found")


def _distinct_texts(left: list, right: list) -> tuple[str, str]:
    """Both values as text, with as many digits as it takes to show that they differ."""
    for digits in (12, 25, 45):
        left_text, right_text = format_values(left, digits), format_values(right, digits)
        if left_text != right_text:
            break
    return left_text, right_text


def _constant_difference(lhs: Value, rhs: Value) -> Outcome | None:
    """Decide a step between two constants exactly, without sampling: 1 = 1 + 10^{-20}."""
    if free_symbols(lhs, rhs) or has_undefined_functions(lhs, rhs):
        return None
    if is_matrix(lhs) or is_matrix(rhs):
        return None
    try:
        difference = lhs - rhs  # type: ignore[operator]
        zero = difference.is_zero
        if zero is None:
            value = difference.evalf(CONFIRM_DIGITS)
            if not value.is_number or value.has(sympy.nan, sympy.zoo):
                return None
            scale = 1 + abs(lhs.evalf(CONFIRM_DIGITS)) + abs(rhs.evalf(CONFIRM_DIGITS))  # type: ignore[union-attr]
            zero = abs(value) <= sympy.Float(10) ** (-(CONFIRM_DIGITS - 10)) * scale
            if zero:
                return None  # agrees to 50 digits: leave it to the numeric comparison
    except (TypeError, ValueError, AttributeError, ZeroDivisionError):
        return None
    if zero:
        return None
    left_text, right_text = _distinct_texts([lhs.evalf(CONFIRM_DIGITS)], [rhs.evalf(CONFIRM_DIGITS)])  # type: ignore[union-attr]
    return Outcome(Verdict.REFUTED, "numeric", "the sides are different constants", Counterexample({}, left_text, right_text))


def _evaluate_once(value: Value) -> Value:
    if not value.has(sympy.Limit, sympy.Sum, sympy.Product):  # type: ignore[union-attr]
        return value
    try:
        return _doit(value)
    except (TypeError, ValueError, NotImplementedError, AttributeError, ZeroDivisionError):
        return value


def _unevaluated(*values: Value) -> bool:
    return any(value.has(sympy.Limit, sympy.Sum, sympy.Derivative, sympy.Integral) for value in values)  # type: ignore[union-attr]


__all__ = ["Outcome", "structural", "shapes", "symbolic", "numeric", "derived_latex", "format_number"]
