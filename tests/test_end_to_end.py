"""End-to-end tests of ``symcheck verify``: the repository's neural-network notes, exit statuses,
report formats and paths.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from symcheck import cli

REPOSITORY = Path(__file__).resolve().parent.parent
DOCUMENT = "formulas/neural-network-math.md"
LOCATION = re.compile(r"^\d+:\d+: ")
CLAIM_KEYS = {"line", "end_line", "column", "latex", "verdict", "message", "warnings", "steps"}
STEP_KEYS = {"lhs", "rhs", "verdict", "method", "message", "counterexample"}
WARNING_KEYS = {"line", "column", "code", "message"}
VERDICTS = {"definition", "proved", "numeric", "inconclusive", "unparsed", "refuted"}


def run_symcheck(arguments: list[str], cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SYMCHECK_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "symcheck", "verify", *arguments],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(scope="module")
def document_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], dict]:
    folder = tmp_path_factory.mktemp("neural")
    output = folder / "report.json"
    result = run_symcheck(["--no-cache", "--format", "json", "-o", str(output), DOCUMENT], REPOSITORY, folder)
    return result, json.loads(output.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def claims_by_line(document_run: tuple[subprocess.CompletedProcess[str], dict]) -> dict[int, dict]:
    _, data = document_run
    return {claim["line"]: claim for claim in data["files"][0]["claims"]}


# -- the repository's notes, through a subprocess ------------------------------------


def test_document_exit_refuted(document_run: tuple[subprocess.CompletedProcess[str], dict]) -> None:
    result, data = document_run
    assert result.returncode == 1, result.stderr
    assert data["summary"]["refuted"] >= 1


def test_document_json_written(document_run: tuple[subprocess.CompletedProcess[str], dict]) -> None:
    result, _ = document_run
    assert result.stdout.strip() == ""


def test_json_top_level(document_run: tuple[subprocess.CompletedProcess[str], dict]) -> None:
    _, data = document_run
    assert {"files", "summary"} <= set(data)
    assert [file["path"] for file in data["files"]] == [DOCUMENT]
    assert set(data["summary"]) == VERDICTS
    assert sum(data["summary"].values()) == len(data["files"][0]["claims"])


def test_json_claim_shape(document_run: tuple[subprocess.CompletedProcess[str], dict]) -> None:
    _, data = document_run
    claims = data["files"][0]["claims"]
    assert len(claims) > 40
    for claim in claims:
        assert CLAIM_KEYS <= set(claim), claim
        assert claim["verdict"] in VERDICTS
        assert 1 <= claim["line"] <= claim["end_line"]
        assert claim["column"] >= 1
        assert isinstance(claim["latex"], str)
        assert claim["latex"]


def test_json_step_shape(document_run: tuple[subprocess.CompletedProcess[str], dict]) -> None:
    _, data = document_run
    steps = [step for claim in data["files"][0]["claims"] for step in claim["steps"]]
    assert steps
    for step in steps:
        assert STEP_KEYS <= set(step), step
        assert step["verdict"] in VERDICTS
    refuted = [step for step in steps if step["verdict"] == "refuted" and step["method"] == "numeric"]
    assert refuted
    for step in refuted:
        assert {"point", "lhs_value", "rhs_value"} <= set(step["counterexample"])


def test_json_warning_shape(document_run: tuple[subprocess.CompletedProcess[str], dict]) -> None:
    _, data = document_run
    warnings = [warning for claim in data["files"][0]["claims"] for warning in claim["warnings"]]
    assert warnings
    for warning in warnings:
        assert set(warning) == WARNING_KEYS
        assert warning["line"] >= 1
        assert warning["column"] >= 1
    assert "derivative-without-d" in {warning["code"] for warning in warnings}


def test_unparsed_messages_located(document_run: tuple[subprocess.CompletedProcess[str], dict]) -> None:
    _, data = document_run
    for claim in data["files"][0]["claims"]:
        if claim["verdict"] == "unparsed":
            assert LOCATION.match(claim["message"]), claim["message"]
        for step in claim["steps"]:
            if step["verdict"] == "unparsed":
                assert LOCATION.match(step["message"]), step["message"]


# -- worked examples of sections 1.1 to 1.5 ------------------------------------------


def test_derivative_of_square(claims_by_line: dict[int, dict]) -> None:
    claim = claims_by_line[18]
    assert claim["verdict"] == "proved"
    assert (claim["column"], claim["end_line"]) == (15, 21)
    assert claim["latex"].startswith("f'(x) = (x^2)'")
    assert len(claim["steps"]) == 6
    assert all(step["verdict"] == "proved" for step in claim["steps"])


def test_definition_before_example(claims_by_line: dict[int, dict]) -> None:
    assert claims_by_line[15]["verdict"] == "definition"
    assert claims_by_line[15]["message"] == "defines f"


def test_gradient_example(claims_by_line: dict[int, dict]) -> None:
    claim = claims_by_line[47]
    assert claim["verdict"] == "proved"
    assert claim["latex"].startswith("\\nabla f(x_1, x_2) = \\nabla (x_1^2 + cos(x_2))")
    assert len(claim["steps"]) == 3


def test_jacobian_example(claims_by_line: dict[int, dict]) -> None:
    claim = claims_by_line[109]
    assert [step["verdict"] for step in claim["steps"][:2]] == ["proved", "proved"]
    assert claim["steps"][0]["lhs"].startswith("J \\begin{bmatrix}")


def test_jacobian_missing_equals(claims_by_line: dict[int, dict]) -> None:
    # The notes write two matrices side by side where an '=' belongs, which reads as a product.
    claim = claims_by_line[109]
    assert claim["verdict"] == "refuted"
    assert claim["steps"][2]["verdict"] == "refuted"
    assert [(w["code"], w["line"]) for w in claim["warnings"]] == [("juxtaposed-matrices", 129)]


@pytest.mark.parametrize("line", [157, 218, 330, 350])
def test_chain_rule_example(claims_by_line: dict[int, dict], line: int) -> None:
    claim = claims_by_line[line]
    assert claim["verdict"] == "proved", claim["message"]
    assert len(claim["steps"]) == 3


def test_chain_rule_sine(claims_by_line: dict[int, dict]) -> None:
    claim = claims_by_line[157]
    assert claim["latex"].startswith("\\frac{d(f_1(f_2(x)))}{dx} = \\frac{d(sin(x^2))}{dx}")
    assert claim["steps"][-1]["rhs"] == "cos(x^2) * 2x"


def test_chain_rule_root(claims_by_line: dict[int, dict]) -> None:
    claim = claims_by_line[218]
    assert claim["end_line"] == 236
    assert "\\sqrt{x_1^2 + x_2^2}" in claim["steps"][-1]["rhs"]


@pytest.mark.parametrize("line", [330, 350])
def test_chain_rule_without_d(claims_by_line: dict[int, dict], line: int) -> None:
    codes = [(w["code"], w["line"]) for w in claims_by_line[line]["warnings"]]
    assert codes == [("derivative-without-d", line + 4), ("derivative-without-d", line + 5)]


# -- the same run through cli.main ---------------------------------------------------


def test_cli_main_text(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.chdir(REPOSITORY)
    monkeypatch.setenv("SYMCHECK_CACHE_DIR", str(tmp_path))
    status = cli.main(["verify", "--no-cache", "--color", "never", DOCUMENT])
    output = capsys.readouterr().out
    assert status == 1
    assert f"{DOCUMENT}:18:15: proved: 6 steps proved" in output.splitlines()
    assert f"{DOCUMENT}:47:2: proved: 3 steps proved" in output.splitlines()
    assert re.search(r"^\d+ proved, .*refuted.*\(\d+ claims in 1 file", output, re.MULTILINE)


# -- paths, exit statuses and formats ------------------------------------------------

TRUE_DOCUMENT = "# T\n\n$$\\frac{d}{dx}(x^2) = 2x$$\n"
WRONG_DOCUMENT = "# T\n\n$$\\frac{d}{dx}(x^2) = 3x$$\n"
UNDECIDED_DOCUMENT = "# T\n\n$$\\sigma'(z) = 0$$\n"


def test_folder_walks_markdown(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text(TRUE_DOCUMENT, encoding="utf-8")
    (tmp_path / "notes" / "sub").mkdir()
    (tmp_path / "notes" / "sub" / "b.md").write_text(WRONG_DOCUMENT, encoding="utf-8")
    (tmp_path / "notes" / "skip.txt").write_text(WRONG_DOCUMENT, encoding="utf-8")
    output = tmp_path / "report.json"
    result = run_symcheck(["--no-cache", "--format", "json", "-o", str(output), "notes"], tmp_path, tmp_path)
    data = json.loads(output.read_text(encoding="utf-8"))
    paths = [Path(file["path"]).as_posix() for file in data["files"]]
    assert paths == ["notes/a.md", "notes/sub/b.md"]
    assert [file["claims"][0]["verdict"] for file in data["files"]] == ["proved", "refuted"]
    assert result.returncode == 1


def test_true_document_exit_zero(tmp_path: Path) -> None:
    (tmp_path / "ok.md").write_text(TRUE_DOCUMENT, encoding="utf-8")
    result = run_symcheck(["--no-cache", "ok.md"], tmp_path, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok.md:3:3: proved: 1 step proved" in result.stdout


def test_missing_file_exit_two(tmp_path: Path) -> None:
    result = run_symcheck(["--no-cache", "missing.md"], tmp_path, tmp_path)
    assert result.returncode == 2
    assert "missing.md" in result.stderr
    assert "not found" in result.stderr


def test_strict_inconclusive(tmp_path: Path) -> None:
    (tmp_path / "open.md").write_text(UNDECIDED_DOCUMENT, encoding="utf-8")
    relaxed = run_symcheck(["--no-cache", "open.md"], tmp_path, tmp_path)
    strict = run_symcheck(["--no-cache", "--strict", "open.md"], tmp_path, tmp_path)
    assert relaxed.returncode == 0, relaxed.stdout
    assert strict.returncode == 1, strict.stdout
    assert "open.md:3:3: inconclusive:" in strict.stdout


def test_strict_unparsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "broken.md").write_text("# T\n\n```latex\na = b =\n```\n\nText.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SYMCHECK_CACHE_DIR", str(tmp_path))
    assert cli.main(["verify", "--no-cache", "broken.md"]) == 0
    assert cli.main(["verify", "--no-cache", "--strict", "--format", "json", "broken.md"]) == 1
    output = capsys.readouterr().out
    data = json.loads(output[output.index("{"):])
    (claim,) = data["files"][0]["claims"]
    assert claim["verdict"] == "unparsed"
    assert LOCATION.match(claim["message"]), claim["message"]


def test_json_output_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "wrong.md").write_text(WRONG_DOCUMENT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SYMCHECK_CACHE_DIR", str(tmp_path))
    status = cli.main(["verify", "--no-cache", "--format", "json", "-o", "report.json", "wrong.md"])
    assert status == 1
    assert capsys.readouterr().out == ""
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    (claim,) = data["files"][0]["claims"]
    assert claim["verdict"] == "refuted"
    assert (claim["line"], claim["column"]) == (3, 3)
    step = claim["steps"][0]
    assert step["counterexample"]["point"].keys() == {"x"}
    assert data["summary"]["refuted"] == 1


def test_output_folder_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ok.md").write_text(TRUE_DOCUMENT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SYMCHECK_CACHE_DIR", str(tmp_path))
    status = cli.main(["verify", "--no-cache", "--format", "json", "-o", "no/such/folder/report.json", "ok.md"])
    assert status == 2
    assert "cannot write" in capsys.readouterr().err
