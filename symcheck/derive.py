"""Derivatives of formulas written in LaTeX or built with SymPy: gradients, Jacobians, Hessians
and the chain rule, plus ``check_equal`` to compare two formulas.

LaTeX is read by symcheck's own notation layer, the one that reads documents, so a formula means
the same here as in a checked document. Formula text is never evaluated as Python: it is
tokenized and parsed by symcheck, and only the SymPy expressions built from the parse tree reach
``sympy.lambdify``.

Conventions: a gradient is a column vector (n x 1), a Jacobian is m x n with one row per
component and one column per variable, and a Hessian is n x n. Variables are written as LaTeX
names (``"x_1"``, ``"\\alpha"``) or given as SymPy symbols. Without ``wrt``, the variables are
the free symbols of the formula in natural order (x_2 before x_10).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Callable, Union

import numpy
import sympy
from sympy.core.function import AppliedUndef
from sympy.matrices import MatrixBase

from .checking.verdict import StepResult, Verdict
from .config import Options

__all__ = [
    "Derivation", "DeriveError", "check_equal", "chain_rule", "gradient", "hessian", "jacobian",
    "read_latex",
]

# A formula: LaTeX text, a SymPy scalar or matrix, or a Python number.
Formula = Union[str, sympy.Basic, MatrixBase, int, float]
# A variable: a LaTeX name such as "x_1" or a SymPy symbol.
Variable = Union[str, sympy.Symbol]
Variables = Union[Variable, Sequence[Variable], None]


class DeriveError(ValueError):
    """A formula or variable that cannot be read or differentiated; the message gives the reason."""


@dataclass(frozen=True)
class Derivation:
    """A derivative with its variables, as SymPy, LaTeX, plain text and a NumPy function.

    ``numpy`` takes the ``variables`` and then the ``parameters`` as positional arguments.
    Arguments broadcast against each other. A matrix result of shape (m, n) evaluated at
    arguments of broadcast shape S has shape (m, n, *S), constant entries included, and a
    scalar result has shape S.
    """

    kind: str  # "gradient", "jacobian", "hessian" or "chain rule"
    expr: sympy.Basic  # a SymPy scalar or an ImmutableMatrix
    variables: tuple[sympy.Symbol, ...]  # the variables differentiated by, in order
    function: sympy.Basic  # the formula that was differentiated (for the chain rule, the composition)
    parameters: tuple[sympy.Symbol, ...] = ()  # other free symbols of the formula, in natural order
    factors: tuple[sympy.Basic, ...] = ()  # chain rule: outer Jacobian at the inner value, inner Jacobian

    @property
    def latex(self) -> str:
        """LaTeX of ``expr``, as ``sympy.latex`` writes it."""
        return str(sympy.latex(self.expr))

    @property
    def text(self) -> str:
        """Plain text of ``expr``, as ``str`` of a SymPy object writes it."""
        return str(self.expr)

    @functools.cached_property
    def numpy(self) -> Callable[..., Any]:
        """A NumPy function of ``variables`` then ``parameters`` that evaluates ``expr``.

        Raises DeriveError when ``expr`` contains an arbitrary function such as f(x) or a
        derivative that SymPy could not evaluate, because NumPy has no value for them.
        """
        return broadcasting_function(self.expr, self.variables + self.parameters)

    def __str__(self) -> str:
        return self.text


# -- reading formulas ------------------------------------------------------------------


def read_latex(latex: str) -> sympy.Basic:
    """Read one LaTeX formula (no '=') into a SymPy scalar or ImmutableMatrix.

    Raises DeriveError with the column of the problem when the formula cannot be parsed or
    has no meaning symcheck can give it, for example a vector written without components.
    """
    from .notation.parser import ParseError, parse_side
    from .notation.tokens import strip_layout, tokenize
    from .semantics.context import Scope
    from .semantics.interpret import Interpreter
    from .semantics.values import InterpretError

    if not latex.strip():
        raise DeriveError("the formula is empty")
    try:
        node = parse_side(strip_layout(tokenize(latex))).node
    except ParseError as error:
        column = error.token.column if error.token is not None else 1
        raise DeriveError(f"cannot parse '{latex}' at column {column}: {error.message}") from error
    try:
        value = Interpreter(Scope()).value(node)
    except InterpretError as error:
        hint = "; write the components, e.g. \\begin{bmatrix} x_1 \\\\ x_2 \\end{bmatrix}" if error.kind == "needs-size" else ""
        raise DeriveError(f"cannot interpret '{latex}' at column {error.column}: {error.message}{hint}") from error
    return _evaluated(value)


def _evaluated(value: sympy.Basic) -> sympy.Basic:
    """Evaluate derivatives, sums and limits that the formula wrote out."""
    if isinstance(value, MatrixBase):
        return sympy.ImmutableMatrix(value.applyfunc(lambda entry: entry.doit()))
    return value.doit()


def _to_sympy(formula: Formula) -> sympy.Basic:
    if isinstance(formula, str):
        return read_latex(formula)
    if isinstance(formula, bool):
        raise DeriveError(f"expected a formula, not the boolean {formula}")
    if isinstance(formula, int):
        return sympy.Integer(formula)
    if isinstance(formula, float):
        return sympy.Float(formula)
    if isinstance(formula, MatrixBase):
        return sympy.ImmutableMatrix(formula)
    if isinstance(formula, sympy.Basic):
        return formula
    raise DeriveError(f"expected LaTeX text or a SymPy expression, not {type(formula).__name__}")


def _scalar(value: sympy.Basic, what: str) -> sympy.Expr:
    if isinstance(value, MatrixBase):
        if value.shape == (1, 1):
            return value[0, 0]
        rows, columns = value.shape
        raise DeriveError(f"{what} needs a scalar formula, not a {rows} x {columns} matrix")
    if not isinstance(value, sympy.Expr):
        raise DeriveError(f"{what} needs a scalar formula, not {type(value).__name__}")
    return value


def _components(formulas: Formula | Sequence[Formula], what: str) -> list[sympy.Expr]:
    """Return the entries of a scalar, a row or column vector, or a sequence of scalar formulas."""
    if isinstance(formulas, Sequence) and not isinstance(formulas, str):
        return [_scalar(_to_sympy(item), what) for item in formulas]
    value = _to_sympy(formulas)
    if isinstance(value, MatrixBase):
        rows, columns = value.shape
        if rows != 1 and columns != 1:
            raise DeriveError(f"{what} needs a scalar or a vector, not a {rows} x {columns} matrix")
        return list(value)
    return [_scalar(value, what)]


def _free_symbols(*values: sympy.Basic) -> list[sympy.Symbol]:
    from .semantics.leaves import sorted_symbols

    found: set[sympy.Basic] = set()
    for value in values:
        found |= value.free_symbols
    return sorted_symbols({item for item in found if isinstance(item, sympy.Symbol)})


def _variable(name: Variable, candidates: list[sympy.Symbol]) -> sympy.Symbol:
    """Resolve a variable to a symbol of the formula with that name, else to its LaTeX reading."""
    if isinstance(name, sympy.Symbol):
        return name
    if not isinstance(name, str):
        raise DeriveError(f"a variable must be a LaTeX name or a SymPy symbol, not {type(name).__name__}")
    text = name.strip()
    for candidate in candidates:
        if candidate.name == text:
            return candidate
    value = read_latex(text)
    if not isinstance(value, sympy.Symbol):
        raise DeriveError(f"'{name}' is not a single variable name")
    return value


def _variables(wrt: Variables, candidates: list[sympy.Symbol]) -> tuple[sympy.Symbol, ...]:
    if wrt is None:
        if not candidates:
            raise DeriveError("the formula has no variables; pass wrt to name them")
        return tuple(candidates)
    names: Sequence[Variable] = [wrt] if isinstance(wrt, (str, sympy.Symbol)) else wrt
    variables = tuple(_variable(name, candidates) for name in names)
    if not variables:
        raise DeriveError("wrt is empty; name at least one variable")
    repeated = sorted({str(variable) for variable in variables if variables.count(variable) > 1})
    if repeated:
        raise DeriveError(f"wrt names {', '.join(repeated)} more than once")
    return variables


def _parameters(function: sympy.Basic, variables: tuple[sympy.Symbol, ...]) -> tuple[sympy.Symbol, ...]:
    return tuple(item for item in _free_symbols(function) if item not in variables)


def _simplified(value: sympy.Basic, simplify: bool) -> sympy.Basic:
    if not simplify:
        return value
    if isinstance(value, MatrixBase):
        return sympy.ImmutableMatrix(value.applyfunc(sympy.simplify))
    return sympy.simplify(value)


# -- derivatives -----------------------------------------------------------------------


def gradient(expr: Formula, wrt: Variables = None, *, simplify: bool = False) -> Derivation:
    """Differentiate a scalar formula by each variable: the gradient, a column vector (n x 1).

    >>> print(gradient("x_1^2 + \\\\cos(x_2)", wrt=["x_1", "x_2"]))
    Matrix([[2*x_1], [-sin(x_2)]])
    """
    function = _scalar(_to_sympy(expr), "gradient")
    variables = _variables(wrt, _free_symbols(function))
    value = sympy.ImmutableMatrix([[sympy.diff(function, variable)] for variable in variables])
    return Derivation("gradient", _simplified(value, simplify), variables, function, _parameters(function, variables))


def jacobian(exprs: Formula | Sequence[Formula], wrt: Variables = None, *, simplify: bool = False) -> Derivation:
    """Differentiate each component by each variable: the Jacobian matrix (m x n).

    ``exprs`` is a vector (a LaTeX ``bmatrix`` or a SymPy row or column matrix), a sequence of
    scalar formulas, or one scalar formula, which gives a 1 x n row.
    """
    components = _components(exprs, "jacobian")
    variables = _variables(wrt, _free_symbols(*components))
    function = sympy.ImmutableMatrix([[component] for component in components])
    value = sympy.ImmutableMatrix([[sympy.diff(component, variable) for variable in variables] for component in components])
    return Derivation("jacobian", _simplified(value, simplify), variables, function, _parameters(function, variables))


def hessian(expr: Formula, wrt: Variables = None, *, simplify: bool = False) -> Derivation:
    """Differentiate a scalar formula twice: the Hessian matrix (n x n) of second partials."""
    function = _scalar(_to_sympy(expr), "hessian")
    variables = _variables(wrt, _free_symbols(function))
    first = [sympy.diff(function, variable) for variable in variables]
    value = sympy.ImmutableMatrix([[sympy.diff(partial, variable) for variable in variables] for partial in first])
    return Derivation("hessian", _simplified(value, simplify), variables, function, _parameters(function, variables))


def chain_rule(
    outer: Formula | Sequence[Formula],
    inner: Formula | Sequence[Formula],
    variable: Variables,
    wrt: Variables = None,
    *,
    simplify: bool = False,
) -> Derivation:
    """Differentiate ``outer`` after ``inner`` by the chain rule: J_outer(inner) times J_inner.

    ``outer`` is a formula (or vector) in ``variable``, one name or k names. ``inner`` gives
    the value of each of those names (k components) as a formula in ``wrt``, by default the
    free symbols of ``inner``. The result is the m x n Jacobian of the composition, or a scalar
    when both the outer formula and ``wrt`` are single. ``factors`` contains the two Jacobians.

    >>> chain_rule("\\\\sin(u)", "x^2", "u").expr
    2*x*cos(x**2)
    """
    outer_components = _components(outer, "chain_rule")
    inner_components = _components(inner, "chain_rule")
    outer_variables = _variables(variable, _free_symbols(*outer_components))
    if len(outer_variables) != len(inner_components):
        raise DeriveError(
            f"the outer formula has {len(outer_variables)} variable(s) but the inner formula has "
            f"{len(inner_components)} component(s); give one inner component per variable"
        )
    inner_variables = _variables(wrt, _free_symbols(*inner_components))
    substitution = dict(zip(outer_variables, inner_components))

    outer_jacobian = sympy.ImmutableMatrix(
        [[sympy.diff(component, name).xreplace(substitution) for name in outer_variables] for component in outer_components]
    )
    inner_jacobian = sympy.ImmutableMatrix([[sympy.diff(component, name) for name in inner_variables] for component in inner_components])
    product = sympy.ImmutableMatrix(outer_jacobian * inner_jacobian)
    composition = sympy.ImmutableMatrix([[component.xreplace(substitution)] for component in outer_components])

    value: sympy.Basic = product
    function: sympy.Basic = composition
    if product.shape == (1, 1):
        value, function = product[0, 0], composition[0, 0]
    return Derivation(
        "chain rule", _simplified(value, simplify), inner_variables, function,
        _parameters(function, inner_variables), (outer_jacobian, inner_jacobian),
    )


# -- NumPy -----------------------------------------------------------------------------


def broadcasting_function(expr: sympy.Basic, arguments: Sequence[sympy.Symbol]) -> Callable[..., Any]:
    """Compile ``expr`` with ``sympy.lambdify`` into a NumPy function whose entries broadcast.

    ``numpy.array`` of a lambdified matrix fails when some entries are constants and others
    arrays, so each entry is broadcast to the common shape of all arguments and entries before
    the entries are stacked. A matrix of shape (m, n) gives shape (m, n, *S).
    """
    unsupported = sorted({str(item) for item in expr.atoms(AppliedUndef)})
    if unsupported:
        raise DeriveError(f"cannot evaluate with NumPy: the formula contains the arbitrary function(s) {', '.join(unsupported)}")
    if expr.has(sympy.Derivative, sympy.Integral, sympy.Limit):
        raise DeriveError("cannot evaluate with NumPy: the formula contains a derivative, integral or limit that SymPy left unevaluated")

    stray = sorted(str(item) for item in expr.free_symbols - set(arguments))
    if stray:
        # lambdify writes symbol names into Python source; only the arguments may appear there.
        raise DeriveError(f"cannot evaluate with NumPy: {', '.join(stray)} is not among the arguments")
    shape: tuple[int, ...] = tuple(expr.shape) if isinstance(expr, MatrixBase) else ()
    entries = list(expr) if isinstance(expr, MatrixBase) else [expr]
    symbols = tuple(arguments)
    compiled = sympy.lambdify(symbols, entries, modules="numpy")
    names = ", ".join(str(item) for item in symbols)

    def evaluate(*values: Any) -> Any:
        if len(values) != len(symbols):
            raise TypeError(f"expected {len(symbols)} argument(s) ({names}), got {len(values)}")
        arrays = [numpy.asarray(value) for value in values]
        results = [numpy.asarray(result) for result in compiled(*arrays)]
        point_shape = numpy.broadcast_shapes(*(item.shape for item in arrays + results))
        stacked = numpy.stack([numpy.broadcast_to(result, point_shape) for result in results])
        output = stacked.reshape(shape + point_shape)
        return output[()] if output.ndim == 0 else output

    return evaluate


# -- comparing formulas ----------------------------------------------------------------


def check_equal(a: Formula, b: Formula, *, budget: float | None = None, options: Options | None = None) -> StepResult:
    """Decide whether ``a = b`` holds, as symcheck decides one step of a document.

    Two LaTeX formulas are checked in a worker process under the time budget (``budget``
    seconds, else ``options.budget``), so general claims about vectors of any size work as in
    a document. Their verdict is cached on disk unless ``options.cache`` is false. When either
    side is a SymPy object, both are compared in this process, and the budget is enforced only
    on the main thread of a POSIX system (it uses SIGALRM).

    The result's ``verdict`` is proved, numeric, refuted, inconclusive or unparsed. A refuted
    result carries a ``counterexample`` and usually the ``expected`` right side as LaTeX. As in
    a document, a side that is a lone symbol missing from the other side (``y = 1``) reads as
    naming it, so that step is inconclusive.
    """
    options = (options or Options()).with_overrides(budget=budget)
    if isinstance(a, str) and isinstance(b, str):
        return _check_latex(a, b, options)
    lhs_latex = a if isinstance(a, str) else str(sympy.latex(a))
    rhs_latex = b if isinstance(b, str) else str(sympy.latex(b))
    try:
        left, right = _to_sympy(a), _to_sympy(b)
    except DeriveError as error:
        return StepResult(lhs_latex, rhs_latex, Verdict.UNPARSED, "parse", str(error))
    return _check_values(left, right, lhs_latex, rhs_latex, options)


def _check_latex(a: str, b: str, options: Options) -> StepResult:
    import zlib

    from .checking.checker import Checker, _claim_variables
    from .checking.step import StepRequest
    from .document.claims import Claim, Side
    from .notation.tokens import strip_layout, tokenize
    from .semantics.context import Scope
    from .semantics.reading import read_claim

    for label, text in (("left", a), ("right", b)):
        if not text.strip():
            return StepResult(a, b, Verdict.UNPARSED, "parse", f"the {label} side is empty")
    sides = [Side(strip_layout(tokenize(text)), text) for text in (a, b)]
    claim = Claim("<check_equal>", sides, f"{a} = {b}", 1, 1, 1, "", 0)
    scope = Scope()
    reading = read_claim(claim, scope)
    for label, side_reading in zip(("left", "right"), reading.sides):
        if side_reading.error is not None:
            token = side_reading.error.token
            column = token.column if token is not None else 1
            return StepResult(a, b, Verdict.UNPARSED, "parse", f"{label} side, column {column}: {side_reading.error.message}")
    left, right = reading.sides[0].parsed, reading.sides[1].parsed
    assert left is not None and right is not None
    # The claim is compared as an equality even when its left side looks like a definition
    # (``y = 1``), because the caller asks whether the two formulas are equal.
    # NOTE: _claim_variables is the checker's private rule for a claim's variables; a public
    # function there would keep this call from depending on a private name.
    request = StepRequest(
        lhs=left.node, rhs=right.node, scope=scope, vector_names=reading.vector_names,
        variables=_claim_variables(reading, scope),
        seed=(options.seed * 1_000_003 + zlib.crc32(claim.latex.encode("utf-8"))) % (2**31),
        budget=options.budget, sizes=options.sizes, implicit_functions=reading.implicit_functions,
        context=[left.node, right.node], lhs_latex=a, rhs_latex=b,
    )
    with Checker(options) as checker:
        report = checker.runner.run([request])[0]
    outcome = report.outcome
    message = outcome.message
    if report.error_line:
        message = f"column {report.error_column}: {message}"
    return StepResult(a, b, outcome.verdict, outcome.method, message, outcome.counterexample, outcome.expected, report.seconds)


def _check_values(left: sympy.Basic, right: sympy.Basic, lhs_latex: str, rhs_latex: str, options: Options) -> StepResult:
    import time

    # NOTE: _decide is the step checker's private sequence of strategies; it is reused so that
    # SymPy values are decided exactly as document steps are.
    from .checking.step import _decide

    started = time.monotonic()
    outcome = _decide(left, right, options.seed, options.budget, True)
    return StepResult(
        lhs_latex, rhs_latex, outcome.verdict, outcome.method, outcome.message, outcome.counterexample,
        outcome.expected, time.monotonic() - started,
    )
