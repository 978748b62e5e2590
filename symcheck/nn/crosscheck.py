"""Cross-check three gradients of a network's cost: symbolic, backpropagation, finite differences.

``crosscheck_network`` draws sample points, computes the three gradients at each one and
compares them in pairs with the tolerances of ``symcheck.nn.gradcheck.SETTINGS`` for the
network's dtype. A document reader can describe the network with a ``NetworkSpec``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from symcheck.nn.conventions import Array, BoolArray, Convention, batch_shape, resolve_dtype
from symcheck.nn.gradcheck import (
    FiniteDifferenceSettings,
    KinkError,
    ParameterCheck,
    compare_gradients,
    finite_difference_gradients,
    merge_checks,
    move_from_kinks,
    settings_for,
)
from symcheck.nn.layers import Dense
from symcheck.nn.network import Network, NetworkSpec, Parameter
from symcheck.nn.symbolic import derive_network_gradient

SYMBOLIC_BACKPROP = "symbolic vs backprop"
BACKPROP_FINITE = "backprop vs finite differences"
SYMBOLIC_FINITE = "symbolic vs finite differences"
PAIRS: tuple[str, ...] = (SYMBOLIC_BACKPROP, BACKPROP_FINITE, SYMBOLIC_FINITE)

# How often a point drawn from a NetworkSpec is redrawn when its stencils cannot avoid a kink.
MAX_POINT_DRAWS = 20


@dataclass
class CrosscheckResult:
    """The three pairwise comparisons of a cross-check, worst case over all sample points.

    ``checks[pair]`` contains one ParameterCheck per parameter (W^1, b^1, ..., W^L, b^L) for
    each pair in ``PAIRS``. ``spec`` is None when the network uses an unregistered activation.
    """

    architecture: str  # e.g. "3-4-2 (tanh, sigmoid), column convention, mse cost"
    spec: NetworkSpec | None
    dtype: str
    batch_size: int
    points: int
    settings: FiniteDifferenceSettings
    checks: dict[str, list[ParameterCheck]]
    redrawn_examples: int = 0  # examples whose inputs were redrawn away from kinks
    redrawn_points: int = 0  # points drawn again because a stencil still crossed a kink
    # Time of the derivation, which may come from an earlier call because derivations are cached.
    derive_seconds: float = 0.0
    lambdify_seconds: float = 0.0
    seed: int | None = None

    @property
    def ok(self) -> bool:
        return all(check.ok for checks in self.checks.values() for check in checks)

    @property
    def max_rel_error(self) -> dict[str, float]:
        """The largest relative error of each pair, over all parameters and points."""
        return {pair: max(check.max_rel_error for check in checks) for pair, checks in self.checks.items()}

    @property
    def max_abs_error(self) -> dict[str, float]:
        """The largest absolute error of each pair, over all parameters and points."""
        return {pair: max(check.max_abs_error for check in checks) for pair, checks in self.checks.items()}

    @property
    def parameter_rel_errors(self) -> dict[str, dict[str, float]]:
        """The largest relative error per pair and parameter name, e.g. ``["symbolic vs backprop"]["W^1"]``."""
        return {pair: {check.name: check.max_rel_error for check in checks} for pair, checks in self.checks.items()}

    @property
    def failures(self) -> list[tuple[str, ParameterCheck]]:
        """The failing (pair, check) combinations, in pair and parameter order."""
        return [(pair, check) for pair, checks in self.checks.items() for check in checks if not check.ok]

    @property
    def summary(self) -> str:
        """A readable report: verdict, one line per pair, then every failing parameter."""
        verdict = "passed" if self.ok else "FAILED"
        lines = [
            f"cross-check {verdict}: {self.architecture}, {self.dtype}, "
            f"{self.points} points of {self.batch_size} examples"
        ]
        for pair, error in self.max_rel_error.items():
            lines.append(f"  {pair}: max rel error {error:.3g} (rtol {self.settings.rtol:.3g})")
        for pair, check in self.failures:
            lines.append(f"  {pair}: {check}")
        if self.redrawn_examples or self.redrawn_points:
            lines.append(
                f"  kinks avoided by redrawing {self.redrawn_examples} examples and {self.redrawn_points} points"
            )
        lines.append(f"  symbolic derivation {self.derive_seconds:.2f} s, lambdify {self.lambdify_seconds:.2f} s")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "architecture": self.architecture,
            "dtype": self.dtype,
            "batch_size": self.batch_size,
            "points": self.points,
            "seed": self.seed,
            "rtol": self.settings.rtol,
            "atol": self.settings.atol,
            "max_rel_error": self.max_rel_error,
            "checks": {pair: [check.to_dict() for check in checks] for pair, checks in self.checks.items()},
        }


@dataclass
class _Point:
    parameters: list[Array]
    inputs: Array
    targets: Array
    backprop: list[Array]
    finite: list[Array]
    kink_masks: list[BoolArray] = field(default_factory=list)


def _resolve_network(
    model: NetworkSpec | Network | Dense | Sequence[Dense] | None,
    sizes: Sequence[int] | None,
    activations: str | Sequence[str],
    convention: Convention,
    cost: str,
) -> tuple[NetworkSpec | None, Network | None]:
    if model is None:
        if sizes is None:
            raise ValueError("crosscheck_network needs a NetworkSpec, a Network, Dense layers or sizes")
        names = (activations,) * (len(sizes) - 1) if isinstance(activations, str) else tuple(activations)
        return NetworkSpec(tuple(sizes), names, convention, cost), None
    if sizes is not None:
        raise ValueError("pass either a model or sizes to crosscheck_network, not both")
    if isinstance(model, NetworkSpec):
        return model, None
    if isinstance(model, Dense):
        network = Network([model], cost=cost)
    elif isinstance(model, Network):
        network = model
    else:
        network = Network(list(model), cost=cost)
    try:
        spec: NetworkSpec | None = network.spec()
    except ValueError:
        spec = None
    return spec, network


def _describe(network: Network) -> str:
    sizes = "-".join(str(size) for size in network.sizes)
    activations = ", ".join(activation.name for activation in network.activations)
    return f"{sizes} ({activations}), {network.convention} convention, {network.cost.name} cost"


def crosscheck_network(
    model: NetworkSpec | Network | Dense | Sequence[Dense] | None = None,
    *,
    sizes: Sequence[int] | None = None,
    activations: str | Sequence[str] = "sigmoid",
    convention: Convention = "column",
    cost: str = "mse",
    dtype: DTypeLike | None = None,
    seed: int | None = 0,
    batch_size: int = 2,
    points: int = 2,
    settings: FiniteDifferenceSettings | None = None,
) -> CrosscheckResult:
    """Compare symbolic, backpropagation and finite-difference gradients of a network's cost.

    The network comes from ``model`` (a NetworkSpec, a Network, one Dense layer or a list of
    them) or from ``sizes``, ``activations`` (one name, or one per layer), ``convention`` and
    ``cost``. A NetworkSpec draws fresh parameters at every point. A given network keeps its
    own parameters, and only its inputs and targets are drawn. Inputs and targets come from
    N(0, 1). Examples near a kink are redrawn as ``gradcheck`` does. A spec point whose
    stencils still cross a kink is drawn again, while on a given network such entries are
    reported as kink entries and fail the check. ``dtype`` defaults to the given network's
    dtype, else float64. A given network and a different ``dtype`` raise ValueError.

    The symbolic gradient is derived for ``batch_size`` examples and evaluated in float64.
    Backpropagation and finite differences run in ``dtype``, and every pair is compared
    with ``settings``, by default the row of ``SETTINGS`` for that dtype. ``seed`` makes
    the draws reproducible.
    """
    if points < 1:
        raise ValueError(f"points must be at least 1, got {points}")
    spec, fixed_network = _resolve_network(model, sizes, activations, convention, cost)
    if fixed_network is not None:
        resolved = fixed_network.dtype
        if dtype is not None and resolve_dtype(dtype) != resolved:
            raise ValueError(f"dtype {resolve_dtype(dtype)} differs from the network's dtype {resolved}")
    else:
        resolved = resolve_dtype(np.float64 if dtype is None else dtype)
    settings = settings or settings_for(resolved)
    rng = np.random.default_rng(seed)

    def make_network() -> Network:
        if fixed_network is not None:
            return fixed_network
        assert spec is not None  # _resolve_network returns a spec when it returns no network
        return spec.build(resolved, rng)

    template = make_network()
    gradient = derive_network_gradient(template, batch_size)
    samples = []
    redrawn_examples = 0
    redrawn_points = 0
    for _ in range(points):
        point, examples, retries = _sample_point(make_network, fixed_network is not None, batch_size, settings, rng)
        samples.append(point)
        redrawn_examples += examples
        redrawn_points += retries

    symbolic = gradient.evaluate_points([(point.parameters, point.inputs, point.targets) for point in samples])
    parameters = template.parameters()
    per_pair: dict[str, list[list[ParameterCheck]]] = {pair: [] for pair in PAIRS}
    for number, (point, symbolic_gradient) in enumerate(zip(samples, symbolic)):
        for pair, checks in _compare_point(point, symbolic_gradient, parameters, settings, number).items():
            per_pair[pair].append(checks)

    return CrosscheckResult(
        architecture=_describe(template),
        spec=spec,
        dtype=str(resolved),
        batch_size=batch_size,
        points=points,
        settings=settings,
        checks={pair: merge_checks(checks) for pair, checks in per_pair.items()},
        redrawn_examples=redrawn_examples,
        redrawn_points=redrawn_points,
        derive_seconds=gradient.derive_seconds,
        lambdify_seconds=gradient.lambdify_seconds,
        seed=seed,
    )


def _sample_point(
    make_network: Callable[[], Network],
    fixed: bool,
    batch_size: int,
    settings: FiniteDifferenceSettings,
    rng: np.random.Generator,
) -> tuple[_Point, int, int]:
    """Draw one point and compute backprop and finite differences there.

    Returns the point, the number of examples redrawn away from kinks and the number of
    points drawn again. A ``fixed`` network is never redrawn, so its KinkError propagates
    and its kink-crossing entries stay in the point.
    """
    retries = 0
    for draw in range(MAX_POINT_DRAWS):
        last_draw = draw == MAX_POINT_DRAWS - 1
        network = make_network()
        dtype = network.dtype
        inputs = rng.standard_normal(batch_shape(network.sizes[0], batch_size, network.convention))
        targets = rng.standard_normal(batch_shape(network.sizes[-1], batch_size, network.convention)).astype(dtype)
        try:
            moved, redrawn = move_from_kinks(network, inputs, settings.kink_margin, rng)
        except KinkError:
            if fixed or last_draw:
                raise
            retries += 1
            continue

        finite = finite_difference_gradients(network, moved, targets, settings.step)
        crossed = any(mask.any() for mask in finite.kink_masks)
        if crossed and not fixed and not last_draw:
            retries += 1
            continue

        point = _Point(
            parameters=[parameter.array.copy() for parameter in network.parameters()],
            inputs=moved,
            targets=targets,
            backprop=network.parameter_gradients(moved, targets),
            finite=finite.gradients,
            kink_masks=finite.kink_masks,
        )
        return point, len(redrawn), retries
    raise AssertionError("unreachable: the last draw returns or raises")


def _compare_point(
    point: _Point,
    symbolic: list[Array],
    parameters: list[Parameter],
    settings: FiniteDifferenceSettings,
    number: int,
) -> dict[str, list[ParameterCheck]]:
    return {
        SYMBOLIC_BACKPROP: compare_gradients(
            symbolic, point.backprop, parameters, settings,
            reference_label="symbolic", candidate_label="backprop", point=number,
        ),
        BACKPROP_FINITE: compare_gradients(
            point.finite, point.backprop, parameters, settings, kink_masks=point.kink_masks,
            reference_label="finite differences", candidate_label="backprop", point=number,
        ),
        SYMBOLIC_FINITE: compare_gradients(
            point.finite, symbolic, parameters, settings, kink_masks=point.kink_masks,
            reference_label="finite differences", candidate_label="symbolic", point=number,
        ),
    }
