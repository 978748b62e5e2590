"""Tests for the Markdown reader: where formulas and directives are found, and their locations."""

from __future__ import annotations

from pathlib import Path

import pytest

from symcheck.document.blocks import Directive, FormulaBlock
from symcheck.document.reader import iter_blocks, read_file, read_text


def blocks(text: str) -> list[FormulaBlock]:
    return list(iter_blocks(read_text(text)))


def directives(text: str) -> list[Directive]:
    return [item for item in read_text(text) if isinstance(item, Directive)]


def only_block(text: str) -> FormulaBlock:
    found = blocks(text)
    assert len(found) == 1, [block.latex for block in found]
    return found[0]


# -- fences ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["latex", "math", "tex", "katex"])
def test_math_fence_found(language: str) -> None:
    block = only_block(f"Intro.\n\n```{language}\nf(x) = x^2\n```\n")
    assert block.latex.strip() == "f(x) = x^2"
    assert block.kind == "fence"
    assert block.line == 4
    assert block.column == 1


def test_other_fence_ignored() -> None:
    assert blocks("```python\nx = 1\n```\n\n```\ny = 2\n```\n") == []


def test_fence_multiline_position() -> None:
    block = only_block("# H\n\n```latex\n\\displaystyle{\n\ta = b\n}\n```\n")
    assert block.line == 4
    assert block.end_line == 6
    # Offset of 'a' inside the block: the second line, after a tab.
    offset = block.latex.index("a = b")
    assert block.position(offset) == (5, 2)


# -- dollar math ----------------------------------------------------------------------


def test_display_dollars_own_lines() -> None:
    block = only_block("Text.\n\n$$\ny = 2\n$$\n")
    assert block.latex == "y = 2"
    assert block.kind == "display"
    assert block.line == 4
    assert block.column == 1


def test_display_dollars_one_line() -> None:
    block = only_block("Text.\n\n$$x = 1$$\n")
    assert block.latex == "x = 1"
    assert block.kind == "display"
    assert (block.line, block.column) == (3, 3)


def test_double_dollars_in_prose() -> None:
    block = only_block("We write $$b = 2$$ in a sentence.\n")
    assert block.latex == "b = 2"
    assert block.kind == "inline"
    assert (block.line, block.column) == (1, 12)


def test_single_dollars_in_prose() -> None:
    found = blocks("Say $a = 1$ and then\nalso $c_1 = 3$.\n")
    assert [block.latex for block in found] == ["a = 1", "c_1 = 3"]
    assert [(block.line, block.column) for block in found] == [(1, 6), (2, 7)]
    assert all(block.kind == "inline" for block in found)


def test_equal_formulas_distinct_columns() -> None:
    found = blocks("Two on one line: $a=1$, $a=1$.\n")
    assert [(block.line, block.column) for block in found] == [(1, 19), (1, 26)]


def test_code_and_escaped_dollars_ignored() -> None:
    assert blocks("Code `$x = 1$` and a price of \\$5 or \\$6.\n") == []


def test_two_displays_one_line() -> None:
    found = blocks("$$a = 1$$ and $$b = 2$$\n")
    assert [block.latex for block in found] == ["a = 1", "b = 2"]


# -- bracket math ---------------------------------------------------------------------


def test_doubled_backslash_parentheses() -> None:
    block = only_block("Kramdown style \\\\(d = 4\\\\) here.\n")
    assert block.latex == "d = 4"
    assert (block.line, block.column) == (1, 19)


def test_doubled_backslash_brackets() -> None:
    block = only_block("Display \\\\[ h = 8 \\\\] here.\n")
    assert block.latex == "h = 8"
    assert (block.line, block.column) == (1, 13)


def test_backslash_parentheses() -> None:
    block = only_block("Prose \\(c = 3\\) here.\n")
    assert block.latex == "c = 3"
    assert (block.line, block.column) == (1, 9)


def test_backslash_brackets() -> None:
    block = only_block("Text.\n\n\\[\nq = 1\n\\]\n")
    assert block.latex.strip() == "q = 1"
    assert block.line == 4


# -- sections -------------------------------------------------------------------------


def test_section_tracking() -> None:
    found = blocks("$z=0$\n\n# One\n\n$a=1$\n\n## Two\n\n$b=2$\n\n### Three\n\n$c=3$\n\n# Four\n\n$d=4$\n")
    assert [block.section for block in found] == ["", "One", "Two", "Three", "Four"]
    assert [block.section_id for block in found] == [0, 1, 2, 3, 4]
    assert [block.section_level for block in found] == [0, 1, 2, 3, 1]


def test_section_with_markup() -> None:
    block = only_block("### 1.1. Derivative of the Function\n\n$$x = 1$$\n")
    assert block.section == "1.1. Derivative of the Function"
    assert block.section_level == 3


# -- HTML blocks ----------------------------------------------------------------------


def test_details_fences_found() -> None:
    text = "# H\n\n<details><summary><b>Example</b></summary>\n```latex\nf(x) = x^2\n```\n```latex\nf'(x) = 2x\n```\n</details>\n"
    found = blocks(text)
    assert [block.latex.strip() for block in found] == ["f(x) = x^2", "f'(x) = 2x"]
    assert [block.line for block in found] == [5, 8]
    assert all(block.section == "H" for block in found)


def test_details_dollars_found() -> None:
    text = "<details>\n<summary>S</summary>\n\n  $$w = 1$$\n\n</details>\n\nAfter $v = 2$.\n"
    found = blocks(text)
    assert [block.latex for block in found] == ["w = 1", "v = 2"]
    assert [(block.line, block.column) for block in found] == [(4, 5), (8, 8)]


# -- line endings ---------------------------------------------------------------------


def test_crlf_same_locations() -> None:
    text = "# T\n\nText $x = 1$ here.\n\n$$\ny = 2\n$$\n\n```latex\nz = 3\n```\n"
    unix = blocks(text)
    windows = blocks(text.replace("\n", "\r\n"))
    assert [block.latex.strip() for block in windows] == ["x = 1", "y = 2", "z = 3"]
    assert [(block.line, block.column) for block in windows] == [(block.line, block.column) for block in unix]
    assert [(block.line, block.column) for block in windows] == [(3, 7), (6, 1), (10, 1)]
    assert all("\r" not in block.latex for block in windows)


# -- directives -----------------------------------------------------------------------


def test_directive_skip_located() -> None:
    found = directives("Text.\n\n<!-- symcheck: skip -->\n$$a = 1$$\n")
    assert len(found) == 1
    assert found[0].text == "skip"
    assert (found[0].line, found[0].column) == (3, 1)


def test_directive_indented_column() -> None:
    found = directives("   <!-- symcheck: skip -->\n$$a = 1$$\n")
    assert [(d.text, d.line, d.column) for d in found] == [("skip", 1, 4)]


def test_directive_after_comment() -> None:
    found = directives("<!-- note --><!-- symcheck: xfail the sign is wrong -->\n$$b=2$$\n")
    assert [(d.text, d.line, d.column) for d in found] == [("xfail the sign is wrong", 1, 14)]


def test_plain_comment_not_directive() -> None:
    assert directives("<!-- a remark -->\n\n$$a = 1$$\n") == []


def test_directive_order_with_blocks() -> None:
    items = read_text("<!-- symcheck: budget 5s -->\n\n$$a = 1$$\n\n<!-- symcheck: skip -->\n$$b = 2$$\n")
    kinds = [type(item).__name__ for item in items]
    assert kinds == ["Directive", "FormulaBlock", "Directive", "FormulaBlock"]
    assert items[2].line == 5


def test_directive_section_id() -> None:
    found = directives("# A\n\n<!-- symcheck: skip -->\n$$a = 1$$\n\n# B\n\n<!-- symcheck: skip -->\n$$b = 1$$\n")
    assert [d.section_id for d in found] == [1, 2]


# -- files ----------------------------------------------------------------------------


def test_read_file_path(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_bytes(b"# T\r\n\r\n$$x = 1$$\r\n")
    found = list(iter_blocks(read_file(str(path))))
    assert len(found) == 1
    assert found[0].path == str(path)
    assert (found[0].line, found[0].column) == (3, 3)


def test_long_paragraph_locates_last_formula() -> None:
    paragraph = " ".join(f"text $x_{index} = {index}$ more" for index in range(2000))
    found = blocks(paragraph + "\n")
    assert len(found) == 2000
    assert found[-1].latex == "x_1999 = 1999"
    assert found[-1].column == paragraph.index("$x_1999") + 2
