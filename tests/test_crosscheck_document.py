"""``symcheck crosscheck``: reading a document's network, its findings and the numeric cross-check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from symcheck.crosscheck_command import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from symcheck.nn import PAIRS, NetworkSpec
from symcheck.nn.document import AGREES, DISAGREES, DocumentCrosscheck, crosscheck_document
from symcheck.semantics.context import Shape

DOCUMENT = Path(__file__).resolve().parent.parent / "formulas" / "neural-network-math.md"

# A network of two ReLU layers with a hidden layer of 3 or more neurons makes crosscheck_network
# raise TypeError: the symbolic ReLU of a sum of ReLUs gets an ITE condition, which lambdify
# prints as np.select(..., default=nan), a float array that np.select rejects as a condition.
# Tests of ReLU documents therefore pass sizes with a hidden layer of 2.
RELU_SIZES = (3, 2, 4)

CONSISTENT_SIGMOID = r"""# A sigmoid network

The activation is the logistic function:

$$\sigma(x) = \frac{1}{1 + e^{-x}}$$

The weights of layer l, with j over the neurons of layer l and k over those of layer l - 1:

$$
\begin{bmatrix}
w_{11}^l & \cdots & w_{1m}^l \\
\vdots & \ddots & \vdots \\
w_{n1}^l & \cdots & w_{nm}^l
\end{bmatrix}
$$

Each layer computes

$$z^l = W^l a^{l-1} + b^l$$

$$a^l = \sigma(z^l)$$

The cost over m examples is

$$C = \frac{1}{2m}\sum_{i=1}^{m} \|y^{(i)} - a^{L(i)}\|^2$$
"""

GRADIENTS = r"""
## Backpropagation

$$\delta^L = (a^L - y) \odot \sigma'(z^L)$$

$$\delta^l = ((W^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)$$

$$\frac{\partial C}{\partial W^l} = \delta^l (a^{l-1})^T$$

$$\frac{\partial C}{\partial b^l} = \delta^l$$

$$\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k \delta^l_j$$
"""

WRONG_GRADIENTS = r"""
## Backpropagation

$$\delta^L = (a^L - y) \odot \sigma(z^L)$$

$$\frac{\partial C}{\partial W^l} = \delta^l a^{l-1}$$

$$\frac{\partial C}{\partial W^l} = a^{l-1} (\delta^l)^T$$

$$\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_j \delta^l_k$$

$$\frac{\partial C}{\partial b^l} = \delta^l$$
"""

ROW_RELU = r"""# Row convention

$$\sigma(x) = \max(0, x)$$

$$a^{l} = \sigma(a^{l-1} W^{l} + b^{l})$$

$$C = \frac{1}{2} (y - \hat{y})^2$$

$$\delta^L = \frac{\partial C}{\partial a^L} \odot \sigma'(z^L)$$

$$\delta^l = (\delta^{l+1} (W^{l+1})^T) \odot \sigma'(z^l)$$

$$\nabla_{W^l} C = (a^{l-1})^T \delta^l$$

$$\frac{\partial C}{\partial a^{l-1}} = \delta^l (W^l)^T$$
"""


def _line_of(text: str, start: int = 1) -> int:
    """The 1-based number of the first line of the repository document at or after ``start`` that contains ``text``."""
    lines = DOCUMENT.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if number >= start and text in line:
            return number
    raise AssertionError(f"{text!r} not found in {DOCUMENT}")


def _write(tmp_path: Path, text: str, name: str = "network.md") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _by_quantity(checks: list) -> dict[str, list]:
    found: dict[str, list] = {}
    for check in checks:
        found.setdefault(check.quantity, []).append(check)
    return found


@pytest.fixture(scope="module")
def repository_report() -> DocumentCrosscheck:
    return crosscheck_document(str(DOCUMENT), sizes=RELU_SIZES)


# -- the repository's formulas/neural-network-math.md ---------------------------------------


def test_repository_document_activation_is_relu(repository_report: DocumentCrosscheck) -> None:
    line = _line_of(r"\sigma(x) = max(0, x)")

    assert repository_report.activation == "relu"
    assert repository_report.activation_location == f"{DOCUMENT}:{line}"
    assert repository_report.activation_latex == r"\sigma(x) = max(0, x)"


def test_repository_document_uses_row_convention(repository_report: DocumentCrosscheck) -> None:
    line = _line_of(r"a^l = \sigma(a^{l - 1}W^l + b^l)")

    assert repository_report.convention == "row"
    assert repository_report.layer_location == f"{DOCUMENT}:{line}"
    assert repository_report.convention_reason == "a^{l-1} left of W^{l}"


def test_repository_document_weight_shape_finding(repository_report: DocumentCrosscheck) -> None:
    matrix_line = _line_of("w_{11}^l & w_{12}^l") - 1
    layer_line = _line_of(r"a^l = \sigma(a^{l - 1}W^l + b^l)")
    findings = [finding for finding in repository_report.findings if finding.code == "weight-shape"]

    assert repository_report.weight_shape == Shape("n", "m")
    assert repository_report.required_weight_shape == Shape("m", "n")
    assert repository_report.weight_shape_location == f"{DOCUMENT}:{matrix_line}"
    assert len(findings) == 1
    assert (findings[0].line, findings[0].column) == (layer_line, 14)
    assert "uses the row convention" in findings[0].message
    assert "W^{l} must be m x n (inputs x outputs)" in findings[0].message
    assert f"the matrix written at line {matrix_line} is n x m" in findings[0].message
    assert "its rows are the neurons of layer l" in findings[0].message


def test_repository_document_cost_findings(repository_report: DocumentCrosscheck) -> None:
    cost_line = _line_of(r"C = \frac{1}{2m}\sum_{i = 0}^{m}")
    findings = {finding.code: finding for finding in repository_report.findings}

    assert repository_report.cost == "mean squared error"
    assert repository_report.cost_location == f"{DOCUMENT}:{cost_line}"
    assert findings["cost-bounds"].line == cost_line
    assert findings["cost-bounds"].message == "the cost sums from i = 0 to m, which is m + 1 terms, but divides by 2m"
    assert findings["cost-index"].line == cost_line
    assert findings["cost-index"].message == (
        r"the summation index i does not occur in the summand (y - \hat y)^2, so every term of the sum is the same"
    )
    assert sorted(findings) == ["cost-bounds", "cost-index", "weight-shape"]


def test_repository_document_numeric_agreement(repository_report: DocumentCrosscheck) -> None:
    result = repository_report.result

    assert repository_report.spec == NetworkSpec(RELU_SIZES, ("relu", "relu"), "row", "mse")
    assert repository_report.crosscheck_error == ""
    assert result is not None
    assert result.ok, result.summary
    for pair in PAIRS:
        assert result.max_rel_error[pair] <= 1e-9, pair


def test_repository_document_layer_formulas_agree(repository_report: DocumentCrosscheck) -> None:
    checks = repository_report.layer_formulas

    assert [check.quantity for check in checks] == ["a^{l}", "z^{l}", "a^{l}"]
    for check in checks:
        assert check.status == AGREES, check.message
        assert check.layers == [1, 2]


def test_repository_document_states_no_gradient_formulas(repository_report: DocumentCrosscheck) -> None:
    assert repository_report.gradient_formulas == []
    assert "gradient formulas: the document states no gradient formulas" in repository_report.summary


def test_repository_document_summary_lists_findings(repository_report: DocumentCrosscheck) -> None:
    layer_line = _line_of(r"a^l = \sigma(a^{l - 1}W^l + b^l)")
    summary = repository_report.summary

    assert summary.startswith(f"crosscheck of {DOCUMENT}: FAILED (3 findings)")
    assert f"{DOCUMENT}:{layer_line}:14: weight-shape: " in summary
    assert "network: 3-2-4 (relu, relu), row convention, mse cost, sizes as requested" in summary
    assert "W^1 is 3 x 2, W^2 is 2 x 4 (inputs x outputs)" in summary


def test_repository_document_default_sizes_cross_check() -> None:
    report = crosscheck_document(str(DOCUMENT))

    assert report.spec == NetworkSpec((3, 4, 2), ("relu", "relu"), "row", "mse")
    assert report.crosscheck_error == ""
    assert report.result is not None and report.result.ok


def test_repository_document_exits_with_findings(capsys: pytest.CaptureFixture[str]) -> None:
    status = main([str(DOCUMENT), "--sizes", "3,2,4", "--format", "json"])
    report = json.loads(capsys.readouterr().out)

    assert status == EXIT_FAILED
    assert report["ok"] is False
    assert report["activation"]["name"] == "relu"
    assert report["layer_formula"]["convention"] == "row"
    assert [finding["code"] for finding in report["findings"]] == ["weight-shape", "cost-bounds", "cost-index"]
    assert report["crosscheck"]["ok"] is True
    assert report["gradient_formulas"] == []


# -- documents written here --------------------------------------------------------------


def test_consistent_sigmoid_document_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, CONSISTENT_SIGMOID)

    status = main([path])
    output = capsys.readouterr().out
    report = crosscheck_document(path)

    assert status == EXIT_OK, output
    assert output.startswith(f"crosscheck of {path}: passed")
    assert report.findings == []
    assert report.activation == "sigmoid"
    assert report.activation_location == f"{path}:5"
    assert report.convention == "column"
    assert report.weight_shape == Shape("n", "m")
    assert report.required_weight_shape == Shape("n", "m")
    assert report.cost == "mean squared error"
    assert report.spec == NetworkSpec((3, 4, 2), ("sigmoid", "sigmoid"), "column", "mse")
    assert report.sizes_chosen
    assert report.result is not None and report.result.ok
    assert [check.status for check in report.layer_formulas] == [AGREES, AGREES]
    assert report.ok


def test_consistent_sigmoid_document_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, CONSISTENT_SIGMOID)

    status = main([path, "--format", "json"])
    report = json.loads(capsys.readouterr().out)

    assert status == EXIT_OK
    assert report["ok"] is True
    assert report["findings"] == []
    assert report["network"]["sizes"] == [3, 4, 2]
    assert report["weights"] == {"name": "W^{l}", "written_shape": "n x m", "location": f"{path}:10", "required_shape": "n x m"}
    assert set(report["crosscheck"]["max_rel_error"]) == set(PAIRS)


def test_correct_gradient_formulas_agree(tmp_path: Path) -> None:
    report = crosscheck_document(_write(tmp_path, CONSISTENT_SIGMOID + GRADIENTS))
    checks = _by_quantity(report.gradient_formulas)

    assert list(checks) == ["\\delta^{L}", "\\delta^{l}", "dC/dW^{l}", "dC/db^{l}", "dC/dw_{jk}^{l}"]
    for quantity, (check,) in checks.items():
        assert check.status == AGREES, f"{quantity}: {check.message}"
        assert check.max_rel_error is not None and check.max_rel_error <= 1e-12
    assert checks["\\delta^{L}"][0].layers == [2]
    assert not checks["\\delta^{L}"][0].generic
    assert checks["\\delta^{l}"][0].layers == [1]
    assert checks["dC/dW^{l}"][0].layers == [1, 2]
    assert report.ok


def test_wrong_gradient_formulas_disagree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, CONSISTENT_SIGMOID + WRONG_GRADIENTS)
    report = crosscheck_document(path)
    wrong_derivative, missing_transpose, transposed, swapped_indices, bias = report.gradient_formulas

    assert report.findings == []
    assert report.result is not None and report.result.ok
    assert wrong_derivative.quantity == "\\delta^{L}"
    assert wrong_derivative.status == DISAGREES
    assert "differs from \\delta^{L} computed by backpropagation" in wrong_derivative.message
    assert missing_transpose.status == DISAGREES
    # The document writes W^l out, so the Interpreter names the shapes with its size symbols.
    assert missing_transpose.message == "at l = 1: \\delta^{l} is n x 1 but a^{l-1} is m x 1: the product is undefined"
    assert transposed.status == DISAGREES
    assert "the right side is 3 x 4, its transpose, but dC/dW^{l} is 4 x 3 in the column convention" in transposed.message
    assert swapped_indices.status == DISAGREES
    assert bias.status == AGREES
    assert not report.ok
    assert main([path]) == EXIT_FAILED
    assert "formulas disagree" in capsys.readouterr().out


def test_row_convention_relu_gradients_agree(tmp_path: Path) -> None:
    report = crosscheck_document(_write(tmp_path, ROW_RELU), sizes=RELU_SIZES)
    checks = _by_quantity(report.gradient_formulas)

    assert report.activation == "relu"
    assert report.convention == "row"
    assert report.findings == []
    assert list(checks) == ["\\delta^{L}", "\\delta^{l}", "dC/dW^{l}", "dC/da^{l-1}"]
    for quantity, (check,) in checks.items():
        assert check.status == AGREES, f"{quantity}: {check.message}"
    assert report.ok, report.summary


def test_column_formula_with_transposed_matrix_is_flagged(tmp_path: Path) -> None:
    text = CONSISTENT_SIGMOID.replace("z^l = W^l a^{l-1} + b^l", "z^l = a^{l-1} W^l + b^l")
    report = crosscheck_document(_write(tmp_path, text))
    (finding,) = report.findings

    assert report.convention == "row"
    assert finding.code == "weight-shape"
    assert (finding.line, finding.column) == (19, 9)
    assert "W^{l} must be m x n (inputs x outputs), but the matrix written at line 10 is n x m" in finding.message


def test_transposed_weights_in_column_formula(tmp_path: Path) -> None:
    text = CONSISTENT_SIGMOID.replace("z^l = W^l a^{l-1} + b^l", "z^l = (W^l)^T a^{l-1} + b^l") + (
        "\n$$\\frac{\\partial C}{\\partial W^l} = a^{l-1} (\\delta^l)^T$$\n"
    )
    report = crosscheck_document(_write(tmp_path, text))
    (finding,) = report.findings
    (gradient,) = report.gradient_formulas

    assert report.convention == "column"
    assert report.weight_transposed
    assert report.convention_reason == "a^{l-1} right of (W^{l})^T"
    assert finding.code == "weight-shape"
    assert "W^{l} must be m x n (inputs x outputs)" in finding.message
    assert gradient.status == AGREES, gradient.message
    assert "the document's W^{l} is the transpose of these" in report.summary


def test_mixed_conventions_are_flagged(tmp_path: Path) -> None:
    text = CONSISTENT_SIGMOID.replace("$$a^l = \\sigma(z^l)$$", "$$a^l = \\sigma(a^{l-1} W^l + b^l)$$")
    report = crosscheck_document(_write(tmp_path, text))
    codes = [finding.code for finding in report.findings]

    assert report.convention == "column"
    assert "mixed-conventions" in codes
    mixed = next(finding for finding in report.findings if finding.code == "mixed-conventions")
    assert mixed.line == 21
    assert "the one at line 19 uses the column convention" in mixed.message


def test_cost_without_half_is_unsupported(tmp_path: Path) -> None:
    text = CONSISTENT_SIGMOID.replace(r"\frac{1}{2m}", r"\frac{1}{m}")
    report = crosscheck_document(_write(tmp_path, text))

    assert report.cost == "squared error scaled by 1/m"
    assert [finding.code for finding in report.findings] == ["unsupported-cost"]
    assert "scaled by 1 rather than 1/2" in report.findings[0].message


def test_unknown_activation_builds_no_network(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = CONSISTENT_SIGMOID.replace(r"\sigma(x) = \frac{1}{1 + e^{-x}}", r"\sigma(x) = x^2")
    path = _write(tmp_path, text)
    report = crosscheck_document(path)

    assert report.activation is None
    assert [finding.code for finding in report.findings] == ["unknown-activation"]
    assert report.findings[0].line == 5
    assert report.spec is None
    assert report.result is None
    assert all(check.status == "not evaluated" for check in report.layer_formulas)
    assert main([path]) == EXIT_FAILED
    assert "network: not built" in capsys.readouterr().out


def test_document_without_layer_formula(tmp_path: Path) -> None:
    report = crosscheck_document(_write(tmp_path, "# Notes\n\n$$\\sigma(x) = \\tanh(x)$$\n"))
    codes = [finding.code for finding in report.findings]

    assert report.activation == "tanh"
    assert report.convention is None
    assert codes == ["missing-layer-formula", "missing-cost"]
    assert report.spec is None
    assert not report.ok


def test_missing_file_exits_with_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.md"

    assert main([str(missing)]) == EXIT_USAGE
    assert f"symcheck: file not found: {missing}" in capsys.readouterr().err
    assert main([str(tmp_path)]) == EXIT_USAGE


@pytest.mark.parametrize("sizes", ["3", "3,x", "3,0,2", "3,17", "2,2,2,2,2,2"])
def test_invalid_sizes_are_usage_errors(tmp_path: Path, sizes: str) -> None:
    path = _write(tmp_path, CONSISTENT_SIGMOID)

    with pytest.raises(SystemExit) as exit_info:
        main([path, "--sizes", sizes])

    assert exit_info.value.code == EXIT_USAGE
