"""Tests for the plain-text report writer."""

from __future__ import annotations

from report_samples import DOC, proved_claim, refuted_claim, sample_report, single_claim_report

from symcheck.checking.verdict import ClaimResult, ClaimWarning, Report, Verdict
from symcheck.report.text import render_text, summary_line


def test_text_one_line_per_claim() -> None:
    lines = render_text(sample_report()).splitlines()
    claim_lines = [line for line in lines if line.startswith(DOC)]
    assert claim_lines == [
        "docs/nn.md:3:1: definition: defines sigma",
        "docs/nn.md:7:1: proved: all 2 steps proved",
        "docs/nn.md:12:1: refuted: step 2 is false",
        "docs/nn.md:20:5: numeric: equal at 20 sampled points",
        "docs/nn.md:25:1: unparsed: unexpected end of formula at column 10",
        "docs/nn.md:30:1: inconclusive: timed out after 5 s",
    ]
    assert "docs/missing.md: error: file not found" in lines


def test_text_refuted_step_details() -> None:
    lines = render_text(sample_report()).splitlines()
    start = lines.index("docs/nn.md:12:1: refuted: step 2 is false")
    assert lines[start + 1 : start + 5] == [
        r"    step 2: \frac{e^{-x}}{(1 + e^{-x})^2} = \sigma(x)(1 + \sigma(x))",
        "      the sides differ",
        "      at x = 0: left side = 1/4, right side = 3/4",
        r"      expected: \sigma(x)(1 - \sigma(x))",
    ]
    # The proved first step of the refuted claim is not listed without --verbose.
    assert not any(line.startswith("    step 1:") for line in lines)


def test_text_warning_line() -> None:
    lines = render_text(sample_report()).splitlines()
    index = lines.index("docs/nn.md:20:5: numeric: equal at 20 sampled points")
    assert lines[index + 1] == "    warning[derivative-without-d] 20:7: read dL/dw as a derivative"


def test_text_summary_skips_zeros() -> None:
    last = render_text(sample_report()).splitlines()[-1]
    assert last == (
        "1 proved, 1 numeric, 1 refuted, 1 unparsed, 1 inconclusive, 1 definition "
        "(6 claims in 2 files, 1 warning, 1 unreadable)"
    )
    only_proved = Report(sample_report().files[:1])
    only_proved.files[0].claims = [proved_claim(), proved_claim()]
    assert summary_line(only_proved) == "2 proved (2 claims in 1 file)"


def test_text_summary_empty_report() -> None:
    assert render_text(Report()) == "no claims (0 files)\n"


def test_text_quiet_keeps_attention_claims() -> None:
    lines = render_text(sample_report(), quiet=True).splitlines()
    text = "\n".join(lines)
    assert "definition: defines sigma" not in text
    assert "proved: all 2 steps proved" not in text
    assert "docs/nn.md:12:1: refuted: step 2 is false" in lines
    assert "docs/nn.md:25:1: unparsed: unexpected end of formula at column 10" in lines
    assert "docs/nn.md:30:1: inconclusive: timed out after 5 s" in lines
    assert "docs/missing.md: error: file not found" in lines
    # A numeric claim is shown only because of its warning.
    assert "    warning[derivative-without-d] 20:7: read dL/dw as a derivative" in lines
    assert lines[-1].startswith("1 proved, 1 numeric")


def test_text_verbose_lists_every_step() -> None:
    lines = render_text(sample_report(), verbose=True).splitlines()
    assert "    step 1: proved by symbolic in 0.010 s: f'(x) = (x^2)'" in lines
    assert "    step 2: proved by symbolic in 0.020 s: (x^2)' = 2x" in lines
    sides = "\\frac{e^{-x}}{(1 + e^{-x})^2} = \\sigma(x)(1 + \\sigma(x))"
    assert f"    step 2: refuted by numeric in 0.300 s: {sides}" in lines


def test_text_color_only_when_requested() -> None:
    plain = render_text(sample_report())
    colored = render_text(sample_report(), color=True)
    assert "\033[" not in plain
    assert "docs/nn.md:12:1: \033[31mrefuted\033[0m: step 2 is false" in colored
    assert "docs/nn.md:7:1: \033[32mproved\033[0m: all 2 steps proved" in colored
    assert "docs/nn.md:20:5: \033[32mnumeric\033[0m" in colored
    assert "docs/nn.md:25:1: \033[33munparsed\033[0m" in colored
    assert "docs/nn.md:30:1: \033[33minconclusive\033[0m" in colored


def test_text_escapes_control_characters() -> None:
    claim = refuted_claim()
    claim.message = "bad\x1b[2J\x07 step"
    claim.warnings = [ClaimWarning(12, 3, "odd\x1b", "tab\there")]
    text = render_text(single_claim_report(claim))
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "refuted: bad\\x1b[2J\\x07 step" in text
    assert "warning[odd\\x1b] 12:3: tab here" in text


def test_text_multiline_message_keeps_caret() -> None:
    message = "missing argument\n  \\frac{1}{\n           ^"
    claim = ClaimResult(DOC, 4, 4, 1, r"\frac{1}{", Verdict.UNPARSED, message)
    lines = render_text(single_claim_report(claim)).splitlines()
    assert lines[:3] == [
        "docs/nn.md:4:1: unparsed: missing argument",
        "      \\frac{1}{",
        "               ^",
    ]


def test_text_marks_directive() -> None:
    claim = refuted_claim()
    claim.directive = "xfail"
    first = render_text(single_claim_report(claim)).splitlines()[0]
    assert first == "docs/nn.md:12:1: refuted: step 2 is false [xfail]"
