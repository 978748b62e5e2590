"""Tests for the notation layer and its interpretation: each construct parsed and given a value."""

from __future__ import annotations

import time

import pytest
import sympy

from symcheck.api import verify_text
from symcheck.checking.verdict import Verdict
from symcheck.config import Options
from symcheck.document.claims import claims_from_blocks
from symcheck.document.reader import iter_blocks, read_text
from symcheck.notation.ast import (
    Apply, BigOperator, Derivative, Gradient, Jacobian, Matrix_, Name, Power, Prime, Product, Transpose,
)
from symcheck.notation.parser import ParseError, Parsed, parse_side
from symcheck.notation.tokens import strip_layout, tokenize
from symcheck.semantics.context import Scope
from symcheck.semantics.interpret import Interpreter
from symcheck.semantics.leaves import symbol
from symcheck.semantics.reading import read_claim
from symcheck.semantics.values import InterpretError

x, z, u = symbol("x"), symbol("z"), symbol("u")
x_1, x_2 = symbol("x_1"), symbol("x_2")


def parse(latex: str) -> Parsed:
    return parse_side(strip_layout(tokenize(latex)))


def scope_with(*definitions: str) -> Scope:
    """A scope holding the definitions that the displayed formulas ``definitions`` make."""
    scope = Scope()
    for latex in definitions:
        (claim,) = claims_from_blocks(list(iter_blocks(read_text(f"$${latex}$$"))))
        reading = read_claim(claim, scope)
        assert reading.definitions, f"{latex} defines nothing"
        for definition in reading.definitions:
            scope.definitions[definition.name] = definition
    return scope


def value(
    latex: str,
    scope: Scope | None = None,
    sizes: dict[str, int] | None = None,
    variables: tuple[str, ...] = (),
    vectors: tuple[str, ...] = (),
) -> sympy.Basic:
    interpreter = Interpreter(
        scope or Scope(), sizes=sizes, vector_names=set(vectors), variables=[symbol(name) for name in variables]
    )
    return interpreter.value(parse(latex).node)


def evaluated(latex: str, **options: object) -> sympy.Basic:
    return sympy.simplify(value(latex, **options).doit())  # type: ignore[arg-type]


# -- Leibniz quotients --------------------------------------------------------------


def test_leibniz_dy_dx_node() -> None:
    node = parse("\\frac{dy}{dx}").node
    assert isinstance(node, Derivative)
    assert isinstance(node.of, Name)
    assert node.of.key() == "y"
    assert isinstance(node.wrt, Name)
    assert node.wrt.key() == "x"
    assert node.partial is False


def test_leibniz_dy_dx_defined() -> None:
    assert value("\\frac{dy}{dx}", scope=scope_with("y = x^2")) == 2 * x


def test_leibniz_operator_form() -> None:
    node = parse("\\frac{d}{dx}(x^2+3x)").node
    assert isinstance(node, Derivative)
    assert node.of is None
    assert node.operand is not None
    assert value("\\frac{d}{dx}(x^2+3x)") == 2 * x + 3


def test_leibniz_grouped_numerator() -> None:
    assert value("\\frac{d(x^2)}{dx}") == 2 * x


def test_leibniz_root_numerator() -> None:
    assert value("\\frac{d\\sqrt{u}}{du}") == 1 / (2 * sympy.sqrt(u))


def test_leibniz_function_by_other_variable() -> None:
    node = parse("\\frac{df_1}{dx_2}").node
    assert isinstance(node, Derivative)
    assert node.of.key() == "f_1"  # type: ignore[union-attr]
    assert node.wrt.key() == "x_2"  # type: ignore[union-attr]
    defined = value("\\frac{df_1}{dx_2}", scope=scope_with("f_1(x_1, x_2) = x_1 x_2^2"))
    assert defined == 2 * x_1 * x_2


def test_leibniz_parenthesised_denominator() -> None:
    node = parse("\\frac{d(x_1^2)}{(dx_1)}").node
    assert isinstance(node, Derivative)
    assert node.wrt.key() == "x_1"  # type: ignore[union-attr]
    assert value("\\frac{d(x_1^2)}{(dx_1)}") == 2 * x_1


def test_leibniz_by_expression() -> None:
    assert value("\\frac{d(\\sin(x^2))}{d(x^2)}") == sympy.cos(x**2)


def test_leibniz_by_expression_root() -> None:
    radicand = x_1**2 + x_2**2
    result = value("\\frac{d\\sqrt{(x_1^2 + x_2^2)}}{d(x_1^2 + x_2^2)}")
    assert sympy.simplify(result - 1 / (2 * sympy.sqrt(radicand))) == 0


def test_leibniz_without_d_warns() -> None:
    parsed = parse("\\frac{d(x_1^2 + x_2)}{x_1}")
    assert isinstance(parsed.node, Derivative)
    assert parsed.node.missing_d is True
    assert [issue.code for issue in parsed.issues] == ["derivative-without-d"]
    assert (parsed.issues[0].token.line, parsed.issues[0].token.column) == (1, 1)
    assert "x_1" in parsed.issues[0].message
    assert value("\\frac{d(x_1^2 + x_2)}{x_1}") == 2 * x_1


def test_ordinary_fraction_not_derivative() -> None:
    node = parse("\\frac{a}{b}").node
    assert not isinstance(node, Derivative)
    assert value("\\frac{a}{b}") == symbol("a") / symbol("b")


def test_second_partial() -> None:
    node = parse("\\frac{\\partial^2 f}{\\partial x^2}").node
    assert isinstance(node, Derivative)
    assert (node.order, node.partial) == (2, True)
    assert value("\\frac{\\partial^2 f}{\\partial x^2}", scope=scope_with("f(x, y) = x^3 y")) == 6 * x * symbol("y")


# -- primes -------------------------------------------------------------------------


def test_prime_defined_function() -> None:
    node = parse("f'(x)").node
    assert isinstance(node, Prime)
    assert value("f'(x)", scope=scope_with("f(x) = x^3")) == 3 * x**2


def test_prime_of_group() -> None:
    assert value("(x^2)'") == 2 * x


def test_prime_undefined_kept() -> None:
    result = value("\\sigma'(z)")
    sigma = sympy.Function("\\sigma", real=True)
    assert result == sympy.Derivative(sigma(z), z)
    assert result != sigma(z)


def test_prime_second_order() -> None:
    node = parse("f''(x)").node
    assert isinstance(node, Prime)
    assert node.order == 2
    assert value("f''(x)", scope=scope_with("f(x) = x^3")) == 6 * x


# -- standard functions -------------------------------------------------------------


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        ("cos(x_2)", sympy.cos(x_2)),
        ("sin{x}", sympy.sin(x)),
        ("ln(x)", sympy.log(x)),
        ("max(0, z)", sympy.Max(0, z)),
        ("\\max(0,z)", sympy.Max(0, z)),
        ("e^{x_2}", sympy.exp(x_2)),
        ("\\tan x", sympy.tan(x)),
        ("tan(x)", sympy.tan(x)),
        ("\\exp(x)", sympy.exp(x)),
        ("exp(x)", sympy.exp(x)),
        ("\\log x", sympy.log(x)),
        ("\\ln x", sympy.log(x)),
        ("\\log_2 8", sympy.Integer(3)),
        ("\\sin^2 x", sympy.sin(x) ** 2),
        ("\\tanh(z)", sympy.tanh(z)),
    ],
)
def test_standard_function(latex: str, expected: sympy.Basic) -> None:
    assert value(latex) == expected


def test_bare_function_is_apply() -> None:
    node = parse("cos(x_2)").node
    assert isinstance(node, Apply)
    assert node.known is True
    assert node.function.base == "cos"


def test_bare_letters_without_bracket() -> None:
    # "cos" not followed by a bracket is the product c*o*s, as written.
    assert value("cos") == symbol("c") * symbol("o") * symbol("s")


# -- names, indices and powers ------------------------------------------------------


def test_subscript_one_symbol() -> None:
    node = parse("w_{jk}").node
    assert isinstance(node, Name)
    assert node.key() == "w_{jk}"
    assert value("w_{jk}") == symbol("w_{jk}")


def test_layer_superscript() -> None:
    node = parse("a^{l-1}").node
    assert isinstance(node, Name)
    assert node.layer == "l-1"
    assert value("a^{l-1}") == symbol("a^{l-1}")


def test_layer_and_subscript() -> None:
    node = parse("w_{jk}^l").node
    assert isinstance(node, Name)
    assert (node.subscript, node.layer) == ("jk", "l")
    assert node.key() == "w_{jk}^{l}"


def test_number_superscript_power() -> None:
    node = parse("x^2").node
    assert isinstance(node, Power)
    assert value("x^2") == x**2


def test_parenthesised_layer() -> None:
    node = parse("W^{(1)}").node
    assert isinstance(node, Name)
    assert node.layer == "(1)"


# -- transposes ---------------------------------------------------------------------


@pytest.mark.parametrize("latex", ["W^T", "W^{\\top}", "W^{T}"])
def test_transpose_vector(latex: str) -> None:
    node = parse(latex).node
    assert isinstance(node, Transpose)
    result = value(latex, sizes={"n": 2}, vectors=("W",))
    assert result == sympy.ImmutableMatrix([[symbol("W_1"), symbol("W_2")]])


def test_transpose_times_vector() -> None:
    node = parse("x^Tw").node
    assert isinstance(node, Product)
    assert isinstance(node.factors[0][1], Transpose)
    result = value("x^Tw", sizes={"n": 3}, vectors=("x", "w"))
    assert result == sum(symbol(f"x_{i}") * symbol(f"w_{i}") for i in range(1, 4))


def test_transpose_without_shape_needs_size() -> None:
    with pytest.raises(InterpretError) as caught:
        value("W^T")
    assert caught.value.kind == "needs-size"


# -- accents ------------------------------------------------------------------------


@pytest.mark.parametrize(("latex", "key", "accent"), [("\\mathbf{w}", "w", "mathbf"), ("\\vec v", "v", "vec"), ("\\hat y", "\\hat{y}", "hat")])
def test_accent_name(latex: str, key: str, accent: str) -> None:
    node = parse(latex).node
    assert isinstance(node, Name)
    assert node.key() == key
    assert node.accent == accent


def test_bold_vector_components() -> None:
    assert value("\\mathbf{w}", sizes={"n": 2}) == sympy.ImmutableMatrix([symbol("w_1"), symbol("w_2")])
    assert value("\\vec v", sizes={"n": 3}) == sympy.ImmutableMatrix([symbol(f"v_{i}") for i in range(1, 4)])


def test_hat_symbol() -> None:
    assert value("\\hat y") == symbol("\\hat{y}")
    assert value("\\hat{y}_i") == symbol("\\hat{y}_i")


# -- sums, limits, matrices ---------------------------------------------------------


def test_mse_whole_sum() -> None:
    node = parse("\\frac{1}{N}\\sum_{i=1}^{N}(y_i-\\hat{y}_i)^2").node
    assert isinstance(node, Product)
    assert isinstance(node.factors[1][1], BigOperator)
    result = value("\\frac{1}{N}\\sum_{i=1}^{N}(y_i-\\hat{y}_i)^2", sizes={"N": 3})
    squares = sum((symbol(f"y_{i}") - symbol(f"\\hat{{y}}_{i}")) ** 2 for i in range(1, 4))
    # N is the size here, so 1/N is 1/3 as well.
    assert sympy.expand(result - squares / 3) == 0


def test_sum_needs_size() -> None:
    with pytest.raises(InterpretError) as caught:
        value("\\sum_{i=1}^{N} y_i")
    assert caught.value.kind == "needs-size"


def test_limit_evaluates() -> None:
    node = parse("\\lim_{\\Delta\\to0}\\frac{(x+\\Delta)^2-x^2}{\\Delta}").node
    assert isinstance(node, BigOperator)
    assert node.operator == "lim"
    assert evaluated("\\lim_{\\Delta\\to0}\\frac{(x+\\Delta)^2-x^2}{\\Delta}") == 2 * x


def test_bmatrix_spacer_rows() -> None:
    node = parse("\\begin{bmatrix} 1 & 2 \\\\ \\\\ 3 & 4 \\end{bmatrix}").node
    assert isinstance(node, Matrix_)
    assert len(node.rows) == 2
    assert value("\\begin{bmatrix} 1 & 2 \\\\ \\\\ 3 & 4 \\end{bmatrix}") == sympy.ImmutableMatrix([[1, 2], [3, 4]])


def test_hadamard_product() -> None:
    result = value("\\begin{bmatrix} a \\\\ b \\end{bmatrix} \\odot \\begin{bmatrix} c \\\\ d \\end{bmatrix}")
    a, b, c, d = (symbol(name) for name in "abcd")
    assert result == sympy.ImmutableMatrix([a * c, b * d])


# -- gradients and Jacobians --------------------------------------------------------


def test_gradient_defined_column() -> None:
    node = parse("\\nabla f").node
    assert isinstance(node, Gradient)
    assert node.transposed is False
    result = value("\\nabla f", scope=scope_with("f(x_1, x_2) = x_1^2 x_2"))
    assert result == sympy.ImmutableMatrix([2 * x_1 * x_2, x_1**2])


def test_gradient_transposed_row() -> None:
    node = parse("\\nabla^T f").node
    assert isinstance(node, Gradient)
    assert node.transposed is True
    result = value("\\nabla^T f", scope=scope_with("f(x_1, x_2) = x_1^2 x_2"))
    assert result == sympy.ImmutableMatrix([[2 * x_1 * x_2, x_1**2]])


def test_jacobian_numerator_layout() -> None:
    node = parse("J [x_1 x_2; x_1 + x_2^2]").node
    assert isinstance(node, Jacobian)
    result = value("J [x_1 x_2; x_1 + x_2^2]")
    assert result == sympy.ImmutableMatrix([[x_2, x_1], [1, 2 * x_2]])


def test_jacobian_defined_functions() -> None:
    scope = scope_with("f_1(x_1, x_2) = x_1 x_2", "f_2(x_1, x_2) = x_1 + x_2^2")
    assert value("J [f_1; f_2]", scope=scope) == sympy.ImmutableMatrix([[x_2, x_1], [1, 2 * x_2]])


# -- located parse errors -----------------------------------------------------------


@pytest.mark.parametrize(
    ("latex", "line", "column", "message"),
    [
        ("4\\sqrt(2)", 1, 7, "'\\sqrt' needs a braced argument, found '('"),
        ("(1-2)(3-4", 1, 6, "unbalanced '(': no closing ')'"),
        ("x +", 1, 3, "'+' has nothing after it"),
    ],
)
def test_parse_error_located(latex: str, line: int, column: int, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(latex)
    assert caught.value.token is not None
    assert (caught.value.token.line, caught.value.token.column) == (line, column)
    assert caught.value.message == message


def test_parse_error_second_line() -> None:
    with pytest.raises(ParseError) as caught:
        parse_side(strip_layout(tokenize("a +\n  (b", line=7, column=3)))
    assert caught.value.token is not None
    assert (caught.value.token.line, caught.value.token.column) == (8, 3)


def test_absolute_value_parses() -> None:
    assert value("|x|") == sympy.Abs(x)


# -- bounded work -------------------------------------------------------------------


def test_power_tower_too_large() -> None:
    started = time.monotonic()
    with pytest.raises(InterpretError) as caught:
        value("5^{5^{5^{5}}}")
    assert caught.value.kind == "too-large"
    assert time.monotonic() - started < 5


def test_power_tower_verdict_bounded() -> None:
    started = time.monotonic()
    report = verify_text("$$5^{5^{5^{5}}} = 5$$", options=Options(budget=1.0, cache=False))
    elapsed = time.monotonic() - started
    (claim,) = report.claims
    assert claim.verdict is Verdict.INCONCLUSIVE
    assert "too large" in claim.message
    assert elapsed < 5
