"""The SymPy derivation of network gradients: symbol names, broadcasting, agreement and speed."""

from __future__ import annotations


import numpy as np
import pytest
import sympy

from symcheck.nn import Network
from symcheck.nn.conventions import Convention, batch_shape
from symcheck.nn.symbolic import (
    derive_gradient,
    derive_network_gradient,
    jacobian_gradient,
    lambdify_broadcast,
    layerwise_gradient,
    make_symbols,
)


def test_weight_symbols_follow_convention() -> None:
    column = make_symbols([3, 2, 1], ["tanh", "relu"], "column", batch_size=2)
    row = make_symbols([3, 2, 1], ["tanh", "relu"], "row", batch_size=2)

    assert column.weights[0].shape == (2, 3)
    assert row.weights[0].shape == (3, 2)
    assert column.weights[0][0, 2].name == "w^{1}_{13}"
    assert row.weights[0][2, 0].name == "w^{1}_{13}"
    assert column.weight(0, 0, 2) == row.weight(0, 0, 2)
    assert [bias.name for bias in column.biases[1]] == ["b^{2}_{1}"]
    assert column.inputs[1][0].name == "x^{(2)}_{1}"
    assert column.targets[0][0].name == "y^{(1)}_{1}"
    assert all(symbol.is_real for symbol in column.arguments)


def test_wide_layers_separate_indices() -> None:
    symbols = make_symbols([12, 2], ["identity"], "column", batch_size=1)
    assert symbols.weights[0][1, 10].name == "w^{1}_{2,11}"


def test_parameter_order_matches_network() -> None:
    symbols = make_symbols([2, 3, 1], ["tanh", "identity"], "row", batch_size=1)
    names = [symbol.name for symbol in symbols.parameters]

    assert names[:6] == ["w^{1}_{11}", "w^{1}_{21}", "w^{1}_{31}", "w^{1}_{12}", "w^{1}_{22}", "w^{1}_{32}"]
    assert names[6:9] == ["b^{1}_{1}", "b^{1}_{2}", "b^{1}_{3}"]
    assert names[9:] == ["w^{2}_{11}", "w^{2}_{12}", "w^{2}_{13}", "b^{2}_{1}"]


def test_plain_lambdify_drops_constant_shape() -> None:
    x = sympy.Symbol("x")
    plain = sympy.lambdify([x], [x**2, sympy.Integer(3)], "numpy")
    assert np.shape(plain(np.arange(4.0))[1]) == ()


def test_lambdify_broadcast_keeps_array_shape() -> None:
    x = sympy.Symbol("x", real=True)
    y = sympy.Symbol("w^{1}_{12}", real=True)  # not a Python identifier
    function = lambdify_broadcast([x, y], [x**2, sympy.Integer(3), x * y, sympy.Integer(0)])

    values = function(np.arange(4.0), 2.0)

    assert values.shape == (4, 4)
    assert values.dtype == np.float64
    np.testing.assert_array_equal(values[0], [0.0, 1.0, 4.0, 9.0])
    np.testing.assert_array_equal(values[1], [3.0, 3.0, 3.0, 3.0])
    np.testing.assert_array_equal(values[2], [0.0, 2.0, 4.0, 6.0])
    np.testing.assert_array_equal(values[3], [0.0, 0.0, 0.0, 0.0])


def test_lambdify_broadcast_combines_argument_shapes() -> None:
    x = sympy.Symbol("x")
    y = sympy.Symbol("y")
    function = lambdify_broadcast([x, y], [x + y, sympy.Rational(1, 2)])

    values = function(np.array([[1.0], [2.0]]), np.array([10.0, 20.0, 30.0]))

    assert values.shape == (2, 2, 3)
    np.testing.assert_array_equal(values[0], [[11.0, 21.0, 31.0], [12.0, 22.0, 32.0]])
    np.testing.assert_array_equal(values[1], np.full((2, 3), 0.5))
    scalar = function(1.0, 2.0)
    assert scalar.shape == (2,)
    np.testing.assert_array_equal(scalar, [3.0, 0.5])


def test_identity_network_gradients_equal_exactly() -> None:
    symbols = make_symbols([2, 2, 1], ["identity", "identity"], "column", batch_size=2)

    layerwise = layerwise_gradient(symbols)
    jacobian = jacobian_gradient(symbols)

    assert len(layerwise) == len(symbols.parameters) == 9
    for derived, baseline in zip(layerwise, jacobian):
        assert sympy.expand(derived - baseline) == 0


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "identity"])
@pytest.mark.parametrize("convention", ["column", "row"])
def test_layerwise_matches_jacobian_numerically(activation: str, convention: Convention) -> None:
    network = Network.from_sizes([2, 3, 2], [activation, "tanh"], convention=convention, rng=11)
    rng = np.random.default_rng(5)
    inputs = rng.standard_normal(batch_shape(2, 2, convention))
    targets = rng.standard_normal(batch_shape(2, 2, convention))
    parameters = [parameter.array for parameter in network.parameters()]

    layerwise = derive_network_gradient(network, batch_size=2).evaluate(parameters, inputs, targets)
    jacobian = derive_network_gradient(network, batch_size=2, method="jacobian").evaluate(parameters, inputs, targets)
    backprop = network.parameter_gradients(inputs, targets)

    for derived, baseline, numeric in zip(layerwise, jacobian, backprop):
        np.testing.assert_allclose(derived, baseline, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(derived, numeric, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("method", ["layerwise", "jacobian"])
def test_symbolic_relu_gradient_is_zero_at_kink(method: str) -> None:
    # z^1_1 = w^1_11 x_1 + w^1_12 x_2 + b^1_1 = 1 - 2 + 1 = 0 exactly.
    weights = np.array([[1.0, 1.0], [0.5, -1.0]])
    biases = np.array([1.0, 0.25])
    output_weights = np.array([[2.0, -1.0]])
    output_biases = np.array([0.1])
    inputs = np.array([[1.0], [-2.0]])
    targets = np.array([[0.3]])
    gradient = derive_gradient([2, 2, 1], ["relu", "identity"], "column", batch_size=1, method=method)  # type: ignore[arg-type]

    weight_gradient, bias_gradient, *_ = gradient.evaluate(
        [weights, biases, output_weights, output_biases], inputs, targets
    )

    np.testing.assert_array_equal(weight_gradient[0], [0.0, 0.0])
    assert bias_gradient[0] == 0.0
    assert bias_gradient[1] != 0.0


def test_evaluate_points_matches_single_points() -> None:
    network = Network.from_sizes([3, 2, 2], ["sigmoid", "relu"], convention="row", rng=2)
    gradient = derive_network_gradient(network, batch_size=3)
    rng = np.random.default_rng(9)
    points = []
    for _ in range(3):
        parameters = [rng.standard_normal(parameter.array.shape) for parameter in network.parameters()]
        points.append((parameters, rng.standard_normal((3, 3)), rng.standard_normal((3, 2))))

    together = gradient.evaluate_points(points)

    assert len(together) == 3
    for point, values in zip(points, together):
        for combined, single in zip(values, gradient.evaluate(*point)):
            np.testing.assert_allclose(combined, single, rtol=1e-15)


def test_evaluate_rejects_wrong_shapes() -> None:
    gradient = derive_gradient([2, 1], ["tanh"], "column", batch_size=2)
    parameters = [np.zeros((1, 2)), np.zeros(1)]
    with pytest.raises(ValueError, match=r"inputs must have shape \(2, 2\) in the column convention, got \(2, 3\)"):
        gradient.evaluate(parameters, np.zeros((2, 3)), np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"parameter array of shape \(2, 1\) does not match the symbols' \(1, 2\)"):
        gradient.evaluate([np.zeros((2, 1)), np.zeros(1)], np.zeros((2, 2)), np.zeros((1, 2)))


def test_derivation_is_cached() -> None:
    first = derive_gradient([2, 2], ["sigmoid"], "row", batch_size=1)
    second = derive_gradient((2, 2), ("sigmoid",), "row", batch_size=1)
    assert first is second


def test_sixteen_unit_layers_match_backprop() -> None:
    # Timing of this size is measured by benchmarks/bench_nn.py, not asserted here.
    gradient = derive_gradient([16, 16, 16], ["tanh", "sigmoid"], "column", batch_size=1)

    assert len(gradient.expressions) == 2 * (16 * 16 + 16)
    network = Network.from_sizes([16, 16, 16], ["tanh", "sigmoid"], rng=0)
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((16, 1))
    targets = rng.standard_normal((16, 1))
    symbolic = gradient.evaluate([parameter.array for parameter in network.parameters()], inputs, targets)
    for derived, numeric in zip(symbolic, network.parameter_gradients(inputs, targets)):
        np.testing.assert_allclose(derived, numeric, rtol=1e-10, atol=1e-15)
