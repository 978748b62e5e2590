"""Checks on the notation tree that need no SymPy: summations and operator precedence.

Each lint returns notes (warnings) that name the place and what looks wrong; none changes a
verdict.
"""

from __future__ import annotations

from ..notation.ast import BigOperator, walk, Fraction, Gradient, Group, Matrix_, Name, Node, Number, Product, Sum_
from .interpret import Note
from .patterns import names_in


def _mentions(node: Node, index: str) -> bool:
    for name in names_in(node):
        if name.base == index and not name.subscript:
            return True
        parts = name.subscript.replace("{", "").replace("}", "").replace(",", "")
        if index in parts or index in name.layer:
            return True
    return False


def summation_notes(node: Node) -> list[Note]:
    """Warn about sums whose index is unused, and averages whose count disagrees with the sum."""
    notes: list[Note] = []
    for item in walk(node):
        if not isinstance(item, BigOperator) or item.operator not in ("sum", "prod") or not item.variable:
            continue
        if not _mentions(item.body, item.variable):
            notes.append(Note(item.start.line, item.start.column, "unused-summation-index",
                              f"the summation index {item.variable} does not occur in the summand, so every term is the same"))
    for item in walk(node):
        if isinstance(item, Product):
            notes.extend(_average_notes(item))
    return notes


def _average_notes(product: Product) -> list[Note]:
    """1/m in front of a sum from 0 to m: the sum has m + 1 terms."""
    notes: list[Note] = []
    divisors = [_divisor_symbol(factor) for _, factor in product.factors]
    for _, factor in product.factors:
        if not isinstance(factor, BigOperator) or factor.operator != "sum":
            continue
        lower, upper = factor.lower, factor.upper
        if not (isinstance(lower, Number) and isinstance(upper, Name) and not upper.subscript):
            continue
        if upper.base not in divisors:
            continue
        if lower.text != "0":
            continue  # only a sum from 0 has one term more than its upper bound
        notes.append(Note(factor.start.line, factor.start.column, "summation-bounds",
                          f"the sum from 0 to {upper.base} has {upper.base} + 1 terms, but the formula divides by {upper.base}"))
    return notes


def _divisor_symbol(node: Node) -> str | None:
    """'m' for the factors 1/m and 1/(2m)."""
    if not isinstance(node, Fraction):
        return None
    denominator = node.denominator
    while isinstance(denominator, Group):
        denominator = denominator.body
    if isinstance(denominator, Name) and not denominator.subscript:
        return denominator.base
    if isinstance(denominator, Product):
        names = [factor for _, factor in denominator.factors if isinstance(factor, Name) and not factor.subscript]
        if len(names) == 1:
            return names[0].base
    return None


def precedence_notes(node: Node) -> list[Note]:
    """Warn where \\nabla^T acts on one factor and an explicit product follows it.

    Inside a Jacobian's rows, ``\\nabla^T f \\odot g`` is usually meant as the row of the whole
    product, but it reads as (\\nabla^T f) \\odot g.
    """
    notes: list[Note] = []
    for item in walk(node):
        if not isinstance(item, Product):
            continue
        for (_, left), (operator, right) in zip(item.factors, item.factors[1:]):
            if isinstance(left, Gradient) and left.transposed and operator in ("odot", "cdot", "times", "*"):
                notes.append(Note(left.start.line, left.start.column, "gradient-precedence",
                                  f"\\nabla acts on the factor before the '{operator}' only; write \\nabla(...) if it acts on the whole product"))
    return notes


def pattern_notes(node: Node) -> list[Note]:
    """Pattern breaks in matrices written with ellipses, found without checking any step."""
    from .context import Scope
    from .interpret import Interpreter
    from .patterns import expand_matrix
    from .values import InterpretError

    notes: list[Note] = []
    for item in walk(node):
        if isinstance(item, Matrix_):
            interpreter = Interpreter(Scope(), sizes={})
            try:
                expand_matrix(interpreter, item)
            except (InterpretError, IndexError, ValueError):
                continue
            notes.extend(interpreter.notes)
    return notes


BOUND_LETTERS = {"n", "m", "N", "M", "k", "K", "L", "d", "p", "q"}


def bound_notes(nodes: list[Node]) -> list[Note]:
    """Warn when one family of indexed names ends at two different bounds, as x_n and x_m.

    In a claim about x_1, ..., x_n, a column written with x_m names a different bound than the
    rest of the claim, which is usually a slip. The warning points at the rarer of the two.
    """
    first: dict[str, dict[str, Name]] = {}
    counts: dict[str, dict[str, int]] = {}
    for node in nodes:
        for name in names_in(node):
            subscript = name.subscript.strip("{}")
            if subscript in BOUND_LETTERS and name.base.isalpha() and len(name.base) == 1:
                family = name.base + "^" + name.layer
                first.setdefault(family, {}).setdefault(subscript, name)
                counts.setdefault(family, {})
                counts[family][subscript] = counts[family].get(subscript, 0) + 1
    notes: list[Note] = []
    for family, bounds in first.items():
        if len(bounds) < 2:
            continue
        ranked = sorted(bounds, key=lambda letter: (counts[family][letter], letter))
        rare, usual = bounds[ranked[0]], bounds[ranked[-1]]
        notes.append(Note(rare.start.line, rare.start.column, "mixed-bounds",
                          f"{rare.key()} ends the indices of {rare.base} here, but the rest of the claim runs them to {usual.key()}"))
    return notes


def lint(node: Node) -> list[Note]:
    return summation_notes(node) + precedence_notes(node) + pattern_notes(node)


__all__ = ["lint", "summation_notes", "precedence_notes", "Sum_"]
