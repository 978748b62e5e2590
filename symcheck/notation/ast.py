"""The notation tree: what a formula says, before it is given a meaning in SymPy.

Every node keeps the token it starts at, so errors and warnings can name a line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from .tokens import Token


@dataclass
class Node:
    start: Token  # first token of the node in the source


@dataclass
class Number(Node):
    text: str


@dataclass
class Name(Node):
    """A symbol as written: base letter or command, subscript, layer superscript, accent."""

    base: str  # "x", "\\alpha", "W"
    subscript: str = ""  # LaTeX of the subscript without braces: "1", "jk", "{1m-1}" as written
    layer: str = ""  # LaTeX of a superscript that is an index, not a power: "l", "l-1", "(2)"
    accent: str = ""  # "vec", "mathbf", "hat", "bar", "tilde", "dot", ...

    def key(self) -> str:
        """Return the symbol name symcheck uses for this name, e.g. ``w_{jk}^{l}``."""
        text = self.base
        if self.accent in ("hat", "bar", "tilde", "dot", "ddot", "check", "breve"):
            text = f"\\{self.accent}{{{text}}}"
        if self.subscript:
            text += f"_{{{self.subscript}}}" if len(self.subscript) > 1 else f"_{self.subscript}"
        if self.layer:
            text += f"^{{{self.layer}}}"
        return text

    @property
    def is_vector(self) -> bool:
        return self.accent in ("vec", "mathbf", "boldsymbol", "bm", "overrightarrow")


@dataclass
class Group(Node):
    """A parenthesised or braced expression; ``delimiter`` is "(", "[", "{" or "|"."""

    body: Node
    delimiter: str = "("


@dataclass
class Sequence(Node):
    """A comma-separated list in brackets or parentheses: ``[a_1, a_2, \\ldots, a_n]``."""

    items: list[Node]
    delimiter: str = "["


@dataclass
class Ellipsis_(Node):
    """``\\ldots``, ``\\cdots``, ``\\vdots``, ``\\ddots`` or ``...``."""

    kind: str


@dataclass
class Sum_(Node):
    """``a + b - c``: terms with their signs (+1 or -1)."""

    terms: list[tuple[int, Node]]


@dataclass
class Product(Node):
    """Factors in written order with the operator before each factor.

    Operators: "" (juxtaposition), "cdot", "times", "*", "/", "odot", "otimes", "circ".
    """

    factors: list[tuple[str, Node]]


@dataclass
class Fraction(Node):
    numerator: Node
    denominator: Node


@dataclass
class Power(Node):
    base: Node
    exponent: Node


@dataclass
class Transpose(Node):
    operand: Node


@dataclass
class Prime(Node):
    """``f'``, ``(x^2)'``, ``\\sigma''``: a derivative written with primes."""

    operand: Node
    order: int = 1


@dataclass
class Index(Node):
    """An entry of a bracketed expression: ``(J ...)_{ij}``."""

    operand: Node
    subscript: str


@dataclass
class Apply(Node):
    """A function applied to arguments: ``f(x)``, ``\\sin x``, ``max(0, z)``, ``f_{12}(x)``."""

    function: Name  # the function's name; known functions have base like "\\sin"
    arguments: list[Node]
    known: bool = False  # a standard function (sin, log, max, ...) rather than a named one


@dataclass
class Root(Node):
    radicand: Node
    degree: Node | None = None


@dataclass
class Derivative(Node):
    """A Leibniz quotient or operator: ``\\frac{d(x^2)}{dx}``, ``\\frac{df_1}{df_2}``, ``\\frac{d}{dx}``.

    ``of`` is None for the operator form, whose operand follows the fraction (then ``operand``).
    ``wrt`` is what the derivative is taken with respect to: a name or an expression.
    """

    of: Node | None
    wrt: Node
    order: int = 1
    partial: bool = False
    missing_d: bool = False  # the denominator was written without d, as in d(..)/x_1
    operand: Node | None = None


@dataclass
class Gradient(Node):
    """``\\nabla f``, ``\\nabla_w C``, ``\\nabla^T f``."""

    operand: Node
    wrt: Node | None = None
    transposed: bool = False


@dataclass
class Jacobian(Node):
    """``J [f_1; f_2]`` or ``J f(\\vec v, \\vec w)``: rows are outputs, columns are inputs."""

    operand: Node


@dataclass
class Matrix_(Node):
    """A matrix environment; cells may be Ellipsis_ nodes."""

    rows: list[list[Node]]
    environment: str = "bmatrix"


@dataclass
class BigOperator(Node):
    """``\\sum_{i=1}^{n} body``, ``\\prod``, ``\\lim_{h \\to 0} body``."""

    operator: str  # "sum", "prod", "lim"
    variable: str
    lower: Node | None
    upper: Node | None
    body: Node
    approach: Node | None = None  # for limits: the point approached


@dataclass
class Text(Node):
    """``\\text{...}``: prose inside math, which has no value."""

    text: str


@dataclass
class ParseIssue:
    """A warning found while parsing: a guessed reading the author should confirm."""

    token: Token
    code: str
    message: str


@dataclass
class Parsed:
    """The tree of one side of a claim and the warnings found on the way."""

    node: Node
    issues: list[ParseIssue] = field(default_factory=list)


def walk(item: object) -> Iterator[Node]:
    """Yield every node in ``item`` (a node or a list of them), depth first, in written order."""
    if isinstance(item, Node):
        yield item
        for value in vars(item).values():
            if isinstance(value, (Node, list, tuple)):
                yield from walk(value)
    elif isinstance(item, (list, tuple)):
        for element in item:
            yield from walk(element)
