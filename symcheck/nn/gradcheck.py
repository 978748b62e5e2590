"""Gradient checking: compare backpropagation with central finite differences of the cost.

Finite differences
    Each parameter entry theta gets the fourth-order central difference
    ``(C(theta-2h) - 8 C(theta-h) + 8 C(theta+h) - C(theta+2h)) / (12 h)``. Its truncation
    error is O(h^4) and its rounding error O(eps * |C| / h), so h near eps^(1/5) balances
    both. The step h is absolute, which suits parameters of order 1. The step, the
    tolerances and the kink margin come from ``SETTINGS``, one row per dtype. Steps are
    powers of two, so ``theta +/- h`` rounds less often.

Comparison
    The relative error of an entry is ``|r - c| / max(|r|, |c|, atol / rtol)``, with r the
    reference (finite differences) and c the candidate (backpropagation). An entry fails when
    that exceeds ``rtol``, that is when ``|r - c| > max(rtol * max(|r|, |c|), atol)``. The
    ``atol / rtol`` floor keeps noise on gradients near 0 from counting as a large relative
    error. NaN or infinite values always fail.

Kinks
    A difference quotient across a kink (ReLU at 0) measures neither one-sided derivative.
    Before differencing, ``gradcheck`` therefore looks for examples that have a pre-activation
    within ``kink_margin`` of a kink of its layer's activation. It redraws the inputs of those
    examples from N(0, 1) until none is left, keeping parameters and targets. While
    differencing, it also compares each evaluation's side of every kink with the base point. An
    entry whose stencil still crosses a kink is not compared, and it counts as a failure in
    ``kink_entries``.

ReLU'(0)
    symcheck takes ReLU'(0) = 0, the subgradient that PyTorch and JAX return, and the symbolic
    side uses ``Heaviside(z, 0)`` to match. SymPy's plain ``Heaviside(0)`` = 1/2 is never used.
    Because of the kink policy, gradient checks do not depend on this choice, but
    backpropagation at a point with z = 0 does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from symcheck.nn.conventions import Array, BoolArray, batch_axis, resolve_dtype
from symcheck.nn.network import ForwardPass, Network, Parameter, flatten_gradients


@dataclass(frozen=True)
class FiniteDifferenceSettings:
    """Step and tolerances of a gradient check for one dtype."""

    step: float  # absolute step h of the central difference
    rtol: float  # maximum relative error of an entry
    atol: float  # absolute error accepted on any entry, however small the gradient
    kink_margin: float  # minimum distance of a pre-activation from a kink at the checked point

    @property
    def relative_floor(self) -> float:
        """The smallest denominator of a relative error, ``atol / rtol``."""
        return self.atol / self.rtol


# The single table of finite-difference settings. The steps are powers of two tuned by
# measurement: 2^-11 is near eps^(1/5) for float64, and for float32 a step below
# eps^(1/5) ~ 0.04 was needed because truncation error dominated there on tanh networks.
# The calibration used 480 random networks per dtype like those of the test suite: 1 to 3
# layers, sizes up to 8, parameters, inputs and targets of order 1, costs up to about 25.
# Against float64 backpropagation the worst errors were 1e-11 absolute and 1.2e-10
# relative in float64, and 5e-4 absolute and 3e-3 relative in float32. The kink margins
# exceed the largest change of a pre-activation over a stencil of +/- 2h seen on ReLU
# networks of that kind (0.004 in float64, 0.09 in float32). The side check in
# ``finite_difference_gradients`` catches a stencil that still crosses a kink.
SETTINGS: dict[np.dtype[Any], FiniteDifferenceSettings] = {
    np.dtype(np.float64): FiniteDifferenceSettings(step=2.0**-11, rtol=1e-9, atol=1e-10, kink_margin=0.02),
    np.dtype(np.float32): FiniteDifferenceSettings(step=2.0**-7, rtol=1e-2, atol=1e-3, kink_margin=0.1),
}


def settings_for(dtype: DTypeLike) -> FiniteDifferenceSettings:
    """Return the row of ``SETTINGS`` for ``dtype`` (float64 or float32, else ValueError)."""
    return SETTINGS[resolve_dtype(dtype)]


class KinkError(ValueError):
    """The inputs could not be moved away from an activation kink."""


@dataclass(frozen=True)
class ParameterCheck:
    """The comparison of two gradients of one parameter array, such as ``W^2``.

    ``index``, ``component``, ``reference`` and ``candidate`` describe the entry with the
    largest relative error, which is the one to look at when the check fails. In a
    gradient check the reference is "numerical" (finite differences) and the candidate
    "analytical" (backpropagation). ``point`` numbers the sample point when several were
    compared (0-based).
    """

    name: str
    shape: tuple[int, ...]
    max_abs_error: float
    max_rel_error: float
    index: tuple[int, ...]
    component: str
    reference: float
    candidate: float
    failed_entries: int
    kink_entries: int
    compared_entries: int  # entries compared, summed over points
    rtol: float
    reference_label: str = "numerical"
    candidate_label: str = "analytical"
    point: int | None = None

    @property
    def ok(self) -> bool:
        return self.failed_entries == 0 and self.kink_entries == 0

    def __str__(self) -> str:
        status = "ok" if self.ok else "FAILED"
        text = (
            f"{self.name}: {status}, max abs error {self.max_abs_error:.3g}, "
            f"max rel error {self.max_rel_error:.3g} (rtol {self.rtol:.3g})"
        )
        if self.failed_entries:
            where = f"{self.name}{list(self.index)} ({self.component})"
            if self.point is not None:
                where += f" at point {self.point}"
            text += (
                f"; {self.failed_entries} of {self.compared_entries} entries differ, worst {where}: "
                f"{self.reference_label} = {self.reference:.10g}, {self.candidate_label} = {self.candidate:.10g}"
            )
        if self.kink_entries:
            text += f"; {self.kink_entries} entries not compared because their stencil crosses a kink"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ok": self.ok,
            "max_abs_error": self.max_abs_error,
            "max_rel_error": self.max_rel_error,
            "index": list(self.index),
            "component": self.component,
            "reference_label": self.reference_label,
            "reference": self.reference,
            "candidate_label": self.candidate_label,
            "candidate": self.candidate,
            "failed_entries": self.failed_entries,
            "kink_entries": self.kink_entries,
            "compared_entries": self.compared_entries,
            "point": self.point,
        }


@dataclass
class GradcheckResult:
    """The outcome of ``gradcheck``: one ParameterCheck per parameter, W^1, b^1, ..., W^L, b^L."""

    parameters: list[ParameterCheck]
    dtype: str
    settings: FiniteDifferenceSettings
    inputs: Array  # the inputs actually checked, after moving examples away from kinks
    redrawn_examples: tuple[int, ...] = ()  # 0-based examples whose inputs were redrawn
    cost: float = float("nan")  # C at the checked point

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.parameters)

    @property
    def failures(self) -> list[ParameterCheck]:
        return [check for check in self.parameters if not check.ok]

    @property
    def max_abs_error(self) -> float:
        return max(check.max_abs_error for check in self.parameters)

    @property
    def max_rel_error(self) -> float:
        return max(check.max_rel_error for check in self.parameters)

    def __str__(self) -> str:
        verdict = "passed" if self.ok else f"FAILED for {', '.join(check.name for check in self.failures)}"
        lines = [
            f"gradient check {verdict} ({self.dtype}, step {self.settings.step:.3g}, "
            f"rtol {self.settings.rtol:.3g}, atol {self.settings.atol:.3g}, C = {self.cost:.6g})"
        ]
        if self.redrawn_examples:
            lines.append(f"  inputs of examples {list(self.redrawn_examples)} redrawn away from activation kinks")
        lines.extend(f"  {check}" for check in self.parameters)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "dtype": self.dtype,
            "step": self.settings.step,
            "rtol": self.settings.rtol,
            "atol": self.settings.atol,
            "cost": self.cost,
            "redrawn_examples": list(self.redrawn_examples),
            "parameters": [check.to_dict() for check in self.parameters],
        }


def relative_error(reference: Array, candidate: Array, settings: FiniteDifferenceSettings) -> Array:
    """Return ``|r - c| / max(|r|, |c|, atol / rtol)`` entrywise in float64, with inf for NaN."""
    reference64 = np.asarray(reference, dtype=np.float64)
    candidate64 = np.asarray(candidate, dtype=np.float64)
    scale = np.maximum(np.maximum(np.abs(reference64), np.abs(candidate64)), settings.relative_floor)
    with np.errstate(invalid="ignore"):
        error = np.abs(reference64 - candidate64) / scale
    return np.where(np.isfinite(error), error, np.inf)


def compare_gradients(
    references: Sequence[Array],
    candidates: Sequence[Array],
    parameters: Sequence[Parameter],
    settings: FiniteDifferenceSettings,
    *,
    kink_masks: Sequence[BoolArray] | None = None,
    reference_label: str = "numerical",
    candidate_label: str = "analytical",
    point: int | None = None,
) -> list[ParameterCheck]:
    """Compare two gradients parameter by parameter (all sequences in ``Network.parameters`` order).

    Entries set in ``kink_masks`` are left out of the errors and counted as kink entries.
    Raises ValueError when a gradient's shape differs from its parameter's shape.
    """
    checks = []
    for number, parameter in enumerate(parameters):
        reference = np.asarray(references[number])
        candidate = np.asarray(candidates[number])
        if reference.shape != parameter.array.shape or candidate.shape != parameter.array.shape:
            raise ValueError(
                f"gradient of {parameter.name} must have shape {parameter.array.shape}, "
                f"got {reference_label} {reference.shape} and {candidate_label} {candidate.shape}"
            )
        skipped = np.zeros(reference.shape, dtype=bool) if kink_masks is None else np.asarray(kink_masks[number])
        with np.errstate(invalid="ignore"):
            absolute = np.abs(reference.astype(np.float64) - candidate.astype(np.float64))
        absolute = np.where(np.isfinite(absolute), absolute, np.inf)
        absolute = np.where(skipped, 0.0, absolute)
        relative = np.where(skipped, 0.0, relative_error(reference, candidate, settings))
        worst_index = tuple(int(i) for i in np.unravel_index(int(np.argmax(relative)), relative.shape))
        checks.append(
            ParameterCheck(
                name=parameter.name,
                shape=tuple(reference.shape),
                max_abs_error=float(absolute.max(initial=0.0)),
                max_rel_error=float(relative.max(initial=0.0)),
                index=worst_index,
                component=parameter.component(worst_index),
                reference=float(reference[worst_index]),
                candidate=float(candidate[worst_index]),
                failed_entries=int(np.count_nonzero(relative > settings.rtol)),
                kink_entries=int(np.count_nonzero(skipped)),
                compared_entries=int(skipped.size - np.count_nonzero(skipped)),
                rtol=settings.rtol,
                reference_label=reference_label,
                candidate_label=candidate_label,
                point=point,
            )
        )
    return checks


def merge_checks(checks_per_point: Sequence[Sequence[ParameterCheck]]) -> list[ParameterCheck]:
    """Combine the checks of several sample points into the worst check of each parameter.

    The errors and the reported entry are those of the worst point, and the failed and kink
    entries are summed over points.
    """
    merged = []
    for per_parameter in zip(*checks_per_point, strict=True):
        worst = max(per_parameter, key=lambda check: check.max_rel_error)
        merged.append(
            ParameterCheck(
                name=worst.name,
                shape=worst.shape,
                max_abs_error=max(check.max_abs_error for check in per_parameter),
                max_rel_error=worst.max_rel_error,
                index=worst.index,
                component=worst.component,
                reference=worst.reference,
                candidate=worst.candidate,
                failed_entries=sum(check.failed_entries for check in per_parameter),
                kink_entries=sum(check.kink_entries for check in per_parameter),
                compared_entries=sum(check.compared_entries for check in per_parameter),
                rtol=worst.rtol,
                reference_label=worst.reference_label,
                candidate_label=worst.candidate_label,
                point=worst.point,
            )
        )
    return merged


def kink_sides(network: Network, forward: ForwardPass) -> list[BoolArray]:
    """Return, for each layer with kinks, on which side of each kink every pre-activation lies.

    Two points with equal results lie in the same smooth piece of every activation.
    """
    sides = []
    for layer, z in zip(network.layers, forward.pre_activations):
        for kink in layer.activation.kinks:
            sides.append(z > kink)
    return sides


def examples_near_kinks(network: Network, inputs: Array, margin: float) -> tuple[BoolArray, list[str]]:
    """Return a mask of the examples with a pre-activation within ``margin`` of a kink.

    The second value describes each offending layer, for error messages.
    """
    forward = network.forward(inputs)
    axis = batch_axis(network.convention)
    near = np.zeros(inputs.shape[axis], dtype=bool)
    details = []
    for layer, z in zip(network.layers, forward.pre_activations):
        for kink in layer.activation.kinks:
            close = np.abs(z - kink) < margin
            if close.any():
                near |= close.any(axis=1 - axis)
                details.append(f"{layer.label}: {int(close.sum())} pre-activations within {margin} of {kink}")
    return near, details


def move_from_kinks(
    network: Network,
    inputs: ArrayLike,
    margin: float,
    rng: np.random.Generator | int | None = 0,
    max_draws: int = 200,
) -> tuple[Array, tuple[int, ...]]:
    """Redraw the inputs of examples whose pre-activations lie within ``margin`` of a kink.

    Redrawn inputs come from N(0, 1), and other examples are returned unchanged. Returns the new
    inputs and the 0-based indices of the redrawn examples. Raises KinkError when some
    example is still near a kink after ``max_draws`` rounds, which happens when a
    pre-activation barely depends on the inputs (for example a unit with zero weights).
    """
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    moved = network.layers[0].check_input(np.array(inputs, dtype=network.dtype))
    axis = batch_axis(network.convention)
    redrawn: set[int] = set()
    for _ in range(max_draws):
        near, _details = examples_near_kinks(network, moved, margin)
        if not near.any():
            return moved, tuple(sorted(redrawn))
        redrawn.update(int(example) for example in np.flatnonzero(near))
        fresh = generator.standard_normal(moved.shape).astype(network.dtype)
        if axis == 1:
            moved[:, near] = fresh[:, near]
        else:
            moved[near, :] = fresh[near, :]
    near, details = examples_near_kinks(network, moved, margin)
    if not near.any():
        return moved, tuple(sorted(redrawn))
    raise KinkError(
        f"could not move examples {np.flatnonzero(near).tolist()} at least {margin} away from an activation "
        f"kink after {max_draws} draws of their inputs ({'; '.join(details)}); change the parameters of "
        f"those layers or pass FiniteDifferenceSettings with a smaller kink_margin"
    )


@dataclass
class FiniteDifferenceGradients:
    """Finite-difference gradients in ``Network.parameters`` order, with masks of kink-crossing entries."""

    gradients: list[Array]
    kink_masks: list[BoolArray] = field(default_factory=list)


def finite_difference_gradients(
    network: Network, inputs: ArrayLike, targets: ArrayLike, step: float
) -> FiniteDifferenceGradients:
    """Return dC/dtheta for every parameter entry by the fourth-order central difference.

    Each entry is perturbed in place and restored. The cost is evaluated in the network's
    dtype and the quotient is formed in float64. Gradients are returned in float64.
    """
    base = network.forward(inputs)
    target_array = network.check_target(targets, base)
    base_sides = kink_sides(network, base)
    offsets = (-2.0, -1.0, 1.0, 2.0)
    weights = np.array([1.0, -8.0, 8.0, -1.0])

    gradients: list[Array] = []
    masks: list[BoolArray] = []
    for parameter in network.parameters():
        array = parameter.array
        gradient = np.zeros(array.shape, dtype=np.float64)
        crossed = np.zeros(array.shape, dtype=bool)
        for index in np.ndindex(array.shape):
            original = array[index]
            costs = np.empty(len(offsets))
            for position, offset in enumerate(offsets):
                array[index] = original + array.dtype.type(offset * step)
                forward = network.forward(base.inputs)
                costs[position] = network.cost.value(forward.output, target_array, network.convention)
                sides = kink_sides(network, forward)
                if any(not np.array_equal(now, before) for now, before in zip(sides, base_sides)):
                    crossed[index] = True
            array[index] = original
            gradient[index] = float(weights @ costs) / (12.0 * step)
        gradients.append(gradient)
        masks.append(crossed)
    return FiniteDifferenceGradients(gradients, masks)


def gradcheck(
    network: Network,
    inputs: ArrayLike,
    targets: ArrayLike,
    *,
    settings: FiniteDifferenceSettings | None = None,
    move_inputs_from_kinks: bool = True,
    rng: np.random.Generator | int | None = 0,
) -> GradcheckResult:
    """Check ``network.backward`` against finite differences of the cost on one batch.

    ``settings`` defaults to the row of ``SETTINGS`` for the network's dtype. With
    ``move_inputs_from_kinks`` (the default) the inputs of examples near a kink are redrawn
    first, see the module docstring. The network's parameters are left as they were.
    """
    settings = settings or settings_for(network.dtype)
    checked_inputs = network.layers[0].check_input(np.array(inputs, dtype=network.dtype))
    redrawn: tuple[int, ...] = ()
    if move_inputs_from_kinks:
        checked_inputs, redrawn = move_from_kinks(network, checked_inputs, settings.kink_margin, rng)

    forward = network.forward(checked_inputs)
    target_array = network.check_target(targets, forward)
    cost = network.cost.value(forward.output, target_array, network.convention)
    analytical = flatten_gradients(network.backward(forward, target_array))
    numerical = finite_difference_gradients(network, checked_inputs, target_array, settings.step)
    checks = compare_gradients(
        numerical.gradients, analytical, network.parameters(), settings, kink_masks=numerical.kink_masks
    )
    return GradcheckResult(checks, str(network.dtype), settings, checked_inputs, redrawn, cost)

