"""Tests for the JSON report writer."""

from __future__ import annotations

import json

from report_samples import sample_report

import symcheck
from symcheck.report.json_report import render_json


def test_json_top_level() -> None:
    data = json.loads(render_json(sample_report()))
    assert data["version"] == symcheck.__version__
    assert [file["path"] for file in data["files"]] == ["docs/nn.md", "docs/missing.md"]
    assert data["files"][1]["error"] == "file not found"
    assert data["summary"] == {
        "definition": 1,
        "proved": 1,
        "numeric": 1,
        "inconclusive": 1,
        "unparsed": 1,
        "refuted": 1,
    }


def test_json_claim_shape() -> None:
    claims = json.loads(render_json(sample_report()))["files"][0]["claims"]
    assert len(claims) == 6
    for claim in claims:
        for key in ("line", "end_line", "column", "latex", "verdict", "message", "warnings", "steps"):
            assert key in claim
    refuted = claims[2]
    assert (refuted["line"], refuted["end_line"], refuted["column"]) == (12, 14, 1)
    assert refuted["verdict"] == "refuted"
    assert refuted["latex"].startswith("\\displaystyle{\\sigma'(x)")


def test_json_steps_and_warnings() -> None:
    claims = json.loads(render_json(sample_report()))["files"][0]["claims"]
    step = claims[2]["steps"][1]
    for key in ("lhs", "rhs", "verdict", "method", "message", "counterexample"):
        assert key in step
    assert step["verdict"] == "refuted"
    assert step["counterexample"] == {"point": {"x": "0"}, "lhs_value": "1/4", "rhs_value": "3/4"}
    assert step["expected"] == "\\sigma(x)(1 - \\sigma(x))"
    assert claims[2]["steps"][0]["counterexample"] is None
    assert claims[3]["warnings"] == [
        {"line": 20, "column": 7, "code": "derivative-without-d", "message": "read dL/dw as a derivative"}
    ]
