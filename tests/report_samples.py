"""Report objects shared by the report writer tests, built from the real verdict classes."""

from __future__ import annotations

from symcheck.checking.verdict import (
    ClaimResult,
    ClaimWarning,
    Counterexample,
    FileReport,
    Report,
    StepResult,
    Verdict,
)

DOC = "docs/nn.md"

SIGMOID_LATEX = r"\displaystyle{\sigma'(x) = \frac{e^{-x}}{(1 + e^{-x})^2} = \sigma(x)(1 + \sigma(x))}"


def definition_claim() -> ClaimResult:
    return ClaimResult(
        path=DOC,
        line=3,
        end_line=3,
        column=1,
        latex=r"\displaystyle{\sigma(x) = \frac{1}{1 + e^{-x}}}",
        verdict=Verdict.DEFINITION,
        message="defines sigma",
        section="1. Sigmoid",
    )


def proved_claim() -> ClaimResult:
    return ClaimResult(
        path=DOC,
        line=7,
        end_line=7,
        column=1,
        latex=r"\displaystyle{f'(x) = (x^2)' = 2x}",
        verdict=Verdict.PROVED,
        message="all 2 steps proved",
        section="1. Sigmoid",
        steps=[
            StepResult("f'(x)", "(x^2)'", Verdict.PROVED, "symbolic", "equal after simplification", seconds=0.01),
            StepResult("(x^2)'", "2x", Verdict.PROVED, "symbolic", "equal after simplification", seconds=0.02),
        ],
    )


def refuted_claim() -> ClaimResult:
    return ClaimResult(
        path=DOC,
        line=12,
        end_line=14,
        column=1,
        latex=SIGMOID_LATEX,
        verdict=Verdict.REFUTED,
        message="step 2 is false",
        section="2. Derivatives",
        steps=[
            StepResult(
                "\\sigma'(x)", "\\frac{e^{-x}}{(1 + e^{-x})^2}", Verdict.PROVED, "symbolic", "equal", seconds=0.2
            ),
            StepResult(
                "\\frac{e^{-x}}{(1 + e^{-x})^2}",
                "\\sigma(x)(1 + \\sigma(x))",
                Verdict.REFUTED,
                "numeric",
                "the sides differ",
                counterexample=Counterexample(point={"x": "0"}, lhs_value="1/4", rhs_value="3/4"),
                expected="\\sigma(x)(1 - \\sigma(x))",
                seconds=0.3,
            ),
        ],
    )


def numeric_claim() -> ClaimResult:
    return ClaimResult(
        path=DOC,
        line=20,
        end_line=20,
        column=5,
        latex=r"\frac{dL}{dw} = x (y - t)",
        verdict=Verdict.NUMERIC,
        message="equal at 20 sampled points",
        section="2. Derivatives",
        warnings=[ClaimWarning(20, 7, "derivative-without-d", "read dL/dw as a derivative")],
        steps=[StepResult("\\frac{dL}{dw}", "x (y - t)", Verdict.NUMERIC, "numeric", "equal at 20 points")],
    )


def unparsed_claim() -> ClaimResult:
    return ClaimResult(
        path=DOC,
        line=25,
        end_line=25,
        column=1,
        latex=r"\frac{1}{",
        verdict=Verdict.UNPARSED,
        message="unexpected end of formula at column 10",
        section="3. Loss",
    )


def inconclusive_claim() -> ClaimResult:
    return ClaimResult(
        path=DOC,
        line=30,
        end_line=30,
        column=1,
        latex=r"\sum_{i=1}^{n} x_i^2 \ge 0",
        verdict=Verdict.INCONCLUSIVE,
        message="timed out after 5 s",
        section="3. Loss",
    )


def sample_report() -> Report:
    """Return a two-file report with one claim of every verdict and one unreadable file."""
    claims = [
        definition_claim(),
        proved_claim(),
        refuted_claim(),
        numeric_claim(),
        unparsed_claim(),
        inconclusive_claim(),
    ]
    nn = FileReport(DOC, claims)
    missing = FileReport("docs/missing.md", error="file not found")
    return Report([nn, missing])


def single_claim_report(claim: ClaimResult) -> Report:
    return Report([FileReport(claim.path, [claim])])
