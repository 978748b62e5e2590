"""Derivatives in the notation people write: Leibniz quotients, primes, gradients, Jacobians.

Layout: numerator layout throughout. A gradient is a column vector; ``\\nabla^T`` is a row; a
Jacobian has one row per output and one column per input, so its rows are the transposed
gradients of the outputs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy
from sympy.core.function import AppliedUndef

from ..notation.ast import Apply, BigOperator, Derivative, Gradient, Group, Jacobian, Matrix_, Name, Node, Prime
from . import values
from .leaves import sorted_symbols
from .values import InterpretError, Value, is_matrix

if TYPE_CHECKING:
    from .interpret import Interpreter

from ..notation.tokens import Token

_ANCHOR = Token("letter", "", 0, 0)


def _diff(expression: Value, *variables: object) -> Value:
    """Differentiate with SymPy, leaving the derivative of max(0, x) undefined at its kink.

    SymPy writes d/dx max(0, x) as Heaviside(x) with Heaviside(0) = 1/2. symcheck makes the
    value at 0 undefined (nan) instead, so no claim is decided by that convention.
    """
    result = sympy.diff(expression, *variables)
    if result.has(sympy.Heaviside):  # type: ignore[union-attr]
        result = result.replace(  # type: ignore[union-attr]
            lambda item: isinstance(item, sympy.Heaviside) and item.args[-1] is not sympy.nan,
            lambda item: sympy.Heaviside(item.args[0], sympy.nan),
        )
    return result


def _scalar(interpreter: "Interpreter", node: Node, value: Value, what: str) -> sympy.Expr:
    value = values.as_scalar(value)
    if is_matrix(value):
        raise interpreter.error(node, f"{what} must be a scalar here, not {values.shape_text(value)}", "unsupported")
    return value  # type: ignore[return-value]


def _function_definition(interpreter: "Interpreter", node: Node):
    """The definition behind a bare function name such as ``f_{11}``, or None."""
    if isinstance(node, Name):
        definition = interpreter.scope.definitions.get(node.key())
        if definition is not None and definition.parameters:
            return definition
    return None


def _is_function_name(interpreter: "Interpreter", node: Node) -> bool:
    from ..notation.parser import FUNCTION_LETTERS

    if not isinstance(node, Name):
        return False
    if _function_definition(interpreter, node) is not None:
        return True
    if node.key() in interpreter.scope.definitions or node.is_vector:
        return False
    if node.key() in interpreter.implicit_functions or node.key() in interpreter.applications:
        return True
    return node.base in FUNCTION_LETTERS and node.base not in ("u", "v", "p", "q")


def _function_body(interpreter: "Interpreter", node: Name) -> tuple[sympy.Expr, list[sympy.Symbol]]:
    """A function name as an expression in its own variables (defined body or f(variables))."""
    definition = _function_definition(interpreter, node)
    if definition is not None:
        body, parameters = interpreter.function_expression(definition)
        return values.as_scalar(body), parameters  # type: ignore[return-value]
    raise interpreter.error(node, f"'{node.key()}' is an arbitrary function: its arguments are not written here", "needs-context")


def differentiate(interpreter: "Interpreter", node: Node, expression: Value, variable: sympy.Symbol, order: int = 1) -> Value:
    if is_matrix(expression):
        return sympy.ImmutableMatrix(expression.applyfunc(lambda entry: _diff(entry, variable, order)))  # type: ignore[union-attr]
    return _diff(expression, variable, order)


def derivative_by_expression(interpreter: "Interpreter", node: Node, expression: sympy.Expr, by: sympy.Expr) -> sympy.Expr:
    """d(expression)/d(by) for an expression ``by``, such as d sin(x^2) / d(x^2) = cos(x^2)."""
    helper = sympy.Dummy("u", real=True)
    replaced = expression.subs(by, helper)
    if not (replaced.free_symbols & by.free_symbols):
        return _diff(replaced, helper).subs(helper, by)
    variables = sorted_symbols(by.free_symbols)
    if not variables:
        raise interpreter.error(node, "a derivative with respect to a constant is undefined", "unsupported")
    # expression depends on the variables only through ``by``: use the chain rule backwards.
    interpreter.note(node, "derivative-by-expression", f"read d/d({by}) as (d/d{variables[0]}) / (d({by})/d{variables[0]})")
    denominator = _diff(by, variables[0])
    if denominator == 0:
        raise interpreter.error(node, f"cannot differentiate with respect to {by}", "unsupported")
    return _diff(expression, variables[0]) / denominator


def derivative(interpreter: "Interpreter", node: Derivative) -> Value:
    wrt_node = node.wrt
    if _is_function_name(interpreter, wrt_node):
        return _chain_factor(interpreter, node)

    point = _point_definition(interpreter, wrt_node)
    if point is not None:
        # d/dx where the document set x = 4: differentiate in x, then evaluate at 4.
        variable, number = point
        saved = dict(interpreter.bindings)
        assert isinstance(wrt_node, Name)
        interpreter.bindings[wrt_node.key()] = variable
        try:
            result = derivative(interpreter, node)
        finally:
            interpreter.bindings = saved
        return result.xreplace({variable: number}) if not is_matrix(result) else sympy.ImmutableMatrix(result.xreplace({variable: number}))  # type: ignore[union-attr]

    wrt_value = values.as_scalar(interpreter.value(wrt_node))
    if is_matrix(wrt_value):
        raise interpreter.error(node, "derivatives with respect to a vector are written with \\nabla or J", "unsupported")

    of = node.of
    if of is None and isinstance(node.operand, Name) and _is_function_name(interpreter, node.operand):
        of = node.operand  # the operator form on a bare function: \partial_{x_i} f
    if of is None:
        assert node.operand is not None
        target: Value = interpreter.value(node.operand)
    elif isinstance(of, Name) and _function_definition(interpreter, of) is not None:
        body, parameters = _function_body(interpreter, of)
        target = body
        if isinstance(wrt_value, sympy.Symbol) and wrt_value not in parameters and len(parameters) == 1:
            target = body.xreplace({parameters[0]: wrt_value})
        elif isinstance(wrt_value, sympy.Symbol):
            # df/dx of f(x, y) at the current point: the other parameters take their set values.
            return _at_point(interpreter, differentiate(interpreter, node, target, wrt_value, node.order), parameters, wrt_value)
    elif isinstance(of, Name) and _is_function_name(interpreter, of) and isinstance(wrt_value, sympy.Symbol):
        # df/dx with f arbitrary: f at the arguments the claim gives it, else a function of x.
        arguments = interpreter.applications.get(of.key())
        if of.key() in interpreter.implicit_functions:
            target = interpreter.value(of)
        else:
            target = sympy.Function(of.key(), real=True)(*(arguments or [wrt_value]))
    elif isinstance(of, Name) and isinstance(wrt_value, sympy.Symbol) and _undefined_dependent(interpreter, of, wrt_value):
        # dy/dx with y defined nowhere: y depends on x in a way the claim leaves open.
        interpreter.dependent_names.add(of.key())
        target = sympy.Function(of.key(), real=True)(wrt_value)
    else:
        composed = composition_value(interpreter, of)
        target = composed if composed is not None else interpreter.value(of)

    if isinstance(wrt_value, sympy.Symbol):
        return differentiate(interpreter, node, target, wrt_value, node.order)
    if node.order != 1:
        raise interpreter.error(node, "higher derivatives with respect to an expression are not supported")
    if is_matrix(target):
        return sympy.ImmutableMatrix(target.applyfunc(lambda entry: derivative_by_expression(interpreter, node, entry, wrt_value)))  # type: ignore[union-attr]
    return derivative_by_expression(interpreter, node, target, wrt_value)  # type: ignore[arg-type]


def _at_point(interpreter: "Interpreter", value: Value, parameters: list[sympy.Symbol], keep: sympy.Symbol) -> Value:
    """Substitute the parameters the document set to numbers (x = 4), except ``keep``."""
    mapping = {}
    for parameter in parameters:
        if parameter == keep:
            continue
        point = _point_definition(interpreter, Name(_ANCHOR, str(parameter)))
        if point is not None:
            mapping[parameter] = point[1]
    if not mapping:
        return value
    return sympy.ImmutableMatrix(value.xreplace(mapping)) if is_matrix(value) else value.xreplace(mapping)  # type: ignore[union-attr]


def _undefined_dependent(interpreter: "Interpreter", node: Name, variable: sympy.Symbol) -> bool:
    """Whether ``node`` is a quantity that may depend on ``variable``: an undefined name of
    another family (y against x; but x_2 against x_1 is another independent variable)."""
    key = node.key()
    if key == str(variable) or _family(sympy.Symbol(key)) == _family(variable):
        return False
    if key in interpreter.scope.definitions or key in interpreter.bindings or node.is_vector:
        return False
    if interpreter.sizes is not None and key in interpreter.sizes:
        return False
    return not node.base.startswith("\\") or node.base in ("\\phi", "\\psi", "\\ell")


def _point_definition(interpreter: "Interpreter", node: Node) -> tuple[sympy.Symbol, sympy.Expr] | None:
    """(x, 4) when ``node`` names a variable the document set to a number, else None."""
    if not isinstance(node, Name) or node.key() in interpreter.bindings:
        return None
    definition = interpreter.scope.definitions.get(node.key())
    if definition is None or definition.parameters:
        return None
    value = values.as_scalar(interpreter.value(node))
    if is_matrix(value) or not getattr(value, "is_number", False):
        return None
    from .leaves import symbol

    return symbol(node.key()), value  # type: ignore[return-value]


def _chain_factor(interpreter: "Interpreter", node: Derivative) -> Value:
    """df_1/df_2: the derivative of f_1 at the value of f_2.

    Defined functions are substituted. Arbitrary functions need the claim to show how they are
    composed, as in f_1(f_2(x)): f_1 is then differentiated at the argument it has there.
    """
    outer_node = node.of
    inner_node = node.wrt
    assert isinstance(inner_node, Name)
    if not isinstance(outer_node, Name):
        raise interpreter.error(node, "a derivative with respect to a function needs a function name on top")
    outer = _function_definition(interpreter, outer_node)
    inner = _function_definition(interpreter, inner_node)
    if outer is not None and inner is not None:
        if len(outer.parameters) != 1:
            raise interpreter.error(node, f"'{outer_node.key()}' takes {len(outer.parameters)} arguments, so d{outer_node.key()}/d{inner_node.key()} is ambiguous")
        outer_body, outer_parameters = interpreter.function_expression(outer)
        inner_body, _ = interpreter.function_expression(inner)
        slope = _diff(outer_body, outer_parameters[0])
        return slope.xreplace({outer_parameters[0]: inner_body})
    arguments = interpreter.applications.get(outer_node.key())
    if outer is None and arguments is not None and len(arguments) == 1:
        inner_value = interpreter.applications.get(inner_node.key())
        if inner_value is None and inner is None:
            raise interpreter.error(node, f"the claim does not show what {inner_node.key()} is applied to", "needs-context")
        helper = sympy.Dummy("t", real=True)
        slope = _diff(sympy.Function(outer_node.key(), real=True)(helper), helper)
        return sympy.Subs(slope, helper, arguments[0])
    raise interpreter.error(node, f"d{outer_node.key()}/d{inner_node.key()} relates arbitrary functions whose composition the claim does not show", "needs-context")


def composition_value(interpreter: "Interpreter", node: Node) -> Value | None:
    """Return the value of a composition written by juxtaposition, such as f_1 f_2 \\cdots f_m."""
    from ..notation.ast import Product
    from .patterns import expand_product_ellipsis

    if not isinstance(node, Product):
        return None
    factors = [factor for _, factor in expand_product_ellipsis(interpreter, node)]
    if not factors or not all(isinstance(factor, Name) and _is_function_name(interpreter, factor) for factor in factors):
        return None
    first = factors[0]
    assert isinstance(first, Name)
    arguments = interpreter.applications.get(first.key())
    if arguments is None:
        raise interpreter.error(node, "the claim does not show what the composed functions are applied to", "needs-context")
    return sympy.Function(first.key(), real=True)(*arguments)


def prime(interpreter: "Interpreter", node: Prime) -> Value:
    operand = node.operand
    if isinstance(operand, Apply) and not operand.known:
        definition = interpreter.scope.definitions.get(operand.function.key())
        arguments = [interpreter.value(argument) for argument in operand.arguments]
        if definition is not None and definition.parameters:
            if len(definition.parameters) != 1:
                raise interpreter.error(node, f"'{operand.function.key()}' has several arguments, so its prime is ambiguous")
            body, (parameter,) = interpreter.function_expression(definition)
            slope = _diff(body, parameter, node.order)
            return values.apply_elementwise(lambda entry: slope.xreplace({parameter: entry}), arguments[0])
        if len(arguments) != 1:
            raise interpreter.error(node, "a prime on a function of several arguments is ambiguous")
        if not is_matrix(arguments[0]):
            interpreter.applications.setdefault(operand.function.key(), [arguments[0]])  # type: ignore[list-item]
        function = sympy.Function(operand.function.key(), real=True)
        helper = sympy.Dummy("t", real=True)
        slope = _diff(function(helper), helper, node.order)

        def at(entry: sympy.Expr) -> sympy.Expr:
            if isinstance(entry, sympy.Symbol):
                return slope.xreplace({helper: entry})
            return sympy.Subs(slope, helper, entry)

        return values.apply_elementwise(at, arguments[0])
    if isinstance(operand, Name):
        definition = interpreter.scope.definitions.get(operand.key())
        if definition is not None and definition.parameters and len(definition.parameters) == 1:
            body, (parameter,) = interpreter.function_expression(definition)
            return differentiate(interpreter, node, body, parameter, node.order)
        if operand.key() in interpreter.implicit_functions:
            arguments = interpreter.implicit_arguments(operand)
            if len(arguments) != 1:
                raise interpreter.error(node, f"a prime on '{operand.key()}', a function of several variables, is ambiguous", "ambiguous")
            return _diff(interpreter.implicit_function(operand, operand.key()), arguments[0], node.order)
    value = interpreter.value(operand)
    free = sorted_symbols(_free(value))
    if len(free) == 1:
        return differentiate(interpreter, node, value, free[0], node.order)
    if not free:
        return values.apply_elementwise(lambda entry: sympy.Integer(0), value) if is_matrix(value) else sympy.Integer(0)
    applied = [f for f in _applied(value) if len(f.args) == 1 and isinstance(f.args[0], sympy.Symbol)]
    variables = {f.args[0] for f in applied}
    if len(variables) == 1:
        return differentiate(interpreter, node, value, variables.pop(), node.order)
    raise interpreter.error(node, f"a prime on an expression in {', '.join(map(str, free))} does not say which variable to differentiate by", "ambiguous")


def _free(value: Value) -> set:
    return set(value.free_symbols)  # type: ignore[union-attr]


def _applied(value: Value) -> set:
    return set(value.atoms(AppliedUndef))  # type: ignore[union-attr]


def variables_of(interpreter: "Interpreter", node: Node, value: Value) -> list[sympy.Symbol]:
    """The variables a gradient or Jacobian differentiates by, in index order.

    For ``f(x_1, x_2)`` they are the arguments; otherwise the claim's variables that the
    value depends on, completed by the claim's other variables of the same family (so that
    the gradient of x_1^2 is taken with respect to x_1 and x_2 when the claim speaks of both).
    """
    arguments = _argument_symbols(interpreter, node)
    if arguments:
        return arguments
    free = _free(value)
    for applied in _applied(value):
        free |= {argument for argument in applied.args if isinstance(argument, sympy.Symbol)}
    family: list[sympy.Symbol] = []
    if interpreter.sizes is None:
        # Numbered variables written elsewhere in the claim, such as x_2 beside x_1.
        families = {_family(symbol) for symbol in free}
        family = [variable for variable in interpreter.variables if _family(variable) in families and _numbered(variable)]
    result = sorted_symbols(set(family) | {s for s in free if isinstance(s, sympy.Symbol)})
    if not result:
        result = list(interpreter.variables)
    return result


def _numbered(symbol: sympy.Symbol) -> bool:
    parts = str(symbol).split("_", 1)
    return len(parts) == 2 and parts[1].strip("{}").isdigit()


def _family(symbol: sympy.Symbol) -> str:
    return str(symbol).split("_")[0]


def _argument_symbols(interpreter: "Interpreter", node: Node) -> list[sympy.Symbol]:
    while isinstance(node, Group):
        node = node.body
    if isinstance(node, Apply) and not node.known:
        from .patterns import expand_composition

        node = expand_composition(interpreter, node)
        assert isinstance(node, Apply)
        symbols: list[sympy.Symbol] = []
        for argument in interpreter.expand_arguments(node.arguments):
            if isinstance(argument, Apply):
                return _argument_symbols(interpreter, argument)
            value = interpreter.value(argument)
            entries = list(value) if is_matrix(value) else [value]  # type: ignore[arg-type]
            for entry in entries:
                if isinstance(entry, sympy.Symbol):
                    symbols.append(entry)
                else:
                    return []
        return symbols
    if isinstance(node, Name):
        definition = _function_definition(interpreter, node)
        if definition is not None:
            return interpreter.function_expression(definition)[1]
    return []


def gradient(interpreter: "Interpreter", node: Gradient) -> Value:
    operand = node.operand
    if isinstance(operand, Name) and _function_definition(interpreter, operand) is not None:
        body, parameters = _function_body(interpreter, operand)
        value: Value = body
        variables = parameters
    elif isinstance(operand, Name) and node.wrt is not None and _undefined_dependent(interpreter, operand, sympy.Symbol("_")) and operand.key() not in interpreter.implicit_functions and not _is_function_name(interpreter, operand):
        # \nabla_w C with C defined nowhere: C depends on w in a way the claim leaves open.
        wrt_value = interpreter.value(node.wrt)
        variables = list(wrt_value) if is_matrix(wrt_value) else [wrt_value]  # type: ignore[arg-type,list-item]
        interpreter.dependent_names.add(operand.key())
        value = sympy.Function(operand.key(), real=True)(*variables)
    else:
        value = interpreter.value(operand)
        variables = variables_of(interpreter, operand, value)
    if node.wrt is None:
        variables = _claim_gradient_variables(interpreter, variables)
    if node.wrt is not None:
        wrt = interpreter.value(node.wrt)
        variables = list(wrt) if is_matrix(wrt) else [wrt]  # type: ignore[arg-type,list-item]
    value = values.as_scalar(value)
    if is_matrix(value) and 1 in value.shape:  # type: ignore[union-attr]
        # The gradient of a vector, as texts in denominator layout write it: the transposed Jacobian.
        interpreter.note(node, "gradient-of-vector", "read the gradient of a vector as the transposed Jacobian (denominator layout)")
        jacobian_matrix = sympy.ImmutableMatrix([[_diff(entry, variable) for variable in variables] for entry in value])  # type: ignore[union-attr]
        return values.as_scalar(jacobian_matrix if node.transposed else jacobian_matrix.T)
    scalar = _scalar(interpreter, node, value, "the function under \\nabla")
    if node.wrt is not None:
        wrt_value = values.as_scalar(interpreter.value(node.wrt))
        if is_matrix(wrt_value) and 1 not in wrt_value.shape:  # type: ignore[union-attr]
            # The gradient with respect to a matrix has the matrix's shape.
            return sympy.ImmutableMatrix(wrt_value.applyfunc(lambda entry: _diff(scalar, entry)))  # type: ignore[union-attr]
    column = sympy.ImmutableMatrix([_diff(scalar, variable) for variable in variables])
    return values.as_scalar(column.T) if node.transposed else column


def _claim_gradient_variables(interpreter: "Interpreter", own: list[sympy.Symbol]) -> list[sympy.Symbol]:
    """Return one set of variables for every gradient in a claim.

    In \\nabla(f(v) g(w)) = \\nabla f(v) g(w) + f(v) \\nabla g(w), every gradient is taken
    with respect to (v, w), so the terms have one shape. Only gradients whose own variables
    are part of the union are widened.
    """
    from ..notation.ast import Gradient as GradientNode
    from ..notation.ast import walk

    union: list[sympy.Symbol] = []
    for context in interpreter.context_nodes:
        for item in walk(context):
            if isinstance(item, GradientNode) and item.wrt is None:
                try:
                    symbols = _argument_symbols(interpreter, item.operand)
                except InterpretError:
                    continue
                for variable in symbols:
                    if variable not in union:
                        union.append(variable)
    if not union or not set(own) <= set(union) or set(own) == set(union):
        return own
    return union


def jacobian(interpreter: "Interpreter", node: Jacobian) -> Value:
    operand = node.operand
    defined = _defined_components(interpreter, operand)
    if defined is not None:
        # J [f_1; f_2] with f_1, f_2 defined: differentiate their bodies by their parameters.
        bodies, parameters = defined
        return sympy.ImmutableMatrix([[_diff(body, parameter) for parameter in parameters] for body in bodies])
    value = interpreter.value(operand)
    entries = list(value) if is_matrix(value) else [value]  # type: ignore[arg-type]
    variables: list[sympy.Symbol] = []
    inner = operand.body if isinstance(operand, Group) else operand
    cells = [row[0] for row in inner.rows] if isinstance(inner, Matrix_) and len(inner.rows[0]) == 1 else [inner]
    seen: set = set()
    for cell in cells:
        for variable in _argument_symbols(interpreter, cell):
            if variable not in seen:
                seen.add(variable)
                variables.append(variable)
    if not variables:
        variables = variables_of(interpreter, operand, value)
    return sympy.ImmutableMatrix([[_diff(entry, variable) for variable in variables] for entry in entries])


def _defined_components(interpreter: "Interpreter", operand: Node) -> tuple[list[sympy.Expr], list[sympy.Symbol]] | None:
    """The bodies and joint parameters of [f_1; f_2] when every entry names a defined function."""
    from ..notation.ast import Sequence

    inner = operand.body if isinstance(operand, Group) else operand
    if isinstance(inner, Sequence):
        cells: list[Node] = list(inner.items)
    elif isinstance(inner, Matrix_) and all(len(row) == 1 for row in inner.rows):
        cells = [row[0] for row in inner.rows]
    else:
        return None
    if not cells or not all(isinstance(cell, Name) and _function_definition(interpreter, cell) is not None for cell in cells):
        return None
    bodies: list[sympy.Expr] = []
    variables: list[sympy.Symbol] = []
    for cell in cells:
        assert isinstance(cell, Name)
        body, parameters = _function_body(interpreter, cell)
        bodies.append(body)
        for parameter in parameters:
            if parameter not in variables:
                variables.append(parameter)
    return bodies, variables


def assemble(blocks: list[list[Value]], node: Matrix_, interpreter: "Interpreter") -> Value:
    """Build a matrix from cells that may themselves be row vectors (``\\nabla^T f_1``)."""
    rows: list[list[sympy.Expr]] = []
    for row in blocks:
        flat: list[sympy.Expr] = []
        for cell in row:
            cell = values.as_scalar(cell)
            if is_matrix(cell):
                if cell.shape[0] != 1:  # type: ignore[union-attr]
                    if len(row) == 1 and cell.shape[1] == 1:  # type: ignore[union-attr]
                        raise interpreter.error(node, f"a matrix row holds a {values.shape_text(cell)} column vector; a row needs a row vector (is a transpose missing?)", "shape")
                    raise interpreter.error(node, f"a matrix entry is {values.shape_text(cell)}", "shape")
                flat.extend(list(cell))  # type: ignore[arg-type]
            else:
                flat.append(cell)  # type: ignore[arg-type]
        rows.append(flat)
    widths = {len(row) for row in rows}
    if len(widths) != 1:
        raise interpreter.error(node, f"the rows of the matrix have different lengths: {sorted(widths)}", "shape")
    return sympy.ImmutableMatrix(rows)


def diag(arguments: list[Value], node: Node, interpreter: "Interpreter") -> Value:
    if len(arguments) == 1 and is_matrix(arguments[0]):
        return sympy.ImmutableMatrix(sympy.diag(*list(arguments[0])))  # type: ignore[arg-type]
    if len(arguments) == 1:
        raise interpreter.error(node, "diag of a single scalar entry: is this diag(v) of a vector, written per entry?", "needs-size")
    return sympy.ImmutableMatrix(sympy.diag(*arguments))


def big_operator(interpreter: "Interpreter", node: BigOperator) -> Value:
    if node.operator == "lim":
        variable = sympy.Symbol(node.variable.lstrip("\\"), real=True) if node.variable else None
        from .leaves import name_value

        variable_value = name_value(node.variable) if node.variable else None
        assert node.approach is not None
        approach = values.as_scalar(interpreter.value(node.approach))
        body = interpreter.value(node.body)
        if not isinstance(variable_value, sympy.Symbol):
            raise interpreter.error(node, f"cannot take a limit in '{node.variable}'")
        del variable
        # A limit written without a side is two-sided: both one-sided limits must agree.
        direction = "+-" if approach.is_finite else "+"
        if is_matrix(body):
            return sympy.ImmutableMatrix(body.applyfunc(lambda entry: sympy.Limit(entry, variable_value, approach, dir=direction)))  # type: ignore[union-attr]
        return sympy.Limit(body, variable_value, approach, dir=direction)

    index_name = node.variable.strip()
    if not index_name or node.lower is None or node.upper is None:
        raise interpreter.error(node, f"'\\{node.operator}' needs bounds written as _{{i=1}}^{{n}}", "unsupported")
    lower = values.as_scalar(interpreter.value(node.lower))
    upper = values.as_scalar(interpreter.value(node.upper))
    with interpreter.with_index(index_name) as index:
        body = interpreter.value(node.body)
    if is_matrix(body):
        raise interpreter.error(node, "a sum of vectors is not supported yet")
    for bound in (lower, upper):
        for free in getattr(bound, "free_symbols", set()):
            interpreter.size_symbols.add(str(free))
    lower, upper = _resolve_bound(interpreter, node, lower), _resolve_bound(interpreter, node, upper)
    operator = sympy.Sum if node.operator == "sum" else sympy.Product
    expression = operator(body, (index, lower, upper))
    if lower.is_Integer and upper.is_Integer:
        if int(upper) - int(lower) > 200:
            raise interpreter.error(node, f"the {node.operator} has {int(upper) - int(lower) + 1} terms, too many to expand", "too-large")
        expanded = expression.doit()
        return _unindex(expanded)
    return expression


def _resolve_bound(interpreter: "Interpreter", node: BigOperator, bound: sympy.Expr) -> sympy.Expr:
    if interpreter.sizes is None:
        if bound.free_symbols and not interpreter.symbolic_sums:
            raise interpreter.error(node, f"the {node.operator} runs to {bound}, a size not fixed", "needs-size")
        return bound
    mapping = {free: sympy.Integer(interpreter.sizes.get(str(free), interpreter.sizes.get("n", 2))) for free in bound.free_symbols}
    return bound.xreplace(mapping)


def _unindex(expression: sympy.Expr) -> sympy.Expr:
    """Replace x[3] (an Indexed entry from a sum) by the symbol x_3."""
    from .leaves import symbol

    mapping = {}
    for indexed in expression.atoms(sympy.Indexed):
        base = str(indexed.base)
        indices = "".join(str(i) for i in indexed.indices)
        if "^" in base:
            head, layer = base.split("^", 1)
            name = f"{head}_{indices}^{layer}" if len(indices) == 1 else f"{head}_{{{indices}}}^{layer}"
        else:
            name = f"{base}_{indices}" if len(indices) == 1 else f"{base}_{{{indices}}}"
        mapping[indexed] = symbol(name)
    return expression.xreplace(mapping)


__all__ = ["derivative", "prime", "gradient", "jacobian", "assemble", "diag", "big_operator", "InterpretError", "AppliedUndef"]
