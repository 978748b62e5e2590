"""Formula blocks: pieces of LaTeX found in a document, each with the place it came from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FormulaBlock:
    """One piece of math in a document: a fence, a display block or an inline formula."""

    path: str
    latex: str  # the LaTeX between the delimiters, verbatim
    line: int  # 1-based line of the first character of ``latex``
    column: int  # 1-based column of the first character of ``latex``
    kind: str  # "fence", "display" or "inline"
    section: str = ""  # text of the heading the block sits under
    section_id: int = 0  # increases at every heading; definitions are scoped by it
    section_level: int = 0  # level of that heading (1 for "#"), 0 before the first heading
    paragraph: int = 0  # first line of the paragraph that holds inline math; 0 for displays
    lead: str = ""  # the words of the sentence before inline math, such as "Define"

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based (line, column) in the file of character ``offset`` of ``latex``."""
        offset = max(0, min(offset, len(self.latex)))
        before = self.latex[:offset]
        newlines = before.count("\n")
        if newlines == 0:
            return self.line, self.column + offset
        return self.line + newlines, offset - before.rfind("\n")

    @property
    def end_line(self) -> int:
        return self.line + self.latex.rstrip("\n").count("\n")


@dataclass
class Directive:
    """An instruction to symcheck written in an HTML comment: ``<!-- symcheck: ... -->``."""

    path: str
    text: str  # what follows "symcheck:", stripped
    line: int
    column: int
    section_id: int = 0


@dataclass
class Piece:
    """A stretch of a joined formula that comes from one block."""

    start: int  # offset of the stretch in the joined text
    block: FormulaBlock
    block_offset: int  # offset of the stretch in ``block.latex``


@dataclass
class Formula:
    """LaTeX of one formula, possibly joined from several blocks, with a map back to the file."""

    text: str
    pieces: list[Piece] = field(default_factory=list)

    @property
    def first(self) -> FormulaBlock:
        return self.pieces[0].block

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based (line, column) in the file of character ``offset`` of ``text``."""
        piece = self.pieces[0]
        for candidate in self.pieces:
            if candidate.start <= offset:
                piece = candidate
        return piece.block.position(piece.block_offset + offset - piece.start)

    def span_lines(self, start: int, end: int) -> tuple[int, int]:
        """Return the first and last file lines of the characters ``start`` to ``end``."""
        first_line = self.position(start)[0]
        last = max(start, end - 1)
        while last > start and self.text[last].isspace():
            last -= 1
        return first_line, self.position(last)[0]
