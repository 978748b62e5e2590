"""Shapes a document gives without declaring them.

A matrix written out with indexed entries, such as the entries ``w_{jk}^l`` for j = 1..n and
k = 1..m, gives the shape n x m to the matrix named by the capital letter, ``W^l``. In that
indexing (rows are the neurons of layer l, columns those of layer l - 1), layer l has n
neurons and layer l - 1 has m, which sizes the layer vectors: activations, biases and
pre-activations ``a^l, b^l, z^l`` have the size of their layer, and the input ``x^l`` of layer l
has the size of layer l - 1. A vector written directly left of a matrix is a row vector.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..notation.ast import Matrix_, Name, Node, Product, Sum_, walk
from .context import Scope, Shape
from .interpret import Interpreter, Note
from .patterns import _index_parts, expand_matrix, names_in

# Layer vectors sized by their own layer, and those sized by the layer before it.
SAME_LAYER = {"a", "b", "z", "\\delta", "\\sigma", "y", "h"}
PREVIOUS_LAYER = {"x"}


@dataclass
class GivenShape:
    """The shape a written-out matrix gives, with the pattern warnings found in it."""

    name: str  # symbol key of the matrix, e.g. "W^{l}"
    shape: Shape
    notes: list[Note] = field(default_factory=list)


def shape_from_matrix(node: Node) -> GivenShape | None:
    """Return the shape a matrix of indexed entries of one letter gives, or None."""
    if not isinstance(node, Matrix_):
        return None
    entries = [cell for row in node.rows for cell in row if isinstance(cell, Name)]
    if not entries:
        return None
    bases = {(entry.base, entry.layer) for entry in entries}
    if len(bases) != 1:
        return None
    base, layer = bases.pop()
    if not base.isalpha() or len(base) != 1:
        return None
    last_row = [cell for cell in node.rows[-1] if isinstance(cell, Name)]
    last_column = [row[-1] for row in node.rows if isinstance(row[-1], Name)]
    if not last_row or not last_column:
        return None
    rows_index = _index_parts(last_row[0].subscript)
    columns_index = _index_parts(last_column[0].subscript)  # type: ignore[union-attr]
    if len(rows_index) != 2 or len(columns_index) != 2:
        return None
    rows, columns = rows_index[0], columns_index[1]
    interpreter = Interpreter(Scope(), sizes={rows: 3, columns: 4} if rows != columns else {rows: 3})
    try:
        expand_matrix(interpreter, node)
    except Exception:  # noqa: BLE001 - a pattern that cannot be expanded still gives its shape
        pass
    matrix_name = Name(node.start, base.upper(), "", layer).key()
    return GivenShape(matrix_name, Shape(rows, columns), interpreter.notes)


def layer_shapes(scope: Scope) -> dict[str, Shape]:
    """Sizes of layer vectors implied by the layer matrices with known shapes in ``scope``."""
    derived: dict[str, Shape] = {}
    for key, shape in scope.shapes.items():
        if "^{" not in key or shape.rows == shape.columns:
            continue
        head, layer = key.split("^", 1)
        layer = layer.strip("{}")
        if not head.isupper():
            continue
        previous = f"{layer}-1"
        for family in SAME_LAYER:
            derived.setdefault(f"{family}^{{{layer}}}", Shape(shape.rows, "1"))
            derived.setdefault(f"{family}^{{{previous}}}", Shape(shape.columns, "1"))
        for family in PREVIOUS_LAYER:
            derived.setdefault(f"{family}^{{{layer}}}", Shape(shape.columns, "1"))
    return derived


def row_vectors(nodes: list[Node], matrices: set[str]) -> set[str]:
    """Names written directly left of a known matrix in a product: a^{l-1} W^l."""
    rows: set[str] = set()

    def row_product(item: object) -> bool:
        if not isinstance(item, Product):
            return False
        found = False
        for (_, left), (operator, right) in zip(item.factors, item.factors[1:]):
            if isinstance(left, Name) and isinstance(right, Name) and operator in ("", "cdot") and right.key() in matrices:
                rows.add(left.key())
                found = True
        return found

    for item in walk(nodes):
        row_product(item)
        if isinstance(item, Sum_) and any(row_product(term) for _, term in item.terms):
            # a^{l-1} W^l + b^l: a vector added to a row is a row.
            for _, term in item.terms:
                if isinstance(term, Name):
                    rows.add(term.key())
    return rows


__all__ = ["GivenShape", "shape_from_matrix", "layer_shapes", "row_vectors", "names_in"]
