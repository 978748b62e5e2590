"""Ellipsis patterns: ``x_1, x_2, \\ldots, x_n``, matrices with ``\\cdots`` and ``\\vdots``,
and products ``a_1 a_2 \\cdots a_m``, instantiated at a concrete size.

A pattern is inferred from the written items: the first two items fix which indices count up,
and the last item names the bound (``n``). Every written item is checked against the pattern;
an item that breaks it is reported as a warning naming the item and what the pattern predicts.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from ..notation.ast import Apply, Ellipsis_, Matrix_, Name, Node, Product, walk
from .values import InterpretError

if TYPE_CHECKING:
    from .interpret import Interpreter

MAX_SIZE = 64


def names_in(node: object) -> list[Name]:
    """Return every Name in ``node``, depth first, in written order."""
    return [item for item in walk(node) if isinstance(item, Name)]


@dataclass
class Slot:
    """A place in a template where the counting index is written: name number, position."""

    name_index: int
    position: int
    length: int  # length of the index text at this place in the first item


def _index_parts(subscript: str) -> list[str]:
    """Split a subscript into its indices: "12" -> ["1", "2"], "{1m}" -> ["1", "m"], "n-1" -> ["n-1"]."""
    text = subscript.strip("{}").replace(" ", "").replace("{", "").replace("}", "")
    if "," in text:
        return text.split(",")
    if any(sign in text for sign in "+-"):
        # "1m-1" is the pair (1, m-1); "n-1" is one index.
        if len(text) >= 2 and text[0].isalnum() and text[1].isalpha() and not text[1:2] in "+-":
            return [text[0], text[1:]]
        return [text]
    return list(text)


def _join_parts(parts: list[str], original: str) -> str:
    if "," in original:
        return ",".join(parts)
    return "".join(parts)


def _differences(first: Node, second: Node) -> list[tuple[int, int]] | None:
    """Slots (name number, index position) where two items differ; None if shapes differ."""
    first_names, second_names = names_in(first), names_in(second)
    if len(first_names) != len(second_names):
        return None
    slots: list[tuple[int, int]] = []
    for number, (a, b) in enumerate(zip(first_names, second_names)):
        if a.base != b.base:
            return None
        parts_a, parts_b = _index_parts(a.subscript), _index_parts(b.subscript)
        if len(parts_a) != len(parts_b):
            return None
        for position, (x, y) in enumerate(zip(parts_a, parts_b)):
            if x != y:
                slots.append((number, position))
    return slots


def _substitute(template: Node, slots: list[tuple[int, int]], values: list[str] | str) -> Node:
    """Copy ``template`` with the index text at each slot replaced."""
    clone = copy.deepcopy(template)
    names = names_in(clone)
    for slot_number, (number, position) in enumerate(slots):
        name = names[number]
        parts = _index_parts(name.subscript)
        parts[position] = values if isinstance(values, str) else values[slot_number]
        name.subscript = _join_parts(parts, name.subscript)
    return clone


def _slot_texts(node: Node, slots: list[tuple[int, int]]) -> list[str]:
    names = names_in(node)
    texts = []
    for number, position in slots:
        if number >= len(names):
            texts.append("?")
            continue
        parts = _index_parts(names[number].subscript)
        texts.append(parts[position] if position < len(parts) else "?")
    return texts


def _read_index(node: Node, slots: list[tuple[int, int]]) -> str:
    texts = _slot_texts(node, slots)
    return texts[0] if len(set(texts)) == 1 else "?"


def _affine(text: str) -> tuple[str, int] | None:
    """Read an index as symbol plus offset: "3" -> ("", 3), "m-1" -> ("m", -1), "n" -> ("n", 0)."""
    text = text.strip()
    if text.isdigit():
        return "", int(text)
    for sign in ("-", "+"):
        if sign in text[1:]:
            name, number = text.split(sign, 1)
            if name.isalpha() and number.isdigit():
                return name, (int(number) if sign == "+" else -int(number))
    if text.isalpha() or (text.startswith("\\") and text[1:].isalpha()):
        return text, 0
    return None


@dataclass
class Pattern:
    """Items that count up from a first item: slot values are start + t for t = 0 .. last."""

    template: Node
    slots: list[tuple[int, int]]
    starts: list[int]
    last: int  # the largest t, at the current size

    def item(self, t: int) -> Node:
        return _substitute(self.template, self.slots, [str(start + t) for start in self.starts])

    def items(self, written: Sequence[Node] | None = None, last: Node | None = None) -> list[Node]:
        """The items at the current size; written items are used as written where they fall.

        The first items as the document writes them (and its last item) take their places, so
        that an item that breaks the pattern is checked as written, not as the pattern says.
        """
        result = [self.item(t) for t in range(self.last + 1)]
        for position, item in enumerate(written or []):
            if position < len(result):
                result[position] = item
        if last is not None and len(result) > len(written or []) and self.slots:
            # The last item as written, with its bound (n, m - 1) replaced by the number.
            result[-1] = _substitute(last, self.slots, [str(start + self.last) for start in self.starts])
        return result


def infer_pattern(interpreter: "Interpreter", first: Node, second: Node, last: Node, what: str) -> Pattern:
    """Infer a counting pattern from its first two items and its last item."""
    slots = _differences(first, second)
    if not slots:
        raise InterpretError(f"cannot tell which index counts in this {what}", "unsupported", first.start.line, first.start.column)
    first_texts, second_texts = _slot_texts(first, slots), _slot_texts(second, slots)
    starts: list[int] = []
    for a, b in zip(first_texts, second_texts):
        if not (a.isdigit() and b.isdigit()) or int(b) - int(a) != 1:
            raise InterpretError(f"the {what} does not count up by one from '{a}' to '{b}'", "unsupported", first.start.line, first.start.column)
        starts.append(int(a))
    last_texts = _slot_texts(last, slots)
    steps: list[int] = []
    for start, text in zip(starts, last_texts):
        affine = _affine(text)
        if affine is None:
            raise InterpretError(f"cannot read the last index '{text}' of the {what}", "unsupported", last.start.line, last.start.column)
        name, offset = affine
        value = offset if not name else _bound_value(interpreter, name, last) + offset
        steps.append(value - start)
    if len(set(steps)) != 1:
        interpreter.note(last, "pattern-break", f"the last item of the {what} ends its indices at different places ({', '.join(last_texts)})")
    if min(steps) < 0:
        raise InterpretError(f"the {what} is empty at this size", "needs-size", first.start.line, first.start.column)
    return Pattern(first, slots, starts, min(steps))


def _bound_value(interpreter: "Interpreter", bound: str, node: Node) -> int:
    if bound.isdigit():
        return int(bound)
    if interpreter.sizes is None:
        raise InterpretError(f"the pattern runs to '{bound}', a size not fixed", "needs-size", node.start.line, node.start.column)
    interpreter.size_symbols.add(bound)
    size = interpreter.sizes.get(bound, interpreter.sizes.get("n", 2))
    if size > MAX_SIZE:
        raise InterpretError(f"the pattern size {size} is larger than {MAX_SIZE}", "too-large", node.start.line, node.start.column)
    return size


def _check_middle(interpreter: "Interpreter", pattern: Pattern, written: Sequence[Node], what: str) -> None:
    """Warn about written items whose indices differ from what the pattern predicts."""
    for offset, item in enumerate(written):
        texts = _slot_texts(item, pattern.slots)
        expected = [str(start + offset) for start in pattern.starts]
        for (number, position), text, predicted in zip(pattern.slots, texts, expected):
            if text != predicted:
                name = names_in(item)[number] if number < len(names_in(item)) else None
                label = name.key() if name is not None else text
                interpreter.note(item, "pattern-break", f"{what} item {offset + 1} ({label}) has index {text} where the pattern predicts {predicted}")
                break


def expand_sequence(interpreter: "Interpreter", items: list[Node]) -> list[Node]:
    """Expand ``a_1, a_2, \\ldots, a_n`` (or ``a_1, \\ldots, a_n``) at the current size."""
    if not any(isinstance(item, Ellipsis_) for item in items):
        return items
    positions = [index for index, item in enumerate(items) if isinstance(item, Ellipsis_)]
    anchor = items[positions[0]]
    if len(positions) != 1 or positions[0] == 0 or positions[0] != len(items) - 2:
        raise InterpretError("an ellipsis in a list must stand between written items, before the last one", "unsupported", anchor.start.line, anchor.start.column)
    head, last = items[: positions[0]], items[-1]
    second = head[1] if len(head) > 1 else last
    pattern = _sequence_pattern(interpreter, head[0], second, last, "list")
    _check_middle(interpreter, pattern, head, "list")
    return pattern.items(head, last)


def _sequence_pattern(interpreter: "Interpreter", first: Node, second: Node, last: Node, what: str) -> Pattern:
    if second is not last and not _differences(first, second):
        # The second item repeats the first: infer the pattern from the first and last items,
        # and let the check of the written items report the repetition.
        second = last
    if second is last:
        # x_1, \ldots, x_n: the counting slots are where the first and last items differ.
        slots = _differences(first, last)
        if slots is not None and not slots and interpreter.sizes:
            # At size 1 the last item is the first one: x_1, ..., x_n is just x_1.
            return Pattern(first, [], [], 0)
        if not slots:
            raise InterpretError(f"cannot tell which index counts in this {what}", "unsupported", first.start.line, first.start.column)
        synthetic = _substitute(first, slots, [str(int(text) + 1) if text.isdigit() else text for text in _slot_texts(first, slots)])
        return infer_pattern(interpreter, first, synthetic, last, what)
    return infer_pattern(interpreter, first, second, last, what)


def expand_matrix(interpreter: "Interpreter", node: Matrix_) -> list[list[Node]]:
    """Expand rows and columns written with ellipses; plain matrices pass through."""
    rows = node.rows
    if not any(isinstance(cell, Ellipsis_) for row in rows for cell in row):
        return rows
    row_is_ellipsis = [all(isinstance(cell, Ellipsis_) for cell in row) for row in rows]
    if any(row_is_ellipsis):
        rows = _expand_axis(interpreter, rows, row_is_ellipsis, node, "row")
    columns = [list(column) for column in zip(*rows)]
    column_is_ellipsis = [all(isinstance(cell, Ellipsis_) for cell in column) for column in columns]
    if any(column_is_ellipsis):
        columns = _expand_axis(interpreter, columns, column_is_ellipsis, node, "column")
        rows = [list(row) for row in zip(*columns)]
    for row in rows:
        for cell in row:
            if isinstance(cell, Ellipsis_):
                raise InterpretError(
                    "an ellipsis in this matrix fills neither a whole row nor a whole column, so the pattern is ambiguous",
                    "unsupported", cell.start.line, cell.start.column,
                )
    return rows


def _expand_axis(interpreter: "Interpreter", lines: list[list[Node]], is_ellipsis: list[bool], node: Matrix_, what: str) -> list[list[Node]]:
    """Expand a list of rows (or columns) of which some are all-ellipsis."""
    if is_ellipsis.count(True) > 2 or is_ellipsis[0] or is_ellipsis[-1]:
        raise InterpretError(f"the {what} ellipses of this matrix do not form one pattern", "unsupported", node.start.line, node.start.column)
    written = [_as_product(line) for line, skip in zip(lines, is_ellipsis) if not skip]
    first_gap = is_ellipsis.index(True)
    numbered = written[:first_gap]  # the items before the first ellipsis count 1, 2, 3, ...
    last = written[-1]
    second = numbered[1] if len(numbered) > 1 else last
    pattern = _sequence_pattern(interpreter, numbered[0], second, last, what)
    _check_middle(interpreter, pattern, numbered, what)
    for item in written[first_gap:]:
        _check_generic(interpreter, item, pattern, what)
    expanded: list[list[Node]] = []
    for product in pattern.items(numbered, last):
        assert isinstance(product, Product)
        expanded.append([cell for _, cell in product.factors])
    return expanded


def _check_generic(interpreter: "Interpreter", item: Node, pattern: Pattern, what: str) -> None:
    """Warn when a generic row (index j) or the last row (index n) mixes indices across its slots."""
    texts = _slot_texts(item, pattern.slots)
    if len(set(texts)) <= 1:
        return
    counts: dict[str, int] = {}
    for text in texts:
        counts[text] = counts.get(text, 0) + 1
    expected = max(counts, key=lambda key: counts[key])
    names = names_in(item)
    for (number, position), text in zip(pattern.slots, texts):
        if text != expected and number < len(names):
            name = names[number]
            parts = _index_parts(name.subscript)
            parts[position] = expected
            predicted = Name(name.start, name.base, _join_parts(parts, name.subscript), name.layer, name.accent)
            interpreter.note(name, "pattern-break", f"entry {name.key()} breaks the {what} pattern: the pattern predicts {predicted.key()}")


def _as_product(line: list[Node]) -> Product:
    return Product(line[0].start, [("", cell) for cell in line])


def expand_product_ellipsis(interpreter: "Interpreter", node: Product) -> list[tuple[str, Node]]:
    """Expand ``a_1 a_2 \\cdots a_m`` inside a product at the current size."""
    factors = node.factors
    positions = [index for index, (_, factor) in enumerate(factors) if isinstance(factor, Ellipsis_)]
    if not positions:
        return factors
    at = positions[0]
    if len(positions) != 1 or at < 2 or at + 1 >= len(factors):
        raise InterpretError("an ellipsis in a product must stand between written factors, with two before it", "unsupported", node.start.line, node.start.column)
    first, second, last = factors[at - 2][1], factors[at - 1][1], factors[at + 1][1]
    pattern = infer_pattern(interpreter, first, second, last, "product")
    middle = [("", item) for item in pattern.items()]
    return factors[: at - 2] + middle + factors[at + 2 :]


def expand_composition(interpreter: "Interpreter", node: Apply) -> Node:
    """Expand ``f_1(f_2(f_3(\\cdots f_m(x))))`` into nested applications at the current size."""
    chain: list[Apply] = [node]
    current: Node = node
    while isinstance(current, Apply) and len(current.arguments) == 1:
        argument = current.arguments[0]
        if isinstance(argument, Apply) and not argument.known:
            chain.append(argument)
            current = argument
            continue
        break
    last_argument: Node | None = chain[-1].arguments[0] if len(chain[-1].arguments) == 1 else None
    if not (isinstance(last_argument, Product) and len(last_argument.factors) == 2 and isinstance(last_argument.factors[0][1], Ellipsis_)):
        return node
    tail = last_argument.factors[1][1]
    if not isinstance(tail, Apply) or len(chain) < 2:
        raise InterpretError("cannot read the nested functions around the ellipsis", "unsupported", node.start.line, node.start.column)
    pattern = infer_pattern(interpreter, chain[0].function, chain[1].function, tail.function, "composition")
    functions = [item for item in pattern.items() if isinstance(item, Name)]
    innermost = functions[-1]
    result: Node = Apply(tail.start, copy.deepcopy(innermost), list(tail.arguments))
    for function in reversed(functions[:-1]):
        assert isinstance(function, Name)
        result = Apply(node.start, function, [result])
    return result


def resolve_sizes(node: Node, sizes: dict[str, int]) -> Node:
    """Copy ``node`` with size symbols in subscripts replaced by numbers: f_m -> f_3, x_{n-1} -> x_2."""
    if not sizes:
        return node
    clone = copy.deepcopy(node)
    for name in names_in(clone):
        if not name.subscript:
            continue
        parts = _index_parts(name.subscript)
        changed = False
        for position, part in enumerate(parts):
            affine = _affine(part)
            if affine is not None and affine[0] in sizes:
                parts[position] = str(sizes[affine[0]] + affine[1])
                changed = True
        if changed:
            name.subscript = _join_parts(parts, name.subscript)
    return clone


__all__ = ["expand_sequence", "expand_matrix", "expand_product_ellipsis", "expand_composition", "names_in"]
