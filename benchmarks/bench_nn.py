"""Benchmark the neural-network cross-check and print a Markdown table.

For two-layer networks n-n-n (two n x n weight matrices, sigmoid then tanh, column
convention, a batch of 2 examples) the script measures:

* the layer-wise symbolic derivation and its lambdify (``symcheck.nn.symbolic``),
* the baseline ``Matrix([C]).jacobian`` of the whole cost and its lambdify, run in a child
  process and stopped after ``--limit`` seconds. Once a size exceeds the limit, larger
  sizes are not tried.
* one backpropagation and one finite-difference gradient (fourth-order stencil, float64).

Usage: ``python benchmarks/bench_nn.py [--sizes 2 4 8 16] [--limit 60]``
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import queue
import sys
import time
from dataclasses import dataclass

import numpy as np
import sympy

from symcheck.nn.conventions import Convention, batch_shape
from symcheck.nn.gradcheck import finite_difference_gradients, settings_for
from symcheck.nn.network import Network
from symcheck.nn.symbolic import compile_gradient, make_symbols

ACTIVATIONS = ("sigmoid", "tanh")
CONVENTION: Convention = "column"
BATCH_SIZE = 2


@dataclass
class Row:
    size: int
    parameters: int
    layerwise_derive: float
    layerwise_lambdify: float
    jacobian_derive: float | None  # None: not measured, either stopped or skipped
    jacobian_lambdify: float | None
    jacobian_note: str
    backprop_ms: float
    finite_ms: float


def _jacobian_worker(size: int, results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    symbols = make_symbols([size, size, size], ACTIVATIONS, CONVENTION, "mse", BATCH_SIZE)
    gradient = compile_gradient(symbols, "jacobian")
    results.put((gradient.derive_seconds, gradient.lambdify_seconds))


def time_jacobian(size: int, limit: float) -> tuple[float, float] | None:
    """Return (derive, lambdify) seconds of the Jacobian baseline, or None past ``limit`` seconds."""
    results: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    worker = multiprocessing.Process(target=_jacobian_worker, args=(size, results))
    worker.start()
    try:
        timings: tuple[float, float] = results.get(timeout=limit)
    except queue.Empty:
        worker.terminate()
        worker.join()
        return None
    worker.join()
    return timings


def time_numeric(size: int, repeats: int) -> tuple[float, float]:
    """Return the milliseconds of one backpropagation and one finite-difference gradient."""
    network = Network.from_sizes([size, size, size], ACTIVATIONS, convention=CONVENTION, rng=0)
    rng = np.random.default_rng(1)
    inputs = rng.standard_normal(batch_shape(size, BATCH_SIZE, CONVENTION))
    targets = rng.standard_normal(batch_shape(size, BATCH_SIZE, CONVENTION))

    start = time.perf_counter()
    for _ in range(repeats):
        network.parameter_gradients(inputs, targets)
    backprop = (time.perf_counter() - start) / repeats

    step = settings_for(np.float64).step
    start = time.perf_counter()
    finite_difference_gradients(network, inputs, targets, step)
    finite = time.perf_counter() - start
    return 1000 * backprop, 1000 * finite


def measure(sizes: list[int], limit: float) -> list[Row]:
    rows = []
    jacobian_stopped_at: int | None = None
    for size in sizes:
        symbols = make_symbols([size, size, size], ACTIVATIONS, CONVENTION, "mse", BATCH_SIZE)
        layerwise = compile_gradient(symbols, "layerwise")

        jacobian: tuple[float, float] | None = None
        if jacobian_stopped_at is None:
            jacobian = time_jacobian(size, limit)
            note = "" if jacobian is not None else f"stopped after {limit:.0f} s"
            if jacobian is None:
                jacobian_stopped_at = size
        else:
            note = f"skipped (n = {jacobian_stopped_at} exceeded {limit:.0f} s)"

        backprop_ms, finite_ms = time_numeric(size, repeats=200)
        rows.append(
            Row(
                size=size,
                parameters=len(symbols.parameters),
                layerwise_derive=layerwise.derive_seconds,
                layerwise_lambdify=layerwise.lambdify_seconds,
                jacobian_derive=jacobian[0] if jacobian else None,
                jacobian_lambdify=jacobian[1] if jacobian else None,
                jacobian_note=note,
                backprop_ms=backprop_ms,
                finite_ms=finite_ms,
            )
        )
        print(f"measured n = {size}", file=sys.stderr, flush=True)
    return rows


def format_table(rows: list[Row]) -> str:
    lines = [
        "| network | parameters | layer-wise derive (s) | layer-wise lambdify (s) "
        "| Jacobian derive (s) | Jacobian lambdify (s) | backprop (ms) | finite differences (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row.jacobian_derive is not None and row.jacobian_lambdify is not None:
            jacobian = f"{row.jacobian_derive:.2f} | {row.jacobian_lambdify:.2f}"
        else:
            jacobian = f"{row.jacobian_note} | -"
        lines.append(
            f"| {row.size}-{row.size}-{row.size} | {row.parameters} | {row.layerwise_derive:.2f} "
            f"| {row.layerwise_lambdify:.2f} | {jacobian} | {row.backprop_ms:.3f} | {row.finite_ms:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 4, 8, 16], help="layer widths n to measure")
    parser.add_argument(
        "--limit", type=float, default=60.0, help="seconds after which the Jacobian baseline is stopped"
    )
    arguments = parser.parse_args()

    print(
        f"Python {platform.python_version()}, SymPy {sympy.__version__}, NumPy {np.__version__}, "
        f"{multiprocessing.cpu_count()} cores; networks n-n-n ({', '.join(ACTIVATIONS)}), "
        f"{CONVENTION} convention, batch of {BATCH_SIZE}\n"
    )
    print(format_table(measure(arguments.sizes, arguments.limit)))


if __name__ == "__main__":
    main()
