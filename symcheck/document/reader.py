"""Read a Markdown document with markdown-it-py and find every formula in it.

Recognised math: fenced code blocks tagged ``latex``, ``math`` or ``tex``; ``$$...$$`` display
blocks (also written inline in prose); ``$...$`` inline math; ``\\[...\\]`` and ``\\(...\\)``
in text (also in the doubled-backslash form that kramdown sources use). HTML blocks such as
``<details>`` are read again as Markdown with their tags blanked out, so formulas inside them
are found. HTML comments that start with ``symcheck:`` become directives.
"""

from __future__ import annotations

import bisect
import re
from typing import Iterator, Union

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from .blocks import Directive, FormulaBlock

MATH_FENCE_LANGUAGES = {"latex", "math", "tex", "katex"}

_TAG = re.compile(r"<(?!!--)/?[A-Za-z][^<>]*>")
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
# \( ... \) and \[ ... \] with one backslash, read from the source, because Markdown's
# backslash escapes remove the backslash from the text.
_SINGLE_BRACKET_MATH = re.compile(r"(?<!\\)\\\[(.+?)(?<!\\)\\\]|(?<!\\)\\\((.+?)(?<!\\)\\\)", re.DOTALL)
_BRACKET_MATH = re.compile(r"\\\\?\[(.+?)\\\\?\]|\\\\?\((.+?)\\\\?\)", re.DOTALL)

Item = Union[FormulaBlock, Directive]


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark")
    md.use(dollarmath_plugin, allow_labels=False, allow_space=True, allow_digits=True, double_inline=True)
    return md


def read_file(path: str) -> list[Item]:
    """Return the formula blocks and directives of the Markdown file at ``path``, in order."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    return read_text(text, path)


def read_text(text: str, path: str = "<string>") -> list[Item]:
    """Return the formula blocks and directives of Markdown ``text``, in document order."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    reader = _Reader(path, lines)
    reader.walk(_markdown().parse(text), line_offset=0, depth=0)
    return sorted(reader.items, key=lambda item: (item.line, item.column))


class _Reader:
    def __init__(self, path: str, lines: list[str]) -> None:
        self.path = path
        self.lines = lines
        self.items: list[Item] = []
        self.section = ""
        self.section_id = 0
        self.section_level = 0
        self._paragraph = 0
        self._lead = ""

    def walk(self, tokens: list[Token], line_offset: int, depth: int) -> None:
        heading_level = 0
        for token in tokens:
            first = token.map[0] + line_offset if token.map else None
            if token.type == "heading_open":
                heading_level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
            elif token.type == "inline" and heading_level:
                self.section = token.content.strip()
                self.section_id += 1
                self.section_level = heading_level
                heading_level = 0
            elif token.type == "fence" and first is not None:
                language = token.info.strip().split(" ")[0].lower() if token.info else ""
                if language in MATH_FENCE_LANGUAGES:
                    self._add_block(token.content, first + 1, "fence")
            elif token.type in ("math_block", "math_block_label") and first is not None:
                if "$$" in token.content:
                    # "$$a = 1$$ and $$b = 2$$" on one line: the plugin returns one block.
                    end = token.map[1] + line_offset if token.map else None
                    for index, piece in enumerate(token.content.split("$$")):
                        if index % 2 == 0 and piece.strip():
                            self._add_located(piece, first, "display", end)
                else:
                    self._add_located(token.content, first, "display")
            elif token.type == "html_block" and first is not None:
                self._html_block(token, first, depth)
            elif token.type == "inline" and token.children is not None and first is not None:
                self._inline(token, first)

    def _add_block(self, latex: str, line_index: int, kind: str, column: int = 1, paragraph: int = 0) -> None:
        if not latex.strip():
            return
        self.items.append(
            FormulaBlock(
                path=self.path,
                latex=latex,
                line=line_index + 1,
                column=column,
                kind=kind,
                section=self.section,
                section_id=self.section_id,
                section_level=self.section_level,
                paragraph=paragraph,
                lead=self._lead if paragraph else "",
            )
        )

    def _add_located(self, latex: str, line_index: int, kind: str, end_index: int | None = None) -> None:
        """Add ``latex``, finding where it starts in the source from ``line_index`` on."""
        located = self._locate(latex.strip(), line_index, end_index)
        if located is None:
            self._add_block(latex.strip(), line_index, kind)
            return
        found_line, found_column = located
        self._add_block(latex.strip(), found_line, kind, found_column + 1)

    def _locate(
        self, needle: str, line_index: int, end_index: int | None, start_column: int = 0
    ) -> tuple[int, int] | None:
        if not needle or line_index >= len(self.lines):
            return None
        stop = len(self.lines) if end_index is None else min(len(self.lines), end_index + 1)
        window = "\n".join(self.lines[line_index:stop])
        offset = window.find(needle, start_column)
        if offset < 0:
            head = needle.split("\n")[0]
            offset = window.find(head) if head else -1
            if offset < 0:
                return None
        line = line_index + window[:offset].count("\n")
        column = offset - (window.rfind("\n", 0, offset) + 1)
        return line, column

    def _inline(self, token: Token, first: int) -> None:
        last = token.map[1] if token.map else first + 1
        # One window over the paragraph's source, searched from a moving offset, keeps long
        # paragraphs with many formulas linear in their length.
        window = _Window(self.lines, first, last)
        cursor = 0
        self._paragraph = first + 1
        self._lead = ""
        self._single_bracket_math(first, last)
        for child in token.children or []:
            if child.type in ("math_inline", "math_inline_double", "math_single", "math_double"):
                # Math inside running text is "inline" even between $$ signs: it is part of a sentence.
                cursor = self._add_inline(child.content, child.markup, window, cursor)
                self._lead += " " + child.content
            elif child.type == "text":
                self._lead = re.split(r"[.!?:;]\s", self._lead[-80:] + child.content[-200:])[-1][-80:]
                for match in _BRACKET_MATH.finditer(child.content):
                    self._lead = re.split(r"[.!?:;]\s", child.content[max(0, match.start() - 200) : match.start()])[-1][-80:]
                    latex = match.group(1) if match.group(1) is not None else match.group(2)
                    cursor = self._add_inline(latex, "", window, cursor)

    def _single_bracket_math(self, first: int, last: int) -> None:
        """Find \\( x \\) and \\[ x \\] written with one backslash in the paragraph's source."""
        source = "\n".join(self.lines[first:last])
        for match in _SINGLE_BRACKET_MATH.finditer(source):
            latex = match.group(1) if match.group(1) is not None else match.group(2)
            start = match.start(1) if match.group(1) is not None else match.start(2)
            start += len(latex) - len(latex.lstrip())
            line = first + source.count("\n", 0, start)
            column = start - (source.rfind("\n", 0, start) + 1)
            self._lead = re.split(r"[.!?:;]\s", source[: match.start()])[-1][-80:]
            self._add_block(latex.strip(), line, "inline", column + 1, paragraph=self._paragraph)

    def _add_inline(self, latex: str, markup: str, window: "_Window", cursor: int) -> int:
        """Add inline math found at or after offset ``cursor`` of ``window``; return the offset past it."""
        latex = latex.strip()
        if not latex:
            return cursor
        offset = window.text.find(markup + latex, cursor)
        shift = len(markup)
        if offset < 0:
            offset = window.text.find(latex, cursor)
            shift = 0
        if offset < 0:
            line, _ = window.position(cursor)
            self._add_block(latex, line, "inline", paragraph=self._paragraph)
            return cursor
        line, column = window.position(offset + shift)
        self._add_block(latex, line, "inline", column + 1, paragraph=self._paragraph)
        return offset + shift + len(latex)

    def _html_block(self, token: Token, first: int, depth: int) -> None:
        content = token.content
        for match in _COMMENT.finditer(content):
            body = match.group(1).strip()
            if body.lower().startswith("symcheck:"):
                line = first + content[: match.start()].count("\n")
                column = match.start() - (content.rfind("\n", 0, match.start()) + 1)
                self.items.append(
                    Directive(self.path, body[len("symcheck:") :].strip(), line + 1, column + 1, self.section_id)
                )
        if depth >= 4:
            return
        blanked = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), content)
        blanked = _TAG.sub(lambda m: " " * len(m.group(0)), blanked)
        if not blanked.strip():
            return
        # Re-read the block as Markdown; its lines keep their numbers through ``first``.
        self.walk(_markdown().parse(blanked), line_offset=first, depth=depth + 1)


class _Window:
    """The source lines of one paragraph as one string, with offsets mapped back to lines."""

    def __init__(self, lines: list[str], first: int, last: int) -> None:
        self.first = first
        self.text = "\n".join(lines[first:last])
        self.starts = [0]
        for line in lines[first : last - 1]:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 0-based (line index, column) of ``offset`` in the file."""
        row = bisect.bisect_right(self.starts, offset) - 1
        return self.first + row, offset - self.starts[row]


def iter_blocks(items: list[Item]) -> Iterator[FormulaBlock]:
    """Yield only the formula blocks of ``items``."""
    for item in items:
        if isinstance(item, FormulaBlock):
            yield item
