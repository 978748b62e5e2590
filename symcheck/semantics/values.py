"""Values of notation: SymPy scalars and matrices, and the arithmetic between them.

Vectors are matrices: a column vector is n x 1, a row vector 1 x n. A 1 x 1 matrix is used as
a scalar. Every shape error is an InterpretError that states both shapes.
"""

from __future__ import annotations

from typing import Union

import sympy
from sympy.matrices import MatrixBase

Value = Union[sympy.Expr, MatrixBase]


class InterpretError(Exception):
    """A formula that parses but has no meaning symcheck can give it; ``kind`` says why.

    Kinds: "shape" (a shape mismatch: the formula is wrong as written), "unsupported" (a
    construct symcheck cannot interpret), "needs-size" (a general claim that must be
    instantiated at a size first), "ambiguous".
    """

    def __init__(self, message: str, kind: str = "unsupported", line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.line = line
        self.column = column


def is_matrix(value: object) -> bool:
    return isinstance(value, MatrixBase)


def shape_text(value: Value) -> str:
    if is_matrix(value):
        rows, columns = value.shape  # type: ignore[union-attr]
        return f"{rows} x {columns}"
    return "a scalar"


def as_scalar(value: Value) -> Value:
    """Turn a 1 x 1 matrix into its entry; leave everything else as it is."""
    if is_matrix(value) and value.shape == (1, 1):  # type: ignore[union-attr]
        return value[0, 0]  # type: ignore[index]
    return value


def matrix(rows: list[list[sympy.Expr]]) -> MatrixBase:
    return sympy.ImmutableMatrix(rows)


def add(left: Value, right: Value, what: str = "sum") -> Value:
    left, right = as_scalar(left), as_scalar(right)
    if is_matrix(left) != is_matrix(right):
        # 1 - sigma(z) with z a vector: the scalar is added to every entry, as NumPy broadcasts.
        matrix_value = left if is_matrix(left) else right
        scalar = right if is_matrix(left) else left
        if 1 in matrix_value.shape:  # type: ignore[union-attr]
            return sympy.ImmutableMatrix(matrix_value.applyfunc(lambda entry: entry + scalar))  # type: ignore[union-attr]
        raise InterpretError(f"cannot add {shape_text(left)} and {shape_text(right)} in a {what}", "shape")
    if is_matrix(left) and left.shape != right.shape:  # type: ignore[union-attr]
        raise InterpretError(f"cannot add a {shape_text(left)} matrix and a {shape_text(right)} matrix", "shape")
    return left + right  # type: ignore[operator]


def negate(value: Value) -> Value:
    return -value  # type: ignore[operator]


def multiply(left: Value, right: Value, left_text: str = "the left factor", right_text: str = "the right factor") -> Value:
    """Multiply as written: a matrix product when both are matrices, else scaling."""
    left, right = as_scalar(left), as_scalar(right)
    if is_matrix(left) and is_matrix(right):
        if left.shape[1] != right.shape[0]:  # type: ignore[union-attr]
            raise InterpretError(
                f"{left_text} is {shape_text(left)} but {right_text} is {shape_text(right)}: the product is undefined",
                "shape",
            )
        return as_scalar(sympy.ImmutableMatrix(left * right))  # type: ignore[operator]
    return left * right  # type: ignore[operator]


def hadamard(left: Value, right: Value) -> Value:
    """Element-wise product; a scalar on either side scales the other."""
    left, right = as_scalar(left), as_scalar(right)
    if is_matrix(left) and is_matrix(right):
        if left.shape != right.shape:  # type: ignore[union-attr]
            raise InterpretError(
                f"the element-wise product needs equal shapes, not {shape_text(left)} and {shape_text(right)}", "shape"
            )
        return sympy.ImmutableMatrix(left.multiply_elementwise(right))  # type: ignore[union-attr]
    return left * right  # type: ignore[operator]


def outer(left: Value, right: Value) -> Value:
    left, right = as_scalar(left), as_scalar(right)
    if not (is_matrix(left) and is_matrix(right)):
        return left * right  # type: ignore[operator]
    left_column = sympy.ImmutableMatrix(list(left))  # type: ignore[arg-type]
    right_row = sympy.ImmutableMatrix(list(right)).T  # type: ignore[arg-type]
    return sympy.ImmutableMatrix(left_column * right_row)


def divide(left: Value, right: Value) -> Value:
    right = as_scalar(right)
    if is_matrix(right):
        raise InterpretError(f"cannot divide by a {shape_text(right)} matrix", "shape")
    left = as_scalar(left)
    if is_matrix(left):
        return sympy.ImmutableMatrix(left / right)  # type: ignore[operator]
    return left / right  # type: ignore[operator]


def power(base: Value, exponent: Value) -> Value:
    base, exponent = as_scalar(base), as_scalar(exponent)
    if is_matrix(exponent):
        raise InterpretError("an exponent cannot be a matrix", "shape")
    if is_matrix(base):
        rows, columns = base.shape  # type: ignore[union-attr]
        if rows != columns:
            raise InterpretError(f"cannot raise a {rows} x {columns} matrix to a power", "shape")
        return sympy.ImmutableMatrix(base ** exponent)  # type: ignore[operator]
    return sympy.Pow(base, exponent)


def transpose(value: Value) -> Value:
    if is_matrix(value):
        return as_scalar(sympy.ImmutableMatrix(value.T))  # type: ignore[union-attr]
    return value


def apply_elementwise(function: object, value: Value) -> Value:
    if is_matrix(value):
        return sympy.ImmutableMatrix(value.applyfunc(function))  # type: ignore[union-attr]
    return function(value)  # type: ignore[operator]
