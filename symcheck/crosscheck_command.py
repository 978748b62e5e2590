"""``symcheck crosscheck FILE``: check the network a Markdown document describes.

The command reads the layer, activation and cost formulas of the document, reports where they
contradict each other, builds the network they describe and cross-checks its gradients
(symbolic, backpropagation, finite differences) with ``symcheck.nn``. The work is done by
``symcheck.nn.document.crosscheck_document``.

Exit status: 0 when the formulas are consistent and every check agrees, 1 when there are
findings or a check disagrees, 2 for a usage error or a file that cannot be read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# The symbolic gradient grows quickly with the network. On 2 cores, docs/benchmarks.md measured
# 1.38 s to derive and 1.32 s to compile a 16-16-16 network (sigmoid, tanh), its largest size.
MAX_WIDTH = 16
# NOTE: a guess. docs/benchmarks.md measures networks of two layers only.
MAX_LAYERS = 4


def parse_sizes(text: str) -> tuple[int, ...]:
    """Read layer widths such as ``3,4,2``, from the input to the output."""
    try:
        sizes = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid sizes '{text}': write the layer widths as 3,4,2") from None
    if len(sizes) < 2:
        raise argparse.ArgumentTypeError(f"invalid sizes '{text}': give at least an input and an output width, e.g. 3,2")
    if len(sizes) - 1 > MAX_LAYERS:
        raise argparse.ArgumentTypeError(f"invalid sizes '{text}': at most {MAX_LAYERS} layers ({MAX_LAYERS + 1} widths)")
    if any(size < 1 or size > MAX_WIDTH for size in sizes):
        raise argparse.ArgumentTypeError(f"invalid sizes '{text}': every width must be between 1 and {MAX_WIDTH}")
    return sizes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``symcheck crosscheck`` to ``parser``."""
    parser.add_argument("file", metavar="FILE", help="Markdown file that defines a network's layer, activation and cost")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="report format (default: text)")
    parser.add_argument(
        "--sizes", type=parse_sizes, default=None, metavar="WIDTHS",
        help="layer widths of the network built, from input to output, e.g. 3,4,2 (default: 3,4,2)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the random parameters, inputs and targets (default: 0)")


def run(arguments: argparse.Namespace) -> int:
    """Cross-check the document ``arguments.file``, print the report and return the exit status."""
    from symcheck.nn.document import crosscheck_document

    path = arguments.file
    if not os.path.isfile(path):
        print(f"symcheck: file not found: {path}", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = crosscheck_document(path, sizes=arguments.sizes, seed=arguments.seed)
    except OSError as error:
        print(f"symcheck: cannot read {path}: {error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE

    if arguments.format == "json":
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report.summary)
    return EXIT_OK if report.ok else EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symcheck crosscheck",
        description="Read the network a Markdown document describes, check its formulas and cross-check its gradients.",
    )
    add_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``symcheck crosscheck`` with ``argv`` (default: the command line). Usage errors exit with 2."""
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
