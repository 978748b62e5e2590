"""Recognise Leibniz notation in a fraction: ``\\frac{df}{dx}``, ``\\frac{d(x^2)}{dx}``,
``\\frac{d}{dx}``, ``\\frac{\\partial f}{\\partial x_1}``, ``\\frac{d^2 y}{dx^2}``,
``\\frac{df_1}{df_2}``, ``\\frac{d(..)}{(dx_1)}`` and, with a warning, ``\\frac{d(..)}{x_1}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .ast import Derivative, Name, ParseIssue
from .tokens import Token

if TYPE_CHECKING:
    from .parser import Parser


def _significant(tokens: list[Token]) -> list[Token]:
    return [token for token in tokens if token.kind != "space"]


def _strip_parentheses(tokens: list[Token]) -> list[Token]:
    """Remove one pair of parentheses that wraps all of ``tokens``."""
    if len(tokens) >= 2 and tokens[0].is_symbol("(") and tokens[-1].is_symbol(")"):
        depth = 0
        for index, token in enumerate(tokens):
            if token.is_symbol("("):
                depth += 1
            elif token.is_symbol(")"):
                depth -= 1
                if depth == 0 and index != len(tokens) - 1:
                    return tokens
        return tokens[1:-1]
    return tokens


def _differential(tokens: list[Token]) -> tuple[bool, bool, int, list[Token]] | None:
    """Split a leading differential off ``tokens``.

    Returns (found, partial, order, rest) or None when ``tokens`` do not start with d or
    ``\\partial``. ``\\mathrm{d}`` and ``\\text{d}`` count as d.
    """
    if not tokens:
        return None
    first = tokens[0]
    rest_start = 1
    partial = False
    if first.kind == "letter" and first.text == "d":
        pass
    elif first.is_command("\\partial"):
        partial = True
    elif first.is_command("\\mathrm", "\\text", "\\operatorname", "\\textrm") and len(tokens) >= 4 and tokens[1].is_symbol("{") and tokens[2].text == "d" and tokens[3].is_symbol("}"):
        rest_start = 4
    else:
        return None
    order = 1
    rest = tokens[rest_start:]
    if len(rest) >= 2 and rest[0].is_symbol("^") and rest[1].kind == "number":
        order = int(rest[1].text)
        rest = rest[2:]
    elif len(rest) >= 4 and rest[0].is_symbol("^") and rest[1].is_symbol("{") and rest[2].kind == "number" and rest[3].is_symbol("}"):
        order = int(rest[2].text)
        rest = rest[4:]
    return True, partial, order, rest


def _strip_order(rest: list[Token], order: int) -> list[Token]:
    """Drop the ``^2`` of ``dx^2`` in the denominator of a second derivative."""
    if order > 1 and len(rest) >= 3 and rest[-2].is_symbol("^") and rest[-1].kind == "number":
        return rest[:-2]
    if order > 1 and len(rest) >= 5 and rest[-4].is_symbol("^") and rest[-1].is_symbol("}"):
        return rest[:-4]
    return rest


def read_leibniz(anchor: Token, numerator: list[Token], denominator: list[Token], parser: "Parser") -> Derivative | None:
    """Return the derivative a fraction denotes, or None when it is an ordinary fraction."""
    top = _significant(numerator)
    bottom = _strip_parentheses(_significant(denominator))
    top_split = _differential(top)
    if top_split is None:
        return None
    _, partial, order, rest = top_split

    bottom_split = _differential(bottom)
    missing_d = False
    if bottom_split is None:
        # d(...)/x_1: a derivative whose denominator lost its d. Read it as a derivative only
        # when the numerator clearly differentiates something and the denominator is a name.
        if not rest or not _looks_like_name(bottom):
            return None
        missing_d = True
        wrt_tokens = bottom
    else:
        _, bottom_partial, bottom_order, wrt_tokens = bottom_split
        partial = partial or bottom_partial
        wrt_tokens = _strip_order(wrt_tokens, order)
        if not wrt_tokens:
            return None
    wrt = parser.sub_parse(_strip_parentheses(wrt_tokens), anchor, "derivative's variable")

    if missing_d:
        parser.issues.append(
            ParseIssue(anchor, "derivative-without-d", f"read as a derivative with respect to {_text(wrt_tokens)}; the denominator has no 'd'")
        )

    if not rest:
        return Derivative(anchor, None, wrt, order, partial, missing_d)
    of = parser.sub_parse(rest, anchor, "derivative's numerator")
    return Derivative(anchor, of, wrt, order, partial, missing_d)


def _looks_like_name(tokens: list[Token]) -> bool:
    if not tokens:
        return False
    if tokens[0].kind not in ("letter", "command"):
        return False
    if len(tokens) == 1:
        return True
    if tokens[1].is_symbol("_"):
        return True
    return False


def _text(tokens: list[Token]) -> str:
    return "".join(token.text for token in tokens if token.kind != "space")


__all__ = ["read_leibniz", "Name"]
