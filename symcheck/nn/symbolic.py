"""The gradient of a network's cost derived with SymPy, from explicit component symbols.

Every weight ``w^{l}_{jk}``, bias ``b^{l}_{j}``, input ``x^{(i)}_{k}`` and target
``y^{(i)}_{j}`` of a batch of ``m`` examples is a SymPy Symbol (indices 1-based, see
``symcheck.nn.layers`` for the weight layout). Two derivations are offered:

* ``"layerwise"`` (the default) derives the backward pass one layer at a time.
  ``sympy.diff`` gives each local derivative: dC/da^L of the cost, sigma'(z) of each
  activation, and dz/dw, dz/db and dz/da^{l-1} of each layer. The chain rule then combines
  them into ``delta^L = dC/da^L * sigma'(z^L)`` and ``delta^l = sigma'(z^l) * sum_j w^{l+1}_{jk}
  delta^{l+1}_j``. Every derivative stays small. A 16-16-16 network took under 3 s to
  derive and compile on a 2-core machine (see docs/benchmarks.md).
* ``"jacobian"`` calls ``Matrix([C]).jacobian(parameters)`` on the whole cost. It serves
  as the baseline of ``benchmarks/bench_nn.py`` and grows much faster with the size.

Both results are compiled by ``lambdify_broadcast``, which calls ``sympy.lambdify`` with
common-subexpression elimination, into NumPy code that evaluates in float64. ReLU'(0) is 0
in both derivations: the layer-wise one uses ``Heaviside(z, 0)`` and the Jacobian
differentiates ``Piecewise((z, z > 0), (0, True))``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import sympy

from symcheck.nn.activations import Activation, get_activation
from symcheck.nn.conventions import Array, Convention, check_convention
from symcheck.nn.cost import Cost, get_cost
from symcheck.nn.layers import bias_symbol_name, weight_symbol_name
from symcheck.nn.network import Network

Method = Literal["layerwise", "jacobian"]
# SymPy expressions indexed [example][unit], as produced by the forward pass.
ExampleVectors = list[list[sympy.Expr]]


def _common_subexpressions(expressions: list[sympy.Expr]) -> tuple[list[tuple[sympy.Symbol, sympy.Expr]], list[sympy.Expr]]:
    # order="none" skips the canonical sort of sympy.cse. That sort counts the nodes of every
    # subtree without sharing: on a 10-10-10 network cse took 7.7 s with it and 0.2 s without.
    replacements, reduced = sympy.cse(expressions, order="none")
    return replacements, reduced


def _rename_symbols(expressions: Sequence[sympy.Expr], renaming: dict[sympy.Basic, sympy.Basic]) -> list[sympy.Expr]:
    """Replace symbols in ``expressions`` in one pass over the shared subexpressions.

    ``xreplace`` walks a deep network expression as a tree and revisits every shared
    subtree, so this rebuild keeps a cache per node and skips re-evaluation.
    """
    cache: dict[sympy.Basic, sympy.Basic] = dict(renaming)

    def rebuild(node: sympy.Basic) -> sympy.Basic:
        known = cache.get(node)
        if known is not None:
            return known
        if node.args:
            arguments = tuple(rebuild(argument) for argument in node.args)
            if arguments == node.args:
                result = node
            else:
                try:
                    result = node.func(*arguments, evaluate=False)
                except TypeError:  # a node class without the evaluate keyword, such as ExprCondPair
                    result = node.func(*arguments)
        else:
            result = node
        cache[node] = result
        return result

    return [rebuild(expression) for expression in expressions]


def lambdify_broadcast(
    arguments: Sequence[sympy.Symbol], expressions: Sequence[sympy.Expr], *, cse: bool = True
) -> Callable[..., Array]:
    """Compile ``expressions`` into a NumPy function of ``arguments`` that always broadcasts.

    Plain ``lambdify`` returns a constant entry as a Python number even when the arguments
    are arrays. The returned function instead gives a float64 array of shape
    ``(len(expressions), *S)``, with S the broadcast shape of the arguments, and spreads
    each constant over S with ``np.broadcast_to``.

    Every argument is renamed to ``_symcheck_arg0``, ``_symcheck_arg1``, ... before
    compiling, because names such as ``w^{1}_{12}`` are not Python identifiers. For such
    names ``lambdify`` would substitute a Dummy throughout all expressions once per
    argument, which is quadratic in the size.
    """
    stray = set().union(*(getattr(expression, "free_symbols", set()) for expression in expressions)) - set(arguments)
    if stray:
        # lambdify writes symbol names into Python source; only the arguments may appear there.
        raise ValueError(f"expressions use symbols that are not arguments: {sorted(map(str, stray))}")
    aliases = [sympy.Symbol(f"_symcheck_arg{position}", **argument.assumptions0) for position, argument in enumerate(arguments)]
    renamed = _rename_symbols(expressions, dict(zip(arguments, aliases)))
    # use_imps=False skips the search for implemented_function objects, which walks the
    # expressions as trees; symcheck never uses implemented_function.
    compiled = sympy.lambdify(
        aliases, renamed, modules="numpy", cse=_common_subexpressions if cse else False, use_imps=False
    )
    count = len(expressions)

    def evaluate(*values: object) -> Array:
        arrays = [np.asarray(value, dtype=np.float64) for value in values]
        shape = np.broadcast_shapes(*(array.shape for array in arrays))
        entries = compiled(*arrays)
        result = np.empty((count, *shape), dtype=np.float64)
        for position, entry in enumerate(entries):
            result[position] = np.broadcast_to(np.asarray(entry, dtype=np.float64), shape)
        return result

    return evaluate


@dataclass(frozen=True)
class NetworkSymbols:
    """The component symbols of a network and a batch of ``batch_size`` examples.

    ``weights[l]`` is a Matrix in the storage layout of the convention, so ``weights[l][r, c]``
    matches ``Dense.weights[r, c]`` of layer l + 1. List positions are 0-based and symbol
    names 1-based. ``inputs[i][k]`` and ``targets[i][j]`` are component k or j of example i.
    """

    sizes: tuple[int, ...]
    activations: tuple[Activation, ...]
    convention: Convention
    cost: Cost
    batch_size: int
    weights: tuple[sympy.Matrix, ...]
    biases: tuple[tuple[sympy.Symbol, ...], ...]
    inputs: tuple[tuple[sympy.Symbol, ...], ...]
    targets: tuple[tuple[sympy.Symbol, ...], ...]

    def weight(self, layer: int, unit: int, source: int) -> sympy.Symbol:
        """Return ``w^{layer+1}_{unit+1, source+1}`` for 0-based arguments."""
        matrix = self.weights[layer]
        return matrix[unit, source] if self.convention == "column" else matrix[source, unit]

    @property
    def parameters(self) -> list[sympy.Symbol]:
        """W^1 (flattened in C order), b^1, ..., W^L, b^L, as ``Network.parameters`` orders them."""
        flat: list[sympy.Symbol] = []
        for weights, biases in zip(self.weights, self.biases):
            flat.extend(weights)
            flat.extend(biases)
        return flat

    @property
    def arguments(self) -> list[sympy.Symbol]:
        """The parameters, then every input and every target, example by example."""
        data = [symbol for example in self.inputs for symbol in example]
        data += [symbol for example in self.targets for symbol in example]
        return self.parameters + data


def make_symbols(
    sizes: Sequence[int],
    activations: Sequence[str | Activation],
    convention: Convention = "column",
    cost: str | Cost = "mse",
    batch_size: int = 2,
) -> NetworkSymbols:
    """Create real-valued symbols for a network of ``sizes`` and a batch of ``batch_size`` examples."""
    sizes = tuple(int(size) for size in sizes)
    if len(activations) != len(sizes) - 1:
        raise ValueError(f"{len(sizes) - 1} layers need {len(sizes) - 1} activations, got {len(activations)}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    convention = check_convention(convention)
    weights = []
    biases = []
    for layer in range(1, len(sizes)):
        in_size, out_size = sizes[layer - 1], sizes[layer]
        separate = max(in_size, out_size) >= 10
        matrix = sympy.Matrix(
            out_size,
            in_size,
            lambda j, k: sympy.Symbol(weight_symbol_name(layer, j + 1, k + 1, separate), real=True),
        )
        weights.append(matrix if convention == "column" else matrix.T)
        biases.append(tuple(sympy.Symbol(bias_symbol_name(layer, j + 1), real=True) for j in range(out_size)))
    inputs = tuple(
        tuple(sympy.Symbol(f"x^{{({i + 1})}}_{{{k + 1}}}", real=True) for k in range(sizes[0]))
        for i in range(batch_size)
    )
    targets = tuple(
        tuple(sympy.Symbol(f"y^{{({i + 1})}}_{{{j + 1}}}", real=True) for j in range(sizes[-1]))
        for i in range(batch_size)
    )
    return NetworkSymbols(
        sizes,
        tuple(get_activation(activation) for activation in activations),
        convention,
        get_cost(cost),
        batch_size,
        tuple(weights),
        tuple(biases),
        inputs,
        targets,
    )


@dataclass
class SymbolicForward:
    """z^l and a^l of every layer as SymPy expressions, indexed [layer][example][unit]."""

    pre_activations: list[ExampleVectors]
    activations: list[ExampleVectors]

    def layer_input(self, symbols: NetworkSymbols, layer: int) -> ExampleVectors:
        """Return a^{l-1} for the 0-based ``layer``: the inputs for the first layer."""
        if layer == 0:
            return [list(example) for example in symbols.inputs]
        return self.activations[layer - 1]


def symbolic_forward(symbols: NetworkSymbols) -> SymbolicForward:
    """Build z^l = W^l a^{l-1} + b^l and a^l = sigma(z^l) for every layer and example."""
    forward = SymbolicForward([], [])
    for layer, activation in enumerate(symbols.activations):
        previous = forward.layer_input(symbols, layer)
        in_size, out_size = symbols.sizes[layer], symbols.sizes[layer + 1]
        z_layer = [
            [
                sympy.Add(
                    *[symbols.weight(layer, unit, source) * example[source] for source in range(in_size)],
                    symbols.biases[layer][unit],
                )
                for unit in range(out_size)
            ]
            for example in previous
        ]
        forward.pre_activations.append(z_layer)
        forward.activations.append([[activation.symbolic(z) for z in example] for example in z_layer])
    return forward


def symbolic_cost(symbols: NetworkSymbols, forward: SymbolicForward | None = None) -> sympy.Expr:
    """Return the cost C of the batch as one SymPy expression of all symbols."""
    forward = forward or symbolic_forward(symbols)
    return symbols.cost.symbolic(forward.activations[-1], symbols.targets)


@functools.lru_cache(maxsize=None)
def _derivative_template(activation: Activation) -> tuple[sympy.Symbol, sympy.Expr]:
    placeholder = sympy.Dummy("z", real=True)
    return placeholder, activation.derivative_expression(placeholder)


def _activation_derivative(activation: Activation, z: sympy.Expr) -> sympy.Expr:
    placeholder, template = _derivative_template(activation)
    return template.xreplace({placeholder: z})


def _output_gradient(symbols: NetworkSymbols, outputs: ExampleVectors) -> ExampleVectors:
    """Return dC/da^L, differentiating the cost with respect to placeholder outputs."""
    examples = range(symbols.batch_size)
    units = range(symbols.sizes[-1])
    placeholders = [[sympy.Dummy(f"q{i}_{j}", real=True) for j in units] for i in examples]
    cost = symbols.cost.symbolic(placeholders, symbols.targets)
    substitution = {placeholders[i][j]: outputs[i][j] for i in examples for j in units}
    return [[sympy.diff(cost, placeholder).xreplace(substitution) for placeholder in row] for row in placeholders]


def _layer_backward(
    symbols: NetworkSymbols, layer: int, forward: SymbolicForward, output_gradient: ExampleVectors
) -> tuple[list[sympy.Expr], ExampleVectors]:
    """Return dC/dW and dC/db of the 0-based ``layer`` (parameter order) and dC/da^{l-1}.

    ``output_gradient`` is dC/da^l. The local derivatives of z_j = sum_k w_jk p_k + b_j come
    from ``sympy.diff`` with placeholders p for a^{l-1}, which are then replaced by the
    forward expressions of each example. dC/da^{l-1} is empty for the first layer.
    """
    examples = range(symbols.batch_size)
    in_size, out_size = symbols.sizes[layer], symbols.sizes[layer + 1]
    activation = symbols.activations[layer]
    z_layer = forward.pre_activations[layer]
    previous = forward.layer_input(symbols, layer)
    delta = [
        [output_gradient[i][unit] * _activation_derivative(activation, z_layer[i][unit]) for unit in range(out_size)]
        for i in examples
    ]

    inputs = [sympy.Dummy(f"p{k}", real=True) for k in range(in_size)]
    local_z = [
        sympy.Add(*[symbols.weight(layer, unit, k) * inputs[k] for k in range(in_size)], symbols.biases[layer][unit])
        for unit in range(out_size)
    ]
    per_example_inputs = [{inputs[k]: previous[i][k] for k in range(in_size)} for i in examples]

    weight_gradient = {}
    for unit in range(out_size):
        for source in range(in_size):
            weight = symbols.weight(layer, unit, source)
            local = sympy.diff(local_z[unit], weight)
            terms = [delta[i][unit] * local.xreplace(per_example_inputs[i]) for i in examples]
            weight_gradient[weight] = sympy.Add(*terms)
    bias_gradient = [
        sympy.Add(*[delta[i][unit] * sympy.diff(local_z[unit], symbols.biases[layer][unit]) for i in examples])
        for unit in range(out_size)
    ]
    parameter_gradient = [weight_gradient[weight] for weight in symbols.weights[layer]] + bias_gradient
    if layer == 0:
        return parameter_gradient, []  # the inputs x are data, so dC/dx is not needed

    local_input = [[sympy.diff(local_z[unit], inputs[k]) for k in range(in_size)] for unit in range(out_size)]
    input_gradient = [
        [sympy.Add(*[delta[i][unit] * local_input[unit][k] for unit in range(out_size)]) for k in range(in_size)]
        for i in examples
    ]
    return parameter_gradient, input_gradient


def layerwise_gradient(symbols: NetworkSymbols) -> list[sympy.Expr]:
    """Derive dC/dtheta for every parameter layer by layer, in ``NetworkSymbols.parameters`` order."""
    forward = symbolic_forward(symbols)
    output_gradient = _output_gradient(symbols, forward.activations[-1])
    gradients: list[list[sympy.Expr]] = []
    for layer in reversed(range(len(symbols.activations))):
        parameter_gradient, output_gradient = _layer_backward(symbols, layer, forward, output_gradient)
        gradients.append(parameter_gradient)
    gradients.reverse()
    return [entry for layer_gradient in gradients for entry in layer_gradient]


def jacobian_gradient(symbols: NetworkSymbols) -> list[sympy.Expr]:
    """Derive dC/dtheta with ``Matrix([C]).jacobian`` on the whole cost (the slow baseline)."""
    cost = symbolic_cost(symbols)
    jacobian = sympy.Matrix([cost]).jacobian(symbols.parameters)
    # The derivative of Max(z, 0) comes out as Heaviside(z), which is 1/2 at 0; use ReLU'(0) = 0.
    return [entry.replace(sympy.Heaviside, lambda argument, *_: sympy.Heaviside(argument, 0)) for entry in jacobian]


@dataclass
class SymbolicGradient:
    """A derived and compiled gradient of the cost, with the time each stage took (seconds)."""

    symbols: NetworkSymbols
    expressions: list[sympy.Expr]  # dC/dtheta in NetworkSymbols.parameters order
    function: Callable[..., Array]  # lambdify_broadcast of expressions over symbols.arguments
    method: Method
    derive_seconds: float
    lambdify_seconds: float

    def _shapes(self) -> list[tuple[int, ...]]:
        shapes: list[tuple[int, ...]] = []
        for weights, biases in zip(self.symbols.weights, self.symbols.biases):
            shapes.extend((weights.shape, (len(biases),)))
        return shapes

    def _argument_values(self, parameters: Sequence[Array], inputs: Array, targets: Array) -> list[Array]:
        symbols = self.symbols
        shapes = self._shapes()
        if len(parameters) != len(shapes):
            raise ValueError(f"expected {len(shapes)} parameter arrays, got {len(parameters)}")
        values: list[Array] = []
        for parameter, shape in zip(parameters, shapes):
            array = np.asarray(parameter, dtype=np.float64)
            if array.shape != shape:
                raise ValueError(f"parameter array of shape {array.shape} does not match the symbols' {shape}")
            values.extend(array.ravel())
        for data, size, name in ((inputs, symbols.sizes[0], "inputs"), (targets, symbols.sizes[-1], "targets")):
            array = np.asarray(data, dtype=np.float64)
            by_example = array.T if symbols.convention == "column" else array
            if by_example.shape != (symbols.batch_size, size):
                expected = (size, symbols.batch_size) if symbols.convention == "column" else (symbols.batch_size, size)
                raise ValueError(
                    f"{name} must have shape {expected} in the {symbols.convention} convention, got {array.shape}"
                )
            values.extend(by_example.ravel())
        return values

    def _split(self, flat: Array) -> list[Array]:
        arrays = []
        offset = 0
        for shape in self._shapes():
            size = int(np.prod(shape))
            arrays.append(flat[offset : offset + size].reshape(shape))
            offset += size
        return arrays

    def evaluate(self, parameters: Sequence[Array], inputs: Array, targets: Array) -> list[Array]:
        """Return dC/dW^1, dC/db^1, ... in float64 at one point (arrays in Network layout)."""
        return self.evaluate_points([(parameters, inputs, targets)])[0]

    def evaluate_points(self, points: Sequence[tuple[Sequence[Array], Array, Array]]) -> list[list[Array]]:
        """Evaluate the gradient at several ``(parameters, inputs, targets)`` points in one call.

        Each symbol receives an array with one value per point, so the compiled code runs once.
        """
        if not points:
            return []
        columns = [self._argument_values(*point) for point in points]
        stacked = [np.array(values) for values in zip(*columns)]
        flat = self.function(*stacked)  # shape (parameter count, point count)
        return [self._split(flat[:, number]) for number in range(len(points))]


def derive_gradient(
    sizes: Sequence[int],
    activations: Sequence[str | Activation],
    convention: Convention = "column",
    cost: str | Cost = "mse",
    batch_size: int = 2,
    method: Method = "layerwise",
) -> SymbolicGradient:
    """Derive and compile the gradient of the cost for a network architecture and batch size.

    Results are cached per argument tuple, because derivation is the slow step.
    """
    return _derive_cached(
        tuple(int(size) for size in sizes),
        tuple(get_activation(activation) for activation in activations),
        check_convention(convention),
        get_cost(cost),
        int(batch_size),
        method,
    )


def derive_network_gradient(network: Network, batch_size: int, method: Method = "layerwise") -> SymbolicGradient:
    """Derive the gradient for the architecture of ``network``, as ``derive_gradient`` does."""
    return derive_gradient(network.sizes, network.activations, network.convention, network.cost, batch_size, method)


def compile_gradient(symbols: NetworkSymbols, method: Method = "layerwise") -> SymbolicGradient:
    """Derive the gradient for ``symbols`` with ``method`` and lambdify it, timing both stages.

    Unlike ``derive_gradient`` this never caches, which suits benchmarks.
    """
    start = time.perf_counter()
    if method == "layerwise":
        expressions = layerwise_gradient(symbols)
    elif method == "jacobian":
        expressions = jacobian_gradient(symbols)
    else:
        raise ValueError(f"unknown derivation method {method!r}: expected 'layerwise' or 'jacobian'")
    derived = time.perf_counter()
    function = lambdify_broadcast(symbols.arguments, expressions, cse=True)
    compiled = time.perf_counter()
    return SymbolicGradient(symbols, expressions, function, method, derived - start, compiled - derived)


@functools.lru_cache(maxsize=64)
def _derive_cached(
    sizes: tuple[int, ...],
    activations: tuple[Activation, ...],
    convention: Convention,
    cost: Cost,
    batch_size: int,
    method: Method,
) -> SymbolicGradient:
    return compile_gradient(make_symbols(sizes, activations, convention, cost, batch_size), method)
