"""The dense (fully connected) layer: weights, biases and an activation, forward and backward.

Component names follow the usual backpropagation notation in both conventions:
``w^{l}_{jk}`` is the weight from unit k of layer l-1 to unit j of layer l and ``b^{l}_{j}``
is the bias of unit j of layer l, all indices 1-based. The column convention stores
``w^{l}_{jk}`` at ``W[j-1, k-1]`` and the row convention at ``W[k-1, j-1]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from symcheck.nn.activations import Activation, get_activation
from symcheck.nn.conventions import Array, Convention, batch_axis, check_convention, resolve_dtype


class ShapeError(ValueError):
    """An array whose shape does not fit the layer sizes and the vector convention."""


@dataclass
class LayerGradient:
    """dC/dW and dC/db of one layer, in the layout of the layer's weights and biases."""

    weights: Array
    biases: Array


def index_subscript(*indices: int, separate: bool) -> str:
    """Return the LaTeX subscript of 1-based indices, e.g. ``12`` or ``10,2`` when ``separate``."""
    return ("," if separate else "").join(str(index) for index in indices)


def weight_symbol_name(layer: int, unit: int, source: int, separate: bool = False) -> str:
    """Return the name of ``w^{layer}_{unit source}``, e.g. ``w^{1}_{12}`` (1-based indices).

    ``separate`` puts a comma between the subscripts, needed once a layer has 10 or more units.
    """
    return f"w^{{{layer}}}_{{{index_subscript(unit, source, separate=separate)}}}"


def bias_symbol_name(layer: int, unit: int) -> str:
    """Return the name of ``b^{layer}_{unit}``, e.g. ``b^{2}_{1}`` (1-based indices)."""
    return f"b^{{{layer}}}_{{{unit}}}"


def _default_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


class Dense:
    """A fully connected layer ``a = sigma(z)`` with ``z = W a_prev + b`` (column) or ``a_prev W + b`` (row).

    ``weights`` has shape ``(out_size, in_size)`` in the column convention and
    ``(in_size, out_size)`` in the row convention. ``biases`` has shape ``(out_size,)`` and also
    accepts ``(out_size, 1)`` (column) or ``(1, out_size)`` (row). A wrong shape raises
    ShapeError naming the layer, the expected and the actual shape.

    Missing weights are drawn from N(0, 1/in_size) and missing biases from N(0, 0.25) with
    ``rng``. These draws give test points for gradient checks, not a training initialisation.
    ``index`` is the 1-based layer number l used in names such as ``W^l``. A Network sets it.
    """

    def __init__(
        self,
        in_size: int,
        out_size: int,
        activation: str | Activation = "sigmoid",
        *,
        convention: Convention = "column",
        weights: ArrayLike | None = None,
        biases: ArrayLike | None = None,
        dtype: DTypeLike | None = None,
        rng: np.random.Generator | int | None = None,
        index: int | None = None,
    ) -> None:
        if in_size < 1 or out_size < 1:
            raise ValueError(f"layer sizes must be positive, got in_size={in_size}, out_size={out_size}")
        self.in_size = int(in_size)
        self.out_size = int(out_size)
        self.activation = get_activation(activation)
        self.convention = check_convention(convention)
        self.index = index
        if dtype is None:
            weights_dtype = np.asarray(weights).dtype if weights is not None else np.dtype(np.float64)
            dtype = weights_dtype if np.issubdtype(weights_dtype, np.floating) else np.float64
        self.dtype = resolve_dtype(dtype)

        generator = _default_rng(rng)
        if weights is None:
            weights = generator.normal(0.0, 1.0 / np.sqrt(self.in_size), size=self.weights_shape)
        if biases is None:
            biases = generator.normal(0.0, 0.5, size=self.out_size)
        self.weights = np.asarray(weights)
        self.biases = np.asarray(biases)

    @property
    def weights_shape(self) -> tuple[int, int]:
        """The shape that W must have in this layer's convention."""
        if self.convention == "column":
            return (self.out_size, self.in_size)
        return (self.in_size, self.out_size)

    @property
    def label(self) -> str:
        """A description such as ``layer 2 (4 -> 3, relu, column convention)`` for messages."""
        number = f"layer {self.index}" if self.index is not None else "layer"
        return f"{number} ({self.in_size} -> {self.out_size}, {self.activation.name}, {self.convention} convention)"

    @property
    def weights_name(self) -> str:
        """The parameter name ``W^l`` (``W`` before a Network numbers the layer)."""
        return f"W^{self.index}" if self.index is not None else "W"

    @property
    def biases_name(self) -> str:
        """The parameter name ``b^l`` (``b`` before a Network numbers the layer)."""
        return f"b^{self.index}" if self.index is not None else "b"

    @property
    def weights(self) -> Array:
        return self._weights

    @weights.setter
    def weights(self, value: ArrayLike) -> None:
        array = np.array(value, dtype=self.dtype)
        expected = self.weights_shape
        if array.shape != expected:
            layout = "out_size x in_size" if self.convention == "column" else "in_size x out_size"
            message = (
                f"{self.label}: weights {self.weights_name} must have shape {expected} "
                f"({layout} in the {self.convention} convention), got {array.shape}"
            )
            if array.shape == expected[::-1]:
                other = "row" if self.convention == "column" else "column"
                message += f"; that is the {other}-convention shape, so transpose W or use convention={other!r}"
            raise ShapeError(message)
        self._weights: Array = array

    @property
    def biases(self) -> Array:
        return self._biases

    @biases.setter
    def biases(self, value: ArrayLike) -> None:
        array = np.array(value, dtype=self.dtype)
        broadcast_shape = (self.out_size, 1) if self.convention == "column" else (1, self.out_size)
        if array.shape not in ((self.out_size,), broadcast_shape):
            raise ShapeError(
                f"{self.label}: biases {self.biases_name} must have shape ({self.out_size},) "
                f"or {broadcast_shape}, got {array.shape}"
            )
        self._biases: Array = array.reshape(self.out_size)

    def check_input(self, inputs: Array) -> Array:
        """Return ``inputs`` as an array of this layer's dtype, or raise ShapeError for a wrong shape."""
        array = np.asarray(inputs, dtype=self.dtype)
        feature_axis = 1 - batch_axis(self.convention)
        if array.ndim != 2 or array.shape[feature_axis] != self.in_size:
            expected = "(in_size, m)" if self.convention == "column" else "(m, in_size)"
            raise ShapeError(
                f"{self.label}: input must have shape {expected} with in_size = {self.in_size} "
                f"in the {self.convention} convention, got {array.shape}"
            )
        return array

    def pre_activation(self, inputs: Array) -> Array:
        """Return z for a batch of inputs ``a_prev`` (shape checked)."""
        inputs = self.check_input(inputs)
        if self.convention == "column":
            return self.weights @ inputs + self.biases[:, np.newaxis]
        return inputs @ self.weights + self.biases[np.newaxis, :]

    def forward(self, inputs: Array) -> tuple[Array, Array]:
        """Return ``(z, a)`` for a batch of inputs ``a_prev``."""
        z = self.pre_activation(inputs)
        return z, self.activation.function(z)

    def backward(self, output_gradient: Array, z: Array, inputs: Array) -> tuple[LayerGradient, Array]:
        """Return the parameter gradients and dC/d(a_prev) from dC/da at this layer.

        ``z`` and ``inputs`` are the pre-activation and the input ``a_prev`` of the forward
        pass. The batch sum over examples happens here, so ``output_gradient`` already
        contains the cost's 1/m factor.
        """
        delta = output_gradient * self.activation.derivative(z)  # dC/dz
        if self.convention == "column":
            weights_gradient = delta @ inputs.T
            biases_gradient = delta.sum(axis=1)
            input_gradient = self.weights.T @ delta
        else:
            weights_gradient = inputs.T @ delta
            biases_gradient = delta.sum(axis=0)
            input_gradient = delta @ self.weights.T
        return LayerGradient(weights_gradient, biases_gradient), input_gradient

    def weight_component(self, index: tuple[int, ...]) -> str:
        """Return the symbol name of the weight at 0-based ``index`` of ``weights``, e.g. ``w^{2}_{13}``.

        An unnumbered layer is named as layer 1.
        """
        row, column = index
        unit, source = (row, column) if self.convention == "column" else (column, row)
        separate = max(self.in_size, self.out_size) >= 10
        return weight_symbol_name(self.index or 1, unit + 1, source + 1, separate)

    def bias_component(self, index: tuple[int, ...]) -> str:
        """Return the symbol name of the bias at 0-based ``index`` of ``biases``, e.g. ``b^{2}_{1}``."""
        return bias_symbol_name(self.index or 1, index[0] + 1)
