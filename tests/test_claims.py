"""Tests for splitting formula blocks into claims: chains, side conditions and separators."""

from __future__ import annotations

import pytest

from symcheck.api import verify_text
from symcheck.checking.verdict import Verdict
from symcheck.config import Options
from symcheck.document.claims import Claim, claims_from_blocks
from symcheck.document.reader import iter_blocks, read_text


def claims(text: str) -> list[Claim]:
    return claims_from_blocks(list(iter_blocks(read_text(text))))


def sides(claim: Claim) -> list[str]:
    return [side.latex for side in claim.sides]


def only_claim(text: str) -> Claim:
    found = claims(text)
    assert len(found) == 1, [claim.latex for claim in found]
    return found[0]


# -- top-level '=' ------------------------------------------------------------------


def test_chain_three_sides() -> None:
    claim = only_claim("$$a = b + c = d$$")
    assert sides(claim) == ["a", "b + c", "d"]
    assert (claim.line, claim.column, claim.end_line) == (1, 3, 1)


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        ("g(a = b) = c", ["g(a = b)", "c"]),
        ("a = [c = d]", ["a", "[c = d]"]),
        ("a = {b = c}", ["a", "{b = c}"]),
        ("a = \\frac{b = c}{2} = e", ["a", "\\frac{b = c}{2}", "e"]),
        ("a = \\begin{bmatrix} x = 1 \\end{bmatrix}", ["a", "\\begin{bmatrix} x = 1 \\end{bmatrix}"]),
        ("\\sum_{i=1}^{n} x_i = s", ["\\sum_{i=1}^{n} x_i", "s"]),
    ],
)
def test_equals_inside_groups_kept(latex: str, expected: list[str]) -> None:
    assert sides(only_claim(f"$${latex}$$")) == expected


def test_equals_inside_set_braces() -> None:
    assert sides(only_claim("$$S = \\{x : x = 1\\}$$")) == ["S", "\\{x : x = 1\\}"]


def test_side_positions() -> None:
    claim = only_claim("Text.\n\n$$ab = cd = e$$\n")
    assert [(side.line, side.column) for side in claim.sides] == [(3, 3), (3, 8), (3, 13)]


def test_no_equals_no_claim() -> None:
    assert claims("$$x^2 + 1$$\n\n$$a \\cdot b$$") == []


# -- chains across blocks -----------------------------------------------------------


def test_join_block_ending_equals() -> None:
    claim = only_claim("```latex\na = b =\n```\n```latex\nc = d\n```\n")
    assert sides(claim) == ["a", "b", "c", "d"]
    assert (claim.line, claim.end_line) == (2, 5)


def test_join_block_starting_equals() -> None:
    claim = only_claim("```latex\na = b\n```\n```latex\n= c\n```\n")
    assert sides(claim) == ["a", "b", "c"]


def test_join_both_equals() -> None:
    claim = only_claim("```latex\na = b =\n```\n\n```latex\n= c\n```\n")
    assert sides(claim) == ["a", "b", "c"]
    assert claim.sides[2].line == 6


def test_join_displayed_dollars() -> None:
    claim = only_claim("$$x = y =$$\n\n$$= z$$\n")
    assert sides(claim) == ["x", "y", "z"]


def test_unrelated_blocks_stay_apart() -> None:
    found = claims("$$a = b$$\n\n$$c = d$$\n")
    assert [sides(claim) for claim in found] == [["a", "b"], ["c", "d"]]


def test_inline_never_joins() -> None:
    found = claims("Text $a = b =$ and $= c$.\n")
    assert len(found) == 2
    assert found[0].problem == "the chain ends with '=' and no block continues it"
    assert found[1].problem == "the chain starts with '=' and no block precedes it"


# -- side conditions and several statements ---------------------------------------


def test_condition_equal_indices() -> None:
    claim = only_claim("$$x_{ij} = 1, i = j$$")
    assert sides(claim) == ["x_{ij}", "1"]
    assert [condition.latex for condition in claim.conditions] == ["i = j"]


def test_condition_unequal_indices() -> None:
    claim = only_claim("$$x_{ij} = 0, i \\neq j$$")
    assert sides(claim) == ["x_{ij}", "0"]
    assert [condition.latex for condition in claim.conditions] == ["i \\neq j"]


def test_condition_inequality() -> None:
    claim = only_claim("$$f(x) = \\ln x, x > 0$$")
    assert sides(claim) == ["f(x)", "\\ln x"]
    assert [condition.latex for condition in claim.conditions] == ["x > 0"]


def test_two_statements_comma() -> None:
    found = claims("$$A = [a_1, a_2]^T, B = [b_1, b_2]^T$$")
    assert [sides(claim) for claim in found] == [["A", "[a_1, a_2]^T"], ["B", "[b_1, b_2]^T"]]
    assert [claim.column for claim in found] == [3, 21]


def test_tuple_argument_kept() -> None:
    claim = only_claim("$$f(x, y) = x + y$$")
    assert sides(claim) == ["f(x, y)", "x + y"]


# -- environments -------------------------------------------------------------------


def test_aligned_rows_continue() -> None:
    text = "$$\n\\begin{aligned}\na &= b \\\\\n  &= c \\\\\nd &= e\n\\end{aligned}\n$$\n"
    found = claims(text)
    assert [sides(claim) for claim in found] == [["a", "b", "c"], ["d", "e"]]
    assert [(claim.line, claim.end_line) for claim in found] == [(3, 4), (5, 5)]


def test_align_remark_dropped() -> None:
    claim = only_claim("$$\\begin{align} a &= b && \\text{for } x \\ne 0 \\\\ &= c \\end{align}$$")
    assert sides(claim) == ["a", "b", "c"]
    assert claim.other_relation == ""


def test_tag_and_label_dropped() -> None:
    claim = only_claim("$$a = b \\tag{1} \\label{eq:one}$$")
    assert sides(claim) == ["a", "b"]


def test_trailing_text_dropped() -> None:
    claim = only_claim("$$F(x) = x^2 + C \\text{ for any constant C}$$")
    assert sides(claim) == ["F(x)", "x^2 + C"]


def test_displaystyle_unwrapped() -> None:
    claim = only_claim("```latex\n\\displaystyle{f(x) = x^2}\n```\n")
    assert sides(claim) == ["f(x)", "x^2"]
    assert claim.column == 15


def test_displaystyle_multiline() -> None:
    claim = only_claim("```latex\n\\displaystyle{\n\tf_1(x_1, x_2) = 2x_1 + x_2^3\n}\n```\n")
    assert sides(claim) == ["f_1(x_1, x_2)", "2x_1 + x_2^3"]
    assert (claim.line, claim.column) == (3, 2)


def test_trailing_punctuation_dropped() -> None:
    assert sides(only_claim("$$a = b.$$")) == ["a", "b"]
    assert sides(only_claim("$$a = b,$$")) == ["a", "b"]


# -- statement separators -----------------------------------------------------------


@pytest.mark.parametrize(
    "separator",
    ["\\rightarrow", "\\Rightarrow", "\\implies", "\\hspace{1in}", "\\text{ and }", "\\text{ where }", "\\quad", "\\qquad", ";"],
)
def test_statement_separator(separator: str) -> None:
    found = claims(f"$$a = b {separator} c = d$$")
    assert [sides(claim) for claim in found] == [["a", "b"], ["c", "d"]]


def test_other_relation_recorded() -> None:
    claim = only_claim("$$a \\le b = c$$")
    assert claim.other_relation == "\\le"
    assert sides(claim) == ["a \\le b", "c"]


# -- structural problems ------------------------------------------------------------


def test_chain_ends_with_equals() -> None:
    claim = only_claim("```latex\na = b =\n```\n\nSome text.\n")
    assert claim.problem == "the chain ends with '=' and no block continues it"
    assert claim.problem_line == 2
    assert claim.problem_column in (5, 7)


def test_chain_starts_with_equals() -> None:
    claim = only_claim("Text.\n\n$$= a$$\n")
    assert claim.problem == "the chain starts with '=' and no block precedes it"
    assert (claim.problem_line, claim.problem_column) == (3, 3)


def test_empty_middle_side() -> None:
    claim = only_claim("$$a = = b$$")
    assert claim.problem == "empty side: nothing between two '=' signs"
    assert claim.problem_line == 1


def test_dangling_equals_unparsed() -> None:
    report = verify_text("# T\n\n```latex\na = b =\n```\n\nText.\n", options=Options(cache=False))
    (claim,) = report.claims
    assert claim.verdict is Verdict.UNPARSED
    assert claim.message.startswith("4:")
    assert claim.message.endswith("the chain ends with '=' and no block continues it")
    assert claim.steps == []
