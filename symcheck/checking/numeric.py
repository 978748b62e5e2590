"""Numeric evaluation for the checking strategies: sample points, concrete stand-ins for
arbitrary functions, and high-precision comparison with mpmath (through SymPy's evalf).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from ..semantics.leaves import natural_key
from ..semantics.values import Value, is_matrix

# Digits of working precision for comparisons, and for confirming a counterexample.
WORKING_DIGITS = 30
CONFIRM_DIGITS = 60
# Two values agree when |a - b| <= RELATIVE_TOLERANCE * (1 + |a| + |b|).
RELATIVE_TOLERANCE = sympy.Rational(1, 10**20)


@dataclass
class Comparison:
    """The values of both sides at one point."""

    point: dict[sympy.Symbol, sympy.Rational]
    lhs: list[sympy.Expr]  # entries, row-major
    rhs: list[sympy.Expr]
    agree: bool
    defined: bool  # both sides finite at this point


def entries(value: Value) -> list[sympy.Expr]:
    if is_matrix(value):
        return list(value)  # type: ignore[arg-type]
    return [value]  # type: ignore[list-item]


def free_symbols(*values: Value) -> list[sympy.Symbol]:
    found: set = set()
    for value in values:
        found |= {s for s in value.free_symbols if isinstance(s, sympy.Symbol)}  # type: ignore[union-attr]
    return sorted(found, key=natural_key)


def sample_points(symbols: list[sympy.Symbol], count: int, rng: random.Random) -> list[dict[sympy.Symbol, sympy.Rational]]:
    """Random rational points: first in (0.3, 2.1) where logarithms and roots are defined, then
    signed values in (-2, 2) away from 0, so kinks such as max(0, x) at 0 are avoided."""
    points = []
    positive = (count + 1) // 2
    for index in range(count):
        point = {}
        for position, symbol in enumerate(symbols):
            # A prime denominator keeps sample points off grids such as multiples of 1/1000, where
            # sin(1000 pi x) happens to vanish.
            denominator = 997
            if index < positive:
                value = sympy.Rational(rng.randint(300, 2100), denominator)
            else:
                # The signs of the signed points run through the bit patterns of their index, so
                # every symbol is negative at some of them, and at one point all are.
                magnitude = sympy.Rational(rng.randint(150, 2000), denominator)
                if index == count - 1:
                    magnitude = sympy.Rational(rng.randint(5000, 40000), denominator)  # far from 0
                negative = ((index - positive) >> (position % 3)) % 2 == 0
                value = -magnitude if negative else magnitude
            # Assumptions from the document (x > 0, x < 0) restrict the sign.
            if symbol.is_nonnegative:  # type: ignore[union-attr]
                value = abs(value)
            elif symbol.is_nonpositive:
                value = -abs(value)
            point[symbol] = value
        points.append(point)
    return points


def _evaluate(expression: sympy.Expr, point: dict, digits: int) -> sympy.Expr | None:
    try:
        value = expression.xreplace(point)
        if value.has(sympy.Limit, sympy.Derivative, sympy.Subs, sympy.Integral, sympy.Sum):
            value = value.doit()
        result = value.evalf(digits)
    except (ZeroDivisionError, ValueError, TypeError, ArithmeticError, RecursionError, MemoryError):
        return None
    if not isinstance(result, sympy.Expr) or result.free_symbols or result.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return None
    if result.has(AppliedUndef) or not result.is_number:
        return None
    real, imaginary = result.as_real_imag()
    if abs(imaginary) > sympy.Float(10) ** (-digits // 2) * (1 + abs(real)):
        return None  # complex: outside the real domain the document speaks of
    return real


def compare_at(lhs: Value, rhs: Value, point: dict, digits: int = WORKING_DIGITS) -> Comparison:
    left = [_evaluate(entry, point, digits) for entry in entries(lhs)]
    right = [_evaluate(entry, point, digits) for entry in entries(rhs)]
    defined = all(value is not None for value in left + right)
    agree = defined and all(
        abs(a - b) <= RELATIVE_TOLERANCE * (1 + abs(a) + abs(b))  # type: ignore[operator,arg-type]
        for a, b in zip(left, right)
    )
    return Comparison(point, left, right, bool(agree), defined)  # type: ignore[arg-type]


def random_function(arity: int, rng: random.Random) -> tuple[sympy.Lambda, str]:
    """A smooth function of ``arity`` real arguments with random rational coefficients.

    The family mixes a linear part, a quadratic and a sine, so that wrong chain or product
    rules show up with probability one.
    """
    arguments = sympy.symbols(f"t1:{arity + 1}", real=True)
    def coefficient() -> sympy.Rational:
        return sympy.Rational(rng.randint(3, 17), rng.randint(4, 9)) * (1 if rng.random() < 0.7 else -1)
    linear = sum(coefficient() * argument for argument in arguments)
    weights = [coefficient() for _ in arguments]
    inner = sum(weight * argument for weight, argument in zip(weights, arguments))
    second = sum(coefficient() * argument for argument in arguments)
    body = (
        coefficient() + linear + coefficient() * sympy.sin(inner) + coefficient() * sympy.cos(second) / 3
        + coefficient() * arguments[0] ** 2 + coefficient() * arguments[-1] ** 3 / 5
    )
    name = "(" + ", ".join(str(a) for a in arguments) + ") -> " + sympy.sstr(body)
    return sympy.Lambda(arguments, body), name


def substitute_functions(values: list[Value], rng: random.Random) -> tuple[list[Value], dict[str, str]]:
    """Replace every undefined function by a random concrete one; return the choices made."""
    functions: dict = {}
    for value in values:
        for applied in value.atoms(AppliedUndef):  # type: ignore[union-attr]
            functions.setdefault(applied.func, len(applied.args))
    if not functions:
        return values, {}
    replacements = {}
    names = {}
    for function in sorted(functions, key=lambda f: natural_key(sympy.Symbol(str(f)))):
        concrete, text = random_function(functions[function], rng)
        replacements[function] = concrete
        names[str(function)] = text
    replaced: list[Value] = []
    for value in values:
        # Evaluate derivatives of compositions first, while the functions are still symbols.
        result = _doit(value)
        for function, concrete in replacements.items():
            result = result.replace(function, concrete)  # type: ignore[union-attr]
        if is_matrix(result):
            result = sympy.ImmutableMatrix(result.applyfunc(lambda entry: entry.doit() if entry.has(sympy.Derivative, sympy.Subs) else entry))  # type: ignore[union-attr]
        elif result.has(sympy.Derivative, sympy.Subs):  # type: ignore[union-attr]
            result = result.doit()  # type: ignore[union-attr]
        replaced.append(result)
    return replaced, names


def _by_symbols(expression: sympy.Expr) -> sympy.Expr:
    """Rewrite d F / d g(x) (a derivative by an expression) as dF(u)/du at u = g(x)."""

    def rewrite(derivative: sympy.Derivative) -> sympy.Expr:
        result = derivative.expr
        for variable, count in derivative.variable_count:
            if isinstance(variable, sympy.Symbol):
                result = sympy.Derivative(result, (variable, count))
                continue
            helper = sympy.Dummy("u", real=True)
            result = sympy.Subs(sympy.Derivative(result.subs(variable, helper), (helper, count)), helper, variable)
        return result

    return expression.replace(
        lambda item: isinstance(item, sympy.Derivative) and not all(isinstance(v, sympy.Symbol) for v in item.variables),
        rewrite,
    )


def _doit(value: Value) -> Value:
    """Evaluate derivatives, leaving derivatives by an expression as Subs of a dummy."""
    if not value.has(sympy.Derivative, sympy.Subs):  # type: ignore[union-attr]
        return value
    if is_matrix(value):
        return sympy.ImmutableMatrix(value.applyfunc(lambda entry: _by_symbols(entry.doit())))  # type: ignore[union-attr]
    return _by_symbols(value.doit())  # type: ignore[union-attr]


def has_undefined_functions(*values: Value) -> bool:
    return any(value.has(AppliedUndef) for value in values)  # type: ignore[union-attr]


def format_number(value: sympy.Expr | None, digits: int = 12) -> str:
    if value is None:
        return "undefined"
    number = sympy.Float(value, digits)
    text = sympy.sstr(number, full_prec=False)
    return text


def format_values(values: list, digits: int = 12) -> str:
    if len(values) == 1:
        return format_number(values[0], digits)
    return "[" + ", ".join(format_number(value, digits) for value in values) + "]"
