"""Read a claim: parse its sides and decide whether it defines a name or states an equality."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..document.claims import Claim, Side
from ..notation.ast import Apply, Name, Node, Number, Parsed, ParseIssue, Product, Transpose, walk
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
    definitions: list[Definition] = field(default_factory=list)  # made by the leading sides
    vector_names: set[str] = field(default_factory=set)
    implicit_functions: dict[str, str] = field(default_factory=dict)
    row_names: set[str] = field(default_factory=set)  # vectors written directly left of a matrix
    issues: list[ParseIssue] = field(default_factory=list)

    @property
    def definition(self) -> Definition | None:
        """The first definition the claim makes, if any."""
        return self.definitions[0] if self.definitions else None


def _function_parameters(node: Node) -> list[Name] | None:
    """Return the parameters of ``f(x, y)`` when every argument is a plain name, else None."""
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
    for item in walk(nodes):
        if isinstance(item, Transpose):
            inner = item.operand
            if isinstance(inner, Name) and inner.base != "1":
                found.add(Name(inner.start, inner.base, inner.subscript, inner.layer).key())
        if isinstance(item, Product):
            # In x^T w, the factor after a transposed vector is a vector too.
            for (_, left), (operator, right) in zip(item.factors, item.factors[1:]):
                if isinstance(left, Transpose) and isinstance(left.operand, Name) and isinstance(right, Name) and operator in ("", "cdot"):
                    found.add(Name(right.start, right.base, right.subscript, right.layer).key())
        if isinstance(item, Name) and item.is_vector and item.base not in ("0", "1"):
            found.add(Name(item.start, item.base, item.subscript, item.layer).key())
    return found | {name for name in scope.shapes}


def implicit_functions(nodes: list[Node], scope: Scope) -> dict[str, str]:
    """Arbitrary functions written without arguments: primed (u') or under a gradient (\\nabla f).

    A primed name is a function of one variable; a name under a gradient, a function of a vector.
    """
    from ..notation.ast import Gradient, Jacobian, Prime
    from ..notation.parser import FUNCTION_LETTERS

    found: dict[str, str] = {}

    def bare_names(item: object) -> list[Name]:
        names: list[Name] = []
        if isinstance(item, Apply):
            return names
        if isinstance(item, Name):
            return [item]
        if isinstance(item, Node):
            for value in vars(item).values():
                names.extend(bare_names(value))
        elif isinstance(item, (list, tuple)):
            for element in item:
                names.extend(bare_names(element))
        return names

    def eligible(name: Name) -> bool:
        definition = scope.definitions.get(name.key())
        return name.base in FUNCTION_LETTERS and not name.is_vector and not name.layer and (definition is None)

    for item in walk(nodes):
        if isinstance(item, Prime) and isinstance(item.operand, Name) and eligible(item.operand):
            found.setdefault(item.operand.key(), "scalar")
        if isinstance(item, Prime) and not isinstance(item.operand, (Name, Apply)):
            for name in bare_names(item.operand):
                if eligible(name):
                    found.setdefault(name.key(), "scalar")
        if isinstance(item, (Gradient, Jacobian)):
            for name in bare_names(item.operand):
                if eligible(name):
                    found[name.key()] = "vector"
    return found


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
        except RecursionError:
            anchor = side.tokens[0] if side.tokens else None
            readings.append(SideReading(side, error=ParseError("the formula is nested too deeply to read", anchor)))
            continue
        readings.append(SideReading(side, parsed=parsed))
        issues.extend(parsed.issues)

    nodes = [reading.parsed.node for reading in readings if reading.parsed is not None]
    reading = ClaimReading(claim, readings, vector_names=vector_names(nodes, scope), implicit_functions=implicit_functions(nodes, scope), issues=issues)
    reading.row_names = _row_names(nodes, scope)

    # The leading sides that name something new are definitions: in u = f(x) = 3x^2 - 4x both u
    # and f are defined. In prose, a name is (re)defined even when it was defined before.
    in_prose = claim.kind == "inline"
    defined_here: set[str] = set()
    for index in range(len(readings) - 1):
        current, following = readings[index].parsed, readings[index + 1].parsed
        if current is None or following is None:
            break
        definition = _definition(current.node, following.node, claim, index, scope, reading.vector_names, in_prose, defined_here)
        if definition is None:
            break
        defined_here.add(definition.name)
        reading.definitions.append(definition)
    return reading


def _definition(node: Node, body: Node, claim: Claim, index: int, scope: Scope, vectors: set[str], redefine: bool, defined_here: set[str]) -> Definition | None:
    """Return the definition ``node = body`` makes, or None when ``node`` is not a new name."""
    latex = claim.sides[index + 1].latex
    if isinstance(node, Name) and not _is_reserved(node):
        key = node.key()
        if key in defined_here or (key in scope.definitions and not redefine):
            return None
        if key in {name.key() for name in names_in(body)}:
            return None  # x = x + 1 is an equation, not a definition
        return Definition(key, [], body, latex, claim.line, claim.section_id, 0, vectors)
    parameters = _function_parameters(node)
    if parameters is None or not isinstance(node, Apply):
        return None
    key = node.function.key()
    own = {parameter.key() for parameter in parameters}
    used = {name.key() for name in names_in(body)}
    # f(\\mathbf{x}) = 3x_1^2 + 5e^{x_2}: the components of a vector parameter are its own names.
    vector_bases = {parameter.base for parameter in parameters if not parameter.subscript}
    own |= {name.key() for name in names_in(body) if name.base in vector_bases and name.subscript}
    if key in defined_here or key in own or key in used:
        return None
    if index > 0 and key in scope.definitions and not redefine:
        return None  # in a = \\sigma(z) = ..., a known \\sigma is checked, not redefined
    if any(_is_point(scope, parameter.key()) for parameter in parameters):
        return None  # f(x, y) = -12 after x = 4, y = -3: a value at a point, to be checked
    # A function written out again, f(x, y) = x + y, is a new definition even where f had one:
    # texts reuse f for each example.
    if own & used or not used - own:
        return Definition(key, parameters, body, latex, claim.line, claim.section_id, 0, vectors)
    return None


def _row_names(nodes: list[Node], scope: Scope) -> set[str]:
    """Vectors used as rows: written left of a matrix, or defined as such a vector (a^{l-1} = x^l)."""
    from .shapes import row_vectors

    matrices = {key for key, shape in scope.shapes.items() if shape.rows != "1" and shape.columns != "1"}
    rows = row_vectors(nodes, matrices)
    for key in list(rows):
        definition = scope.definitions.get(key)
        if definition is not None and isinstance(definition.body, Name):
            body = definition.body
            rows.add(Name(body.start, body.base, body.subscript, body.layer).key())
    return rows


def _is_point(scope: Scope, key: str) -> bool:
    """Tell whether the document set the name ``key`` to a number, as in x = 4."""
    from ..notation.ast import Sum_

    definition = scope.definitions.get(key)
    if definition is None or definition.parameters:
        return False
    body = definition.body
    if isinstance(body, Sum_) and len(body.terms) == 1:
        body = body.terms[0][1]
    return isinstance(body, Number)


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
