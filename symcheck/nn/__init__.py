"""Numeric neural networks for checking backpropagation: layers, cost, gradients and cross-checks.

``Network.backward`` computes gradients by backpropagation, ``symcheck.gradcheck.gradcheck``
compares them with finite differences, ``symcheck.nn.symbolic`` derives them with SymPy, and
``crosscheck_network`` runs all three and compares them in pairs. The package does not
export the ``gradcheck`` function itself, because that name would hide the submodule.
"""

from symcheck.nn.activations import ACTIVATIONS, IDENTITY, RELU, SIGMOID, TANH, Activation, get_activation
from symcheck.nn.conventions import Array, Convention
from symcheck.nn.cost import COSTS, Cost, MeanSquaredError, get_cost
from symcheck.nn.crosscheck import PAIRS, CrosscheckResult, crosscheck_network
from symcheck.nn.gradcheck import SETTINGS, FiniteDifferenceSettings, GradcheckResult, ParameterCheck
from symcheck.nn.layers import Dense, LayerGradient, ShapeError
from symcheck.nn.network import ForwardPass, Network, NetworkSpec, Parameter

__all__ = [
    "ACTIVATIONS",
    "COSTS",
    "IDENTITY",
    "PAIRS",
    "RELU",
    "SETTINGS",
    "SIGMOID",
    "TANH",
    "Activation",
    "Array",
    "Convention",
    "Cost",
    "CrosscheckResult",
    "Dense",
    "FiniteDifferenceSettings",
    "ForwardPass",
    "GradcheckResult",
    "LayerGradient",
    "MeanSquaredError",
    "Network",
    "NetworkSpec",
    "Parameter",
    "ParameterCheck",
    "ShapeError",
    "crosscheck_network",
    "get_activation",
    "get_cost",
]
