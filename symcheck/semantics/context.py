"""The scope a claim is read in: definitions, shapes, assumptions and sizes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Definition:
    """A name the document defined: ``f(x) = x^2`` (a function) or ``z = x^Tw + b`` (a value)."""

    name: str  # symbol key, e.g. "f_{12}" or "z^{l}"
    parameters: list[Any]  # notation Names of the parameters; empty for a value
    body: Any  # notation tree of the right side, read again wherever the name is used
    latex: str
    line: int
    section_id: int
    section_level: int
    vector_names: set[str] = field(default_factory=set)  # names the defining claim used as vectors
    row_names: set[str] = field(default_factory=set)  # names the defining claim used as row vectors


@dataclass
class Shape:
    """A declared or inferred shape: rows x columns, each a number or a size symbol."""

    rows: str  # "n", "1", "3", ...
    columns: str

    def resolve(self, sizes: dict[str, int], default: int) -> tuple[int, int]:
        return _resolve(self.rows, sizes, default), _resolve(self.columns, sizes, default)

    def __str__(self) -> str:
        return f"{self.rows} x {self.columns}"


def _resolve(text: str, sizes: dict[str, int], default: int) -> int:
    text = text.strip()
    if text.isdigit():
        return int(text)
    return sizes.get(text, default)


@dataclass
class Scope:
    """Definitions, shapes and assumptions visible at one point of a document."""

    definitions: dict[str, Definition] = field(default_factory=dict)
    shapes: dict[str, Shape] = field(default_factory=dict)
    assumptions: dict[str, dict[str, bool]] = field(default_factory=dict)  # symbol -> sympy assumptions
    conditions: list[str] = field(default_factory=list)  # LaTeX of side conditions, e.g. "i = j"
    used: set[str] = field(default_factory=set)  # names the current section's claims have used
    local: dict[str, Definition | None] = field(default_factory=dict)  # prose definitions -> what they shadow
    local_paragraph: int = 0  # the paragraph that made the prose definitions
    local_fresh: bool = False  # no displayed formula has followed them yet

    def function_names(self) -> set[str]:
        return {name for name, definition in self.definitions.items() if definition.parameters}

    def leave_section(self, section_id: int, level: int) -> None:
        """Drop definitions made in sections that a heading of ``level`` closes."""
        self.end_paragraph()
        self.used = set()
        self.definitions = {
            name: definition
            for name, definition in self.definitions.items()
            if definition.section_level == 0 or definition.section_level < level
        }

    def define_locally(self, definition: Definition) -> None:
        """Record a definition made in prose that lasts until the next displayed formula."""
        if definition.name not in self.local:
            self.local[definition.name] = self.definitions.get(definition.name)
        self.definitions[definition.name] = definition
        self.local_fresh = True

    def enter_claim(self, inline: bool, paragraph: int) -> None:
        """Expire prose definitions: they hold in their paragraph and the next displayed formula."""
        if not self.local:
            self.local_paragraph = paragraph if inline else 0
            return
        if inline and paragraph == self.local_paragraph:
            return
        if not inline and self.local_fresh:
            self.local_fresh = False
            return
        self.end_paragraph()
        self.local_paragraph = paragraph if inline else 0

    def end_paragraph(self) -> None:
        """Drop the prose definitions and restore what they shadowed."""
        for name, shadowed in self.local.items():
            if shadowed is None:
                self.definitions.pop(name, None)
            else:
                self.definitions[name] = shadowed
        self.local = {}

    def copy(self) -> "Scope":
        return Scope(dict(self.definitions), dict(self.shapes), {k: dict(v) for k, v in self.assumptions.items()}, list(self.conditions))  # used and local stay with the document
