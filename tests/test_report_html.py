"""Tests for the HTML report writer and its LaTeX to MathML conversion."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_samples import DOC, numeric_claim, refuted_claim, sample_report, single_claim_report

from symcheck.checking.verdict import ClaimResult, FileReport, Report, Verdict
from symcheck.report._common import clean_latex, strip_display_wrapper
from symcheck.report.html import render_html, source_link
from symcheck.report.mathml import latex_to_mathml, render_math

FORMULAS = Path(__file__).resolve().parent.parent / "formulas" / "neural-network-math.md"


class _PageParser(HTMLParser):
    """Collects start tags with their attributes, and the text of script elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def _mathml(latex: str) -> str:
    mathml = latex_to_mathml(latex)
    assert mathml is not None, latex
    return mathml


def _parse(page: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(page)
    parser.close()
    return parser


def _claim_articles(parser: _PageParser) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in parser.tags if tag == "article"]


def _hostile_report() -> Report:
    claim = refuted_claim()
    claim.latex = r"\text{<script>alert(1)</script>} x = \href{javascript:alert(2)}{y}"
    claim.message = '<script>alert(3)</script> & "quoted"'
    claim.section = "<img src=x onerror=alert(4)>"
    claim.path = 'docs/"><script>alert(5)</script>.md'
    claim.steps[1].lhs = "<b>bold</b>"
    counterexample = claim.steps[1].counterexample
    assert counterexample is not None
    counterexample.point = {"<i>": "</dd><script>alert(6)</script>"}
    return Report([FileReport(claim.path, [claim])])


def test_html_renders_formulas_as_mathml() -> None:
    page = render_html(sample_report())
    # Five claim formulas (the unparsable claim has none), the two sides and the expected value
    # of the refuted step, and the counterexample's x, its value 0 and the two side values.
    assert page.count("<math") == 5 + 3 + 4
    assert '<code class="latex-fallback">\\frac{1}{</code>' in page


def test_html_claims_carry_verdict_classes() -> None:
    articles = _claim_articles(_parse(render_html(sample_report())))
    assert [attrs["data-verdict"] for attrs in articles] == [
        "definition",
        "proved",
        "refuted",
        "numeric",
        "unparsed",
        "inconclusive",
    ]
    for attrs in articles:
        assert attrs["class"] == f"claim verdict-{attrs['data-verdict']}"
    page = render_html(sample_report())
    assert '<span class="badge verdict-refuted">refuted</span>' in page


def test_html_sections_follow_headings() -> None:
    page = render_html(sample_report())
    headings = re.findall(r"<h3>(.*?)</h3>", page)
    assert headings == ["1. Sigmoid", "2. Derivatives", "3. Loss"]
    assert re.findall(r"<h2>(.*?)</h2>", page) == ["docs/nn.md", "docs/missing.md"]
    assert "could not read this file: file not found" in page


def test_html_source_links() -> None:
    page = render_html(sample_report())
    assert '<a class="source" href="docs/nn.md#L12">docs/nn.md:12–14</a>' in page
    assert '<a class="source" href="docs/nn.md#L3">docs/nn.md:3</a>' in page
    assert source_link("a b/c.md", 4) == "a%20b/c.md#L4"
    assert source_link("/abs/c.md", 4) == "file:///abs/c.md#L4"
    assert source_link("c.md", 4, "https://example.org/blob/main/") == "https://example.org/blob/main/c.md#L4"
    assert source_link("javascript:alert(1)", 1) == "javascript%3Aalert%281%29#L1"


def test_html_refuted_step_details() -> None:
    page = render_html(single_claim_report(refuted_claim()))
    step = page[page.index('<ol class="steps">') : page.index("</ol>")]
    # Both sides, the point x = 0 (name and value), the two side values and the expected value.
    assert step.count("<math") == 7
    assert '<span class="relation"' in step
    assert "<dt>left side</dt><dd><math" in step
    assert "<dt>expected</dt><dd><math" in step
    assert 'title="at x = 0: left side = 1/4, right side = 3/4"' in step
    assert '<li class="step verdict-refuted" value="2">' in step


def test_html_non_numeric_values_shown_as_code() -> None:
    claim = refuted_claim()
    counterexample = claim.steps[1].counterexample
    assert counterexample is not None
    counterexample.lhs_value = "sqrt(2)/2"
    page = render_html(single_claim_report(claim))
    assert "<dt>left side</dt><dd><code>sqrt(2)/2</code></dd>" in page


def test_html_warnings_beside_formula() -> None:
    page = render_html(single_claim_report(numeric_claim()))
    body = page[page.index('<div class="claim-body">') :]
    assert body.index('<div class="formula"><math') < body.index('<aside class="warnings"')
    assert '<span class="warning-code">derivative-without-d</span>' in body
    assert "read dL/dw as a derivative" in body


def test_html_summary_and_filter() -> None:
    parser = _parse(render_html(sample_report()))
    boxes = [attrs for tag, attrs in parser.tags if tag == "input"]
    assert [attrs["value"] for attrs in boxes] == [
        "proved",
        "numeric",
        "refuted",
        "unparsed",
        "inconclusive",
        "definition",
    ]
    assert all("checked" in attrs for attrs in boxes)
    fieldset = next(attrs for tag, attrs in parser.tags if tag == "fieldset")
    assert "hidden" in fieldset  # shown by the script, so it never appears without JavaScript
    assert [attrs["href"] for tag, attrs in parser.tags if tag == "a"][0] == "#claim-1-3"


def test_html_self_contained() -> None:
    page = render_html(sample_report())
    parser = _parse(page)
    tags = {tag for tag, _ in parser.tags}
    assert "link" not in tags
    assert "img" not in tags
    assert "iframe" not in tags
    for tag, attrs in parser.tags:
        assert "src" not in attrs, tag
    assert "@import" not in page
    assert "url(" not in page
    assert "http://" not in page
    assert "https://" not in page


def test_html_csp_allows_only_inline_script() -> None:
    page = render_html(sample_report())
    parser = _parse(page)
    (script,) = parser.scripts
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    policies = [attrs for tag, attrs in parser.tags if attrs.get("http-equiv") == "Content-Security-Policy"]
    assert len(policies) == 1
    csp = policies[0]["content"] or ""
    assert f"script-src 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp


def test_html_escapes_document_text() -> None:
    page = render_html(_hostile_report())
    parser = _parse(page)
    assert [tag for tag, _ in parser.tags].count("script") == 1
    assert not any(tag in {"img", "b", "i"} for tag, _ in parser.tags)
    for tag, attrs in parser.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert "javascript:" not in (value or ""), (tag, name)
    assert "&lt;script&gt;alert(3)&lt;/script&gt; &amp; &quot;quoted&quot;" in page
    assert "<mtext>&lt;script&gt;alert(1)&lt;/script&gt;</mtext>" in page
    assert "&lt;img src=x onerror=alert(4)&gt;" in page


def test_html_title_escaped() -> None:
    page = render_html(Report(), title="<b>T</b>")
    assert "<title>&lt;b&gt;T&lt;/b&gt;</title>" in page
    assert "no claims" in page


def test_mathml_sanitizer_drops_links_and_escapes_text() -> None:
    mathml = _mathml(r"\href{javascript:alert(1)}{x} + \text{a < b & <i>c</i>}")
    assert "href" not in mathml
    assert "<mtext>a &lt; b &amp; &lt;i&gt;c&lt;/i&gt;</mtext>" in mathml.replace("\xa0", " ")


def test_mathml_decodes_symbol_references() -> None:
    assert latex_to_mathml("a = b") == '<math display="inline"><mrow><mi>a</mi><mo>=</mo><mi>b</mi></mrow></math>'
    assert "&lt;" in _mathml("a < b")


@pytest.mark.parametrize("latex", [r"\frac{<x>}{", r"\begin{bmatrix} <x>", r"\left( <x>", "", "   "])
def test_mathml_falls_back_to_code(latex: str) -> None:
    assert latex_to_mathml(latex) is None
    html_text = render_math(latex)
    assert html_text.startswith('<code class="latex-fallback">')
    assert "<x>" not in html_text


def test_mathml_deep_nesting_does_not_crash() -> None:
    assert render_math("{" * 3000 + "x" + "}" * 3000).startswith(("<math", "<code"))


def test_strip_display_wrapper() -> None:
    assert strip_display_wrapper(r"\displaystyle{f(x) = x^2}") == "f(x) = x^2"
    assert strip_display_wrapper("\\displaystyle{\n\tf = 1\n}") == "f = 1"
    assert strip_display_wrapper(r"\displaystyle f = 1") == "f = 1"
    assert strip_display_wrapper(r"\displaystyle{a} = {b}") == "{a} = {b}"
    assert strip_display_wrapper(r"\displaystyle{a \} b}") == r"a \} b"
    assert strip_display_wrapper(r"a = \displaystyle{b}") == r"a = \displaystyle{b}"
    assert strip_display_wrapper(r"\displaystylex") == r"\displaystylex"


def test_clean_latex_spacing() -> None:
    assert clean_latex(r"\displaystyle{a\medspace b \thinspace c\thickspace d \medspacex}") == (
        r"a\: b \, c\; d \medspacex"
    )


def _formula_blocks() -> list[tuple[int, str]]:
    text = FORMULAS.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, match.start()) + 2, match.group(1))
        for match in re.finditer(r"```latex\n(.*?)```", text, re.DOTALL)
    ]


@pytest.mark.skipif(not FORMULAS.exists(), reason="formulas/neural-network-math.md is missing")
def test_html_real_formulas_convert() -> None:
    blocks = _formula_blocks()
    assert len(blocks) > 50
    failed = [line for line, latex in blocks if latex_to_mathml(latex, display=True) is None]
    assert failed == []
    claims = [ClaimResult(str(FORMULAS.name), line, line, 1, latex, Verdict.PROVED, "") for line, latex in blocks]
    page = render_html(Report([FileReport(FORMULAS.name, claims)]))
    assert page.count('<math display="block">') == len(blocks)
    assert "mstyle displaystyle" not in page  # the \displaystyle{...} wrappers were removed
    assert "\u205f" not in page  # \medspace became an explicit-width space


def test_html_claim_ids_unique() -> None:
    report = sample_report()
    report.files.append(FileReport("docs/other.md", [refuted_claim()]))
    ids = [attrs["id"] for attrs in _claim_articles(_parse(render_html(report)))]
    assert len(ids) == len(set(ids)) == 7
    assert DOC in render_html(report)
