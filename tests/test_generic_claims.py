"""General claims checked by instantiation: ellipsis patterns, arbitrary functions, vectors,
matrices, shapes and sums."""

from __future__ import annotations

import pytest

from symcheck.api import verify_text
from symcheck.checking.verdict import ClaimResult, Verdict
from symcheck.config import Options

OPTIONS = Options(budget=4, cache=False)


def check(latex: str, preamble: str = "") -> ClaimResult:
    """Check one displayed formula after ``preamble`` and return its claim."""
    report = verify_text(f"{preamble}\n```latex\n{latex}\n```\n", options=OPTIONS)
    claims = [claim for claim in report.claims if claim.verdict is not Verdict.DEFINITION or claim.steps]
    assert claims, report.to_dict()
    return claims[-1]


def codes(claim: ClaimResult) -> list[str]:
    return [warning.code for warning in claim.warnings]


GRADIENT_ROWS = r"\frac{df(x_1, x_2, \ldots, x_n)}{dx_1} \\ \\ \frac{df(x_1, x_2, \ldots, x_n)}{dx_2} \\ \\ \ldots \\ \\ \frac{df(x_1, x_2, \ldots, x_n)}{dx_n}"


def test_gradient_pattern_supported_at_sizes() -> None:
    claim = check(rf"\nabla f(x_1, x_2, \ldots, x_n) = \begin{{bmatrix}} {GRADIENT_ROWS} \end{{bmatrix}}")
    # Proofs at n = 1..4 are evidence for every n, not a proof: the verdict is numeric.
    assert claim.verdict is Verdict.NUMERIC
    assert claim.steps[0].message == "proved symbolically at each size n = 1, 2, 3, 4, but not for every size"


def test_gradient_broken_row_refuted() -> None:
    broken = GRADIENT_ROWS.replace("{dx_2}", "{dx_1}")
    claim = check(rf"\nabla f(x_1, x_2, \ldots, x_n) = \begin{{bmatrix}} {broken} \end{{bmatrix}}")
    assert claim.verdict is Verdict.REFUTED
    assert "pattern-break" in codes(claim)
    assert any("predicts 2" in warning.message for warning in claim.warnings)


def test_gradient_row_sign_refuted() -> None:
    negated = GRADIENT_ROWS.replace(r"\frac{df(x_1, x_2, \ldots, x_n)}{dx_2}", r"-\frac{df(x_1, x_2, \ldots, x_n)}{dx_2}")
    claim = check(rf"\nabla f(x_1, x_2, \ldots, x_n) = \begin{{bmatrix}} {negated} \end{{bmatrix}}")
    assert claim.verdict is Verdict.REFUTED


MATRIX = r"\begin{bmatrix} w_{11} & w_{12} & \cdots & w_{1m} \\ \\ w_{21} & w_{22} & \cdots & w_{2m} \\ \\ \vdots & \vdots & \cdots & \vdots \\ \\ w_{n1} & w_{n2} & \cdots & w_{nm} \end{bmatrix}"


def test_patterned_matrix_gives_shape() -> None:
    report = verify_text(f"```latex\n{MATRIX}\n```\n", options=OPTIONS)
    (claim,) = report.claims
    assert claim.verdict is Verdict.DEFINITION
    assert claim.message == "gives the shape of W: n x m"
    assert claim.warnings == []


def test_patterned_matrix_broken_entry_warns() -> None:
    report = verify_text(f"```latex\n{MATRIX.replace('w_{n2}', 'w_{j2}')}\n```\n", options=OPTIONS)
    (claim,) = report.claims
    assert codes(claim) == ["pattern-break"]
    assert claim.warnings[0].message == "entry w_{j2} breaks the row pattern: the pattern predicts w_{n2}"


DOT_PREAMBLE = "```latex\nA = [a_1, a_2, \\ldots, a_n]^T, B = [b_1, b_2, \\ldots, b_n]^T\n```\n"


def test_dot_product_supported() -> None:
    claim = check(r"\mathbf{A}^T \mathbf{B} = \sum_{i=1}^{n} a_ib_i", DOT_PREAMBLE)
    assert claim.verdict is Verdict.NUMERIC


@pytest.mark.parametrize(
    "wrong",
    [
        r"-\sum_{i=1}^{n} a_ib_i",  # sign
        r"2\sum_{i=1}^{n} a_ib_i",  # coefficient
        r"\sum_{i=1}^{n} a_i^2b_i",  # exponent
        r"\sum_{i=1}^{n} a_ib_{i+1}",  # index
    ],
)
def test_dot_product_variants_refuted(wrong: str) -> None:
    claim = check(rf"\mathbf{{A}}^T \mathbf{{B}} = {wrong}", DOT_PREAMBLE)
    assert claim.verdict is Verdict.REFUTED
    assert claim.steps[0].counterexample is not None
    assert claim.steps[0].counterexample.size


CHAIN = r"\frac{df_1(f_2(f_3(\cdots f_m(x))))}{dx}"


def test_chain_rule_supported() -> None:
    claim = check(rf"{CHAIN} = \frac{{df_1}}{{df_2}} \frac{{df_2}}{{df_3}} \cdots \frac{{df_{{m-1}}}}{{df_m}} \frac{{df_m}}{{dx}}")
    assert claim.verdict is Verdict.NUMERIC
    assert claim.steps[0].method == "instantiation"


@pytest.mark.parametrize(
    "wrong",
    [
        r"-\frac{df_1}{df_2} \frac{df_2}{df_3} \cdots \frac{df_{m-1}}{df_m} \frac{df_m}{dx}",
        r"2\frac{df_1}{df_2} \frac{df_2}{df_3} \cdots \frac{df_{m-1}}{df_m} \frac{df_m}{dx}",
        r"\frac{df_1}{df_2} \frac{df_2}{df_3} \cdots \frac{df_{m-1}}{df_m}",
    ],
)
def test_chain_rule_variants_refuted(wrong: str) -> None:
    claim = check(f"{CHAIN} = {wrong}")
    assert claim.verdict is Verdict.REFUTED
    counterexample = claim.steps[0].counterexample
    assert counterexample is not None
    assert counterexample.functions
    assert "m" in counterexample.size


def test_product_rule_scalar_supported() -> None:
    assert check(r"(u \odot v)' = u' \odot v + u \odot v'").verdict is Verdict.PROVED


def test_product_rule_scalar_sign_refuted() -> None:
    claim = check(r"(u \odot v)' = u' \odot v - u \odot v'")
    assert claim.verdict is Verdict.REFUTED


def test_product_rule_gradient_supported() -> None:
    assert check(r"\nabla (f \odot g) = \nabla f \odot g + f \odot \nabla g").verdict is Verdict.NUMERIC


def test_product_rule_gradient_coefficient_refuted() -> None:
    assert check(r"\nabla (f \odot g) = 2\nabla f \odot g + f \odot \nabla g").verdict is Verdict.REFUTED


def test_gradient_wrt_named_vector() -> None:
    assert check(r"\nabla_v (\vec v^T \vec w) = \vec w").verdict is Verdict.NUMERIC
    assert check(r"\nabla_v (\vec v^T \vec w) = \vec v").verdict is Verdict.REFUTED


def test_elementwise_jacobian_wrong_refuted() -> None:
    claim = check(r"J (\vec v \odot \vec w) = diag(\vec w)")
    assert claim.verdict is Verdict.REFUTED
    assert "left side is" in claim.steps[0].message


def test_declared_shapes_product() -> None:
    preamble = "<!-- symcheck: A is n x m; x is a column vector of size m -->\n"
    assert check(r"(A x)^T = x^T A^T", preamble).verdict is Verdict.NUMERIC


def test_declared_shape_mismatch_names_shapes() -> None:
    preamble = "<!-- symcheck: A is n x m; x is a column vector of size n -->\n"
    claim = check(r"(A x)^T = x^T A^T", preamble)
    assert claim.verdict is Verdict.REFUTED
    assert "A is n x m but x is n x 1" in claim.steps[0].message


def test_layer_row_convention_mismatch() -> None:
    preamble = f"```latex\n{MATRIX.replace('w_', 'w^l_').replace('}} &', '}} &')}\n```\n"
    preamble = "```latex\n" + MATRIX.replace("w_{", "w^l_{") + "\n```\n"
    claim = check(r"z^l = a^{l-1}W^l + b^l = x^l W^l + b^l", preamble)
    assert claim.verdict is Verdict.REFUTED
    assert "a^{l-1} is 1 x m but W^{l} is n x m" in claim.steps[0].message


def test_layer_column_convention_supported() -> None:
    preamble = "```latex\n" + MATRIX.replace("w_{", "w^l_{") + "\n```\n```latex\na^{l-1} = x^l\n```\n"
    claim = check(r"z^l = W^l a^{l-1} + b^l = W^l x^l + b^l", preamble)
    assert claim.verdict is Verdict.NUMERIC


def test_unused_summation_index_warns() -> None:
    report = verify_text("```latex\nS = \\sum_{i=1}^{n} x_j\n```\n", options=OPTIONS)
    assert codes(report.claims[0]) == ["unused-summation-index"]


def test_average_bounds_warn() -> None:
    report = verify_text("```latex\nC = \\frac{1}{2m}\\sum_{i = 0}^{m} (y_i - \\hat y_i)^2\n```\n", options=OPTIONS)
    assert codes(report.claims[0]) == ["summation-bounds"]
    assert "m + 1 terms" in report.claims[0].warnings[0].message


def test_juxtaposed_matrices_warn_with_alternative() -> None:
    latex = r"J \begin{bmatrix} 2x_1 + x_2^3 \\ -13x_1 + e^{x_2} \end{bmatrix} = \begin{bmatrix} 2 & 3x_2 \\ -13 & 1 \end{bmatrix} \begin{bmatrix} 2 & 3x_2^2 \\ -13 & e^{x_2} \end{bmatrix}"
    claim = check(latex)
    assert claim.verdict is Verdict.REFUTED
    warning = next(w for w in claim.warnings if w.code == "juxtaposed-matrices")
    assert "which does not hold either" in warning.message


def test_sum_proved_for_every_size() -> None:
    claim = check(r"\sum_{i=1}^{n} (x_i + 1) = n + \sum_{i=1}^{n} x_i")
    assert claim.verdict is Verdict.PROVED
    assert claim.steps[0].message == "the difference simplifies to 0 for every size"


def test_polynomial_trap_not_proved() -> None:
    # True at n = 1..4 only: instances are evidence, never a proof.
    claim = check(r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2} + (n-1)(n-2)(n-3)(n-4)")
    assert claim.verdict is Verdict.NUMERIC


def test_sum_wrong_count_refuted() -> None:
    assert check(r"\sum_{i=1}^{n} (x_i + 1) = n - 1 + \sum_{i=1}^{n} x_i").verdict is Verdict.REFUTED


def test_mixed_bounds_warn() -> None:
    latex = r"J \begin{bmatrix} f_1(x_1, x_2, \ldots, x_n) \\ \\ f_2(x_1, x_2, \ldots, x_n) \end{bmatrix} = \begin{bmatrix} \frac{df_1}{dx_1} & \ldots & \frac{df_1}{dx_m} \\ \\ \frac{df_2}{dx_1} & \ldots & \frac{df_2}{dx_m} \end{bmatrix}"
    claim = check(latex)
    warning = next(w for w in claim.warnings if w.code == "mixed-bounds")
    assert warning.message == "x_m ends the indices of x here, but the rest of the claim runs them to x_n"
