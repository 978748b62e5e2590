"""Every directive kind end to end: through ``symcheck verify`` and through the pytest plugin.

Directives are HTML comments, ``<!-- symcheck: ... -->``: skip, xfail and budget act on the
next claim; assumptions and shape declarations hold to the end of the document.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# See tests/test_plugin.py: in-process pytester runs reuse modules imported before them.
import symcheck.checking.checker  # noqa: F401
import symcheck.report  # noqa: F401
from symcheck.cli import main

try:
    import hypothesis  # noqa: F401
except ImportError:  # pragma: no cover - hypothesis is a test extra
    pass

PYPROJECT = '[tool.symcheck]\npaths = ["docs"]\ncache = false\n'

SKIP = r"""
<!-- symcheck: skip -->
$$\frac{d}{dx}(x^3) = 5x$$

$$\frac{d}{dx}(x^3) = 3x^2$$
"""

XFAIL = r"""
<!-- symcheck: xfail the coefficient is wrong -->
$$\frac{d}{dx}(x^4) = 3x^3$$

$$\frac{d}{dx}(x^4) = 4x^3$$
"""

XFAIL_PROVED = r"""
<!-- symcheck: xfail -->
$$\frac{d}{dx}(x^4) = 4x^3$$
"""

# A general claim (vectors of any size) is decided at each size in turn; 0.01 s leaves no time
# for any size, while the default budget proves it. The budget holds for the next claim only.
BUDGET = r"""
<!-- symcheck: budget 0.01s -->
$$\vec x^T \vec y = \vec y^T \vec x$$

$$\vec x^T \vec y = \vec y^T \vec x$$
"""

INVALID_BUDGET = r"""
<!-- symcheck: budget soon -->
$$x + x = 2x$$
"""

# Without shapes A and B are scalars, so AB = BA holds; declared as matrices they do not
# commute. The declared shapes also decide which products exist.
SHAPES = r"""
$$AB = BA$$

<!-- symcheck: A is a matrix; B is a matrix -->
$$AB = BA$$

<!-- symcheck: W is 2 x 3; v is a column vector of size 3 -->
$$(W v)^T = v^T W^T$$

$$(W v)^T = W^T v^T$$

$$(W v)^T = -v^T W^T$$

$$(W v)^T = 2 v^T W^T$$

<!-- symcheck: u is a row vector of size 2 -->
$$u u^T = u_1^2 + u_2^2$$

$$u u^T = u_1^2 - u_2^2$$

$$u u^T = 2u_1^2 + u_2^2$$

$$u u^T = u_1^3 + u_2^2$$

$$u u^T = u_1^2 + u_1^2$$
"""

# sqrt(x^2) = x holds for x > 0 only; sqrt(z^2) = -z for z < 0 only.
ASSUME_POSITIVE = r"""
<!-- symcheck: assume x > 0 -->
$$\sqrt{x^2} = x$$
"""

ASSUME_NEGATIVE = r"""
<!-- symcheck: assume z < 0 -->
$$\sqrt{z^2} = -z$$
"""

NO_ASSUMPTION = r"""
$$\sqrt{x^2} = x$$

$$\sqrt{z^2} = -z$$
"""

ASSUMPTION_NOT_RETROACTIVE = r"""
$$\sqrt{x^2} = x$$

<!-- symcheck: assume x > 0 -->
$$\sqrt{x^2} = -x$$
"""



def write_document(folder: Path, text: str, name: str = "doc.md") -> Path:
    path = folder / name
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line, in ``text`` as written to disk, of the given occurrence of ``fragment``."""
    seen = 0
    for number, line in enumerate(text.lstrip("\n").splitlines(), start=1):
        if fragment in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{fragment!r} does not occur {occurrence} time(s)")


# -- through `symcheck verify` ---------------------------------------------------------


def verify(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[int, dict]]:
    """Run ``symcheck verify --format json`` on ``text``; return the exit status and claims by line."""
    path = write_document(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    status = main(["verify", "--format", "json", "--no-cache", str(path)])
    report = json.loads(capsys.readouterr().out)
    claims = {claim["line"]: claim for claim in report["files"][0]["claims"]}
    return status, claims


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    return lambda text: verify(tmp_path, text, capsys, monkeypatch)


def test_cli_skip(cli) -> None:
    status, claims = cli(SKIP)
    skipped = claims[line_of(SKIP, "5x")]
    assert skipped["directive"] == "skip"
    assert skipped["steps"] == []
    assert claims[line_of(SKIP, "3x^2")]["verdict"] == "proved"
    assert claims[line_of(SKIP, "3x^2")]["directive"] == ""
    assert status == 0


def test_cli_skip_text_marker(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_document(tmp_path, SKIP)
    monkeypatch.chdir(tmp_path)
    main(["verify", "--no-cache", "--color", "never", str(path)])
    output = capsys.readouterr().out
    assert f"doc.md:{line_of(SKIP, '5x')}:3: inconclusive: skipped by a directive [skip]" in output


def test_cli_xfail(cli) -> None:
    status, claims = cli(XFAIL)
    expected_failure = claims[line_of(XFAIL, "3x^3")]
    assert expected_failure["directive"] == "xfail"
    assert expected_failure["verdict"] == "refuted"
    assert claims[line_of(XFAIL, "4x^3")]["verdict"] == "proved"
    assert status == 0


def test_cli_xfail_on_proved_claim_fails(cli) -> None:
    status, claims = cli(XFAIL_PROVED)
    assert claims[line_of(XFAIL_PROVED, "4x^3")]["verdict"] == "proved"
    assert status == 1


def test_cli_budget(cli) -> None:
    status, claims = cli(BUDGET)
    limited = claims[line_of(BUDGET, "vec x", 1)]
    assert limited["verdict"] == "inconclusive"
    assert "time budget" in limited["message"]
    # Proved at each instantiated size, which is evidence rather than a proof for every n.
    assert claims[line_of(BUDGET, "vec x", 2)]["verdict"] == "numeric"
    assert status == 0


def test_cli_invalid_budget(cli) -> None:
    _, claims = cli(INVALID_BUDGET)
    problem = claims[line_of(INVALID_BUDGET, "budget soon")]
    assert problem["verdict"] == "unparsed"
    assert "invalid budget 'budget soon'" in problem["message"]
    assert claims[line_of(INVALID_BUDGET, "x + x")]["verdict"] == "proved"


def test_cli_shapes(cli) -> None:
    status, claims = cli(SHAPES)
    assert claims[line_of(SHAPES, "AB = BA", 1)]["verdict"] == "proved"
    assert claims[line_of(SHAPES, "AB = BA", 2)]["verdict"] == "refuted"
    assert claims[line_of(SHAPES, "= v^T W^T")]["verdict"] == "proved"
    assert claims[line_of(SHAPES, "u_1^2 + u_2^2")]["verdict"] == "proved"
    assert status == 1


@pytest.mark.parametrize("wrong", [
    "= W^T v^T",  # factors in the wrong order: 3 x 2 times 1 x 3 is undefined
    "= -v^T W^T",  # sign
    "= 2 v^T W^T",  # coefficient
    "u_1^2 - u_2^2",  # sign
    "2u_1^2 + u_2^2",  # coefficient
    "u_1^3 + u_2^2",  # exponent
    "u_1^2 + u_1^2",  # index
])
def test_cli_shapes_wrong_variants(cli, wrong: str) -> None:
    _, claims = cli(SHAPES)
    assert claims[line_of(SHAPES, wrong)]["verdict"] == "refuted"


def test_cli_shape_mismatch_message(cli) -> None:
    _, claims = cli(SHAPES)
    message = claims[line_of(SHAPES, "= W^T v^T")]["message"]
    assert "3 x 2" in message
    assert "1 x 3" in message


def test_cli_without_assumption_refutes(cli) -> None:
    _, claims = cli(NO_ASSUMPTION)
    assert claims[line_of(NO_ASSUMPTION, "= x$$")]["verdict"] == "refuted"
    assert claims[line_of(NO_ASSUMPTION, "= -z$$")]["verdict"] == "refuted"


def test_cli_assume_positive(cli) -> None:
    _, claims = cli(ASSUME_POSITIVE)
    assert claims[line_of(ASSUME_POSITIVE, "= x$$")]["verdict"] == "proved"


def test_cli_assume_negative(cli) -> None:
    _, claims = cli(ASSUME_NEGATIVE)
    assert claims[line_of(ASSUME_NEGATIVE, "= -z$$")]["verdict"] == "proved"


def test_cli_assumption_wrong_sign_refuted(cli) -> None:
    # Holds with or without a working assumption: for x > 0, sqrt(x^2) = x, not -x.
    _, claims = cli(ASSUMPTION_NOT_RETROACTIVE)
    assert claims[line_of(ASSUMPTION_NOT_RETROACTIVE, "= x$$")]["verdict"] == "refuted"
    assert claims[line_of(ASSUMPTION_NOT_RETROACTIVE, "= -x$$")]["verdict"] == "refuted"


def test_cli_invalid_assumption(cli) -> None:
    text = "<!-- symcheck: assume x is big -->\n$$x + x = 2x$$\n"
    _, claims = cli(text)
    assert claims[1]["verdict"] == "unparsed"
    assert "invalid assumption 'x is big'" in claims[1]["message"]


# -- through the pytest plugin ---------------------------------------------------------


def plugin_outcomes(pytester: pytest.Pytester, text: str, *args: str) -> dict[int, str]:
    """Run pytest on a project whose docs/doc.md is ``text``; return outcomes by claim line."""
    pytester.makepyprojecttoml(PYPROJECT)
    pytester.mkdir("docs")
    write_document(pytester.path / "docs", text)
    reprec = pytester.inline_run(*args)
    outcomes: dict[int, str] = {}
    for report in reprec.getreports("pytest_runtest_logreport"):
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            line = int(report.nodeid.split("::L")[1].split(":")[0])
            outcome = "xfailed" if hasattr(report, "wasxfail") and report.outcome == "skipped" else report.outcome
            outcomes[line] = outcome
    return outcomes


def test_plugin_skip(pytester: pytest.Pytester) -> None:
    outcomes = plugin_outcomes(pytester, SKIP)
    assert outcomes == {line_of(SKIP, "5x"): "skipped", line_of(SKIP, "3x^2"): "passed"}


def test_plugin_xfail(pytester: pytest.Pytester) -> None:
    outcomes = plugin_outcomes(pytester, XFAIL)
    assert outcomes == {line_of(XFAIL, "3x^3"): "xfailed", line_of(XFAIL, "4x^3"): "passed"}


def test_plugin_xfail_on_proved_claim(pytester: pytest.Pytester) -> None:
    outcomes = plugin_outcomes(pytester, XFAIL_PROVED)
    assert outcomes == {line_of(XFAIL_PROVED, "4x^3"): "failed"}


def test_plugin_budget(pytester: pytest.Pytester) -> None:
    outcomes = plugin_outcomes(pytester, BUDGET)
    assert outcomes == {line_of(BUDGET, "vec x", 1): "skipped", line_of(BUDGET, "vec x", 2): "passed"}


def test_plugin_invalid_budget(pytester: pytest.Pytester) -> None:
    outcomes = plugin_outcomes(pytester, INVALID_BUDGET, "--symcheck-inconclusive", "fail")
    assert outcomes == {line_of(INVALID_BUDGET, "budget soon"): "failed", line_of(INVALID_BUDGET, "x + x"): "passed"}


def test_plugin_shapes(pytester: pytest.Pytester) -> None:
    outcomes = plugin_outcomes(pytester, SHAPES)
    assert outcomes[line_of(SHAPES, "AB = BA", 1)] == "passed"
    assert outcomes[line_of(SHAPES, "AB = BA", 2)] == "failed"
    assert outcomes[line_of(SHAPES, "= v^T W^T")] == "passed"
    assert outcomes[line_of(SHAPES, "u_1^2 + u_2^2")] == "passed"
    for wrong in ("= W^T v^T", "= -v^T W^T", "= 2 v^T W^T", "u_1^2 - u_2^2", "2u_1^2 + u_2^2", "u_1^3 + u_2^2", "u_1^2 + u_1^2"):
        assert outcomes[line_of(SHAPES, wrong)] == "failed", wrong


def test_plugin_without_assumption_fails(pytester: pytest.Pytester) -> None:
    outcomes = plugin_outcomes(pytester, NO_ASSUMPTION)
    assert set(outcomes.values()) == {"failed"}


def test_plugin_assume_positive(pytester: pytest.Pytester) -> None:
    outcomes = plugin_outcomes(pytester, ASSUME_POSITIVE)
    assert outcomes == {line_of(ASSUME_POSITIVE, "= x$$"): "passed"}


def test_plugin_assume_negative(pytester: pytest.Pytester) -> None:
    outcomes = plugin_outcomes(pytester, ASSUME_NEGATIVE)
    assert outcomes == {line_of(ASSUME_NEGATIVE, "= -z$$"): "passed"}
