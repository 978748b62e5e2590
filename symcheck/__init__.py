"""symcheck: check the mathematics in Markdown documents by re-deriving every step.

The public names below are imported on first use, so ``import symcheck`` and ``symcheck --help``
do not import SymPy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name -> module that defines it.
_EXPORTS = {
    "verify_text": "symcheck.api",
    "verify_file": "symcheck.api",
    "verify_paths": "symcheck.api",
    "gradient": "symcheck.derive",
    "jacobian": "symcheck.derive",
    "hessian": "symcheck.derive",
    "chain_rule": "symcheck.derive",
    "check_equal": "symcheck.derive",
    "Derivation": "symcheck.derive",
    "Verdict": "symcheck.checking.verdict",
    "Report": "symcheck.checking.verdict",
    "FileReport": "symcheck.checking.verdict",
    "ClaimResult": "symcheck.checking.verdict",
    "StepResult": "symcheck.checking.verdict",
    "Options": "symcheck.config",
    "load_options": "symcheck.config",
}

__all__ = [*_EXPORTS, "__version__"]

if TYPE_CHECKING:
    from symcheck.api import verify_file, verify_paths, verify_text
    from symcheck.checking.verdict import ClaimResult, FileReport, Report, StepResult, Verdict
    from symcheck.config import Options, load_options
    from symcheck.derive import Derivation, chain_rule, check_equal, gradient, hessian, jacobian


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'symcheck' has no attribute '{name}'")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
