"""HTML report: one self-contained page with the formulas rendered as MathML.

The page loads nothing at view time: the style sheet and the filter script are inline, and
a Content-Security-Policy blocks every other resource. Document text is untrusted, so all of
it is escaped, and formulas pass through the MathML allow-list in ``symcheck.report.mathml``.
Without JavaScript every claim is shown and the verdict filter stays hidden.
"""

from __future__ import annotations

import html
import itertools
import re
from pathlib import PurePosixPath
from urllib.parse import quote

from symcheck.checking.verdict import (
    ClaimResult,
    ClaimWarning,
    Counterexample,
    FileReport,
    Report,
    StepResult,
    Verdict,
)
from symcheck.report._common import SUMMARY_ORDER, count_label, plural, summary_counts
from symcheck.report._html_assets import CONTENT_SECURITY_POLICY, SCRIPT, STYLE
from symcheck.report.mathml import render_math

_NO_SECTION = "(before the first heading)"

# An integer, decimal or fraction, optionally signed and with an exponent: "-3", "0.25", "1/2", "1.5e-3".
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?:/\d+)?")


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _badge(verdict: Verdict, text: str | None = None) -> str:
    label = verdict.value if text is None else text
    return f'<span class="badge verdict-{verdict.value}">{_escape(label)}</span>'


def source_link(path: str, line: int, link_base: str = "") -> str:
    """Return the URL of a line of a document: ``link_base`` + path + ``#L{line}``.

    Without ``link_base`` a relative path stays relative, so it resolves against the location
    of the HTML file. An absolute path becomes a ``file:`` URL.
    """
    anchor = f"#L{line}"
    if not link_base and PurePosixPath(path).is_absolute():
        return "file://" + quote(path, safe="/") + anchor
    return link_base + quote(path, safe="/") + anchor


def _message_html(message: str) -> str:
    """Render a message. A multi-line message keeps its layout, so a caret under a formula stays aligned."""
    if "\n" in message.strip():
        return f'<pre class="message">{_escape(message.rstrip())}</pre>'
    return f'<p class="message">{_escape(message)}</p>'


def _claim_id(file_index: int, claim_index: int) -> str:
    return f"claim-{file_index}-{claim_index}"


def _value_html(value: str) -> str:
    """Render a counterexample value: numbers and fractions as math, anything else as code.

    Values are plain text, not LaTeX, so a value such as ``sqrt(2)`` would turn into a row of
    italic letters in MathML; it is shown verbatim instead.
    """
    if _NUMBER.fullmatch(value.strip()):
        return render_math(value)
    return f"<code>{_escape(value)}</code>"


def _counterexample_html(counterexample: Counterexample) -> str:
    rows = []
    if counterexample.size:
        sizes = ", ".join(f"{name} = {size}" for name, size in counterexample.size.items())
        rows.append(("size", f"<code>{_escape(sizes)}</code>"))
    if counterexample.functions:
        functions = ", ".join(f"{name} = {function}" for name, function in counterexample.functions.items())
        rows.append(("functions", f"<code>{_escape(functions)}</code>"))
    if counterexample.point:
        point = ", ".join(
            f"{render_math(name)} = {_value_html(value)}" for name, value in counterexample.point.items()
        )
        rows.append(("at", point))
    rows.append(("left side", _value_html(counterexample.lhs_value)))
    rows.append(("right side", _value_html(counterexample.rhs_value)))
    cells = "".join(f"<dt>{_escape(label)}</dt><dd>{content}</dd>" for label, content in rows)
    return f'<dl class="details counterexample" title="{_escape(counterexample.describe())}">{cells}</dl>'


def _refuted_step_html(index: int, step: StepResult) -> str:
    parts = [
        f'<li class="step verdict-{step.verdict.value}" value="{index}">',
        '<div class="step-sides">',
        render_math(step.lhs, display=True),
        '<span class="relation" title="the two sides differ">≠</span>',
        render_math(step.rhs, display=True),
        "</div>",
    ]
    if step.message:
        parts.append(_message_html(step.message))
    if step.counterexample is not None:
        parts.append(_counterexample_html(step.counterexample))
    if step.expected:
        expected = render_math(step.expected, display=True)
        parts.append(f'<dl class="details expected"><dt>expected</dt><dd>{expected}</dd></dl>')
    parts.append("</li>")
    return "".join(parts)


def _all_steps_html(steps: list[StepResult]) -> str:
    rows = "".join(
        f"<tr><td>{index}</td><td>{_badge(step.verdict)}</td><td>{_escape(step.method)}</td>"
        f"<td>{step.seconds:.3f} s</td><td>{_escape(step.message)}</td></tr>"
        for index, step in enumerate(steps, start=1)
    )
    return (
        f"<details><summary>steps ({len(steps)})</summary>"
        '<table class="all-steps"><thead><tr><th>step</th><th>verdict</th><th>method</th><th>time</th>'
        f"<th>message</th></tr></thead><tbody>{rows}</tbody></table></details>"
    )


def _warnings_html(warnings: list[ClaimWarning]) -> str:
    if not warnings:
        return ""
    items = "".join(
        f'<li><span class="warning-code">{_escape(warning.code)}</span> '
        f"<span class=\"where\">{warning.line}:{warning.column}</span> {_escape(warning.message)}</li>"
        for warning in warnings
    )
    return f'<aside class="warnings" aria-label="warnings"><ul>{items}</ul></aside>'


def _claim_html(claim: ClaimResult, claim_id: str, link_base: str) -> str:
    verdict = claim.verdict.value
    where = f"{claim.path}:{claim.line}"
    if claim.end_line > claim.line:
        where += f"–{claim.end_line}"
    href = source_link(claim.path, claim.line, link_base)
    head = [_badge(claim.verdict), f'<a class="source" href="{_escape(href)}">{_escape(where)}</a>']
    if claim.directive:
        head.append(f'<span class="directive">directive: {_escape(claim.directive)}</span>')
    parts = [
        f'<article class="claim verdict-{verdict}" id="{claim_id}" data-verdict="{verdict}">',
        f'<header class="claim-head">{"".join(head)}</header>',
    ]
    if claim.message:
        parts.append(_message_html(claim.message))
    parts.append(
        f'<div class="claim-body"><div class="formula">{render_math(claim.latex, display=True)}</div>'
        f"{_warnings_html(claim.warnings)}</div>"
    )
    refuted = [(index, step) for index, step in enumerate(claim.steps, start=1) if step.verdict is Verdict.REFUTED]
    if refuted:
        items = "".join(_refuted_step_html(index, step) for index, step in refuted)
        parts.append(f'<ol class="steps">{items}</ol>')
    if claim.steps:
        parts.append(_all_steps_html(claim.steps))
    parts.append(f"<details><summary>LaTeX source</summary><pre>{_escape(claim.latex)}</pre></details>")
    parts.append("</article>")
    return "".join(parts)


def _file_html(file: FileReport, file_index: int, link_base: str) -> str:
    counts: dict[Verdict, int] = {}
    for claim in file.claims:
        counts[claim.verdict] = counts.get(claim.verdict, 0) + 1
    badges = " ".join(
        _badge(verdict, count_label(verdict, counts[verdict])) for verdict in SUMMARY_ORDER if verdict in counts
    )
    parts = [
        f'<section class="document" id="file-{file_index}">',
        f"<h2>{_escape(file.path)}</h2>",
    ]
    if file.error:
        parts.append(f'<p class="file-error">could not read this file: {_escape(file.error)}</p>')
    if badges or not file.error:
        parts.append(f'<p class="summary">{badges or "no claims"}</p>')
    numbered = list(enumerate(file.claims, start=1))
    for section, group in itertools.groupby(numbered, key=lambda item: item[1].section):
        parts.append(f'<section class="heading"><h3>{_escape(section or _NO_SECTION)}</h3>')
        for claim_index, claim in group:
            parts.append(_claim_html(claim, _claim_id(file_index, claim_index), link_base))
        parts.append("</section>")
    parts.append("</section>")
    return "".join(parts)


def _summary_html(report: Report) -> str:
    counts = summary_counts(report)
    claims = report.claims()
    badges = " ".join(_badge(verdict, count_label(verdict, count)) for verdict, count in counts)

    totals = f"{plural(len(claims), 'claim')} in {plural(len(report.files), 'file')}"
    warnings = sum(len(claim.warnings) for claim in claims)
    if warnings:
        totals += f", {plural(warnings, 'warning')}"
    unreadable = sum(1 for file in report.files if file.error)
    if unreadable:
        totals += f", {unreadable} unreadable"

    checkboxes = "".join(
        f'<label><input type="checkbox" value="{verdict.value}" checked> '
        f"{_badge(verdict, count_label(verdict, count))}</label>"
        for verdict, count in counts
    )
    parts = [
        f'<p class="summary">{badges or "no claims"}</p>',
        f'<p class="totals">{_escape(totals)}</p>',
        '<fieldset class="filter" id="filter" hidden><legend>show claims by verdict</legend>'
        f"{checkboxes}</fieldset>",
    ]

    links = []
    for file_index, file in enumerate(report.files, start=1):
        for claim_index, claim in enumerate(file.claims, start=1):
            if claim.verdict is Verdict.REFUTED:
                label = f"{claim.path}:{claim.line}"
                links.append(f'<li><a href="#{_claim_id(file_index, claim_index)}">{_escape(label)}</a></li>')
    if links:
        parts.append(f'<p>Refuted claims:</p><ul class="attention">{"".join(links)}</ul>')
    return "".join(parts)


def render_html(report: Report, *, title: str = "symcheck report", link_base: str = "") -> str:
    """Render a report as one self-contained HTML page.

    ``link_base`` is put before each document path in the source links, for example a
    repository's web address, so that ``path#L12`` opens the right line.
    """
    body = "".join(_file_html(file, index, link_base) for index, file in enumerate(report.files, start=1))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<header><h1>{_escape(title)}</h1>{_summary_html(report)}</header>\n"
        f"<main>{body}</main>\n"
        f"<script>{SCRIPT}</script>\n"
        "</body>\n</html>\n"
    )
