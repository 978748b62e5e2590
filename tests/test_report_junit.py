"""Tests for the JUnit XML report writer, reading its output back with ElementTree."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from report_samples import refuted_claim, sample_report, single_claim_report

from symcheck.report.junit import render_junit


def _parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.encode("utf-8"))


def _child(element: ET.Element, path: str) -> ET.Element:
    found = element.find(path)
    assert found is not None, f"no {path} under <{element.tag}>"
    return found


def _counts(element: ET.Element) -> dict[str, str]:
    return {name: element.get(name, "") for name in ("tests", "failures", "errors", "skipped")}


def test_junit_suites_and_totals() -> None:
    root = _parse(render_junit(sample_report()))
    assert root.tag == "testsuites"
    assert _counts(root) == {"tests": "7", "failures": "1", "errors": "2", "skipped": "1"}
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == ["docs/nn.md", "docs/missing.md"]
    assert _counts(suites[0]) == {"tests": "6", "failures": "1", "errors": "1", "skipped": "1"}
    assert _counts(suites[1]) == {"tests": "1", "failures": "0", "errors": "1", "skipped": "0"}


def test_junit_testcase_attributes() -> None:
    cases = _child(_parse(render_junit(sample_report())), "testsuite").findall("testcase")
    assert len(cases) == 6
    for case in cases:
        assert case.get("classname") == "docs/nn.md"
        assert case.get("file") == "docs/nn.md"
    assert [case.get("line") for case in cases] == ["3", "7", "12", "20", "25", "30"]
    assert cases[0].get("name") == "L3: \\sigma(x) = \\frac{1}{1 + e^{-x}}"
    long_name = cases[2].get("name", "")
    assert long_name.startswith("L12: \\sigma'(x) = \\frac{e^{-x}}")
    assert long_name.endswith("…")
    assert len(long_name) <= len("L12: ") + 60


def test_junit_outcomes() -> None:
    cases = _child(_parse(render_junit(sample_report())), "testsuite").findall("testcase")
    definition, proved, refuted, numeric, unparsed, inconclusive = cases
    for passing in (definition, proved, numeric):
        assert passing.find("failure") is None
        assert passing.find("error") is None
        assert passing.find("skipped") is None

    failure = _child(refuted, "failure")
    assert failure.get("message") == "step 2 is false"
    assert "at x = 0: left side = 1/4, right side = 3/4" in (failure.text or "")
    assert "expected: \\sigma(x)(1 - \\sigma(x))" in (failure.text or "")

    assert _child(unparsed, "error").get("message") == "unexpected end of formula at column 10"
    assert _child(inconclusive, "skipped").get("message") == "timed out after 5 s"


def test_junit_verdict_properties() -> None:
    cases = _child(_parse(render_junit(sample_report())), "testsuite").findall("testcase")
    verdicts = [_child(case, "properties/property[@name='verdict']").get("value") for case in cases]
    assert verdicts == ["definition", "proved", "refuted", "numeric", "unparsed", "inconclusive"]
    warning = _child(cases[3], "properties/property[@name='warning']")
    assert warning.get("value") == "[derivative-without-d] 20:7: read dL/dw as a derivative"


def test_junit_escapes_markup() -> None:
    claim = refuted_claim()
    claim.latex = 'a < b & "c" <script>x</script>'
    claim.message = "]]> <!-- & </failure>"
    text = render_junit(single_claim_report(claim))
    case = _child(_parse(text), "testsuite/testcase")
    assert case.get("name") == 'L12: a < b & "c" <script>x</script>'
    assert _child(case, "failure").get("message") == "]]> <!-- & </failure>"
    assert "<script>" not in text


def test_junit_control_characters_in_failure() -> None:
    claim = refuted_claim()
    claim.message = "bell\x07 nul\x00 surrogate\ud800"
    case = _child(_parse(render_junit(single_claim_report(claim))), "testsuite/testcase")
    assert _child(case, "failure").get("message") == "bell\\x07 nul\\x00 surrogate\\ud800"


def test_junit_directives() -> None:
    xfail = refuted_claim()
    xfail.directive = "xfail"
    skipped = refuted_claim()
    skipped.directive = "skip"
    report = single_claim_report(xfail)
    report.files[0].claims.append(skipped)
    root = _parse(render_junit(report))
    assert _counts(root) == {"tests": "2", "failures": "0", "errors": "0", "skipped": "2"}
    first, second = root.findall("testsuite/testcase")
    assert _child(first, "skipped").get("message") == "expected failure: step 2 is false"
    assert "left side = 1/4" in (_child(first, "skipped").text or "")
    assert _child(second, "skipped").get("type") == "directive"
