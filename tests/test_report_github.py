"""Tests for the GitHub Actions workflow command writer."""

from __future__ import annotations

from report_samples import proved_claim, refuted_claim, sample_report, single_claim_report

from symcheck.checking.verdict import ClaimWarning
from symcheck.report.github import escape_data, escape_property, render_github, workflow_command


def test_github_commands_for_sample() -> None:
    lines = render_github(sample_report()).splitlines()
    assert lines == [
        "::error file=docs/nn.md,line=12,col=1,endLine=14,title=symcheck refuted::step 2 is false"
        "%0Astep 2: \\frac{e^{-x}}{(1 + e^{-x})^2} = \\sigma(x)(1 + \\sigma(x))"
        "%0A  the sides differ"
        "%0A  at x = 0: left side = 1/4, right side = 3/4"
        "%0A  expected: \\sigma(x)(1 - \\sigma(x))",
        "::warning file=docs/nn.md,line=20,col=7,title=symcheck warning [derivative-without-d]"
        "::read dL/dw as a derivative",
        "::warning file=docs/nn.md,line=25,col=1,endLine=25,title=symcheck unparsed"
        "::unexpected end of formula at column 10",
        "::error file=docs/missing.md,title=symcheck could not read the file::file not found",
    ]


def test_github_escape_rules() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("dir,x/a:b%.md\n") == "dir%2Cx/a%3Ab%25.md%0A"
    assert workflow_command("warning", "text") == "::warning::text"


def test_github_escapes_paths_and_messages() -> None:
    claim = refuted_claim()
    claim.path = "docs/a,b:c.md"
    claim.message = "50% wrong\n::set-output name=x::y"
    line = render_github(single_claim_report(claim)).splitlines()[0]
    assert line.startswith("::error file=docs/a%2Cb%3Ac.md,line=12,")
    assert "::50%25 wrong%0A::set-output name=x::y%0Astep 2:" in line
    # The message cannot start a command of its own, because it never contains a line break.
    assert len(render_github(single_claim_report(claim)).splitlines()) == 1


def test_github_silent_for_passing_claims() -> None:
    assert render_github(single_claim_report(proved_claim())) == ""


def test_github_warning_on_proved_claim() -> None:
    claim = proved_claim()
    claim.warnings = [ClaimWarning(8, 2, "guessed-reading", "read f' as a derivative, 100%")]
    assert render_github(single_claim_report(claim)) == (
        "::warning file=docs/nn.md,line=8,col=2,title=symcheck warning [guessed-reading]"
        "::read f' as a derivative, 100%25\n"
    )


def test_github_directives() -> None:
    xfail = refuted_claim()
    xfail.directive = "xfail"
    assert render_github(single_claim_report(xfail)).startswith(
        "::notice file=docs/nn.md,line=12,col=1,endLine=14,title=symcheck refuted (xfail)::step 2 is false"
    )
    skipped = refuted_claim()
    skipped.directive = "skip"
    assert render_github(single_claim_report(skipped)) == ""
