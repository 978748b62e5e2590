"""Cross-checks of symbolic, backpropagation and finite-difference gradients."""

from __future__ import annotations

import json

import numpy as np
import pytest

from symcheck.nn import PAIRS, Dense, Network, NetworkSpec, crosscheck_network
from symcheck.nn.conventions import Array, Convention
from symcheck.nn.crosscheck import BACKPROP_FINITE, SYMBOLIC_BACKPROP, SYMBOLIC_FINITE
from symcheck.nn.gradcheck import FiniteDifferenceSettings
from symcheck.nn.layers import LayerGradient

# A sample of the (layer count, activation, convention) grid: every layer count from 1 to 3,
# every activation in both conventions, sizes up to 8.
CASES = [
    ((3, 2), ("relu",), "column"),
    ((4, 5), ("sigmoid",), "row"),
    ((2, 8, 3), ("tanh", "identity"), "column"),
    ((5, 4, 6), ("identity", "relu"), "row"),
    ((6, 3, 7), ("sigmoid", "sigmoid"), "column"),
    ((3, 6, 5, 2), ("sigmoid", "relu", "tanh"), "row"),
    ((8, 7, 8, 4), ("relu", "tanh", "sigmoid"), "column"),
    ((1, 8, 8, 1), ("tanh", "tanh", "identity"), "row"),
]


@pytest.mark.parametrize(("sizes", "activations", "convention"), CASES)
def test_three_gradients_agree_in_float64(
    sizes: tuple[int, ...], activations: tuple[str, ...], convention: Convention
) -> None:
    result = crosscheck_network(sizes=sizes, activations=activations, convention=convention, seed=1)

    assert result.ok, result.summary
    for pair in PAIRS:
        assert result.max_rel_error[pair] <= 1e-9, pair
    assert result.max_rel_error[SYMBOLIC_BACKPROP] <= 1e-12
    names = [f"{kind}^{layer}" for layer in range(1, len(sizes)) for kind in ("W", "b")]
    for pair in PAIRS:
        assert list(result.parameter_rel_errors[pair]) == names
    assert result.dtype == "float64"
    assert result.spec == NetworkSpec(sizes, activations, convention)


def test_float32_cross_check_uses_float32_tolerances() -> None:
    result = crosscheck_network(sizes=(4, 6, 3), activations=("relu", "tanh"), convention="row", dtype=np.float32)

    assert result.ok, result.summary
    assert result.dtype == "float32"
    assert result.settings.rtol == pytest.approx(1e-2)
    assert result.max_rel_error[SYMBOLIC_BACKPROP] <= 1e-5
    assert result.max_rel_error[BACKPROP_FINITE] <= result.settings.rtol


def test_cross_check_of_one_layer() -> None:
    weights = np.array([[0.5, -1.0, 0.25], [1.5, 0.75, -0.5]])
    layer = Dense(3, 2, "sigmoid", convention="column", weights=weights, biases=[0.1, -0.2])

    result = crosscheck_network(layer, batch_size=3, points=2, seed=4)

    assert result.ok
    assert result.architecture == "3-2 (sigmoid), column convention, mse cost"
    assert result.points == 2
    assert result.batch_size == 3
    assert set(result.max_rel_error) == set(PAIRS)
    assert result.parameter_rel_errors[BACKPROP_FINITE]["W^1"] <= 1e-9
    assert result.parameter_rel_errors[SYMBOLIC_BACKPROP]["b^1"] <= 1e-12
    assert result.summary.startswith("cross-check passed: 3-2 (sigmoid)")
    assert str(result) == result.summary
    # A given layer keeps its parameters.
    np.testing.assert_array_equal(layer.weights, weights)


def test_cross_check_from_spec_is_reproducible() -> None:
    spec = NetworkSpec((2, 4, 2), ("tanh", "relu"), "row")

    first = crosscheck_network(spec, seed=7)
    second = crosscheck_network(spec, seed=7)

    assert first.ok
    assert first.max_rel_error == second.max_rel_error
    assert first.spec == spec


class NoTransposeDense(Dense):
    """Passes W delta instead of W^T delta back to the previous layer (needs a square W)."""

    def backward(self, output_gradient: Array, z: Array, inputs: Array) -> tuple[LayerGradient, Array]:
        gradient, _ = super().backward(output_gradient, z, inputs)
        delta = output_gradient * self.activation.derivative(z)
        return gradient, self.weights @ delta


def test_faulty_backprop_fails_both_backprop_pairs() -> None:
    network = Network([Dense(3, 3, "tanh", rng=0), NoTransposeDense(3, 3, "sigmoid", rng=1)])

    result = crosscheck_network(network, seed=2)

    assert not result.ok
    assert result.max_rel_error[SYMBOLIC_FINITE] <= 1e-9
    assert result.max_rel_error[SYMBOLIC_BACKPROP] > 1e-3
    assert result.max_rel_error[BACKPROP_FINITE] > 1e-3
    failing = {(pair, check.name) for pair, check in result.failures}
    assert failing == {
        (SYMBOLIC_BACKPROP, "W^1"),
        (SYMBOLIC_BACKPROP, "b^1"),
        (BACKPROP_FINITE, "W^1"),
        (BACKPROP_FINITE, "b^1"),
    }
    assert "FAILED" in result.summary
    assert "symbolic vs backprop: W^1: FAILED" in result.summary


def test_result_serialises_to_json() -> None:
    result = crosscheck_network(sizes=(2, 2), activations="identity", seed=0)

    data = json.loads(json.dumps(result.to_dict()))

    assert data["ok"] is True
    assert set(data["checks"]) == set(PAIRS)
    assert data["checks"][SYMBOLIC_BACKPROP][0]["name"] == "W^1"


def test_invalid_arguments_raise() -> None:
    with pytest.raises(ValueError, match="either a model or sizes"):
        crosscheck_network(NetworkSpec((2, 1), ("tanh",)), sizes=(2, 1))
    with pytest.raises(ValueError, match="needs a NetworkSpec, a Network, Dense layers or sizes"):
        crosscheck_network()
    with pytest.raises(ValueError, match="dtype float32 differs from the network's dtype float64"):
        crosscheck_network(Dense(2, 1, rng=0), dtype=np.float32)
    with pytest.raises(ValueError, match="points must be at least 1"):
        crosscheck_network(sizes=(2, 1), points=0)


def test_custom_settings_are_used() -> None:
    strict = FiniteDifferenceSettings(step=2.0**-11, rtol=1e-15, atol=1e-17, kink_margin=0.02)

    result = crosscheck_network(sizes=(3, 4, 2), activations="tanh", seed=0, settings=strict)

    assert result.settings is strict
    assert not result.ok
    # Finite differences cannot reach 1e-15, so both pairs that use them fail.
    failing_pairs = {pair for pair, _ in result.failures}
    assert BACKPROP_FINITE in failing_pairs
    assert SYMBOLIC_FINITE in failing_pairs
