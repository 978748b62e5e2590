"""Cost functions of a network output, in numeric and symbolic form.

The only cost so far is the mean squared error over a batch of ``m`` examples,
``C = 1/(2m) * sum_i ||y_i - y_hat_i||^2``, where ``y_i`` and ``y_hat_i`` are the target
and output vectors of example ``i``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np
import sympy

from symcheck.nn.conventions import Array, Convention, example_count


class Cost(ABC):
    """A scalar cost of a batch of network outputs against targets."""

    name: str

    @abstractmethod
    def value(self, output: Array, target: Array, convention: Convention) -> float:
        """Return the cost of a batch of outputs and targets of the same shape."""

    @abstractmethod
    def gradient(self, output: Array, target: Array, convention: Convention) -> Array:
        """Return dC/d(output), an array of the output's shape and dtype."""

    @abstractmethod
    def symbolic(self, outputs: Sequence[Sequence[sympy.Expr]], targets: Sequence[Sequence[sympy.Expr]]) -> sympy.Expr:
        """Return the cost as a SymPy expression, where ``outputs[i][j]`` is component j of example i."""


class MeanSquaredError(Cost):
    """``C = 1/(2m) * sum_i ||y_i - y_hat_i||^2``, the mean over examples of half the squared error."""

    name = "mse"

    def value(self, output: Array, target: Array, convention: Convention) -> float:
        """Return C for a batch of outputs and targets of the same shape."""
        _check_same_shape(output, target)
        count = example_count(output, convention)
        residual = output - target
        return float(np.sum(residual * residual) / (2 * count))

    def gradient(self, output: Array, target: Array, convention: Convention) -> Array:
        """Return dC/d(output), an array of the output's shape: ``(y_hat - y) / m``."""
        _check_same_shape(output, target)
        count = example_count(output, convention)
        return (output - target) / output.dtype.type(count)

    def symbolic(self, outputs: Sequence[Sequence[sympy.Expr]], targets: Sequence[Sequence[sympy.Expr]]) -> sympy.Expr:
        """Return C as a SymPy expression, where ``outputs[i][j]`` is component j of example i."""
        count = len(outputs)
        total = sympy.Add(
            *[
                (target - output) ** 2
                for example_outputs, example_targets in zip(outputs, targets, strict=True)
                for output, target in zip(example_outputs, example_targets, strict=True)
            ]
        )
        return total / (2 * count)


COSTS: dict[str, Cost] = {"mse": MeanSquaredError()}


def get_cost(cost: str | Cost) -> Cost:
    """Return the cost named ``cost``, or raise ValueError if unknown. A Cost is returned unchanged."""
    if isinstance(cost, Cost):
        return cost
    try:
        return COSTS[cost]
    except KeyError:
        known = ", ".join(sorted(COSTS))
        raise ValueError(f"unknown cost {cost!r}: expected one of {known}") from None


def _check_same_shape(output: Array, target: Array) -> None:
    if output.shape != target.shape:
        raise ValueError(f"target shape {target.shape} does not match the network output shape {output.shape}")
