"""Activation functions: values, derivatives, the ReLU'(0) convention and the symbolic forms."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from symcheck.nn import ACTIVATIONS, RELU, SIGMOID, TANH, get_activation

POINTS = np.array([-3.0, -0.5, 0.25, 2.0])


def test_relu_derivative_at_zero_is_zero() -> None:
    assert RELU.derivative(np.array([0.0]))[0] == 0.0
    assert RELU.derivative(np.array([-0.0]))[0] == 0.0
    np.testing.assert_array_equal(RELU.derivative(np.array([-1.0, 1e-300, 2.0])), [0.0, 1.0, 1.0])


def test_symbolic_relu_derivative_at_zero_is_zero() -> None:
    z = sympy.Symbol("z", real=True)
    derivative = RELU.derivative_expression(z)

    assert derivative.subs(z, 0) == 0
    assert derivative.subs(z, 1) == 1
    # Plain Heaviside takes 1/2 at 0, which symcheck must not use.
    assert sympy.Heaviside(0) == sympy.Rational(1, 2)
    compiled = sympy.lambdify([z], derivative, "numpy")
    np.testing.assert_array_equal(compiled(np.array([-1.0, 0.0, 1.0])), [0.0, 0.0, 1.0])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_numeric_derivative_matches_symbolic(name: str) -> None:
    activation = ACTIVATIONS[name]
    z = sympy.Symbol("z", real=True)
    value = sympy.lambdify([z], activation.symbolic(z), "numpy")
    derivative = sympy.lambdify([z], activation.derivative_expression(z), "numpy")

    np.testing.assert_allclose(activation.function(POINTS), np.broadcast_to(value(POINTS), POINTS.shape), rtol=1e-14)
    np.testing.assert_allclose(
        activation.derivative(POINTS), np.broadcast_to(derivative(POINTS), POINTS.shape), rtol=1e-14
    )


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "identity"])
def test_derivative_matches_central_difference(name: str) -> None:
    activation = ACTIVATIONS[name]
    step = 1e-6
    numerical = (activation.function(POINTS + step) - activation.function(POINTS - step)) / (2 * step)
    np.testing.assert_allclose(activation.derivative(POINTS), numerical, rtol=1e-8)


def test_sigmoid_is_stable_for_large_inputs() -> None:
    with np.errstate(over="raise", invalid="raise"):
        values = SIGMOID.function(np.array([-800.0, 0.0, 800.0]))
    np.testing.assert_array_equal(values, [0.0, 0.5, 1.0])
    assert SIGMOID.function(np.array([-40.0]))[0] == pytest.approx(np.exp(-40.0), rel=1e-12)


def test_float32_stays_float32() -> None:
    points = POINTS.astype(np.float32)
    for activation in ACTIVATIONS.values():
        assert activation.function(points).dtype == np.float32, activation.name
        assert activation.derivative(points).dtype == np.float32, activation.name


def test_only_relu_has_a_kink() -> None:
    assert RELU.kinks == (0.0,)
    assert SIGMOID.kinks == ()
    assert TANH.kinks == ()


def test_unknown_activation_lists_known_names() -> None:
    with pytest.raises(ValueError, match="unknown activation 'gelu': expected one of identity, relu, sigmoid, tanh"):
        get_activation("gelu")
    assert get_activation(TANH) is TANH
