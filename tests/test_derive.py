"""symcheck.derive: gradients, Jacobians, Hessians, the chain rule, check_equal and ``symcheck derive``."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy
import pytest
import sympy

import symcheck
import symcheck.derive
from symcheck.cli import main
from symcheck.derive import DeriveError, Derivation, broadcasting_function, read_latex
from symcheck.semantics.leaves import symbol

x, y, t, u = (symbol(name) for name in ("x", "y", "t", "u"))
x_1, x_2, x_10 = (symbol(name) for name in ("x_1", "x_2", "x_{10}"))

EXAMPLE = r"\begin{bmatrix} 2x_1 + x_2^3 \\ -13x_1 + e^{x_2} \end{bmatrix}"
EXAMPLE_JACOBIAN = sympy.Matrix([[2, 3 * x_2**2], [-13, sympy.exp(x_2)]])


# -- jacobian --------------------------------------------------------------------------


def test_jacobian_of_example() -> None:
    result = symcheck.jacobian(EXAMPLE, wrt=["x_1", "x_2"])
    assert isinstance(result, Derivation)
    assert result.expr == EXAMPLE_JACOBIAN
    assert result.variables == (x_1, x_2)
    assert result.kind == "jacobian"


@pytest.mark.parametrize("wrong", [
    sympy.Matrix([[-2, 3 * x_2**2], [-13, sympy.exp(x_2)]]),  # sign
    sympy.Matrix([[2, 2 * x_2**2], [-13, sympy.exp(x_2)]]),  # coefficient
    sympy.Matrix([[2, 3 * x_2**3], [-13, sympy.exp(x_2)]]),  # exponent
    sympy.Matrix([[2, 3 * x_1**2], [-13, sympy.exp(x_2)]]),  # index
    sympy.Matrix([[2, -13], [3 * x_2**2, sympy.exp(x_2)]]),  # transposed
])
def test_jacobian_wrong_variants_refuted(wrong: sympy.Matrix) -> None:
    result = symcheck.jacobian(EXAMPLE, wrt=["x_1", "x_2"])
    assert result.expr != wrong
    assert symcheck.check_equal(result.expr, wrong).verdict is symcheck.Verdict.REFUTED


def test_jacobian_latex_and_text() -> None:
    result = symcheck.jacobian(EXAMPLE, wrt=["x_1", "x_2"])
    assert result.latex == r"\left[\begin{matrix}2 & 3 x_{2}^{2}\\-13 & e^{x_{2}}\end{matrix}\right]"
    assert result.text == "Matrix([[2, 3*x_2**2], [-13, exp(x_2)]])"
    assert str(result) == result.text


def test_jacobian_of_component_list() -> None:
    result = symcheck.jacobian(["2x_1 + x_2^3", "-13x_1 + e^{x_2}"], wrt=["x_1", "x_2"])
    assert result.expr == EXAMPLE_JACOBIAN


def test_jacobian_of_sympy_matrix() -> None:
    vector = sympy.Matrix([2 * x_1 + x_2**3, -13 * x_1 + sympy.exp(x_2)])
    assert symcheck.jacobian(vector, wrt=[x_1, x_2]).expr == EXAMPLE_JACOBIAN


def test_jacobian_of_row_vector() -> None:
    result = symcheck.jacobian(r"\begin{bmatrix} x y & x + y \end{bmatrix}", wrt=["x", "y"])
    assert result.expr == sympy.Matrix([[y, x], [1, 1]])


def test_jacobian_of_scalar_is_row() -> None:
    result = symcheck.jacobian("x^2 y", wrt=["x", "y"])
    assert result.expr == sympy.Matrix([[2 * x * y, x**2]])


def test_jacobian_variable_order() -> None:
    result = symcheck.jacobian(EXAMPLE, wrt=["x_2", "x_1"])
    assert result.expr == sympy.Matrix([[3 * x_2**2, 2], [sympy.exp(x_2), -13]])


def test_jacobian_rejects_matrix() -> None:
    with pytest.raises(DeriveError, match="needs a scalar or a vector, not a 2 x 2 matrix"):
        symcheck.jacobian(r"\begin{bmatrix} x & y \\ y & x \end{bmatrix}")


# -- gradient --------------------------------------------------------------------------


def test_gradient_is_column() -> None:
    result = symcheck.gradient(r"x_1^2 + \cos(x_2)", wrt=["x_1", "x_2"])
    assert result.expr == sympy.Matrix([[2 * x_1], [-sympy.sin(x_2)]])
    assert result.expr.shape == (2, 1)


@pytest.mark.parametrize("wrong", [
    sympy.Matrix([[-2 * x_1], [-sympy.sin(x_2)]]),  # sign
    sympy.Matrix([[2 * x_1], [sympy.sin(x_2)]]),  # sign of the derivative of cos
    sympy.Matrix([[x_1], [-sympy.sin(x_2)]]),  # coefficient
    sympy.Matrix([[2 * x_1**2], [-sympy.sin(x_2)]]),  # exponent
    sympy.Matrix([[2 * x_2], [-sympy.sin(x_2)]]),  # index
])
def test_gradient_wrong_variants_refuted(wrong: sympy.Matrix) -> None:
    result = symcheck.gradient(r"x_1^2 + \cos(x_2)", wrt=["x_1", "x_2"])
    assert symcheck.check_equal(result.expr, wrong).verdict is symcheck.Verdict.REFUTED


def test_gradient_default_variables_natural_order() -> None:
    result = symcheck.gradient("x_{10} + x_2^2 + x_1")
    assert result.variables == (x_1, x_2, x_10)
    assert result.expr == sympy.Matrix([[1], [2 * x_2], [1]])


def test_gradient_parameters() -> None:
    result = symcheck.gradient(r"\alpha x^2 + \beta", wrt="x")
    assert result.expr == sympy.Matrix([[2 * symbol("alpha") * x]])
    assert [str(parameter) for parameter in result.parameters] == ["alpha", "beta"]


def test_gradient_greek_variable() -> None:
    result = symcheck.gradient(r"\alpha x^2", wrt=[r"\alpha"])
    assert result.expr == sympy.Matrix([[x**2]])


def test_gradient_of_sympy_expression() -> None:
    plain_x = sympy.Symbol("x")
    result = symcheck.gradient(sympy.sin(plain_x) ** 2, wrt=[plain_x])
    assert result.expr == sympy.Matrix([[2 * sympy.sin(plain_x) * sympy.cos(plain_x)]])


def test_gradient_variable_by_name_matches_sympy_symbol() -> None:
    plain_x = sympy.Symbol("x")
    result = symcheck.gradient(plain_x**3, wrt="x")
    assert result.variables == (plain_x,)
    assert result.expr == sympy.Matrix([[3 * plain_x**2]])


def test_gradient_of_constant() -> None:
    assert symcheck.gradient(3, wrt="x").expr == sympy.Matrix([[0]])


def test_gradient_evaluates_written_derivative() -> None:
    result = symcheck.gradient(r"\frac{d}{dx} x^3", wrt="x")
    assert result.function == 3 * x**2
    assert result.expr == sympy.Matrix([[6 * x]])


def test_gradient_simplify() -> None:
    result = symcheck.gradient(r"\sin(x)^2 + \cos(x)^2 + x", wrt="x", simplify=True)
    assert result.expr == sympy.Matrix([[1]])


@pytest.mark.parametrize(("formula", "message"), [
    ("x @ y", "cannot parse 'x @ y' at column 3"),
    ("", "the formula is empty"),
    (r"\vec x^T \vec x", "write the components"),
    (r"\begin{bmatrix} x \\ y \end{bmatrix}", "gradient needs a scalar formula, not a 2 x 1 matrix"),
    ("x = y", "cannot parse 'x = y'"),
])
def test_gradient_errors(formula: str, message: str) -> None:
    with pytest.raises(DeriveError, match=message.replace("\\", "\\\\").replace("(", r"\(").replace(")", r"\)")):
        symcheck.gradient(formula)


def test_gradient_rejects_bad_wrt() -> None:
    with pytest.raises(DeriveError, match="'x \\+ y' is not a single variable name"):
        symcheck.gradient("x^2", wrt=["x + y"])
    with pytest.raises(DeriveError, match="wrt names x more than once"):
        symcheck.gradient("x^2", wrt=["x", "x"])
    with pytest.raises(DeriveError, match="wrt is empty"):
        symcheck.gradient("x^2", wrt=[])
    with pytest.raises(DeriveError, match="no variables"):
        symcheck.gradient("3")


def test_gradient_rejects_other_types() -> None:
    with pytest.raises(DeriveError, match="not dict"):
        symcheck.gradient({"x": 1})  # type: ignore[arg-type]
    with pytest.raises(DeriveError, match="boolean"):
        symcheck.gradient(True)


# -- hessian ---------------------------------------------------------------------------


def test_hessian_values() -> None:
    result = symcheck.hessian("x^2 y + y^3", wrt=["x", "y"])
    assert result.expr == sympy.Matrix([[2 * y, 2 * x], [2 * x, 6 * y]])
    assert result.expr.T == result.expr


@pytest.mark.parametrize("wrong", [
    sympy.Matrix([[-2 * y, 2 * x], [2 * x, 6 * y]]),  # sign
    sympy.Matrix([[2 * y, 2 * x], [2 * x, 3 * y]]),  # coefficient
    sympy.Matrix([[2 * y, 2 * x], [2 * x, 6 * y**2]]),  # exponent
    sympy.Matrix([[2 * x, 2 * x], [2 * x, 6 * y]]),  # variable swapped
])
def test_hessian_wrong_variants_refuted(wrong: sympy.Matrix) -> None:
    result = symcheck.hessian("x^2 y + y^3", wrt=["x", "y"])
    assert symcheck.check_equal(result.expr, wrong).verdict is symcheck.Verdict.REFUTED


def test_hessian_mixed_partials() -> None:
    result = symcheck.hessian(r"\sin(x y)", wrt=["x", "y"])
    mixed = sympy.cos(x * y) - x * y * sympy.sin(x * y)
    assert sympy.simplify(result.expr[0, 1] - mixed) == 0
    assert sympy.simplify(result.expr[1, 0] - mixed) == 0


# -- chain rule ------------------------------------------------------------------------


def test_chain_rule_scalar() -> None:
    result = symcheck.chain_rule(r"\sin(u)", "x^2", "u")
    assert result.expr == 2 * x * sympy.cos(x**2)
    assert result.function == sympy.sin(x**2)
    assert result.factors == (sympy.Matrix([[sympy.cos(x**2)]]), sympy.Matrix([[2 * x]]))


@pytest.mark.parametrize("wrong", [
    -2 * x * sympy.cos(x**2),  # sign
    x * sympy.cos(x**2),  # coefficient
    2 * x * sympy.cos(x**3),  # exponent
    2 * x * sympy.cos(x),  # outer derivative not evaluated at the inner value
])
def test_chain_rule_wrong_variants_refuted(wrong: sympy.Expr) -> None:
    result = symcheck.chain_rule(r"\sin(u)", "x^2", "u")
    assert symcheck.check_equal(result.expr, wrong).verdict is symcheck.Verdict.REFUTED


def test_chain_rule_agrees_with_direct_jacobian() -> None:
    outer = r"\begin{bmatrix} u v \\ u + v \end{bmatrix}"
    result = symcheck.chain_rule(outer, [r"\cos(t)", "t^2"], ["u", "v"])
    direct = symcheck.jacobian([r"\cos(t) t^2", r"\cos(t) + t^2"], wrt="t")
    assert result.expr.shape == (2, 1)
    assert (result.expr - direct.expr).applyfunc(sympy.simplify) == sympy.zeros(2, 1)


def test_chain_rule_several_inner_variables() -> None:
    result = symcheck.chain_rule("u^2", "x y", "u", wrt=["x", "y"])
    assert result.expr == sympy.Matrix([[2 * x * y**2, 2 * x**2 * y]])


def test_chain_rule_component_mismatch() -> None:
    with pytest.raises(DeriveError, match="2 variable"):
        symcheck.chain_rule("u v", "x", ["u", "v"])


# -- NumPy -----------------------------------------------------------------------------


def test_numpy_example_matches_finite_differences() -> None:
    result = symcheck.jacobian(EXAMPLE, wrt=["x_1", "x_2"])
    point = numpy.array([0.3, -0.7])
    step = 1e-6

    def function(values: numpy.ndarray) -> numpy.ndarray:
        return numpy.array([2 * values[0] + values[1] ** 3, -13 * values[0] + numpy.exp(values[1])])

    numeric = numpy.column_stack([(function(point + step * e) - function(point - step * e)) / (2 * step) for e in numpy.eye(2)])
    assert numpy.allclose(result.numpy(*point), numeric, atol=1e-6)


def test_numpy_constant_entries_broadcast() -> None:
    result = symcheck.jacobian(EXAMPLE, wrt=["x_1", "x_2"])
    x1 = numpy.linspace(0, 1, 5)
    x2 = numpy.linspace(-1, 1, 5)
    values = result.numpy(x1, x2)
    assert values.shape == (2, 2, 5)
    assert numpy.all(values[0, 0] == 2)
    assert numpy.all(values[1, 0] == -13)
    assert numpy.allclose(values[0, 1], 3 * x2**2)
    assert numpy.allclose(values[1, 1], numpy.exp(x2))


def test_numpy_grid_broadcast() -> None:
    result = symcheck.gradient("x_1 + x_2", wrt=["x_1", "x_2"])
    values = result.numpy(numpy.zeros((4, 3)), 1.0)
    assert values.shape == (2, 1, 4, 3)
    assert numpy.all(values == 1)


def test_numpy_scalar_result() -> None:
    result = symcheck.chain_rule(r"\sin(u)", "x^2", "u")
    assert result.numpy(2.0) == pytest.approx(4 * numpy.cos(4.0))
    assert result.numpy(numpy.array([1.0, 2.0])).shape == (2,)


def test_numpy_takes_parameters_after_variables() -> None:
    result = symcheck.gradient(r"\alpha x^2", wrt="x")
    assert result.numpy(3.0, 2.0)[0, 0] == pytest.approx(12.0)


def test_numpy_wrong_argument_count() -> None:
    result = symcheck.gradient("x y", wrt=["x", "y"])
    with pytest.raises(TypeError, match=r"expected 2 argument\(s\) \(x, y\), got 1"):
        result.numpy(1.0)


def test_numpy_unusual_names() -> None:
    result = symcheck.gradient(r"x_{12} W^{l} + \theta_1", wrt=["x_{12}"])
    assert result.numpy(1.0, 2.0, 5.0)[0, 0] == pytest.approx(2.0)


def test_numpy_rejects_arbitrary_function() -> None:
    result = symcheck.gradient("f(x)", wrt="x")
    with pytest.raises(DeriveError, match="arbitrary function"):
        result.numpy  # noqa: B018 - the property compiles the function


def test_broadcasting_function_without_arguments() -> None:
    assert broadcasting_function(sympy.Integer(3), [])() == 3


# -- security --------------------------------------------------------------------------


@pytest.mark.parametrize("formula", [
    "__import__('os').system('touch marker')",
    "exec('open(\"marker\", \"w\")')",
    r"\text{__import__('os')}",
])
def test_formula_text_is_not_evaluated(formula: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    try:
        result = symcheck.gradient(formula)
        result.numpy  # noqa: B018 - compiling must not run document text either
    except DeriveError:
        pass
    assert not (tmp_path / "marker").exists()


def test_read_latex_does_not_parse_python(monkeypatch: pytest.MonkeyPatch) -> None:
    import sympy.parsing.sympy_parser as sympy_parser

    def reject(*args: object, **kwargs: object) -> None:
        raise AssertionError("parse_expr must not be called")

    monkeypatch.setattr(sympy_parser, "parse_expr", reject)
    assert read_latex(r"x^2 + \sin(y)") == x**2 + sympy.sin(y)


# -- check_equal -----------------------------------------------------------------------


def test_check_equal_proved() -> None:
    result = symcheck.check_equal(r"\frac{d}{dx}(x^2)", "2x")
    assert result.verdict is symcheck.Verdict.PROVED
    assert result.counterexample is None


@pytest.mark.parametrize("wrong", ["3x", "-2x", "2x^2", "2y"])
def test_check_equal_refuted(wrong: str) -> None:
    result = symcheck.check_equal(r"\frac{d}{dx}(x^2)", wrong)
    assert result.verdict is symcheck.Verdict.REFUTED
    assert result.counterexample is not None
    assert result.message == "the sides differ"


def test_check_equal_counterexample_values() -> None:
    result = symcheck.check_equal(r"\frac{d}{dx}(x^2)", "3x")
    assert result.counterexample is not None
    point = sympy.Rational(result.counterexample.point["x"])
    assert float(result.counterexample.lhs_value) == pytest.approx(float(2 * point))
    assert float(result.counterexample.rhs_value) == pytest.approx(float(3 * point))
    assert result.expected == "2 x"


def test_check_equal_general_vectors() -> None:
    # Proved at each instantiated size: evidence for every n, so numeric.
    assert symcheck.check_equal(r"\vec x^T \vec y", r"\vec y^T \vec x").verdict is symcheck.Verdict.NUMERIC
    assert symcheck.check_equal(r"\vec x^T \vec y", r"2\vec y^T \vec x").verdict is symcheck.Verdict.REFUTED
    assert symcheck.check_equal(r"\vec x^T \vec y", r"\vec y \vec x^T").verdict is symcheck.Verdict.REFUTED


def test_check_equal_unparsed_names_side() -> None:
    result = symcheck.check_equal("x^2", "x @ 2")
    assert result.verdict is symcheck.Verdict.UNPARSED
    assert result.message == "right side, column 3: cannot read '@' here"


def test_check_equal_empty_side() -> None:
    result = symcheck.check_equal("  ", "x")
    assert result.verdict is symcheck.Verdict.UNPARSED
    assert result.message == "the left side is empty"


def test_check_equal_sympy_values() -> None:
    plain_x = sympy.Symbol("x")
    identity = symcheck.check_equal(sympy.sin(plain_x) ** 2 + sympy.cos(plain_x) ** 2, 1)
    assert identity.verdict is symcheck.Verdict.PROVED
    wrong = symcheck.check_equal(sympy.sin(plain_x) ** 2 - sympy.cos(plain_x) ** 2, 1)
    assert wrong.verdict is symcheck.Verdict.REFUTED
    assert wrong.counterexample is not None


def test_check_equal_mixed_inputs() -> None:
    assert symcheck.check_equal(r"\cos(x)^2", sympy.cos(x) ** 2).verdict is symcheck.Verdict.PROVED
    assert symcheck.check_equal(r"\cos(x)^3", sympy.cos(x) ** 2).verdict is symcheck.Verdict.REFUTED
    result = symcheck.check_equal("x @", sympy.cos(x))
    assert result.verdict is symcheck.Verdict.UNPARSED


def test_check_equal_shapes_differ() -> None:
    result = symcheck.check_equal(sympy.Matrix([[x], [y]]), sympy.Matrix([[x], [y], [x]]))
    assert result.verdict is symcheck.Verdict.REFUTED
    assert result.method == "shape"
    assert result.message == "the left side is 2 x 1 but the right side is 3 x 1"


def test_check_equal_row_against_column() -> None:
    result = symcheck.check_equal(sympy.Matrix([[x], [y]]), sympy.Matrix([[x, y]]))
    assert result.verdict is symcheck.Verdict.INCONCLUSIVE
    assert result.method == "shape"


def test_check_equal_accepts_derivation_expr() -> None:
    result = symcheck.gradient(r"x_1^2 + \cos(x_2)", wrt=["x_1", "x_2"])
    written = r"\begin{bmatrix} 2x_1 \\ -\sin(x_2) \end{bmatrix}"
    assert symcheck.check_equal(written, result.expr).verdict is symcheck.Verdict.PROVED


# -- symcheck derive -------------------------------------------------------------------


def test_cli_derive_gradient(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["derive", "gradient", r"x_1^2 + \cos(x_2)", "--wrt", "x_1,x_2"])
    output = capsys.readouterr().out.splitlines()
    assert status == 0
    assert output == [
        "gradient with respect to x_1, x_2",
        r"latex: \left[\begin{matrix}2 x_{1}\\- \sin{\left(x_{2} \right)}\end{matrix}\right]",
        "text:  Matrix([[2*x_1], [-sin(x_2)]])",
    ]


def test_cli_derive_jacobian_components(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["derive", "jacobian", "2x_1 + x_2^3", "-13x_1 + e^{x_2}", "--format", "text"])
    assert status == 0
    assert capsys.readouterr().out == "Matrix([[2, 3*x_2**2], [-13, exp(x_2)]])\n"


def test_cli_derive_jacobian_matrix(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["derive", "jacobian", EXAMPLE, "--wrt", "x_1,x_2", "--format", "latex"])
    assert status == 0
    assert capsys.readouterr().out == "\\left[\\begin{matrix}2 & 3 x_{2}^{2}\\\\-13 & e^{x_{2}}\\end{matrix}\\right]\n"


def test_cli_derive_hessian(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "hessian", "x^2 y", "--format", "text"]) == 0
    assert capsys.readouterr().out == "Matrix([[2*y, 2*x], [2*x, 0]])\n"


def test_cli_derive_wrt_with_braced_comma(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "gradient", "x_{1,2}^2 + y", "--wrt", "x_{1,2},y", "--format", "text"]) == 0
    assert capsys.readouterr().out == "Matrix([[2*x_{1,2}], [1]])\n"


def test_cli_derive_parse_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "gradient", "x @ y"]) == 2
    assert capsys.readouterr().err == "symcheck: cannot parse 'x @ y' at column 3: cannot read '@' here\n"


def test_cli_derive_one_formula_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "hessian", "x", "y"]) == 2
    assert "hessian takes one formula, not 2" in capsys.readouterr().err


def test_cli_derive_unknown_kind(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["derive", "divergence", "x"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'divergence'" in capsys.readouterr().err


def test_docstring_examples() -> None:
    results = doctest.testmod(symcheck.derive)
    assert results.attempted == 2
    assert results.failed == 0
