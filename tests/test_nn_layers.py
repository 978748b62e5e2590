"""Dense layers, networks, the cost and their shape checks in both vector conventions."""

from __future__ import annotations

import numpy as np
import pytest

from symcheck.nn import Dense, MeanSquaredError, Network, NetworkSpec, ShapeError
from symcheck.nn.conventions import batch_shape


def test_dense_column_forward_values() -> None:
    weights = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])  # out 3 x in 2
    layer = Dense(2, 3, "identity", convention="column", weights=weights, biases=[0.5, 0.0, -1.0])
    inputs = np.array([[1.0, 0.0], [2.0, -1.0]])  # two examples as columns

    z, a = layer.forward(inputs)

    expected = np.array([[5.5, -1.5], [-2.0, 1.0], [3.0, -1.5]])
    np.testing.assert_allclose(z, expected)
    np.testing.assert_allclose(a, expected)


def test_dense_row_forward_values() -> None:
    weights = np.array([[1.0, 0.0, 3.0], [2.0, -1.0, 0.5]])  # in 2 x out 3
    layer = Dense(2, 3, "relu", convention="row", weights=weights, biases=[0.5, 0.0, -1.0])
    inputs = np.array([[1.0, 2.0], [0.0, -1.0]])  # two examples as rows

    z, a = layer.forward(inputs)

    np.testing.assert_allclose(z, [[5.5, -2.0, 3.0], [-1.5, 1.0, -1.5]])
    np.testing.assert_allclose(a, [[5.5, 0.0, 3.0], [0.0, 1.0, 0.0]])


def test_conventions_give_transposed_results() -> None:
    column = Network.from_sizes([3, 4, 2], ["tanh", "sigmoid"], convention="column", rng=3)
    row = Network(
        [
            Dense(layer.in_size, layer.out_size, layer.activation, convention="row",
                  weights=layer.weights.T, biases=layer.biases)
            for layer in column.layers
        ]
    )
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((3, 5))
    targets = rng.standard_normal((2, 5))

    np.testing.assert_allclose(row.predict(inputs.T), column.predict(inputs).T, rtol=1e-14)
    assert row.cost_value(inputs.T, targets.T) == pytest.approx(column.cost_value(inputs, targets), rel=1e-14)
    for row_gradient, column_gradient in zip(row.gradients(inputs.T, targets.T), column.gradients(inputs, targets)):
        np.testing.assert_allclose(row_gradient.weights, column_gradient.weights.T, rtol=1e-12)
        np.testing.assert_allclose(row_gradient.biases, column_gradient.biases, rtol=1e-12)


def test_mse_value_and_gradient() -> None:
    cost = MeanSquaredError()
    output = np.array([[1.0, 2.0], [3.0, 5.0]])  # column convention: 2 units, m = 2
    target = np.array([[0.0, 2.0], [1.0, 1.0]])

    # C = 1/(2m) * (1 + 0 + 4 + 16) with m = 2
    assert cost.value(output, target, "column") == pytest.approx(21 / 4)
    np.testing.assert_allclose(cost.gradient(output, target, "column"), (output - target) / 2)
    # In the row convention the same array contains m = 2 examples as rows, so m is again 2.
    assert cost.value(output, target, "row") == pytest.approx(21 / 4)


def test_mse_counts_examples_by_convention() -> None:
    cost = MeanSquaredError()
    output = np.ones((1, 4))
    target = np.zeros((1, 4))

    assert cost.value(output, target, "column") == pytest.approx(4 / (2 * 4))  # 4 examples
    assert cost.value(output, target, "row") == pytest.approx(4 / (2 * 1))  # 1 example


def test_wrong_weight_shape_names_layer_and_shapes() -> None:
    first = Dense(4, 3, "relu", convention="column", rng=0)
    with pytest.raises(ShapeError) as error:
        Network([first, Dense(3, 2, "tanh", convention="column", rng=1)]).layers[1].weights = np.zeros((2, 4))
    message = str(error.value)
    assert "layer 2" in message
    assert "W^2" in message
    assert "(2, 3)" in message
    assert "got (2, 4)" in message


def test_transposed_weights_suggest_other_convention() -> None:
    with pytest.raises(ShapeError) as error:
        Dense(4, 3, "sigmoid", convention="column", weights=np.zeros((4, 3)))
    message = str(error.value)
    assert "must have shape (3, 4)" in message
    assert "out_size x in_size" in message
    assert "row-convention shape" in message


def test_row_convention_expects_in_by_out() -> None:
    layer = Dense(4, 3, "sigmoid", convention="row", weights=np.zeros((4, 3)))
    assert layer.weights.shape == (4, 3)
    with pytest.raises(ShapeError, match=r"must have shape \(4, 3\) \(in_size x out_size in the row convention\)"):
        layer.weights = np.zeros((3, 4))


def test_wrong_bias_shape_raises() -> None:
    with pytest.raises(ShapeError, match=r"biases b must have shape \(3,\) or \(3, 1\), got \(1, 3\)"):
        Dense(2, 3, "tanh", convention="column", biases=np.zeros((1, 3)))
    row_layer = Dense(2, 3, "tanh", convention="row", biases=np.zeros((1, 3)))
    assert row_layer.biases.shape == (3,)


def test_wrong_input_shape_raises() -> None:
    network = Network.from_sizes([3, 2], "tanh", convention="row", rng=0)
    with pytest.raises(ShapeError) as error:
        network.predict(np.zeros((3, 5)))
    message = str(error.value)
    assert "layer 1" in message
    assert "(m, in_size)" in message
    assert "got (3, 5)" in message


def test_wrong_target_shape_raises() -> None:
    network = Network.from_sizes([3, 2], "tanh", convention="column", rng=0)
    with pytest.raises(ShapeError, match=r"targets must have the output shape \(2, 4\).*got \(4, 2\)"):
        network.gradients(np.zeros((3, 4)), np.zeros((4, 2)))


def test_mismatched_layer_sizes_raise() -> None:
    with pytest.raises(ShapeError, match="layer 2 .* expects 4 inputs but layer 1 .* outputs 3"):
        Network([Dense(2, 3, rng=0), Dense(4, 1, rng=0)])


def test_mixed_conventions_raise() -> None:
    with pytest.raises(ValueError, match="row convention but layer 1 uses the column one"):
        Network([Dense(2, 3, convention="column", rng=0), Dense(3, 1, convention="row", rng=0)])


def test_float32_network_keeps_dtype() -> None:
    network = Network.from_sizes([3, 4, 2], ["relu", "tanh"], convention="row", dtype=np.float32, rng=0)
    inputs = np.random.default_rng(1).standard_normal((5, 3))
    targets = np.zeros((5, 2))

    forward = network.forward(inputs)
    gradients = network.parameter_gradients(inputs, targets)

    assert forward.output.dtype == np.float32
    assert all(parameter.array.dtype == np.float32 for parameter in network.parameters())
    assert all(gradient.dtype == np.float32 for gradient in gradients)


def test_unsupported_dtype_raises() -> None:
    with pytest.raises(ValueError, match="unsupported dtype float16"):
        Dense(2, 2, dtype=np.float16)


def test_parameters_are_named_in_order() -> None:
    network = Network.from_sizes([2, 3, 1], ["relu", "identity"], rng=0)
    names = [parameter.name for parameter in network.parameters()]
    assert names == ["W^1", "b^1", "W^2", "b^2"]


def test_component_names_follow_convention() -> None:
    column = Dense(3, 2, convention="column", rng=0, index=2)
    row = Dense(3, 2, convention="row", rng=0, index=2)
    # w^{2}_{13}: unit 1 of layer 2, from unit 3 of layer 1.
    assert column.weight_component((0, 2)) == "w^{2}_{13}"
    assert row.weight_component((2, 0)) == "w^{2}_{13}"
    assert column.bias_component((1,)) == "b^{2}_{2}"
    wide = Dense(12, 2, convention="column", rng=0, index=1)
    assert wide.weight_component((1, 10)) == "w^{1}_{2,11}"


def test_set_parameters_checks_shapes() -> None:
    network = Network.from_sizes([2, 3], "tanh", rng=0)
    network.set_parameters([np.ones((3, 2)), np.zeros(3)])
    np.testing.assert_array_equal(network.layers[0].weights, np.ones((3, 2)))
    with pytest.raises(ShapeError, match="W\\^1"):
        network.set_parameters([np.ones((2, 3)), np.zeros(3)])


def test_network_spec_validates() -> None:
    spec = NetworkSpec((2, 3, 1), "tanh", "row")  # type: ignore[arg-type]
    assert spec.activations == ("tanh", "tanh")
    assert spec.layer_count == 2
    with pytest.raises(ValueError, match="2 layers need 2 activations, got 1"):
        NetworkSpec((2, 3, 1), ("tanh",))
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        NetworkSpec((2, 1), ("softplus",))
    with pytest.raises(ValueError, match="unknown cost 'cross-entropy'"):
        NetworkSpec((2, 1), ("tanh",), cost="cross-entropy")
    with pytest.raises(ValueError, match="invalid convention 'rows'"):
        NetworkSpec((2, 1), ("tanh",), "rows")  # type: ignore[arg-type]


def test_network_spec_builds_reproducibly() -> None:
    spec = NetworkSpec((3, 2, 2), ("sigmoid", "relu"), "row")
    first = spec.build(rng=5)
    second = spec.build(rng=5)

    assert first.sizes == (3, 2, 2)
    assert first.convention == "row"
    assert first.layers[0].weights.shape == (3, 2)
    for left, right in zip(first.parameters(), second.parameters()):
        np.testing.assert_array_equal(left.array, right.array)
    assert first.spec() == spec


def test_batch_shape_by_convention() -> None:
    assert batch_shape(3, 5, "column") == (3, 5)
    assert batch_shape(3, 5, "row") == (5, 3)
