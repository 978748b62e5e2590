"""Helpers shared by the report writers: summary wording and LaTeX display cleanup."""

from __future__ import annotations

import re

from symcheck.checking.verdict import ClaimResult, Report, StepResult, Verdict

# Order of the counts in every summary: outcomes that need attention come right after the
# decided ones, and definitions, which are never checked, come last.
SUMMARY_ORDER: tuple[Verdict, ...] = (
    Verdict.PROVED,
    Verdict.NUMERIC,
    Verdict.REFUTED,
    Verdict.UNPARSED,
    Verdict.INCONCLUSIVE,
    Verdict.DEFINITION,
)

# Verdicts that need a reader's attention. Quiet text output keeps only these.
ATTENTION_VERDICTS: frozenset[Verdict] = frozenset({Verdict.REFUTED, Verdict.UNPARSED, Verdict.INCONCLUSIVE})

_WHITESPACE = re.compile(r"\s+")
_DISPLAYSTYLE = re.compile(r"\\displaystyle(?![A-Za-z])")

# Spacing commands that latex2mathml 3.81 renders as a named width or as an identifier, which
# MathML Core browsers ignore or treat as a symbol. Each maps to the explicit-width command of
# the same size.
_SPACE_COMMANDS = {
    "medspace": r"\:",
    "thinspace": r"\,",
    "thickspace": r"\;",
}
_SPACE_COMMAND = re.compile(r"\\(" + "|".join(_SPACE_COMMANDS) + r")(?![A-Za-z])")


def count_label(verdict: Verdict, count: int) -> str:
    """Format one count of a summary, for example '3 proved' or '2 definitions'."""
    if verdict is Verdict.DEFINITION:
        return f"{count} definition" + ("" if count == 1 else "s")
    return f"{count} {verdict.value}"


def summary_counts(report: Report) -> list[tuple[Verdict, int]]:
    """Return the non-zero claim counts of a report in ``SUMMARY_ORDER``."""
    counts = report.summary()
    return [(verdict, counts[verdict.value]) for verdict in SUMMARY_ORDER if counts[verdict.value]]


def plural(count: int, noun: str) -> str:
    """Format a count with a noun that takes a plain 's' plural, such as '1 file' or '3 claims'."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def one_line(text: str) -> str:
    """Collapse every run of whitespace, newlines included, into one space."""
    return _WHITESPACE.sub(" ", text).strip()


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, marking a cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def _matching_brace(text: str, start: int) -> int:
    """Return the index of the brace closing the one at ``start``, or -1 when it is unbalanced."""
    depth = 0
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2  # skip the escaped character, so that \{ and \} do not count
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def strip_display_wrapper(latex: str) -> str:
    r"""Remove a ``\displaystyle{...}`` wrapper, or a leading ``\displaystyle``, around a formula.

    A wrapper is removed only when its closing brace ends the formula. A ``\displaystyle``
    inside the formula is kept.
    """
    text = latex.strip()
    while True:
        match = _DISPLAYSTYLE.match(text)
        if match is None:
            return text
        rest = text[match.end() :].lstrip()
        if rest.startswith("{") and _matching_brace(rest, 0) == len(rest) - 1:
            text = rest[1:-1].strip()
        else:
            text = rest


def clean_latex(latex: str) -> str:
    """Prepare a formula for display: drop the display wrapper and use explicit-width spaces."""
    text = strip_display_wrapper(latex)
    return _SPACE_COMMAND.sub(lambda match: _SPACE_COMMANDS[match.group(1)], text)


def claim_title(claim: ClaimResult, limit: int = 60) -> str:
    """Return a one-line, shortened form of a claim's LaTeX for names and titles."""
    return shorten(one_line(strip_display_wrapper(claim.latex)), limit)


def step_details(step: StepResult) -> list[str]:
    """Describe a step in plain lines: both sides, the counterexample and the expected value."""
    lines = [f"{one_line(step.lhs)} = {one_line(step.rhs)}"]
    if step.message:
        lines.append(one_line(step.message))
    if step.counterexample is not None:
        lines.append(one_line(step.counterexample.describe()))
    if step.expected:
        lines.append(f"expected: {one_line(step.expected)}")
    return lines


def refutation_lines(claim: ClaimResult) -> list[str]:
    """Describe every refuted step of a claim as 'step N: lhs = rhs' followed by indented details."""
    lines = []
    for index, step in enumerate(claim.steps, start=1):
        if step.verdict is Verdict.REFUTED:
            sides, *details = step_details(step)
            lines.append(f"step {index}: {sides}")
            lines.extend("  " + line for line in details)
    return lines
