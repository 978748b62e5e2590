"""Plain-text report: one ``path:line:col: verdict: message`` line per claim, then a summary.

The claim lines follow the compiler-diagnostic layout, so editors and CI logs can link them to
the source. Details (refuted steps, warnings) follow on indented lines.
"""

from __future__ import annotations

import re

from symcheck.checking.verdict import ClaimResult, ClaimWarning, FileReport, Report, StepResult, Verdict
from symcheck.report._common import ATTENTION_VERDICTS, count_label, one_line, plural, shorten, summary_counts

_RESET = "\033[0m"
_RED = "\033[31m"
_GREEN = "\033[32m"
_YELLOW = "\033[33m"
_BOLD = "\033[1m"

VERDICT_COLORS: dict[Verdict, str] = {
    Verdict.REFUTED: _RED,
    Verdict.PROVED: _GREEN,
    Verdict.NUMERIC: _GREEN,
    Verdict.INCONCLUSIVE: _YELLOW,
    Verdict.UNPARSED: _YELLOW,
    Verdict.DEFINITION: "",
}

# Control characters other than newline and tab. Document text is untrusted, so these are
# shown escaped: a raw escape sequence could otherwise rewrite the reader's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_INDENT = "    "


def _printable(text: str) -> str:
    """Replace control characters (except newline and tab) with ``\\xNN`` escapes."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text).replace("\t", " ")


class _Styler:
    """Wraps text in ANSI colour codes, or leaves it unchanged when colour is off."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def paint(self, text: str, code: str) -> str:
        if not self.enabled or not code:
            return text
        return f"{code}{text}{_RESET}"

    def verdict(self, verdict: Verdict, text: str | None = None) -> str:
        return self.paint(verdict.value if text is None else text, VERDICT_COLORS[verdict])


def _message_lines(message: str, indent: str) -> tuple[str, list[str]]:
    """Split a message into its first line and the following lines, indented by ``indent``.

    Later lines keep their own leading spaces, so a caret that points into a formula on the
    line above stays aligned with it.
    """
    lines = _printable(message).rstrip().splitlines() or [""]
    return lines[0].strip(), [indent + line.rstrip() for line in lines[1:] if line.strip()]


def _claim_line(claim: ClaimResult, styler: _Styler) -> list[str]:
    first, rest = _message_lines(claim.message, _INDENT)
    line = f"{_printable(str(claim.location))}: {styler.verdict(claim.verdict)}"
    if first:
        line += f": {first}"
    if claim.directive:
        line += f" [{_printable(claim.directive)}]"
    return [line, *rest]


SIDE_LIMIT = 160  # characters of each side shown for a refuted step


def _step_lines(index: int, step: StepResult, styler: _Styler, verbose: bool) -> list[str]:
    # Whole matrices make unreadable lines; --verbose shows the sides in full.
    limit = 10_000 if verbose else SIDE_LIMIT
    sides = f"{_printable(shorten(one_line(step.lhs), limit))} = {_printable(shorten(one_line(step.rhs), limit))}"
    detail_indent = _INDENT + "  "
    if verbose:
        header = f"{_INDENT}step {index}: {styler.verdict(step.verdict)} by {_printable(step.method)}"
        header += f" in {step.seconds:.3f} s: {sides}"
    else:
        header = f"{_INDENT}step {index}: {sides}"
    lines = [header]
    if step.message:
        first, rest = _message_lines(step.message, detail_indent)
        lines.append(detail_indent + first)
        lines.extend(rest)
    if step.counterexample is not None:
        lines.append(detail_indent + _printable(one_line(step.counterexample.describe())))
    if step.expected:
        lines.append(f"{detail_indent}expected: {_printable(one_line(step.expected))}")
    return lines


def _warning_line(warning: ClaimWarning, styler: _Styler) -> str:
    label = styler.paint(f"warning[{_printable(warning.code)}]", _YELLOW)
    return f"{_INDENT}{label} {warning.line}:{warning.column}: {_printable(one_line(warning.message))}"


def _render_claim(claim: ClaimResult, styler: _Styler, *, quiet: bool, verbose: bool) -> list[str]:
    if quiet and claim.verdict not in ATTENTION_VERDICTS and not claim.warnings:
        return []
    lines = _claim_line(claim, styler)
    for index, step in enumerate(claim.steps, start=1):
        if verbose or (step.verdict is Verdict.REFUTED and claim.verdict is Verdict.REFUTED):
            lines.extend(_step_lines(index, step, styler, verbose))
    lines.extend(_warning_line(warning, styler) for warning in claim.warnings)
    return lines


def _render_file(file: FileReport, styler: _Styler, *, quiet: bool, verbose: bool) -> list[str]:
    lines: list[str] = []
    if file.error:
        first, rest = _message_lines(file.error, _INDENT)
        lines.append(f"{_printable(file.path)}: {styler.paint('error', _RED + _BOLD)}: {first}")
        lines.extend(rest)
    for claim in file.claims:
        lines.extend(_render_claim(claim, styler, quiet=quiet, verbose=verbose))
    return lines


def summary_line(report: Report, *, color: bool = False) -> str:
    """Return the closing summary, for example '12 proved, 1 refuted (13 claims in 1 file)'."""
    styler = _Styler(color)
    claims = report.claims()
    counts = [styler.verdict(verdict, count_label(verdict, count)) for verdict, count in summary_counts(report)]
    files = plural(len(report.files), "file")
    details = [f"{plural(len(claims), 'claim')} in {files}" if claims else files]
    warnings = sum(len(claim.warnings) for claim in claims)
    if warnings:
        details.append(plural(warnings, "warning"))
    unreadable = sum(1 for file in report.files if file.error)
    if unreadable:
        details.append(styler.paint(f"{unreadable} unreadable", _RED))
    head = ", ".join(counts) if counts else "no claims"
    return f"{head} ({', '.join(details)})"


def render_text(report: Report, *, color: bool = False, quiet: bool = False, verbose: bool = False) -> str:
    """Render a report as diagnostic lines followed by a summary line.

    ``quiet`` keeps only refuted, unparsed and inconclusive claims, claims with warnings, and
    unreadable files. ``verbose`` lists every step of every claim with its verdict, method and
    time, where the default lists only the refuted steps of refuted claims. ``color`` adds ANSI
    colours: red for refuted, green for proved and numeric, yellow for inconclusive and
    unparsed.
    """
    styler = _Styler(color)
    lines: list[str] = []
    for file in report.files:
        lines.extend(_render_file(file, styler, quiet=quiet, verbose=verbose))
    lines.append(summary_line(report, color=color))
    return "\n".join(lines) + "\n"
