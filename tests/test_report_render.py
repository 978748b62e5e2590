"""Tests for the format dispatch in symcheck.report.render."""

from __future__ import annotations

import json

import pytest
from report_samples import sample_report

from symcheck.report import FORMATS, render


def test_render_every_format() -> None:
    report = sample_report()
    assert FORMATS == ("text", "json", "junit", "github", "html")
    assert render(report, "text").startswith("docs/nn.md:3:1: definition")
    assert json.loads(render(report, "json"))["summary"]["refuted"] == 1
    assert render(report, "junit").startswith("<?xml")
    assert render(report, "github").startswith("::error file=docs/nn.md")
    assert render(report, "html").startswith("<!DOCTYPE html>")


def test_render_passes_options() -> None:
    assert "\033[31m" in render(sample_report(), "text", color=True)
    assert "definition" not in render(sample_report(), "text", quiet=True).splitlines()[0]
    assert "<title>Docs</title>" in render(sample_report(), "html", title="Docs")


def test_render_unknown_format() -> None:
    expected = "unknown report format 'xml'; valid formats: text, json, junit, github, html"
    with pytest.raises(ValueError, match=expected):
        render(sample_report(), "xml")


def test_render_rejects_unknown_option() -> None:
    with pytest.raises(TypeError):
        render(sample_report(), "json", color=True)
