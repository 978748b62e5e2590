"""Give a notation tree its meaning: a SymPy scalar or matrix.

Definitions in scope are substituted as the tree is read. General claims (vectors without a
fixed size, ``x_1, \\ldots, x_n``, sums to ``n``) are read at concrete sizes passed in
``sizes``; without them such a claim raises InterpretError of kind "needs-size".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy
from sympy.core.function import AppliedUndef

from ..notation.ast import (
    Apply, BigOperator, Derivative, Ellipsis_, Fraction, Gradient, Group, Index, Jacobian, Matrix_,
    Name, Node, Number, Power, Prime, Product, Root, Sequence, Sum_, Text, Transpose,
)
from . import calculus, values
from .context import Definition, Scope, Shape
from .leaves import name_value, number_value, symbol
from .values import InterpretError, Value, is_matrix

KNOWN_FUNCTIONS = {
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "cot": sympy.cot, "sec": sympy.sec,
    "csc": sympy.csc, "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan, "sinh": sympy.sinh,
    "cosh": sympy.cosh, "tanh": sympy.tanh, "coth": sympy.coth, "exp": sympy.exp, "sign": sympy.sign,
    "abs": sympy.Abs, "factorial": sympy.factorial, "asinh": sympy.asinh, "acosh": sympy.acosh,
    "atanh": sympy.atanh,
    "sigmoid": lambda x: 1 / (1 + sympy.exp(-x)),
    "relu": lambda x: sympy.Max(0, x),
}


@dataclass
class Note:
    """A warning raised while interpreting: a guessed reading or a pattern break."""

    line: int
    column: int
    code: str
    message: str


@dataclass
class Interpreter:
    """Reads notation trees of one claim in one scope, at one choice of sizes."""

    scope: Scope
    sizes: dict[str, int] | None = None
    vector_names: set[str] = field(default_factory=set)  # names used as vectors in this claim
    variables: list[sympy.Symbol] = field(default_factory=list)  # the claim's variables, ordered
    notes: list[Note] = field(default_factory=list)
    size_symbols: set[str] = field(default_factory=set)  # sizes the claim depends on (n, m)
    bindings: dict[str, Value] = field(default_factory=dict)  # parameter name -> argument value
    implicit_functions: dict[str, str] = field(default_factory=dict)  # bare name -> "scalar" or "vector" argument
    applications: dict[str, list[sympy.Expr]] = field(default_factory=dict)  # arbitrary function -> its arguments here
    row_names: set[str] = field(default_factory=set)  # vectors written as rows (left of a matrix)
    context_nodes: list[Node] = field(default_factory=list)  # every side of the claim, at the current sizes
    dependent_names: set[str] = field(default_factory=set)  # undefined names read as functions of a variable
    symbolic_sums: bool = False  # keep sums to a symbolic bound n unevaluated, for a proof for every n
    _indices: dict[str, sympy.Symbol] = field(default_factory=dict)
    _expanding: set[str] = field(default_factory=set)  # definitions being read, against cycles

    # -- entry ----------------------------------------------------------------------

    def value(self, node: Node) -> Value:
        method = getattr(self, "_" + type(node).__name__.rstrip("_").lower(), None)
        if method is None:
            raise self.error(node, f"cannot interpret {type(node).__name__}")
        return method(node)

    def error(self, node: Node, message: str, kind: str = "unsupported") -> InterpretError:
        return InterpretError(message, kind, node.start.line, node.start.column)

    def note(self, node: Node, code: str, message: str) -> None:
        self.notes.append(Note(node.start.line, node.start.column, code, message))

    # -- leaves ---------------------------------------------------------------------

    def _number(self, node: Number) -> Value:
        return number_value(node.text)

    def _name(self, node: Name) -> Value:
        key = node.key()
        if key in self.bindings:
            return self.bindings[key]
        if key in self._indices:
            return self._indices[key]
        if self.sizes and key in self.sizes and not node.accent:
            # n in "n + \sum_{i=1}^{n} x_i" is the size the claim is instantiated at.
            return sympy.Integer(self.sizes[key])
        indexed = self._indexed(node)
        if indexed is not None:
            return indexed
        definition = self.scope.definitions.get(key)
        if definition is not None and not definition.parameters and key not in self._expanding:
            return self.read_definition(definition, {})
        if definition is not None and definition.parameters:
            raise self.error(node, f"'{key}' is a function, but it is used here without its arguments", "ambiguous")
        if key in self.implicit_functions:
            return self.implicit_function(node, key)
        if node.base in ("0", "1") and node.is_vector:
            return self._constant_vector(node, int(node.base))
        if self.is_vector(node):
            return self.vector(node)
        if node.subscript or node.layer or node.accent:
            return symbol(key)
        return name_value(node.base)

    def implicit_function(self, node: Name, key: str) -> Value:
        """A bare function name such as u in (uv)' = u'v + uv': the function at its variables."""
        return sympy.Function(key, real=True)(*self.implicit_arguments(node))

    def implicit_arguments(self, node: Name) -> list[sympy.Expr]:
        """The variables an arbitrary function written without arguments depends on.

        A function under a prime depends on the claim's one variable (x when there is none); a
        function under a gradient depends on the n components of a vector x.
        """
        if self.implicit_functions.get(node.key()) == "vector":
            if self.sizes is None:
                raise self.error(node, f"'{node.key()}' is a function of a vector of unknown size", "needs-size")
            self.size_symbols.add("n")
            return [symbol(f"x_{index}") for index in range(1, self.sizes.get("n", 2) + 1)]
        plain = [variable for variable in self.variables if str(variable) not in self.implicit_functions]
        if len(plain) == 1:
            return plain
        if not plain:
            return [symbol("x")]
        raise self.error(node, f"'{node.key()}' is written without arguments, and the claim has several variables", "ambiguous")

    def is_vector(self, node: Name) -> bool:
        plain = Name(node.start, node.base, node.subscript, node.layer)
        return node.is_vector or plain.key() in self.vector_names or plain.key() in self.scope.shapes

    def vector(self, node: Name) -> Value:
        """Instantiate a vector or matrix name with explicit components at the current size."""
        plain = Name(node.start, node.base, node.subscript, node.layer)
        shape = self.scope.shapes.get(plain.key())
        if self.sizes is None:
            raise self.error(node, f"'{plain.key()}' is a vector or matrix of unknown size", "needs-size")
        if shape is not None:
            rows, columns = shape.resolve(self.sizes, self.sizes.get("n", 2))
            for text in (shape.rows, shape.columns):
                if not text.isdigit():
                    self.size_symbols.add(text)
            if plain.key() in self.row_names and columns == 1 and shape.columns == "1":
                rows, columns = 1, rows
        elif node.accent in ("mathbf", "boldsymbol", "bm") and node.base.isalpha() and node.base.isupper():
            # A bold capital is a matrix, square unless a shape is declared.
            self.size_symbols.add("n")
            rows = columns = self.sizes.get("n", 2)
            self.note(node, "assumed-square", f"{plain.key()} is read as an n x n matrix; declare its shape if it is not square")
        else:
            self.size_symbols.add("n")
            rows, columns = self.sizes.get("n", 2), 1
        if rows == 1 or columns == 1:
            length = rows * columns
            entries = [self._component(node, str(k)) for k in range(1, length + 1)]
            result = sympy.ImmutableMatrix(rows, columns, entries)
        else:
            result = sympy.ImmutableMatrix(
                rows, columns, lambda i, j: self._component(node, f"{i + 1}{j + 1}" if rows < 10 and columns < 10 else f"{i + 1},{j + 1}")
            )
        return result

    def _component(self, node: Name, index: str) -> sympy.Expr:
        base = node.base.lower() if node.accent in ("mathbf", "boldsymbol", "bm") and len(node.base) == 1 and node.base.isupper() and False else node.base
        component = Name(node.start, base, (node.subscript + index) if node.subscript else index, node.layer)
        return symbol(component.key())

    def _constant_vector(self, node: Name, entry: int) -> Value:
        """Return the vector of zeros or ones of the size the claim is instantiated at."""
        if self.sizes is None:
            raise self.error(node, f"the vector of {'ones' if entry else 'zeros'} has an unknown size", "needs-size")
        self.size_symbols.add("n")
        return sympy.ImmutableMatrix([entry] * self.sizes.get("n", 2))

    def _indexed(self, node: Name) -> Value | None:
        """Inside a sum over i, ``x_i`` is the i-th component of x."""
        if not self._indices or not node.subscript:
            return None
        subscript = node.subscript.strip("{}")
        for index_name, index_symbol in self._indices.items():
            if subscript == index_name:
                base = Name(node.start, node.base, "", node.layer, node.accent)
                return sympy.IndexedBase(base.key())[index_symbol]
        return None

    def _text(self, node: Text) -> Value:
        raise self.error(node, f"the text '{node.text}' has no mathematical value")

    def _ellipsis(self, node: Ellipsis_) -> Value:
        raise self.error(node, f"'\\{node.kind}' stands for terms that are not written out; symcheck reads it inside lists, matrices and products only", "needs-size")

    # -- arithmetic -----------------------------------------------------------------

    def _sum(self, node: Sum_) -> Value:
        total: Value | None = None
        for sign, term in node.terms:
            term_value = self.value(term)
            if sign < 0:
                term_value = values.negate(term_value)
            total = term_value if total is None else values.add(total, term_value)
        assert total is not None
        return total

    def _product(self, node: Product) -> Value:
        from .patterns import expand_product_ellipsis

        factors = expand_product_ellipsis(self, node)
        result: Value | None = None
        previous: Node | None = None
        previous_value: Value | None = None
        for operator, factor in factors:
            factor_value = self.value(factor)
            if result is None:
                result = factor_value
            elif operator == "/":
                result = values.divide(result, factor_value)
            elif operator == "odot":
                result = values.hadamard(result, factor_value)
            elif operator == "otimes":
                result = values.outer(result, factor_value)
            elif operator == "cdot" and _same_vectors(result, factor_value):
                # x \cdot y between two vectors of one shape is their dot product.
                result = values.as_scalar(sympy.ImmutableMatrix(result).T * sympy.ImmutableMatrix(factor_value)) if result.shape[1] == 1 else values.as_scalar(sympy.ImmutableMatrix(result) * sympy.ImmutableMatrix(factor_value).T)  # type: ignore[union-attr]
            else:
                if operator == "" and previous is not None and isinstance(previous, Matrix_) and isinstance(factor, (Matrix_, Group)):
                    self.note(factor, "juxtaposed-matrices", _juxtaposition_message(previous_value, factor_value))
                try:
                    result = values.multiply(result, factor_value, _describe(previous), _describe(factor))
                except InterpretError as error:
                    raise self.error(factor, self._shape_message(previous, factor) or error.message, error.kind) from None
            previous = factor
            previous_value = factor_value
        assert result is not None
        return result

    def _shape_message(self, left: Node | None, right: Node) -> str | None:
        """'a^{l-1} is 1 x m but W^{l} is n x m': a product's shapes in the document's sizes."""
        shapes = []
        for node in (left, right):
            if not isinstance(node, Name):
                return None
            key = Name(node.start, node.base, node.subscript, node.layer).key()
            definition = self.scope.definitions.get(key)
            if definition is not None and isinstance(definition.body, Name):
                key = Name(definition.body.start, definition.body.base, definition.body.subscript, definition.body.layer).key()
                original = node.key()
            else:
                original = node.key()
            shape = self.scope.shapes.get(key)
            if shape is None and (node.is_vector or key in self.vector_names):
                shape = Shape("n", "1")
            if shape is None:
                return None
            rows, columns = shape.rows, shape.columns
            if key in self.row_names or original in self.row_names:
                if columns == "1":
                    rows, columns = "1", rows
            shapes.append((original, f"{rows} x {columns}"))
        (left_name, left_shape), (right_name, right_shape) = shapes
        return f"{left_name} is {left_shape} but {right_name} is {right_shape}: the product is undefined"

    def _fraction(self, node: Fraction) -> Value:
        return values.divide(self.value(node.numerator), self.value(node.denominator))

    def _power(self, node: Power) -> Value:
        from ..notation.ast import Apply as ApplyNode

        if isinstance(node.base, ApplyNode) and not node.base.known and isinstance(node.exponent, Number) is False:
            exponent_node = node.exponent
            if _is_minus_one(exponent_node):
                raise self.error(node, f"'{node.base.function.key()}^{{-1}}' is an inverse function, which symcheck does not interpret", "unsupported")
        base = self.value(node.base)
        exponent = self.value(node.exponent)
        _check_exponent_size(self, node, base, exponent)
        return values.power(base, exponent)

    def _root(self, node: Root) -> Value:
        radicand = values.as_scalar(self.value(node.radicand))
        if is_matrix(radicand):
            raise self.error(node, "cannot take the square root of a matrix", "shape")
        if node.degree is None:
            return sympy.sqrt(radicand)
        return sympy.root(radicand, values.as_scalar(self.value(node.degree)))

    def _transpose(self, node: Transpose) -> Value:
        operand = self.value(node.operand)
        if not is_matrix(operand):
            if isinstance(node.operand, Name):
                raise self.error(node, f"'{node.operand.key()}' is transposed but has no vector or matrix shape", "needs-size")
            return operand
        return values.transpose(operand)

    def _group(self, node: Group) -> Value:
        return self.value(node.body)

    def _sequence(self, node: Sequence) -> Value:
        from .patterns import expand_sequence

        items = expand_sequence(self, node.items)
        entries = [values.as_scalar(self.value(item)) for item in items]
        if any(is_matrix(entry) for entry in entries):
            raise self.error(node, "a bracketed list of vectors is not supported", "unsupported")
        return sympy.ImmutableMatrix([entries])

    def _matrix(self, node: Matrix_) -> Value:
        from .patterns import expand_matrix

        rows = expand_matrix(self, node)
        blocks = [[self.value(cell) for cell in row] for row in rows]
        return calculus.assemble(blocks, node, self)

    def _index(self, node: Index) -> Value:
        raise self.error(node, f"an entry '(...)_{{{node.subscript}}}' with symbolic indices is not supported yet")

    # -- functions ------------------------------------------------------------------

    def _apply(self, node: Apply) -> Value:
        if node.known and node.function.base == "norm":
            return self._norm(node)
        if not node.known:
            from .patterns import expand_composition

            expanded = expand_composition(self, node)
            if expanded is not node:
                return self.value(expanded)
        arguments = [self.value(argument) for argument in self.expand_arguments(node.arguments)]
        name = node.function.base
        if node.known:
            return self._known_function(node, name, arguments)
        return self.call(node, node.function, arguments)

    def _norm(self, node: Apply) -> Value:
        """Return the 2-norm of a vector (Frobenius for a matrix), or the 1-, F- and infinity-norms."""
        value = values.as_scalar(self.value(node.arguments[0]))
        order_node = node.arguments[1]
        order = order_node.text if isinstance(order_node, Text) else "2"
        entries = list(value) if is_matrix(value) else [value]  # type: ignore[arg-type]
        if order in ("2", "F"):
            if order == "2" and is_matrix(value) and 1 not in value.shape:  # type: ignore[union-attr]
                raise self.error(node, "the spectral norm of a matrix is not supported; write \\|X\\|_F for the Frobenius norm")
            return sympy.sqrt(sum(entry**2 for entry in entries))
        if order == "1":
            return sum(sympy.Abs(entry) for entry in entries)
        if order in ("\\infty", "infty"):
            return sympy.Max(*[sympy.Abs(entry) for entry in entries])
        raise self.error(node, f"the norm with subscript '{order}' is not supported")

    def expand_arguments(self, arguments: list[Node]) -> list[Node]:
        from .patterns import expand_sequence

        if any(isinstance(argument, Ellipsis_) for argument in arguments):
            return expand_sequence(self, arguments)
        return arguments

    def _known_function(self, node: Apply, name: str, arguments: list[Value]) -> Value:
        if name in ("max", "min"):
            scalars = [values.as_scalar(argument) for argument in arguments]
            if any(is_matrix(argument) for argument in scalars):
                raise self.error(node, f"'{name}' of a vector is not supported", "unsupported")
            return (sympy.Max if name == "max" else sympy.Min)(*scalars)
        if name == "log":
            if len(arguments) == 2:
                return sympy.log(arguments[0], arguments[1])
            return values.apply_elementwise(sympy.log, arguments[0])
        if name == "diag":
            return calculus.diag(arguments, node, self)
        if name in ("trace", "det"):
            argument = values.as_scalar(arguments[0])
            if not is_matrix(argument):
                return argument
            return argument.trace() if name == "trace" else argument.det()  # type: ignore[union-attr]
        function = KNOWN_FUNCTIONS.get(name)
        if function is None:
            raise self.error(node, f"the function '{name}' is not supported")
        if len(arguments) != 1:
            raise self.error(node, f"'{name}' takes one argument, not {len(arguments)}")
        return values.apply_elementwise(function, arguments[0])

    def read_definition(self, definition: Definition, bindings: dict[str, Value]) -> Value:
        """Read a definition's right side with its parameters bound to ``bindings``."""
        saved_bindings, saved_vectors, saved_rows = self.bindings, self.vector_names, self.row_names
        self.bindings = {**self.bindings, **bindings}
        self.vector_names = self.vector_names | definition.vector_names
        self.row_names = self.row_names | definition.row_names
        self._expanding.add(definition.name)
        try:
            from .patterns import resolve_sizes

            return self.value(resolve_sizes(definition.body, self.sizes or {}))
        finally:
            self._expanding.discard(definition.name)
            self.bindings, self.vector_names, self.row_names = saved_bindings, saved_vectors, saved_rows

    def _function_components(self, definition: Definition) -> list[Name] | None:
        """Return the component functions of ``f = [f_1, ..., f_n]^T``, or None for other values."""
        from ..notation.ast import Transpose as TransposeNode
        from ..notation.parser import FUNCTION_LETTERS
        from .patterns import expand_sequence

        body = definition.body
        if isinstance(body, TransposeNode):
            body = body.operand
        if not isinstance(body, Sequence):
            return None
        if not all(isinstance(item, (Name, Ellipsis_)) for item in body.items):
            return None
        if not all(item.base in FUNCTION_LETTERS for item in body.items if isinstance(item, Name)):
            return None
        items = expand_sequence(self, body.items)
        return [item for item in items if isinstance(item, Name)]

    def function_expression(self, definition: Definition) -> tuple[Value, list[sympy.Symbol]]:
        """Return a defined function's body as an expression in its own parameter symbols."""
        parameters = [symbol(parameter.key()) for parameter in definition.parameters]
        body = self.read_definition(definition, {p.key(): s for p, s in zip(definition.parameters, parameters)})
        return body, parameters

    def call(self, node: Node, function: Name, arguments: list[Value]) -> Value:
        """Apply a named function: substitute its definition, or keep it as an undefined function."""
        key = function.key()
        definition = self.scope.definitions.get(key)
        flat = _flatten(arguments)
        if definition is not None and definition.parameters and key not in self._expanding:
            parameters = definition.parameters
            vector_parameters = [p.is_vector or p.key() in definition.vector_names for p in parameters]
            if len(arguments) == len(parameters):
                if len(parameters) == 1 and is_matrix(arguments[0]) and not vector_parameters[0]:
                    # A scalar function applied to a vector acts element-wise: sigma(z).
                    body, symbols = self.function_expression(definition)
                    return values.apply_elementwise(lambda entry: _substitute(body, {symbols[0]: entry}), arguments[0])
                return self.read_definition(definition, {p.key(): a for p, a in zip(parameters, arguments)})
            if len(flat) == len(parameters) and not any(vector_parameters):
                return self.read_definition(definition, {p.key(): a for p, a in zip(parameters, flat)})
            raise self.error(node, f"'{key}' is defined with {len(parameters)} argument(s) but applied to {len(arguments)}")
        if definition is not None and not definition.parameters and key not in self._expanding:
            components = self._function_components(definition)
            if components is not None:
                # f_1 = [f_{11}, ..., f_{1n}]^T: a vector of functions, applied entry by entry.
                entries = [values.as_scalar(self.call(node, component, arguments)) for component in components]
                return sympy.ImmutableMatrix(entries)
        if definition is not None and not definition.parameters:
            # f_{1j} = v_j, then f_{1j}(v_j): a value written as a function of what it contains.
            body = self.read_definition(definition, {})
            argument_symbols = {entry for entry in flat if isinstance(entry, sympy.Symbol)}
            if len(argument_symbols) == len(flat) and set(getattr(body, "free_symbols", set())) <= argument_symbols:
                return body
            raise self.error(node, f"'{key}' is defined as a value, not a function, but is applied to arguments", "ambiguous")
        if len(arguments) == 1 and is_matrix(arguments[0]) and function.base in ("\\sigma", "\\phi", "\\varphi", "g", "h") and key not in self.vector_names:
            # An activation written on a vector acts element-wise.
            undefined = sympy.Function(key, real=True)
            return values.apply_elementwise(lambda entry: undefined(entry), arguments[0])
        self.applications.setdefault(key, flat)
        return sympy.Function(key, real=True)(*flat)

    # -- calculus -------------------------------------------------------------------

    def _prime(self, node: Prime) -> Value:
        return calculus.prime(self, node)

    def _derivative(self, node: Derivative) -> Value:
        return calculus.derivative(self, node)

    def _gradient(self, node: Gradient) -> Value:
        return calculus.gradient(self, node)

    def _jacobian(self, node: Jacobian) -> Value:
        return calculus.jacobian(self, node)

    def _bigoperator(self, node: BigOperator) -> Value:
        return calculus.big_operator(self, node)

    def with_index(self, name: str) -> "_IndexScope":
        return _IndexScope(self, name)


class _IndexScope:
    def __init__(self, interpreter: Interpreter, name: str) -> None:
        self.interpreter = interpreter
        self.name = name
        self.symbol = sympy.Symbol(name, integer=True)

    def __enter__(self) -> sympy.Symbol:
        self.interpreter._indices[self.name] = self.symbol
        return self.symbol

    def __exit__(self, *exc: object) -> None:
        self.interpreter._indices.pop(self.name, None)


def _flatten(arguments: list[Value]) -> list[sympy.Expr]:
    flat: list[sympy.Expr] = []
    for argument in arguments:
        if is_matrix(argument):
            flat.extend(list(argument))  # type: ignore[arg-type]
        else:
            flat.append(argument)  # type: ignore[arg-type]
    return flat


def _substitute(body: Value, mapping: dict) -> Value:
    if is_matrix(body):
        return sympy.ImmutableMatrix(body.xreplace(mapping))
    return body.xreplace(mapping)


def _same_vectors(left: Value, right: Value) -> bool:
    if not (is_matrix(left) and is_matrix(right)):
        return False
    return left.shape == right.shape and 1 in left.shape and left.shape != (1, 1)  # type: ignore[union-attr]


def _juxtaposition_message(left: Value | None, right: Value) -> str:
    """Say what two matrices side by side would claim if an '=' stood between them."""
    message = "two matrices are written side by side, which reads as their product; is an '=' missing between them?"
    if left is None or not (is_matrix(left) and is_matrix(right)):
        return message
    claim = f"{sympy.latex(left)} = {sympy.latex(right)}"
    if left.shape != right.shape:  # type: ignore[union-attr]
        return f"{message} With '=', the chain would claim {claim}, which has mismatched shapes"
    try:
        holds = all(sympy.simplify(a - b) == 0 for a, b in zip(left, right))  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - the remark is a courtesy; a failed simplification just omits it
        return f"{message} With '=', the chain would claim {claim}"
    verdict = "which holds" if holds else "which does not hold either"
    return f"{message} With '=', the chain would claim {claim}, {verdict}"


def _describe(node: Node | None) -> str:
    if isinstance(node, Name):
        return f"'{node.key()}'"
    if isinstance(node, Transpose) and isinstance(node.operand, Name):
        return f"'{node.operand.key()}^T'"
    if node is None:
        return "the left factor"
    return f"the factor at column {node.start.column}"


def _is_minus_one(node: Node) -> bool:
    from ..notation.ast import Sum_

    return isinstance(node, Sum_) and len(node.terms) == 1 and node.terms[0][0] == -1 and isinstance(node.terms[0][1], Number) and node.terms[0][1].text == "1"


MAX_EXPONENT_DIGITS = 6


def _check_exponent_size(interpreter: Interpreter, node: Power, base: Value, exponent: Value) -> None:
    """Reject exponent towers such as 5^{5^{5^5}} before SymPy tries to evaluate them."""
    if is_matrix(base) or is_matrix(exponent):
        return
    if isinstance(exponent, sympy.Integer) and isinstance(base, sympy.Number):
        if abs(int(exponent)) > 10**MAX_EXPONENT_DIGITS or (abs(int(exponent)) > 10000 and abs(base) > 1):
            raise interpreter.error(node, f"the power has an exponent with {len(str(abs(int(exponent))))} digits, too large to evaluate", "too-large")


__all__ = ["Interpreter", "Note", "InterpretError", "AppliedUndef"]
