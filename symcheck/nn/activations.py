"""Activation functions in numeric (NumPy) and symbolic (SymPy) form.

Each activation carries both forms so that backpropagation, finite differences and the
symbolic derivation use the same definition. The symbolic derivative is derived with
``sympy.diff`` unless the activation fixes it by convention, which only ReLU does.

ReLU'(0) is 0 here, in the NumPy derivative and in the symbolic one (``Heaviside(z, 0)``).
ReLU is not differentiable at 0 and 0 is the subgradient that PyTorch and JAX return there.
SymPy's plain ``Heaviside(0)`` is 1/2, so symcheck never uses it for this derivative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy

from symcheck.nn.conventions import Array

_DUMMY = sympy.Symbol("t", real=True)


@dataclass(frozen=True)
class Activation:
    """An elementwise activation sigma with its derivative in NumPy and SymPy form.

    ``kinks`` lists the points where sigma is not differentiable. Finite differences keep
    pre-activations away from them (see ``symcheck.nn.gradcheck``).
    """

    name: str
    function: Callable[[Array], Array]
    derivative: Callable[[Array], Array]  # d sigma / dz, evaluated at the pre-activation z
    symbolic: Callable[[sympy.Expr], sympy.Expr]
    # A derivative fixed by convention. With None, sympy.diff derives it from ``symbolic``.
    symbolic_derivative: Callable[[sympy.Expr], sympy.Expr] | None = None
    kinks: tuple[float, ...] = ()

    def __call__(self, z: Array) -> Array:
        return self.function(z)

    def derivative_expression(self, z: sympy.Expr) -> sympy.Expr:
        """Return sigma'(z) as a SymPy expression in ``z``."""
        if self.symbolic_derivative is not None:
            return self.symbolic_derivative(z)
        derived = sympy.diff(self.symbolic(_DUMMY), _DUMMY)
        return derived.xreplace({_DUMMY: z})


def _relu(z: Array) -> Array:
    return np.maximum(z, 0).astype(z.dtype, copy=False)


def _relu_derivative(z: Array) -> Array:
    # Strictly greater: ReLU'(0) = 0 (see the module docstring).
    return (z > 0).astype(z.dtype)


def _relu_symbolic(z: sympy.Expr) -> sympy.Expr:
    # Max rather than Piecewise: a Piecewise of Piecewise conditions lambdifies to np.select with
    # float conditions, which NumPy 2 rejects for two stacked ReLU layers.
    return sympy.Max(z, 0)


def _relu_symbolic_derivative(z: sympy.Expr) -> sympy.Expr:
    return sympy.Heaviside(z, 0)


def _sigmoid(z: Array) -> Array:
    # exp(-|z|) is at most 1, so it cannot overflow, and each branch avoids cancellation on its side of 0.
    decay = np.exp(-np.abs(z))
    result: Array = np.where(z >= 0, 1 / (1 + decay), decay / (1 + decay))
    return result.astype(z.dtype, copy=False)


def _sigmoid_derivative(z: Array) -> Array:
    value = _sigmoid(z)
    return value * (1 - value)


def _sigmoid_symbolic(z: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-z))


def _tanh(z: Array) -> Array:
    return np.tanh(z)


def _tanh_derivative(z: Array) -> Array:
    return 1 - np.tanh(z) ** 2


def _tanh_symbolic(z: sympy.Expr) -> sympy.Expr:
    return sympy.tanh(z)


def _identity(z: Array) -> Array:
    return z


def _identity_derivative(z: Array) -> Array:
    return np.ones_like(z)


def _identity_symbolic(z: sympy.Expr) -> sympy.Expr:
    return z


RELU = Activation(
    "relu",
    _relu,
    _relu_derivative,
    _relu_symbolic,
    symbolic_derivative=_relu_symbolic_derivative,
    kinks=(0.0,),
)
SIGMOID = Activation("sigmoid", _sigmoid, _sigmoid_derivative, _sigmoid_symbolic)
TANH = Activation("tanh", _tanh, _tanh_derivative, _tanh_symbolic)
IDENTITY = Activation("identity", _identity, _identity_derivative, _identity_symbolic)

ACTIVATIONS: dict[str, Activation] = {
    activation.name: activation for activation in (RELU, SIGMOID, TANH, IDENTITY)
}


def get_activation(activation: str | Activation) -> Activation:
    """Return the activation named ``activation`` (an Activation is returned unchanged).

    Raises ValueError for an unknown name, listing the known ones.
    """
    if isinstance(activation, Activation):
        return activation
    try:
        return ACTIVATIONS[activation]
    except KeyError:
        known = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"unknown activation {activation!r}: expected one of {known}") from None
