"""The ``symcheck`` command line: ``symcheck verify PATH...`` and the other subcommands."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

from . import __version__, crosscheck_command

EXIT_OK, EXIT_REFUTED, EXIT_USAGE = 0, 1, 2


def _sizes(text: str) -> tuple[int, ...]:
    try:
        if "-" in text and "," not in text:
            low, high = text.split("-", 1)
            return tuple(range(int(low), int(high) + 1))
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid sizes '{text}': write 1-4 or 1,2,3") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="symcheck", description="Check the mathematics in Markdown documents.")
    parser.add_argument("--version", action="version", version=f"symcheck {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    verify = commands.add_parser("verify", help="check every claim of Markdown documents", description="Check every claim of Markdown documents (files or folders of *.md).")
    verify.add_argument("paths", nargs="*", metavar="PATH", help="Markdown files or folders; default: paths from [tool.symcheck]")
    verify.add_argument("--format", choices=["text", "json", "junit", "github", "html"], default="text", help="report format (default: text)")
    verify.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output")
    verify.add_argument("--strict", action="store_true", default=None, help="exit with 1 also when a claim is inconclusive or unparsed")
    verify.add_argument("--budget", type=float, metavar="SECONDS", help="time budget per step in seconds (default: 2)")
    verify.add_argument("--seed", type=int, help="seed of the random choices (default: 0)")
    verify.add_argument("--sizes", type=_sizes, help="sizes at which general claims are instantiated, e.g. 1-4 (default) or 2,3")
    verify.add_argument("-j", "--jobs", type=int, help="worker processes (default: 1)")
    verify.add_argument("--no-cache", dest="cache", action="store_false", default=None, help="do not read or write the verdict cache")
    verify.add_argument("-q", "--quiet", action="store_true", help="print only refuted, unparsed and inconclusive claims and warnings")
    verify.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="colour in the text report (default: auto)")
    verify.add_argument("-v", "--verbose", action="store_true", help="print every step and debug logging")

    derive = commands.add_parser(
        "derive", help="print the gradient, Jacobian or Hessian of a LaTeX formula",
        description="Differentiate a LaTeX formula and print the result as LaTeX and as plain text.",
    )
    derive.add_argument("kind", choices=["gradient", "jacobian", "hessian"], help="what to compute: gradient (n x 1), jacobian (m x n) or hessian (n x n)")
    derive.add_argument("formulas", nargs="+", metavar="FORMULA", help="LaTeX formula; for jacobian, a vector (bmatrix) or one formula per component; put -- before a formula that starts with '-'")
    derive.add_argument("--wrt", metavar="NAMES", help="comma-separated variables in order, e.g. x_1,x_2 (default: every variable, in natural order)")
    derive.add_argument("--format", choices=["latex", "text", "both"], default="both", help="print LaTeX, plain text or both (default: both)")
    derive.add_argument("--simplify", action="store_true", help="simplify each entry of the result with SymPy")
    crosscheck = commands.add_parser(
        "crosscheck",
        help="check the formulas of the neural network a Markdown document describes and cross-check its gradients",
        description="Read the network a Markdown document describes, check its formulas and cross-check its gradients.",
    )
    crosscheck_command.add_arguments(crosscheck)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if arguments.command == "verify":
        return _verify(arguments)
    if arguments.command == "derive":
        return _derive(arguments)
    if arguments.command == "crosscheck":
        return crosscheck_command.run(arguments)
    parser.error(f"unknown command '{arguments.command}'")
    return EXIT_USAGE


def _verify(arguments: argparse.Namespace) -> int:
    import os

    from .api import collect_documents
    from .checking.checker import Checker
    from .checking.verdict import Report
    from .config import ConfigError, load_options
    from .report import render
    from .report.terminal import Progress, supports_color

    logging.basicConfig(level=logging.DEBUG if arguments.verbose else logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        options = load_options(".").with_overrides(
            budget=arguments.budget, seed=arguments.seed, sizes=arguments.sizes, jobs=arguments.jobs,
            strict=arguments.strict, cache=arguments.cache,
        )
    except ConfigError as error:
        print(f"symcheck: {error}", file=sys.stderr)
        return EXIT_USAGE

    paths = list(arguments.paths) or list(options.paths)
    if not paths:
        print("symcheck: no paths given and none in [tool.symcheck] paths", file=sys.stderr)
        return EXIT_USAGE
    missing = [path for path in paths if not os.path.exists(path)]
    if missing:
        print(f"symcheck: file or folder not found: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    documents = collect_documents(paths)

    report = Report()
    with Progress(len(documents), sys.stderr) as progress, Checker(options) as checker:
        for document in documents:
            report.files.append(checker.check_file(document))
            progress.advance(1, document)

    render_options: dict[str, object] = {}
    if arguments.format == "text":
        stream = sys.stdout if arguments.output is None else None
        color = arguments.color == "always" or (arguments.color == "auto" and stream is not None and supports_color(stream))
        render_options = {"color": color, "quiet": arguments.quiet, "verbose": arguments.verbose}
    text = render(report, arguments.format, **render_options)
    if arguments.output:
        try:
            with open(arguments.output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            print(f"symcheck: cannot write {arguments.output}: {error.strerror}", file=sys.stderr)
            return EXIT_USAGE
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return report.exit_status(strict=options.strict)


def _split_names(text: str) -> list[str]:
    """Split ``x_1,x_{2,3}`` at the commas outside braces."""
    names: list[str] = []
    current: list[str] = []
    depth = 0
    for character in text:
        if character == "{":
            depth += 1
        elif character == "}":
            depth = max(0, depth - 1)
        if character == "," and depth == 0:
            names.append("".join(current).strip())
            current = []
        else:
            current.append(character)
    names.append("".join(current).strip())
    return [name for name in names if name]


def _derive(arguments: argparse.Namespace) -> int:
    from .derive import DeriveError, gradient, hessian, jacobian

    wrt = _split_names(arguments.wrt) if arguments.wrt else None
    if arguments.kind != "jacobian" and len(arguments.formulas) > 1:
        print(f"symcheck: {arguments.kind} takes one formula, not {len(arguments.formulas)}; quote a formula that contains spaces", file=sys.stderr)
        return EXIT_USAGE
    try:
        if arguments.kind == "gradient":
            result = gradient(arguments.formulas[0], wrt, simplify=arguments.simplify)
        elif arguments.kind == "hessian":
            result = hessian(arguments.formulas[0], wrt, simplify=arguments.simplify)
        else:
            formulas = arguments.formulas[0] if len(arguments.formulas) == 1 else list(arguments.formulas)
            result = jacobian(formulas, wrt, simplify=arguments.simplify)
    except DeriveError as error:
        print(f"symcheck: {error}", file=sys.stderr)
        return EXIT_USAGE

    variables = ", ".join(str(variable) for variable in result.variables)
    if arguments.format == "latex":
        print(result.latex)
    elif arguments.format == "text":
        print(result.text)
    else:
        print(f"{arguments.kind} with respect to {variables}")
        print(f"latex: {result.latex}")
        print(f"text:  {result.text}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
