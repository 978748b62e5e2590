"""JUnit XML report, for CI systems that show test results: one test case per claim.

Mapping of verdicts to JUnit outcomes:

* Proved, numeric and definition claims pass. A definition is recorded for later steps and
  never checked. It passes, with a ``verdict`` property of ``definition``, because counting
  it as skipped would suggest that something was left out.
* Refuted claims fail, with the refuted steps in the failure text.
* Unparsed claims are errors, because symcheck could not read them.
* Inconclusive claims are skipped, with the reason as the message.
* A claim under a ``skip`` directive is skipped, and a refuted claim under an ``xfail``
  directive is skipped as an expected failure.

Every test case carries a ``verdict`` property, and one ``warning`` property per warning.
A file that could not be read becomes a suite with one erroring test case named ``read``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from symcheck.checking.verdict import ClaimResult, FileReport, Report, Verdict
from symcheck.report._common import claim_title, refutation_lines

# Characters that XML 1.0 does not allow anywhere, not even as character references.
# ElementTree writes them unchanged, which would make the whole file unreadable.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """Replace the characters XML cannot hold with visible ``\\xNN`` or ``\\uNNNN`` escapes."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _XML_ILLEGAL.sub(escape, text)


def _element(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> ET.Element:
    """Add a child element whose attribute values and text are made XML-safe."""
    child = ET.SubElement(parent, tag, {name: _xml_text(value) for name, value in attributes.items()})
    if text:
        child.text = _xml_text(text)
    return child


def _failure_text(claim: ClaimResult) -> str:
    return "\n".join(refutation_lines(claim)) or claim.message


def _outcome(claim: ClaimResult) -> tuple[str, str, str] | None:
    """Return the outcome element (tag, message, type) of a claim, or None when it passes."""
    if claim.directive == "skip":
        return "skipped", f"skipped by a directive in the document ({claim.verdict.value})", "directive"
    if claim.verdict is Verdict.REFUTED:
        if claim.directive == "xfail":
            return "skipped", f"expected failure: {claim.message}", "xfail"
        return "failure", claim.message, "refuted"
    if claim.verdict is Verdict.UNPARSED:
        return "error", claim.message, "unparsed"
    if claim.verdict is Verdict.INCONCLUSIVE:
        return "skipped", claim.message, "inconclusive"
    return None


def _add_testcase(suite: ET.Element, claim: ClaimResult) -> str | None:
    """Add a claim's test case to ``suite`` and return its outcome tag, None when it passes."""
    seconds = sum(step.seconds for step in claim.steps)
    case = _element(
        suite,
        "testcase",
        classname=claim.path,
        name=f"L{claim.line}: {claim_title(claim)}",
        file=claim.path,
        line=str(claim.line),
        time=f"{seconds:.3f}",
    )
    properties = _element(case, "properties")
    _element(properties, "property", name="verdict", value=claim.verdict.value)
    if claim.directive:
        _element(properties, "property", name="directive", value=claim.directive)
    for warning in claim.warnings:
        value = f"[{warning.code}] {warning.line}:{warning.column}: {warning.message}"
        _element(properties, "property", name="warning", value=value)

    outcome = _outcome(claim)
    if outcome is None:
        return None
    tag, message, kind = outcome
    text = _failure_text(claim) if tag == "failure" or kind == "xfail" else ""
    _element(case, tag, text, message=message, type=kind)
    return tag


def _add_suite(root: ET.Element, file: FileReport) -> dict[str, int]:
    suite = _element(root, "testsuite", name=file.path)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if file.error:
        case = _element(suite, "testcase", classname=file.path, name="read", file=file.path)
        _element(case, "error", message=file.error, type="unreadable")
        counts["tests"] += 1
        counts["errors"] += 1
    for claim in file.claims:
        tag = _add_testcase(suite, claim)
        counts["tests"] += 1
        if tag == "failure":
            counts["failures"] += 1
        elif tag == "error":
            counts["errors"] += 1
        elif tag == "skipped":
            counts["skipped"] += 1
    seconds = sum(step.seconds for claim in file.claims for step in claim.steps)
    for name, count in counts.items():
        suite.set(name, str(count))
    suite.set("time", f"{seconds:.3f}")
    return counts


def render_junit(report: Report) -> str:
    """Render a report as a JUnit XML document with one test suite per file."""
    root = ET.Element("testsuites", {"name": "symcheck"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for file in report.files:
        for name, count in _add_suite(root, file).items():
            totals[name] += count
    for name, count in totals.items():
        root.set(name, str(count))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
