"""Verdicts and the result objects that every front end reports.

A document yields claims, a claim yields steps (adjacent sides of an equation chain), and each
step gets one verdict. The verdicts are ordered from best to worst; a claim's verdict is the
worst verdict of its steps.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Verdict(str, enum.Enum):
    """The outcome of checking one step or one claim."""

    DEFINITION = "definition"  # recorded for later steps, not checked
    PROVED = "proved"  # a symbolic proof that both sides are equal
    NUMERIC = "numeric"  # equal at every sampled point, but no proof
    INCONCLUSIVE = "inconclusive"  # neither proved nor refuted; the message says why
    UNPARSED = "unparsed"  # the LaTeX could not be interpreted; the message says where
    REFUTED = "refuted"  # a confirmed counterexample

    @property
    def severity(self) -> int:
        """Rank used to take the worst verdict of a claim (higher is worse)."""
        return _SEVERITY[self]


_SEVERITY = {
    Verdict.DEFINITION: 0,
    Verdict.PROVED: 1,
    Verdict.NUMERIC: 2,
    Verdict.INCONCLUSIVE: 3,
    Verdict.UNPARSED: 4,
    Verdict.REFUTED: 5,
}


def worst(verdicts: list[Verdict]) -> Verdict:
    """Return the worst of several verdicts; an empty list is inconclusive."""
    if not verdicts:
        return Verdict.INCONCLUSIVE
    return max(verdicts, key=lambda verdict: verdict.severity)


@dataclass
class Location:
    """A place in a source file, 1-based line and column."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass
class ClaimWarning:
    """A remark on a claim that does not change its verdict (a guessed reading, a pattern break)."""

    line: int
    column: int
    code: str  # short stable identifier, for example "derivative-without-d"
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "code": self.code, "message": self.message}


@dataclass
class Counterexample:
    """A point where the two sides of a step differ, with both values at that point."""

    point: dict[str, str]  # variable name -> value, as text
    lhs_value: str
    rhs_value: str
    size: dict[str, int] = field(default_factory=dict)  # instantiation sizes, e.g. {"n": 2}
    functions: dict[str, str] = field(default_factory=dict)  # arbitrary function -> concrete one

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"point": self.point, "lhs_value": self.lhs_value, "rhs_value": self.rhs_value}
        if self.size:
            data["size"] = self.size
        if self.functions:
            data["functions"] = self.functions
        return data

    def describe(self) -> str:
        """Return a one-line description such as 'at x = 1/2: lhs = 1, rhs = 2'."""
        parts = []
        if self.size:
            parts.append("size " + ", ".join(f"{k} = {v}" for k, v in self.size.items()))
        if self.functions:
            parts.append(", ".join(f"{k} = {v}" for k, v in self.functions.items()))
        if self.point:
            parts.append(", ".join(f"{k} = {v}" for k, v in self.point.items()))
        where = "at " + "; ".join(parts) if parts else "everywhere"
        return f"{where}: left side = {self.lhs_value}, right side = {self.rhs_value}"


@dataclass
class StepResult:
    """The verdict on one step ``lhs = rhs`` of an equation chain."""

    lhs: str  # LaTeX of the left side, as written
    rhs: str  # LaTeX of the right side, as written
    verdict: Verdict
    method: str  # name of the strategy that decided, e.g. "symbolic", "numeric", "timeout"
    message: str
    counterexample: Counterexample | None = None
    expected: str | None = None  # LaTeX of the value symcheck derived for the right side
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "lhs": self.lhs,
            "rhs": self.rhs,
            "verdict": self.verdict.value,
            "method": self.method,
            "message": self.message,
            "counterexample": self.counterexample.to_dict() if self.counterexample else None,
            "expected": self.expected,
            "seconds": round(self.seconds, 4),
        }


@dataclass
class ClaimResult:
    """The verdict on one claim: a definition, or a chain of sides joined by '='."""

    path: str
    line: int  # 1-based first line of the claim's LaTeX
    end_line: int  # 1-based last line
    column: int  # 1-based column of the claim's first character
    latex: str
    verdict: Verdict
    message: str
    section: str = ""  # the heading the claim sits under
    warnings: list[ClaimWarning] = field(default_factory=list)
    steps: list[StepResult] = field(default_factory=list)
    directive: str = ""  # "skip" or "xfail" when a directive in the document marks the claim
    directive_reason: str = ""  # the words after "xfail" in the directive

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, self.column)

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "end_line": self.end_line,
            "column": self.column,
            "section": self.section,
            "latex": self.latex,
            "verdict": self.verdict.value,
            "message": self.message,
            "directive": self.directive,
            "directive_reason": self.directive_reason,
            "warnings": [warning.to_dict() for warning in self.warnings],
            "steps": [step.to_dict() for step in self.steps],
        }


@dataclass
class FileReport:
    """All claims of one document, in document order."""

    path: str
    claims: list[ClaimResult] = field(default_factory=list)
    error: str = ""  # set when the file could not be read at all

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "claims": [claim.to_dict() for claim in self.claims]}
        if self.error:
            data["error"] = self.error
        return data


@dataclass
class Report:
    """The result of one run over one or more documents."""

    files: list[FileReport] = field(default_factory=list)

    def claims(self) -> list[ClaimResult]:
        return [claim for file in self.files for claim in file.claims]

    def summary(self) -> dict[str, int]:
        """Count the claims per verdict, every verdict present with 0 when absent."""
        counts = {verdict.value: 0 for verdict in Verdict}
        for claim in self.claims():
            counts[claim.verdict.value] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {"files": [file.to_dict() for file in self.files], "summary": self.summary()}

    def exit_status(self, strict: bool = False) -> int:
        """Return 1 when a claim is refuted (or, with ``strict``, undecided), else 0."""
        bad = {Verdict.REFUTED}
        if strict:
            bad |= {Verdict.INCONCLUSIVE, Verdict.UNPARSED}
        for claim in self.claims():
            if claim.directive == "skip":
                continue
            if claim.directive == "xfail":
                # A known error that is now proved is news: the directive should go.
                if claim.verdict in (Verdict.PROVED, Verdict.NUMERIC):
                    return 1
                continue
            if claim.verdict in bad:
                return 1
        if any(file.error for file in self.files):
            return 2
        return 0
