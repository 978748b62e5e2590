"""Gradient checking of backpropagation against finite differences.

This module re-exports the public names of ``symcheck.nn.gradcheck``, where the
finite-difference scheme, the per-dtype settings and the kink policy are documented.
"""

from symcheck.nn.gradcheck import (
    SETTINGS,
    FiniteDifferenceGradients,
    FiniteDifferenceSettings,
    GradcheckResult,
    KinkError,
    ParameterCheck,
    compare_gradients,
    examples_near_kinks,
    finite_difference_gradients,
    gradcheck,
    kink_sides,
    merge_checks,
    move_from_kinks,
    relative_error,
    settings_for,
)

__all__ = [
    "SETTINGS",
    "FiniteDifferenceGradients",
    "FiniteDifferenceSettings",
    "GradcheckResult",
    "KinkError",
    "ParameterCheck",
    "compare_gradients",
    "examples_near_kinks",
    "finite_difference_gradients",
    "gradcheck",
    "kink_sides",
    "merge_checks",
    "move_from_kinks",
    "relative_error",
    "settings_for",
]
