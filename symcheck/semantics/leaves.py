"""Leaves of the notation tree: numbers and names, turned into SymPy through latex2sympy2_extended.

latex2sympy2_extended is called with ``lowercase_symbols=False`` (so W and w stay apart) on the
short text of one name at a time; longer structure never reaches it, because the notation
layer reads that itself. Symbols are real, since documents of this kind speak of real
variables; the same name always gives the same symbol.
"""

from __future__ import annotations

import functools
import re

import sympy

_NATURAL = re.compile(r"(\d+)")
_COMMAND_NAME = re.compile(r"\\[A-Za-z]+")  # one command such as \alpha: all latex2sympy2_extended may read


@functools.lru_cache(maxsize=4096)
def symbol(name: str) -> sympy.Symbol:
    """Return the real symbol called ``name``."""
    return sympy.Symbol(name, real=True)


@functools.lru_cache(maxsize=1024)
def _latex_leaf(text: str) -> sympy.Basic | None:
    if not _COMMAND_NAME.fullmatch(text):
        return None
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig, latex2sympy

    config = ConversionConfig(lowercase_symbols=False, interpret_as_mixed_fractions=False)
    try:
        result = latex2sympy(text, conversion_config=config, normalization_config=None)
    except Exception:  # noqa: BLE001 - the library raises bare Exception for syntax errors
        return None
    return result if isinstance(result, sympy.Basic) else None


def name_value(base: str) -> sympy.Expr:
    """Return the SymPy value of a bare name such as ``x``, ``\\alpha``, ``\\pi`` or ``e``."""
    if base in ("e",):
        return sympy.E
    if base in ("\\pi",):
        return sympy.pi
    if base in ("\\infty",):
        return sympy.oo
    if base.startswith("\\"):
        converted = _latex_leaf(base)
        if isinstance(converted, sympy.Symbol):
            return symbol(converted.name)
        if converted is not None and converted.is_number:
            return converted  # type: ignore[return-value]
        return symbol(base[1:])
    return symbol(base)


def number_value(text: str) -> sympy.Expr:
    """Return an exact rational for a decimal numeral such as ``0.5`` or ``12``."""
    return sympy.Rational(text)


def natural_key(item: sympy.Basic) -> tuple:
    """Sort key that puts x_2 before x_10 and x_1 before y_1."""
    text = str(item)
    parts = _NATURAL.split(text)
    return tuple((0, len(part), part) if part.isdigit() else (1, part) for part in parts if part != "")


def sorted_symbols(symbols: set) -> list[sympy.Symbol]:
    return sorted(symbols, key=natural_key)
