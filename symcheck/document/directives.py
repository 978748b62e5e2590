"""Directives: instructions to symcheck written in HTML comments, so the rendered document
stays readable. One comment holds one or more statements separated by ';':

    <!-- symcheck: skip -->                      do not check the next claim
    <!-- symcheck: xfail the sign is wrong -->   the next claim is a known error (expected refuted)
    <!-- symcheck: budget 5s -->                 time budget per step of the next claim
    <!-- symcheck: assume x > 0; y real -->      assumptions, from here to the end of the document
    <!-- symcheck: W^l is n x m -->              a shape, from here to the end of the document
    <!-- symcheck: x is a column vector of size n; b is a row vector of size m; A is a matrix -->

Assumptions are ``NAME > 0``, ``NAME >= 0``, ``NAME < 0``, ``NAME != 0``, ``NAME real``,
``NAME positive``, ``NAME negative``, ``NAME nonzero``, ``NAME integer``. Shapes name a symbol
as LaTeX (``W^l``, ``\\vec x``, ``w_{jk}``) and give rows x columns, each a number or a size
symbol.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..semantics.context import Shape

_SHAPE = re.compile(r"^(?P<name>.+?)\s+is\s+(?:an?\s+)?(?P<rows>[A-Za-z0-9]+)\s*(?:x|\\times|×|by)\s*(?P<columns>[A-Za-z0-9]+)(?:\s+matrix)?$")
_VECTOR = re.compile(r"^(?P<name>.+?)\s+is\s+an?\s+(?P<kind>column|row)\s+vector(?:\s+(?:of\s+size|of\s+length|in\s+R\^?)\s*(?P<size>[A-Za-z0-9]+))?$")
_MATRIX = re.compile(r"^(?P<name>.+?)\s+is\s+an?\s+matrix$")
_ASSUME_RELATION = re.compile(r"^(?P<name>\S+)\s*(?P<relation>>=|<=|>|<|!=|\\neq|\\geq|\\leq|\\ge|\\le)\s*0$")
_ASSUME_WORD = re.compile(r"^(?P<name>\S+)\s+(?:is\s+)?(?P<word>real|positive|negative|nonzero|integer|nonnegative)$")
_BUDGET = re.compile(r"^budget\s+(?P<seconds>\d+(?:\.\d+)?)\s*(?:s|seconds?)?$")

RELATION_ASSUMPTIONS = {
    ">": {"positive": True}, ">=": {"nonnegative": True}, "\\geq": {"nonnegative": True}, "\\ge": {"nonnegative": True},
    "<": {"negative": True}, "<=": {"nonpositive": True}, "\\leq": {"nonpositive": True}, "\\le": {"nonpositive": True},
    "!=": {"nonzero": True}, "\\neq": {"nonzero": True},
}


class DirectiveError(ValueError):
    """A directive that cannot be read; the message lists what is accepted."""


@dataclass
class DirectiveSet:
    """The statements of one comment, sorted by kind."""

    skip: bool = False
    xfail: str | None = None  # the reason, possibly empty
    budget: float | None = None
    assumptions: dict[str, dict[str, bool]] = field(default_factory=dict)
    shapes: dict[str, Shape] = field(default_factory=dict)


def shape_key(latex_name: str) -> str:
    """Return the symbol key of a name written in LaTeX, as the notation layer spells it."""
    from ..notation.ast import Name
    from ..notation.parser import ParseError, parse_side
    from ..notation.tokens import strip_layout, tokenize

    try:
        node = parse_side(strip_layout(tokenize(latex_name.strip()))).node
    except ParseError as error:
        raise DirectiveError(f"cannot read the name '{latex_name}': {error.message}") from error
    from ..notation.ast import Transpose

    if isinstance(node, Transpose):
        node = node.operand
    if not isinstance(node, Name):
        raise DirectiveError(f"'{latex_name}' is not a single name")
    return Name(node.start, node.base, node.subscript, node.layer).key()


def parse_directive(text: str) -> DirectiveSet:
    """Read the statements of one ``symcheck:`` comment."""
    result = DirectiveSet()
    assuming = False  # "assume x > 0; y real": later statements may be assumptions too
    for statement in (part.strip() for part in text.split(";")):
        if not statement:
            continue
        lowered = statement.lower()
        if assuming and (_ASSUME_RELATION.match(statement) or _ASSUME_WORD.match(statement)):
            _add_assumption(result, statement)
            continue
        if lowered == "skip":
            result.skip = True
        elif lowered == "xfail" or lowered.startswith("xfail "):
            result.xfail = statement[5:].strip()
        elif lowered.startswith("budget"):
            match = _BUDGET.match(lowered)
            if match is None:
                raise DirectiveError(f"invalid budget '{statement}': write 'budget 5s'")
            result.budget = float(match.group("seconds"))
        elif lowered.startswith("assume "):
            assuming = True
            for assumption in statement[len("assume ") :].split(","):
                _add_assumption(result, assumption.strip())
        elif (match := _VECTOR.match(statement)) is not None:
            size = match.group("size") or "n"
            key = shape_key(match.group("name"))
            result.shapes[key] = Shape(size, "1") if match.group("kind") == "column" else Shape("1", size)
        elif (match := _SHAPE.match(statement)) is not None:
            result.shapes[shape_key(match.group("name"))] = Shape(match.group("rows"), match.group("columns"))
        elif (match := _MATRIX.match(statement)) is not None:
            result.shapes[shape_key(match.group("name"))] = Shape("n", "n")
        else:
            raise DirectiveError(
                f"unknown directive '{statement}': expected skip, xfail, budget 5s, assume x > 0, "
                "'W is n x m' or 'x is a column vector of size n'"
            )
    return result


def _add_assumption(result: DirectiveSet, text: str) -> None:
    match = _ASSUME_RELATION.match(text)
    if match is not None:
        key = shape_key(match.group("name"))
        result.assumptions.setdefault(key, {}).update(RELATION_ASSUMPTIONS[match.group("relation")])
        return
    match = _ASSUME_WORD.match(text)
    if match is not None:
        key = shape_key(match.group("name"))
        result.assumptions.setdefault(key, {})[match.group("word")] = True
        return
    raise DirectiveError(f"invalid assumption '{text}': write 'x > 0', 'x >= 0', 'x != 0' or 'x real'")
