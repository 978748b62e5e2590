"""A feed-forward network of dense layers, its cost and backpropagation over a batch.

``NetworkSpec`` describes a network without parameters (sizes, activations, convention,
cost) so that a document reader can fill it and ``NetworkSpec.build`` can draw the weights.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from symcheck.nn.activations import ACTIVATIONS, Activation, get_activation
from symcheck.nn.conventions import Array, Convention, check_convention
from symcheck.nn.cost import COSTS, Cost, get_cost
from symcheck.nn.layers import Dense, LayerGradient, ShapeError


@dataclass(frozen=True)
class NetworkSpec:
    """The architecture of a network: layer sizes, activations, vector convention and cost.

    ``sizes`` lists the widths from the input to the output, ``(n_0, n_1, ..., n_L)``, and
    ``activations`` has one activation name per layer, ``L`` in all. A single name is
    repeated for every layer. Lists are stored as tuples. Invalid values raise ValueError.
    """

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    convention: Convention = "column"
    cost: str = "mse"

    def __post_init__(self) -> None:
        sizes = tuple(int(size) for size in self.sizes)
        if len(sizes) < 2:
            raise ValueError(f"a network needs at least an input and an output size, got sizes {sizes}")
        if any(size < 1 for size in sizes):
            raise ValueError(f"layer sizes must be positive, got {sizes}")
        activations: tuple[str, ...]
        if isinstance(self.activations, str):
            activations = (self.activations,) * (len(sizes) - 1)
        else:
            activations = tuple(self.activations)
        if len(activations) != len(sizes) - 1:
            raise ValueError(
                f"{len(sizes) - 1} layers need {len(sizes) - 1} activations, got {len(activations)}: {activations}"
            )
        for name in activations:
            if name not in ACTIVATIONS:
                get_activation(name)  # raises the error that lists the known names
        if self.cost not in COSTS:
            get_cost(self.cost)
        object.__setattr__(self, "sizes", sizes)
        object.__setattr__(self, "activations", activations)
        object.__setattr__(self, "convention", check_convention(self.convention))

    @property
    def layer_count(self) -> int:
        return len(self.sizes) - 1

    def build(self, dtype: DTypeLike = np.float64, rng: np.random.Generator | int | None = None) -> Network:
        """Return a Network of this architecture with parameters drawn from ``rng`` (see Dense)."""
        generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        layers = [
            Dense(
                self.sizes[number],
                self.sizes[number + 1],
                self.activations[number],
                convention=self.convention,
                dtype=dtype,
                rng=generator,
            )
            for number in range(self.layer_count)
        ]
        return Network(layers, cost=self.cost)


@dataclass
class ForwardPass:
    """The values of one forward pass: the input, then z^l and a^l of every layer l = 1..L."""

    inputs: Array
    pre_activations: list[Array] = field(default_factory=list)
    activations: list[Array] = field(default_factory=list)

    @property
    def output(self) -> Array:
        return self.activations[-1]

    def layer_input(self, number: int) -> Array:
        """Return a^{l-1}, the input of layer ``number`` (0-based list position)."""
        return self.inputs if number == 0 else self.activations[number - 1]


@dataclass
class Parameter:
    """One parameter array of a network, named ``W^l`` or ``b^l``, and a live reference to it."""

    name: str
    array: Array
    layer: Dense
    component: Callable[[tuple[int, ...]], str]  # symbol name of an entry, e.g. "w^{2}_{13}"


class Network:
    """A stack of Dense layers with a cost, numbered 1..L in order.

    All layers must share one convention and one dtype, and consecutive sizes must match.
    ``backward`` is the backpropagation over a batch. A subclass may replace it, which is how
    the tests check that gradient checking catches a faulty backward pass.
    """

    def __init__(self, layers: Sequence[Dense], cost: str | Cost = "mse") -> None:
        if not layers:
            raise ValueError("a network needs at least one layer")
        self.layers = list(layers)
        self.cost = get_cost(cost)
        first = self.layers[0]
        for number, layer in enumerate(self.layers, start=1):
            layer.index = number
            if layer.convention != first.convention:
                raise ValueError(
                    f"{layer.label} uses the {layer.convention} convention but layer 1 uses the {first.convention} one"
                )
            if layer.dtype != first.dtype:
                raise ValueError(f"{layer.label} has dtype {layer.dtype} but layer 1 has {first.dtype}")
        for previous, layer in zip(self.layers, self.layers[1:]):
            if layer.in_size != previous.out_size:
                raise ShapeError(
                    f"{layer.label} expects {layer.in_size} inputs but {previous.label} outputs {previous.out_size}"
                )

    @classmethod
    def from_sizes(
        cls,
        sizes: Sequence[int],
        activations: str | Sequence[str],
        *,
        convention: Convention = "column",
        cost: str = "mse",
        dtype: DTypeLike = np.float64,
        rng: np.random.Generator | int | None = None,
    ) -> Network:
        """Build a network with random parameters, as ``NetworkSpec(...).build(dtype, rng)``."""
        names = (activations,) if isinstance(activations, str) else tuple(activations)
        if len(names) == 1:
            names = names * (len(sizes) - 1)
        return NetworkSpec(tuple(sizes), names, convention, cost).build(dtype, rng)

    @property
    def convention(self) -> Convention:
        return self.layers[0].convention

    @property
    def dtype(self) -> np.dtype[Any]:
        return self.layers[0].dtype

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self.layers[0].in_size, *(layer.out_size for layer in self.layers))

    @property
    def activations(self) -> tuple[Activation, ...]:
        return tuple(layer.activation for layer in self.layers)

    def spec(self) -> NetworkSpec:
        """Return the architecture, or raise ValueError if an activation is not a registered one."""
        names = []
        for layer in self.layers:
            if ACTIVATIONS.get(layer.activation.name) is not layer.activation:
                raise ValueError(f"{layer.label} uses an unregistered activation, which a NetworkSpec cannot name")
            names.append(layer.activation.name)
        return NetworkSpec(self.sizes, tuple(names), self.convention, self.cost.name)

    def parameters(self) -> list[Parameter]:
        """Return W^1, b^1, ..., W^L, b^L in that order, as live references to the layer arrays."""
        parameters = []
        for layer in self.layers:
            parameters.append(Parameter(layer.weights_name, layer.weights, layer, layer.weight_component))
            parameters.append(Parameter(layer.biases_name, layer.biases, layer, layer.bias_component))
        return parameters

    def set_parameters(self, values: Sequence[ArrayLike]) -> None:
        """Replace W^1, b^1, ..., W^L, b^L (same order as ``parameters``), checking every shape."""
        if len(values) != 2 * len(self.layers):
            raise ValueError(f"expected {2 * len(self.layers)} parameter arrays, got {len(values)}")
        for number, layer in enumerate(self.layers):
            layer.weights = values[2 * number]
            layer.biases = values[2 * number + 1]

    def forward(self, inputs: ArrayLike) -> ForwardPass:
        """Run the batch ``inputs`` through every layer and keep z^l and a^l."""
        array = self.layers[0].check_input(np.asarray(inputs))
        result = ForwardPass(array)
        current = array
        for layer in self.layers:
            z, current = layer.forward(current)
            result.pre_activations.append(z)
            result.activations.append(current)
        return result

    def predict(self, inputs: ArrayLike) -> Array:
        """Return the network output a^L for the batch ``inputs``."""
        return self.forward(inputs).output

    def check_target(self, targets: ArrayLike, forward: ForwardPass) -> Array:
        """Return ``targets`` in the network dtype, or raise ShapeError unless it matches the output."""
        array = np.asarray(targets, dtype=self.dtype)
        if array.shape != forward.output.shape:
            raise ShapeError(
                f"targets must have the output shape {forward.output.shape} "
                f"in the {self.convention} convention, got {array.shape}"
            )
        return array

    def cost_value(self, inputs: ArrayLike, targets: ArrayLike) -> float:
        """Return the cost C of the batch."""
        forward = self.forward(inputs)
        return self.cost.value(forward.output, self.check_target(targets, forward), self.convention)

    def backward(self, forward: ForwardPass, targets: Array) -> list[LayerGradient]:
        """Backpropagate from dC/da^L to the gradients of every layer, returned in layer order."""
        output_gradient = self.cost.gradient(forward.output, targets, self.convention)
        gradients: list[LayerGradient] = []
        for number in reversed(range(len(self.layers))):
            layer = self.layers[number]
            gradient, output_gradient = layer.backward(
                output_gradient, forward.pre_activations[number], forward.layer_input(number)
            )
            gradients.append(gradient)
        gradients.reverse()
        return gradients

    def gradients(self, inputs: ArrayLike, targets: ArrayLike) -> list[LayerGradient]:
        """Return dC/dW^l and dC/db^l of every layer for the batch, by backpropagation."""
        forward = self.forward(inputs)
        return self.backward(forward, self.check_target(targets, forward))

    def parameter_gradients(self, inputs: ArrayLike, targets: ArrayLike) -> list[Array]:
        """Return the backpropagation gradients in the order of ``parameters``."""
        return flatten_gradients(self.gradients(inputs, targets))


def flatten_gradients(gradients: Sequence[LayerGradient]) -> list[Array]:
    """Return dC/dW^1, dC/db^1, ..., in the order of ``Network.parameters``."""
    flat: list[Array] = []
    for gradient in gradients:
        flat.extend((gradient.weights, gradient.biases))
    return flat
