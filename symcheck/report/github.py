"""GitHub Actions workflow commands, which GitHub shows as annotations on the changed files.

Refuted claims become ``::error`` commands, unparsed claims and claim warnings become
``::warning`` commands, and a refuted claim under an ``xfail`` directive becomes a
``::notice``. Proved, numeric, inconclusive and definition claims, and claims under a
``skip`` directive, produce no command.
"""

from __future__ import annotations

from symcheck.checking.verdict import ClaimResult, FileReport, Report, Verdict
from symcheck.report._common import refutation_lines


def escape_data(text: str) -> str:
    """Escape the message of a workflow command, the part after ``::``."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value of a workflow command, such as ``file`` or ``title``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, message: str, **properties: str | int) -> str:
    """Format one workflow command line, for example ``::error file=a.md,line=3::text``."""
    fields = ",".join(f"{name}={escape_property(str(value))}" for name, value in properties.items())
    separator = " " if fields else ""
    return f"::{command}{separator}{fields}::{escape_data(message)}"


def _refutation_message(claim: ClaimResult) -> str:
    lines = [claim.message] if claim.message else []
    return "\n".join(lines + refutation_lines(claim))


def _claim_commands(claim: ClaimResult) -> list[str]:
    if claim.directive == "skip":
        return []
    place: dict[str, str | int] = {
        "file": claim.path,
        "line": claim.line,
        "col": claim.column,
        "endLine": max(claim.end_line, claim.line),
    }
    commands = []
    if claim.verdict is Verdict.REFUTED:
        if claim.directive == "xfail":
            commands.append(
                workflow_command("notice", _refutation_message(claim), **place, title="symcheck refuted (xfail)")
            )
        else:
            message = _refutation_message(claim)
            commands.append(workflow_command("error", message, **place, title="symcheck refuted"))
    elif claim.verdict is Verdict.UNPARSED:
        commands.append(workflow_command("warning", claim.message, **place, title="symcheck unparsed"))
    for warning in claim.warnings:
        commands.append(
            workflow_command(
                "warning",
                warning.message,
                file=claim.path,
                line=warning.line,
                col=warning.column,
                title=f"symcheck warning [{warning.code}]",
            )
        )
    return commands


def _file_commands(file: FileReport) -> list[str]:
    commands = []
    if file.error:
        title = "symcheck could not read the file"
        commands.append(workflow_command("error", file.error, file=file.path, title=title))
    for claim in file.claims:
        commands.extend(_claim_commands(claim))
    return commands


def render_github(report: Report) -> str:
    """Render a report as GitHub Actions workflow commands, one per line."""
    lines = [command for file in report.files for command in _file_commands(file)]
    return "".join(line + "\n" for line in lines)
