"""The library surface: ``import symcheck``, verify_text, verify_file, verify_paths and options."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import symcheck
from symcheck.api import collect_documents
from symcheck.config import ConfigError

OPTIONS = symcheck.Options(cache=False)

DOCUMENT = r"""# Derivatives

$$\frac{d}{dx}(x^2) = 2x$$

$$\frac{d}{dx}(x^2) = 3x$$

$$f(x) = x^2$$

$$x @ y = 2$$
"""

PUBLIC_NAMES = {
    "verify_text", "verify_file", "verify_paths", "gradient", "jacobian", "hessian", "chain_rule",
    "check_equal", "Derivation", "Verdict", "Report", "FileReport", "ClaimResult", "StepResult",
    "Options", "load_options", "__version__",
}


# -- the package -----------------------------------------------------------------------


def test_all_lists_public_names() -> None:
    assert set(symcheck.__all__) == PUBLIC_NAMES


@pytest.mark.parametrize("name", sorted(PUBLIC_NAMES))
def test_public_name_resolves(name: str) -> None:
    assert getattr(symcheck, name) is not None


def test_public_names_are_the_defining_objects() -> None:
    from symcheck.api import verify_text
    from symcheck.checking.verdict import Verdict
    from symcheck.derive import jacobian

    assert symcheck.verify_text is verify_text
    assert symcheck.Verdict is Verdict
    assert symcheck.jacobian is jacobian


def test_version() -> None:
    assert symcheck.__version__ == "0.1.0"


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError, match="module 'symcheck' has no attribute 'nothing'"):
        symcheck.nothing  # noqa: B018 - the lookup is the test


def test_dir_lists_public_names() -> None:
    assert PUBLIC_NAMES <= set(dir(symcheck))


def run_python(code: str) -> str:
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    return completed.stdout.strip()


def test_import_does_not_load_sympy() -> None:
    assert run_python("import sys, symcheck; print('sympy' in sys.modules, 'numpy' in sys.modules)") == "False False"


def test_help_does_not_load_sympy() -> None:
    code = (
        "import contextlib, io, sys\n"
        "from symcheck.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('sympy' in sys.modules)\n"
    )
    assert run_python(code) == "False"


def test_attribute_access_loads_module() -> None:
    assert run_python("import sys, symcheck; symcheck.Verdict; print('symcheck.checking.verdict' in sys.modules)") == "True"


# -- verify_text -----------------------------------------------------------------------


def test_verify_text_verdicts() -> None:
    report = symcheck.verify_text(DOCUMENT, "doc.md", OPTIONS)
    assert isinstance(report, symcheck.FileReport)
    verdicts = [(claim.line, claim.verdict) for claim in report.claims]
    assert verdicts == [
        (3, symcheck.Verdict.PROVED),
        (5, symcheck.Verdict.REFUTED),
        (7, symcheck.Verdict.DEFINITION),
        (9, symcheck.Verdict.UNPARSED),
    ]


def test_verify_text_refuted_step() -> None:
    report = symcheck.verify_text(DOCUMENT, "doc.md", OPTIONS)
    claim = report.claims[1]
    assert isinstance(claim, symcheck.ClaimResult)
    step = claim.steps[0]
    assert isinstance(step, symcheck.StepResult)
    assert (step.lhs, step.rhs) == (r"\frac{d}{dx}(x^2)", "3x")
    assert step.counterexample is not None
    assert step.expected == "2 x"
    assert claim.path == "doc.md"


@pytest.mark.parametrize(("wrong", "kind"), [("-2x", "sign"), ("2x^2", "exponent"), ("x", "coefficient"), ("2y", "variable")])
def test_verify_text_wrong_variants(wrong: str, kind: str) -> None:
    report = symcheck.verify_text(f"$$\\frac{{d}}{{dx}}(x^2) = {wrong}$$\n", options=OPTIONS)
    assert report.claims[0].verdict is symcheck.Verdict.REFUTED, kind


def test_verify_text_default_path() -> None:
    report = symcheck.verify_text("$$x + x = 2x$$\n", options=OPTIONS)
    assert report.path == "<string>"
    assert report.claims[0].verdict is symcheck.Verdict.PROVED


def test_verify_text_size_limit() -> None:
    report = symcheck.verify_text("$$x = x$$\n" * 10, options=symcheck.Options(cache=False, max_file_size=20))
    assert report.claims == []
    assert "larger than the limit of 20 bytes" in report.error


def test_verify_text_unclosed_bracket_is_unparsed() -> None:
    report = symcheck.verify_text("$$\\frac{d}{dx}(x^2 = 2x$$\n", options=OPTIONS)
    assert [claim.verdict for claim in report.claims] == [symcheck.Verdict.UNPARSED]


# -- files and folders -----------------------------------------------------------------


def test_verify_file(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    report = symcheck.verify_file(path, OPTIONS)
    assert report.path == str(path)
    assert [claim.verdict for claim in report.claims][:2] == [symcheck.Verdict.PROVED, symcheck.Verdict.REFUTED]


def test_verify_file_missing(tmp_path: Path) -> None:
    report = symcheck.verify_file(tmp_path / "missing.md", OPTIONS)
    assert report.claims == []
    assert report.error.startswith("cannot read the file")


def test_verify_paths_folders(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text("$$x + x = 2x$$\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.markdown").write_text("$$x + x = 3x$$\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("$$x = 1$$\n", encoding="utf-8")
    report = symcheck.verify_paths([str(tmp_path)], OPTIONS)
    assert isinstance(report, symcheck.Report)
    assert [Path(file.path).name for file in report.files] == ["b.md", "a.markdown"]
    assert report.summary()["proved"] == 1
    assert report.summary()["refuted"] == 1
    assert report.exit_status() == 1


def test_collect_documents_sorted(tmp_path: Path) -> None:
    for name in ("z.md", "a.md", "m.MD"):
        (tmp_path / name).write_text("", encoding="utf-8")
    found = [Path(path).name for path in collect_documents([str(tmp_path)])]
    assert found == ["a.md", "m.MD", "z.md"]


def test_collect_documents_keeps_files(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    assert collect_documents([str(path)]) == [str(path)]


def test_exit_status_ignores_directives() -> None:
    report = symcheck.Report([symcheck.verify_text("<!-- symcheck: xfail -->\n$$x + x = 3x$$\n", options=OPTIONS)])
    assert report.claims()[0].verdict is symcheck.Verdict.REFUTED
    assert report.exit_status() == 0


# -- options ---------------------------------------------------------------------------


def test_load_options_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.symcheck]\npaths = ["docs"]\nbudget = 5\nsizes = [1, 2]\n', encoding="utf-8")
    (tmp_path / "docs").mkdir()
    options = symcheck.load_options(tmp_path / "docs")
    assert options.paths == ("docs",)
    assert options.budget == 5.0
    assert options.sizes == (1, 2)


def test_load_options_defaults_without_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert symcheck.load_options(tmp_path) == symcheck.Options()


@pytest.mark.parametrize(("table", "message"), [
    ("budgett = 1", "unknown option 'budgett'"),
    ("budget = -1", "budget must be a number of seconds between 0 and 3600"),
    ('inconclusive = "maybe"', "inconclusive must be one of skip, fail, pass"),
    ('strict = "yes"', "'strict' must be true or false"),
])
def test_load_options_errors(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.symcheck]\n{table}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        symcheck.load_options(tmp_path)


def test_options_overrides() -> None:
    options = symcheck.Options().with_overrides(budget=3.0, seed=None)
    assert options.budget == 3.0
    assert options.seed == 0
    with pytest.raises(ConfigError):
        symcheck.Options().with_overrides(jobs=0)
