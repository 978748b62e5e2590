"""Gradient checking: correct backpropagation passes, deliberate mistakes are caught, kinks are avoided."""

from __future__ import annotations

import dataclasses
import importlib

import numpy as np
import pytest

import symcheck.gradcheck as public_gradcheck
from symcheck.nn import SIGMOID, Dense, MeanSquaredError, Network
from symcheck.nn.conventions import Array, Convention, batch_shape
from symcheck.nn.gradcheck import (
    SETTINGS,
    FiniteDifferenceSettings,
    KinkError,
    examples_near_kinks,
    gradcheck,
    move_from_kinks,
    relative_error,
    settings_for,
)
from symcheck.nn.layers import LayerGradient


def make_batch(network: Network, batch_size: int = 3, seed: int = 0) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal(batch_shape(network.sizes[0], batch_size, network.convention))
    targets = rng.standard_normal(batch_shape(network.sizes[-1], batch_size, network.convention))
    return inputs, targets


class NoTransposeDense(Dense):
    """Passes W delta instead of W^T delta back to the previous layer (needs a square W)."""

    def backward(self, output_gradient: Array, z: Array, inputs: Array) -> tuple[LayerGradient, Array]:
        gradient, _ = super().backward(output_gradient, z, inputs)
        delta = output_gradient * self.activation.derivative(z)
        wrong = self.weights @ delta if self.convention == "column" else delta @ self.weights
        return gradient, wrong


class UnscaledCost(MeanSquaredError):
    """Forgets the 1/m of dC/d(output)."""

    def gradient(self, output: Array, target: Array, convention: Convention) -> Array:
        return output - target


@pytest.mark.parametrize(
    ("sizes", "activations", "convention"),
    [
        ((3, 2), ("sigmoid",), "column"),
        ((4, 5, 3), ("tanh", "identity"), "row"),
        ((2, 6, 4, 3), ("relu", "sigmoid", "tanh"), "column"),
        ((5, 8, 2), ("relu", "relu"), "row"),
    ],
)
def test_correct_backprop_passes(sizes: tuple[int, ...], activations: tuple[str, ...], convention: Convention) -> None:
    network = Network.from_sizes(sizes, activations, convention=convention, rng=1)
    inputs, targets = make_batch(network)

    result = gradcheck(network, inputs, targets)

    assert result.ok, str(result)
    assert result.max_rel_error <= 1e-9
    assert [check.name for check in result.parameters] == [parameter.name for parameter in network.parameters()]
    assert "passed" in str(result)


def test_missing_transpose_is_caught() -> None:
    network = Network(
        [Dense(3, 3, "tanh", rng=2), NoTransposeDense(3, 3, "sigmoid", rng=3), Dense(3, 2, "identity", rng=4)]
    )
    inputs, targets = make_batch(network)

    result = gradcheck(network, inputs, targets)

    assert not result.ok
    failed = {check.name for check in result.failures}
    # Layer 2 sends the wrong dC/da^1 back, so only layer 1 is affected.
    assert failed == {"W^1", "b^1"}
    worst = result.failures[0]
    assert worst.name == "W^1"
    assert worst.reference_label == "numerical"
    assert worst.candidate_label == "analytical"
    assert worst.reference != pytest.approx(worst.candidate, rel=1e-6)
    text = str(result)
    assert "FAILED for W^1, b^1" in text
    assert f"W^1{list(worst.index)} ({worst.component})" in text
    assert f"numerical = {worst.reference:.10g}" in text
    assert f"analytical = {worst.candidate:.10g}" in text


def test_missing_transpose_in_row_convention_is_caught() -> None:
    layers = [Dense(3, 3, "relu", convention="row", rng=5), NoTransposeDense(3, 3, "tanh", convention="row", rng=6)]
    network = Network(layers)
    inputs, targets = make_batch(network)

    result = gradcheck(network, inputs, targets)

    assert [check.name for check in result.failures] == ["W^1", "b^1"]
    assert result.parameters[2].ok
    assert result.parameters[3].ok


def test_wrong_activation_derivative_is_caught() -> None:
    # sigma(z) in place of sigma(z) * (1 - sigma(z)).
    faulty_sigmoid = dataclasses.replace(SIGMOID, name="faulty-sigmoid", derivative=SIGMOID.function)
    network = Network([Dense(2, 4, "tanh", rng=0), Dense(4, 3, faulty_sigmoid, rng=1)])
    inputs, targets = make_batch(network)

    result = gradcheck(network, inputs, targets)

    assert [check.name for check in result.failures] == ["W^1", "b^1", "W^2", "b^2"]
    for check in result.failures:
        assert check.max_rel_error > 0.1
        assert check.failed_entries > 0


def test_wrong_cost_scaling_is_caught() -> None:
    network = Network.from_sizes([3, 4, 2], ["tanh", "sigmoid"], rng=0)
    network.cost = UnscaledCost()
    inputs, targets = make_batch(network, batch_size=4)

    result = gradcheck(network, inputs, targets)

    assert not result.ok
    assert [check.name for check in result.failures] == ["W^1", "b^1", "W^2", "b^2"]
    for check in result.failures:
        # Without 1/m every analytical entry is m = 4 times too large.
        assert check.candidate == pytest.approx(4 * check.reference, rel=1e-6)


def test_float32_passes_with_its_own_tolerances() -> None:
    network = Network.from_sizes([4, 6, 3], ["relu", "tanh"], convention="row", dtype=np.float32, rng=7)
    inputs, targets = make_batch(network)

    result = gradcheck(network, inputs, targets)

    assert result.ok, str(result)
    assert result.dtype == "float32"
    assert result.settings is SETTINGS[np.dtype(np.float32)]
    assert result.max_rel_error <= SETTINGS[np.dtype(np.float32)].rtol


def test_float32_still_catches_wrong_scaling() -> None:
    network = Network.from_sizes([4, 6, 3], ["sigmoid", "tanh"], dtype=np.float32, rng=7)
    network.cost = UnscaledCost()
    inputs, targets = make_batch(network, batch_size=2)

    result = gradcheck(network, inputs, targets)

    assert not result.ok
    assert len(result.failures) == 4


def test_settings_come_from_one_table() -> None:
    assert set(SETTINGS) == {np.dtype(np.float64), np.dtype(np.float32)}
    assert settings_for(np.float64) is SETTINGS[np.dtype(np.float64)]
    assert settings_for("float32") is SETTINGS[np.dtype(np.float32)]
    assert settings_for(np.float32).step > settings_for(np.float64).step
    assert settings_for(np.float32).rtol > settings_for(np.float64).rtol
    with pytest.raises(ValueError, match="unsupported dtype float16"):
        settings_for(np.float16)


def test_relative_error_uses_floor() -> None:
    settings = FiniteDifferenceSettings(step=1e-3, rtol=1e-6, atol=1e-8, kink_margin=0.1)
    reference = np.array([1.0, 1e-6, 0.0, np.nan])
    candidate = np.array([1.0 + 1e-7, 2e-6, 0.0, 1.0])

    errors = relative_error(reference, candidate, settings)

    assert errors[0] == pytest.approx(1e-7 / (1.0 + 1e-7))
    # Below the floor atol / rtol = 0.01 the absolute error is divided by 0.01.
    assert errors[1] == pytest.approx(1e-6 / 1e-2)
    assert errors[2] == 0.0
    assert errors[3] == np.inf


def test_gradcheck_leaves_parameters_unchanged() -> None:
    network = Network.from_sizes([3, 3, 2], ["tanh", "relu"], rng=0)
    before = [parameter.array.copy() for parameter in network.parameters()]
    inputs, targets = make_batch(network)

    gradcheck(network, inputs, targets)

    for parameter, original in zip(network.parameters(), before):
        np.testing.assert_array_equal(parameter.array, original)


def _network_with_zero_pre_activation(convention: Convention) -> tuple[Network, Array, Array]:
    """A ReLU network whose first unit has z = 0 exactly on example 0 of the returned batch."""
    network = Network.from_sizes([2, 3, 1], ["relu", "identity"], convention=convention, rng=3)
    layer = network.layers[0]
    inputs, targets = make_batch(network, batch_size=3, seed=4)
    example = inputs[:, 0] if convention == "column" else inputs[0, :]
    weights_of_unit = layer.weights[0, :] if convention == "column" else layer.weights[:, 0]
    layer.biases[0] = -float(weights_of_unit @ example)
    z = network.forward(inputs).pre_activations[0]
    assert z[0, 0] == pytest.approx(0.0, abs=1e-15)  # [unit 0, example 0] or [example 0, unit 0]
    return network, inputs, targets


@pytest.mark.parametrize("convention", ["column", "row"])
def test_points_near_relu_kink_are_moved(convention: Convention) -> None:
    network, inputs, targets = _network_with_zero_pre_activation(convention)
    margin = settings_for(np.float64).kink_margin
    near_before, _ = examples_near_kinks(network, inputs, margin)
    assert near_before[0]

    moved, redrawn = move_from_kinks(network, inputs, margin, rng=0)

    assert 0 in redrawn
    near_after, details = examples_near_kinks(network, moved, margin)
    assert not near_after.any(), details
    first_layer_z = network.forward(moved).pre_activations[0]
    assert np.abs(first_layer_z).min() >= margin
    # Examples that were not near a kink keep their inputs.
    for example in range(3):
        if example not in redrawn:
            moved_example = moved[:, example] if convention == "column" else moved[example, :]
            original = inputs[:, example] if convention == "column" else inputs[example, :]
            np.testing.assert_array_equal(moved_example, original)

    result = gradcheck(network, inputs, targets)
    assert result.ok, str(result)
    assert 0 in result.redrawn_examples
    assert "redrawn away from activation kinks" in str(result)


def test_stencil_across_kink_is_reported_when_not_moved() -> None:
    network, inputs, targets = _network_with_zero_pre_activation("column")

    result = gradcheck(network, inputs, targets, move_inputs_from_kinks=False)

    assert not result.ok
    assert result.redrawn_examples == ()
    first_layer = result.parameters[0]
    assert first_layer.name == "W^1"
    assert first_layer.kink_entries > 0
    assert "stencil crosses a kink" in str(result)


def test_backprop_uses_zero_relu_derivative_at_kink() -> None:
    network, inputs, targets = _network_with_zero_pre_activation("column")
    single_input = inputs[:, :1]
    single_target = targets[:, :1]

    gradients = network.gradients(single_input, single_target)

    # With z^1_1 = 0 and ReLU'(0) = 0, no gradient flows into unit 1 of layer 1.
    assert gradients[0].biases[0] == 0.0
    np.testing.assert_array_equal(gradients[0].weights[0, :], [0.0, 0.0])


def test_unmovable_kink_raises() -> None:
    # Unit 1 has zero weights and zero bias, so z = 0 whatever the inputs.
    layer = Dense(2, 2, "relu", weights=np.array([[0.0, 0.0], [1.0, -1.0]]), biases=[0.0, 0.5])
    network = Network([layer, Dense(2, 1, "identity", rng=0)])
    inputs, targets = make_batch(network)

    with pytest.raises(KinkError, match=r"could not move examples \[0, 1, 2\].*layer 1"):
        gradcheck(network, inputs, targets)


def test_public_module_reexports() -> None:
    nn_gradcheck_module = importlib.import_module("symcheck.nn.gradcheck")

    assert public_gradcheck.gradcheck is gradcheck
    for name in public_gradcheck.__all__:
        assert getattr(public_gradcheck, name) is getattr(nn_gradcheck_module, name)


def test_result_to_dict_names_parameters() -> None:
    network = Network.from_sizes([2, 2], "tanh", rng=0)
    inputs, targets = make_batch(network)

    data = gradcheck(network, inputs, targets).to_dict()

    assert data["ok"] is True
    assert [entry["name"] for entry in data["parameters"]] == ["W^1", "b^1"]
    assert data["parameters"][0]["reference_label"] == "numerical"
    assert data["parameters"][0]["candidate_label"] == "analytical"
    assert data["parameters"][0]["compared_entries"] == 4
