"""Vector conventions, array types and dtypes shared by the neural-network modules.

symcheck supports the two layouts found in texts on backpropagation:

* ``"column"``: examples are columns, ``a^l = sigma(W^l a^{l-1} + b^l)``, ``W^l`` is
  ``out_size x in_size`` and a batch of ``m`` examples is an ``in_size x m`` array.
* ``"row"``: examples are rows, ``a^l = sigma(a^{l-1} W^l + b^l)``, ``W^l`` is
  ``in_size x out_size`` and a batch is an ``m x in_size`` array.

Biases are stored as 1-D arrays of length ``out_size`` in both conventions.
"""

from __future__ import annotations

from typing import Any, Literal, TypeAlias, get_args

import numpy as np
from numpy.typing import DTypeLike, NDArray

Array: TypeAlias = NDArray[np.floating[Any]]
BoolArray: TypeAlias = NDArray[np.bool_]
Convention: TypeAlias = Literal["row", "column"]

CONVENTIONS: tuple[str, ...] = get_args(Convention)
FLOAT_DTYPES: tuple[np.dtype[Any], ...] = (np.dtype(np.float64), np.dtype(np.float32))


def check_convention(convention: str) -> Convention:
    """Return ``convention`` unchanged, or raise ValueError when it is not "row" or "column"."""
    if convention == "row":
        return "row"
    if convention == "column":
        return "column"
    raise ValueError(f"invalid convention {convention!r}: expected 'row' or 'column'")


def resolve_dtype(dtype: DTypeLike) -> np.dtype[Any]:
    """Return the NumPy dtype for ``dtype``, or raise ValueError unless it is float64 or float32."""
    resolved = np.dtype(dtype)
    if resolved not in FLOAT_DTYPES:
        raise ValueError(f"unsupported dtype {resolved}: expected float64 or float32")
    return resolved


def batch_axis(convention: Convention) -> int:
    """Return the axis of a batch array that indexes the examples (1 for columns, 0 for rows)."""
    return 1 if convention == "column" else 0


def batch_shape(size: int, batch_size: int, convention: Convention) -> tuple[int, int]:
    """Return the shape of a batch of ``batch_size`` vectors of length ``size``."""
    return (size, batch_size) if convention == "column" else (batch_size, size)


def example_count(batch: Array, convention: Convention) -> int:
    """Return the number of examples ``m`` in a 2-D batch array."""
    return int(batch.shape[batch_axis(convention)])
