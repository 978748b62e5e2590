"""Soundness under mutation: a proved step whose right side is made wrong is never proved again.

Every step of formulas/neural-network-math.md that is proved gets up to four mutants of its
right side: a flipped sign, a changed coefficient digit, a changed numeric exponent and a
subscript 1 swapped with 2 (the first place each applies). A mutant document is the original
up to the end of the claim, with the mutated side, so every definition before it is kept. The
verdicts of the claims before it come from the verdict cache of the first run.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from report_comparison import differences, mask_time_limited, without_timings

from symcheck.checking.checker import Checker
from symcheck.checking.verdict import ClaimResult, FileReport, Verdict
from symcheck.config import Options
from symcheck.document.blocks import FormulaBlock
from symcheck.document.claims import Claim, Side, claims_from_blocks
from symcheck.document.reader import read_text

DOCUMENT = Path(__file__).resolve().parent.parent / "formulas" / "neural-network-math.md"

# Mutants that are equal to the original, keyed by (claim line, step index, mutation).
EQUIVALENT = {
    (18, 4, "sign"): "the limit as Delta -> 0 of 2x - Delta is 2x, as is that of 2x + Delta",
    (47, 1, "sign"): "the flipped term cos(x_2) does not depend on x_1, so its derivative by x_1 is 0 either way",
}
MUTATIONS = ("sign", "coefficient", "exponent", "index")


@dataclass
class Mutant:
    line: int  # the claim's first line
    step: int  # index of the step among the claim's steps
    kind: str  # one of MUTATIONS
    original: str  # source text of the right side
    mutated: str
    verdict: Verdict | None = None
    message: str = ""

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.line, self.step, self.kind)

    def describe(self) -> str:
        return f"line {self.line} step {self.step + 1} ({self.kind}): {_difference(self.original, self.mutated)} -> {self.verdict}: {self.message}"


def _difference(original: str, mutated: str) -> str:
    start = next((index for index, (a, b) in enumerate(zip(original, mutated)) if a != b), 0)
    return f"...{original[max(0, start - 30) : start + 20]!r} became ...{mutated[max(0, start - 30) : start + 20]!r}"


def mutate(source: str, kind: str) -> str | None:
    """Return ``source`` with its first mutation of ``kind`` applied, or None when none applies."""
    if kind == "sign":
        match = re.search(r"[+-]", source)
        replacement = "-" if match and match.group() == "+" else "+"
    elif kind == "coefficient":
        match = re.search(r"(?<![_^{\w])\d", source)
        replacement = str(int(match.group()) + 1) if match and match.group() != "9" else "2"
    elif kind == "exponent":
        found = re.search(r"\^\{?(\d+)", source)
        if found is None:
            return None
        start, end = found.span(1)
        return source[:start] + str(int(found.group(1)) + 1) + source[end:]
    else:
        found = re.search(r"_\{?([12])(?!\d)", source)
        if found is None:
            return None
        start, end = found.span(1)
        return source[:start] + ("2" if found.group(1) == "1" else "1") + source[end:]
    if match is None:
        return None
    return source[: match.start()] + replacement + source[match.end() :]


class SourceText:
    """The document's text with conversions from (line, column) to offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0]
        for line in text.split("\n"):
            self.line_starts.append(self.line_starts[-1] + len(line) + 1)

    def offset(self, line: int, column: int) -> int:
        return self.line_starts[line - 1] + column - 1

    def side_span(self, side: Side) -> tuple[int, int]:
        tokens = [token for token in side.tokens if token.kind != "space"]
        first, last = tokens[0], tokens[-1]
        return self.offset(first.line, first.column), self.offset(last.line, last.column) + len(last.text)

    def end_of_claim(self, claim: Claim) -> int:
        last_line = max(token.line for side in claim.sides for token in side.tokens)
        return self.line_starts[last_line]


def mutant_document(source: SourceText, start: int, end: int, mutated: str, claim_end: int) -> str:
    """Return the document up to the end of the claim, with ``mutated`` in place of start:end."""
    document = source.text[:start] + mutated + source.text[end:claim_end]
    if document.count("```") % 2:
        document += "\n```\n"  # close the fence the claim sits in
    return document


def find_claim(report: FileReport, line: int, column: int) -> ClaimResult:
    return next(claim for claim in report.claims if (claim.line, claim.column) == (line, column))


@pytest.fixture(scope="module")
def mutants(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Mutant]]:
    """Check the document once, then every mutant of every proved step."""
    previous = os.environ.get("SYMCHECK_CACHE_DIR")
    os.environ["SYMCHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    try:
        yield list(_check_mutants())
    finally:
        if previous is None:
            del os.environ["SYMCHECK_CACHE_DIR"]
        else:
            os.environ["SYMCHECK_CACHE_DIR"] = previous


def _check_mutants() -> Iterator[Mutant]:
    source = SourceText(DOCUMENT.read_text(encoding="utf-8"))
    path = str(DOCUMENT)
    claims = claims_from_blocks([item for item in read_text(source.text, path) if isinstance(item, FormulaBlock)])
    by_position = {(claim.line, claim.column): claim for claim in claims}
    with Checker(Options()) as checker:
        report = checker.check_text(source.text, path)
        for result in report.claims:
            claim = by_position.get((result.line, result.column))
            if claim is None:
                continue
            for step_index, step in enumerate(result.steps):
                if step.verdict is not Verdict.PROVED:
                    continue
                side = next(
                    index for index in range(len(claim.sides) - 1)
                    if (claim.sides[index].latex, claim.sides[index + 1].latex) == (step.lhs, step.rhs)
                )
                start, end = source.side_span(claim.sides[side + 1])
                original = source.text[start:end]
                for kind in MUTATIONS:
                    mutated = mutate(original, kind)
                    if mutated is None or mutated == original:
                        continue
                    document = mutant_document(source, start, end, mutated, source.end_of_claim(claim))
                    checked = find_claim(checker.check_text(document, path), result.line, result.column)
                    mutant = Mutant(result.line, step_index, kind, original, mutated)
                    if step_index < len(checked.steps):
                        mutant.verdict, mutant.message = checked.steps[step_index].verdict, checked.steps[step_index].message
                    else:
                        mutant.verdict, mutant.message = checked.verdict, checked.message
                    yield mutant


def test_mutants_cover_proved_steps(mutants: list[Mutant]) -> None:
    steps = {(mutant.line, mutant.step) for mutant in mutants}
    assert len(steps) >= 20
    assert {mutant.kind for mutant in mutants} == set(MUTATIONS)


def test_mutants_never_proved(mutants: list[Mutant]) -> None:
    proved = [mutant for mutant in mutants if mutant.verdict is Verdict.PROVED]
    unexpected = [mutant.describe() for mutant in proved if mutant.key not in EQUIVALENT]
    assert unexpected == []


def test_most_mutants_refuted(mutants: list[Mutant]) -> None:
    refuted = [mutant for mutant in mutants if mutant.verdict is Verdict.REFUTED]
    assert len(refuted) >= len(mutants) // 2, [mutant.describe() for mutant in mutants if mutant.verdict is not Verdict.REFUTED]


def test_equivalent_mutants_exist(mutants: list[Mutant]) -> None:
    keys = {mutant.key for mutant in mutants}
    assert set(EQUIVALENT) <= keys


def test_repeated_run_identical() -> None:
    reports = []
    for _ in range(2):
        with Checker(Options(cache=False)) as checker:
            data = {"files": [checker.check_file(str(DOCUMENT)).to_dict()]}
        reports.append(without_timings(json.loads(json.dumps(data))))
    assert mask_time_limited(reports[0], reports[1]) <= 3
    assert differences(reports[0], reports[1]) == []
    assert reports[0] == reports[1]
