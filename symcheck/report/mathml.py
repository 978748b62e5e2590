"""LaTeX to MathML for the HTML report, with the output checked against a MathML allow-list.

latex2mathml (3.81) copies the argument of ``\\text{...}`` into its output without escaping it,
and turns ``\\href`` into an ``href`` attribute, so its string output is unsafe for untrusted
documents. This module therefore takes the element tree from
``latex2mathml.converter.convert_to_element`` and serializes it itself: only MathML elements
and presentation attributes pass, and all text is escaped.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from latex2mathml.converter import convert_to_element

from symcheck.report._common import clean_latex

# Presentation MathML elements that latex2mathml emits, plus the rest of MathML Core's.
_ELEMENTS = frozenset(
    {
        "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup",
        "munder", "mover", "munderover", "mfrac", "msqrt", "mroot", "mstyle", "mpadded",
        "mphantom", "menclose", "mtable", "mtr", "mtd", "merror", "mmultiscripts",
        "mprescripts", "none", "semantics", "annotation",
    }
)  # fmt: skip

# Attributes that only change layout. Any other attribute (href, event handlers, style) is dropped.
_ATTRIBUTES = frozenset(
    {
        "display", "displaystyle", "scriptlevel", "mathvariant", "mathsize", "mathcolor",
        "mathbackground", "stretchy", "fence", "separator", "form", "largeop", "movablelimits",
        "accent", "accentunder", "lspace", "rspace", "minsize", "maxsize", "symmetric",
        "linethickness", "width", "height", "depth", "linebreak", "columnalign", "rowalign",
        "columnlines", "rowlines", "columnspacing", "rowspacing", "frame", "framespacing",
        "notation",
    }
)  # fmt: skip

# latex2mathml stores symbols in element text as numeric character references ("&#x0003D;").
_CHARACTER_REFERENCE = re.compile(r"&#(?:x([0-9a-fA-F]+)|([0-9]+));")


class UnsafeMathMLError(ValueError):
    """Raised when the converter produced an element outside the MathML allow-list."""


def _decode_references(text: str) -> str:
    """Turn numeric character references into the characters they name."""

    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code == 0:
            return "\ufffd"
        return chr(code)

    return _CHARACTER_REFERENCE.sub(decode, text)


def _text(text: str | None) -> str:
    return html.escape(_decode_references(text), quote=False) if text else ""


def _serialize(element: ET.Element, parts: list[str]) -> None:
    tag = element.tag
    if not isinstance(tag, str) or tag not in _ELEMENTS:
        raise UnsafeMathMLError(f"element {tag!r} is not allowed in the report")
    attributes = "".join(
        f' {name}="{html.escape(_decode_references(value), quote=True)}"'
        for name, value in element.attrib.items()
        if name in _ATTRIBUTES
    )
    parts.append(f"<{tag}{attributes}>")
    parts.append(_text(element.text))
    for child in element:
        _serialize(child, parts)
        parts.append(_text(child.tail))
    parts.append(f"</{tag}>")


def latex_to_mathml(latex: str, *, display: bool = False) -> str | None:
    """Convert LaTeX to a safe MathML string, or return None when the conversion fails.

    The formula is cleaned first (``\\displaystyle`` wrapper removed, spacing commands made
    explicit). ``display`` selects block layout, as for a displayed equation.
    """
    source = clean_latex(latex)
    if not source:
        return None
    try:
        element = convert_to_element(source, display="block" if display else "inline")
        parts: list[str] = []
        _serialize(element, parts)
    # The converter raises its own exceptions for malformed input, but also IndexError,
    # KeyError or RecursionError on some inputs. Any failure means "show the source instead".
    except Exception:  # noqa: BLE001
        return None
    return "".join(parts)


def render_math(latex: str, *, display: bool = False) -> str:
    """Return HTML for a formula: MathML, or the escaped LaTeX in ``<code>`` when conversion fails."""
    mathml = latex_to_mathml(latex, display=display)
    if mathml is not None:
        return mathml
    return f'<code class="latex-fallback">{html.escape(latex.strip())}</code>'
