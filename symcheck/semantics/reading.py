"""Read a claim: parse its sides and decide whether it defines a name or states an equality."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..document.claims import Claim, Side
from ..notation.ast import Apply, Name, Node, Parsed, ParseIssue, Transpose
from ..notation.parser import ParseError, parse_side
from .context import Definition, Scope
from .patterns import names_in


@dataclass
class SideReading:
    """One side of a claim with its notation tree, or the reason it could not be parsed."""

    side: Side
    parsed: Parsed | None = None
    error: ParseError | None = None


@dataclass
class ClaimReading:
    """A parsed claim: its sides, and the definition it makes when it makes one."""

    claim: Claim
    sides: list[SideReading]
    definition: Definition | None = None
    vector_names: set[str] = field(default_factory=set)
    issues: list[ParseIssue] = field(default_factory=list)


def _function_parameters(node: Node) -> list[Name] | None:
    """The parameters of ``f(x, y)`` when every argument is a plain name, else None."""
    if not isinstance(node, Apply) or node.known:
        return None
    parameters: list[Name] = []
    for argument in node.arguments:
        if not isinstance(argument, Name) or argument.layer:
            return None
        parameters.append(argument)
    return parameters


def vector_names(nodes: list[Node], scope: Scope) -> set[str]:
    """Names used as vectors: written with an arrow or in bold, transposed, or declared."""
    found: set[str] = set()

    def visit(item: object) -> None:
        if isinstance(item, Transpose):
            inner = item.operand
            if isinstance(inner, Name) and inner.base != "1":
                found.add(Name(inner.start, inner.base, inner.subscript, inner.layer).key())
        if isinstance(item, Name) and item.is_vector and item.base != "1":
            found.add(Name(item.start, item.base, item.subscript, item.layer).key())
        if isinstance(item, Node):
            for value in vars(item).values():
                visit(value)
        elif isinstance(item, (list, tuple)):
            for element in item:
                visit(element)

    for node in nodes:
        visit(node)
    return found | {name for name in scope.shapes}


def read_claim(claim: Claim, scope: Scope) -> ClaimReading:
    """Parse every side of ``claim``; recognise a definition on its first side."""
    function_names = scope.function_names()
    readings: list[SideReading] = []
    issues: list[ParseIssue] = []
    # A definition's own name is a function name while its sides are parsed.
    first_tokens = claim.sides[0].tokens
    if len(first_tokens) >= 2:
        head = [t for t in first_tokens if t.kind != "space"]
        if head and head[-1].is_symbol(")"):
            function_names = function_names | _leading_name(head)
    for side in claim.sides:
        try:
            parsed = parse_side(side.tokens, function_names)
        except ParseError as error:
            readings.append(SideReading(side, error=error))
            continue
        readings.append(SideReading(side, parsed=parsed))
        issues.extend(parsed.issues)

    nodes = [reading.parsed.node for reading in readings if reading.parsed is not None]
    reading = ClaimReading(claim, readings, vector_names=vector_names(nodes, scope), issues=issues)

    first = readings[0].parsed
    second = readings[1].parsed if len(readings) > 1 else None
    if first is None or second is None:
        return reading
    node = first.node
    if isinstance(node, Name) and node.key() not in scope.definitions and not _is_reserved(node):
        reading.definition = Definition(node.key(), [], second.node, claim.sides[1].latex, claim.line, claim.section_id, 0, reading.vector_names)
    else:
        parameters = _function_parameters(node)
        if parameters is not None and isinstance(node, Apply):
            key = node.function.key()
            own = {parameter.key() for parameter in parameters}
            used = {name.key() for name in names_in(second.node)}
            if key not in scope.definitions and key not in own and (own & used or not used - own):
                reading.definition = Definition(key, parameters, second.node, claim.sides[1].latex, claim.line, claim.section_id, 0, reading.vector_names)
    return reading


def _leading_name(tokens: list) -> set[str]:
    parts = []
    for token in tokens:
        if token.is_symbol("("):
            break
        parts.append(token.text)
    text = "".join(parts)
    if "_" in text:
        base, subscript = text.split("_", 1)
        subscript = subscript.strip("{}")
        return {f"{base}_{{{subscript}}}" if len(subscript) > 1 else f"{base}_{subscript}", base}
    return {text}


def _is_reserved(node: Name) -> bool:
    return node.base in ("e", "\\pi", "1", "0")
