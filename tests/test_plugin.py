"""The pytest plugin, run by pytest's own ``pytester`` on small generated projects."""

from __future__ import annotations

import pytest

# Imported here so that in-process pytester runs reuse these modules: pytester removes modules
# first imported during a run, and importing SymPy, symcheck and Hypothesis (which its pytest
# plugin loads in every run) again takes seconds per run.
import symcheck.checking.checker  # noqa: F401
import symcheck.report  # noqa: F401

try:
    import hypothesis  # noqa: F401
except ImportError:  # pragma: no cover - hypothesis is a test extra
    pass

PYPROJECT = """
[tool.symcheck]
paths = ["docs"]
cache = false
"""

# One claim per outcome, plus wrong variants of the true derivatives (sign, coefficient,
# exponent, index), each on a line of its own.
DOCUMENT = r"""
# Derivatives

$$\frac{d}{dx}(x^2) = 2x$$

$$\frac{d}{dx}(x^2) = 3x$$

$$\frac{d}{dx}(x^2) = -2x$$

$$\frac{d}{dx}(x^2) = 2x^2$$

$$\frac{\partial}{\partial x_1}(x_1 x_2^2) = x_2^2$$

$$\frac{\partial}{\partial x_1}(x_1 x_2^2) = x_1^2$$

<!-- symcheck: skip -->
$$\frac{d}{dx}(x^3) = 5x$$

<!-- symcheck: xfail the coefficient is wrong -->
$$\frac{d}{dx}(x^4) = 3x^3$$

$$x @ y = 2$$

Two claims on one line: $a + a = 2a$ and $b + b = 3b$.

A definition is not a test: $$f(x) = x^2$$
"""


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the first line of ``text`` that contains ``fragment``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} is not in the document")


def column_of(text: str, fragment: str) -> int:
    line = text.splitlines()[line_of(text, fragment) - 1]
    return line.index(fragment) + 1


PROVED = line_of(DOCUMENT, "(x^2) = 2x$$")
COEFFICIENT = line_of(DOCUMENT, "(x^2) = 3x$$")
SIGN = line_of(DOCUMENT, "(x^2) = -2x$$")
EXPONENT = line_of(DOCUMENT, "(x^2) = 2x^2$$")
PARTIAL = line_of(DOCUMENT, "= x_2^2$$")
INDEX = line_of(DOCUMENT, "= x_1^2$$")
SKIPPED = line_of(DOCUMENT, "(x^3) = 5x")
XFAILED = line_of(DOCUMENT, "(x^4) = 3x^3")
UNPARSED = line_of(DOCUMENT, "x @ y")
SHARED = line_of(DOCUMENT, "Two claims")
DEFINITION = line_of(DOCUMENT, "f(x) = x^2")
FIRST_COLUMN = column_of(DOCUMENT, "a + a")
SECOND_COLUMN = column_of(DOCUMENT, "b + b")


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyprojecttoml(PYPROJECT)
    pytester.mkdir("docs")
    (pytester.path / "docs" / "calc.md").write_text(DOCUMENT, encoding="utf-8")
    return pytester


def outcomes_by_node(reprec: pytest.HookRecorder) -> dict[str, str]:
    """Map each node id to passed, failed, skipped or xfailed (call phase, or setup for skips)."""
    outcomes: dict[str, str] = {}
    for report in reprec.getreports("pytest_runtest_logreport"):
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            outcome = "xfailed" if hasattr(report, "wasxfail") and report.outcome == "skipped" else report.outcome
            outcomes[report.nodeid] = outcome
    return outcomes


def test_outcomes_per_verdict(project: pytest.Pytester) -> None:
    result = project.runpytest()
    result.assert_outcomes(passed=3, failed=5, skipped=2, xfailed=1)


def test_outcome_of_each_claim(project: pytest.Pytester) -> None:
    outcomes = outcomes_by_node(project.inline_run())
    expected = {
        f"docs/calc.md::L{PROVED}": "passed",
        f"docs/calc.md::L{COEFFICIENT}": "failed",
        f"docs/calc.md::L{SIGN}": "failed",
        f"docs/calc.md::L{EXPONENT}": "failed",
        f"docs/calc.md::L{PARTIAL}": "passed",
        f"docs/calc.md::L{INDEX}": "failed",
        f"docs/calc.md::L{SKIPPED}": "skipped",
        f"docs/calc.md::L{XFAILED}": "xfailed",
        f"docs/calc.md::L{UNPARSED}": "skipped",
        f"docs/calc.md::L{SHARED}:{FIRST_COLUMN}": "passed",
        f"docs/calc.md::L{SHARED}:{SECOND_COLUMN}": "failed",
    }
    assert outcomes == expected


def test_collect_only_node_ids(project: pytest.Pytester) -> None:
    result = project.runpytest("--collect-only", "-q")
    lines = [line for line in result.outlines if line.startswith("docs/")]
    assert lines == [
        f"docs/calc.md::L{line}"
        for line in (PROVED, COEFFICIENT, SIGN, EXPONENT, PARTIAL, INDEX, SKIPPED, XFAILED, UNPARSED)
    ] + [f"docs/calc.md::L{SHARED}:{FIRST_COLUMN}", f"docs/calc.md::L{SHARED}:{SECOND_COLUMN}"]


def test_definition_is_not_an_item(project: pytest.Pytester) -> None:
    result = project.runpytest("--collect-only", "-q")
    assert not any(f"::L{DEFINITION}" in line for line in result.outlines)


def test_failure_report_shows_step_and_values(project: pytest.Pytester) -> None:
    result = project.runpytest("-k", f"L{COEFFICIENT}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        f"docs/calc.md:{COEFFICIENT}:3: refuted claim",
        r"    \frac{d}{dx}(x^2) = 3x",
        "step 1 of 1 (numeric): the sides differ",
        r"    left side:  \frac{d}{dx}(x^2)",
        "    right side: 3x",
        "    counterexample: at x = *: left side = *, right side = *",
        "    expected right side: 2 x",
    ])


def test_failure_header_names_claim(project: pytest.Pytester) -> None:
    result = project.runpytest("-k", f"L{COEFFICIENT}")
    result.stdout.fnmatch_lines([rf"*_ L{COEFFICIENT}: \frac{{d}}{{dx}}(x^2) = 3x _*"])
    result.stdout.fnmatch_lines([f"FAILED docs/calc.md::L{COEFFICIENT} - *refuted claim"])


def test_counterexample_values_are_right(project: pytest.Pytester) -> None:
    result = project.runpytest("-k", f"L{COEFFICIENT}")
    line = next(line for line in result.outlines if "counterexample:" in line)
    point = line.split("at x = ")[1].split(":")[0]
    numerator, denominator = (int(part) for part in point.split("/"))
    x = numerator / denominator
    left = float(line.split("left side = ")[1].split(",")[0])
    right = float(line.split("right side = ")[1])
    assert left == pytest.approx(2 * x)
    assert right == pytest.approx(3 * x)


def test_skip_reasons(project: pytest.Pytester) -> None:
    result = project.runpytest("-rs")
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] docs/calc.md: skipped by a symcheck directive"])
    result.stdout.fnmatch_lines([f"SKIPPED [[]1[]] docs/calc.md: line {UNPARSED}, unparsed: *cannot read '@' here*"])


def test_inconclusive_policy_fail(project: pytest.Pytester) -> None:
    result = project.runpytest("--symcheck-inconclusive", "fail", "-k", f"L{UNPARSED}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"docs/calc.md:{UNPARSED}:3: unparsed claim", "*cannot read '@' here*"])


def test_inconclusive_policy_pass(project: pytest.Pytester) -> None:
    result = project.runpytest("--symcheck-inconclusive", "pass", "-k", f"L{UNPARSED}")
    result.assert_outcomes(passed=1)


def test_strict_config_fails_undecided(project: pytest.Pytester) -> None:
    project.makepyprojecttoml(PYPROJECT + "strict = true\n")
    result = project.runpytest("-k", f"L{UNPARSED}")
    result.assert_outcomes(failed=1)


def test_inconclusive_from_config_table(project: pytest.Pytester) -> None:
    project.makepyprojecttoml(PYPROJECT + 'inconclusive = "fail"\n')
    result = project.runpytest("-k", f"L{UNPARSED}")
    result.assert_outcomes(failed=1)


def test_xfail_on_proved_claim_is_strict(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(PYPROJECT)
    pytester.mkdir("docs")
    (pytester.path / "docs" / "a.md").write_text("<!-- symcheck: xfail -->\n$$x + x = 2x$$\n", encoding="utf-8")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*XPASS(strict)*"])


def test_report_header_names_paths(project: pytest.Pytester) -> None:
    result = project.runpytest("--collect-only")
    result.stdout.fnmatch_lines(["symcheck: docs (from [[]tool.symcheck[]] paths; budget 2 s, inconclusive claims: skip)"])


# -- which files are collected ---------------------------------------------------------


def test_nothing_configured_collects_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml("[tool.other]\nname = 1\n")
    pytester.mkdir("docs")
    (pytester.path / "docs" / "calc.md").write_text(DOCUMENT, encoding="utf-8")
    result = pytester.runpytest("--collect-only", "-q")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert not any(".md" in line for line in result.outlines)


def test_markdown_outside_paths_ignored(project: pytest.Pytester) -> None:
    project.mkdir("notes")
    (project.path / "notes" / "calc.md").write_text(DOCUMENT, encoding="utf-8")
    (project.path / "README.md").write_text(DOCUMENT, encoding="utf-8")
    result = project.runpytest("--collect-only", "-q")
    assert any(line.startswith("docs/calc.md::") for line in result.outlines)
    assert not any(line.startswith(("notes/", "README.md")) for line in result.outlines)


def test_explicit_folder_outside_paths_ignored(project: pytest.Pytester) -> None:
    project.mkdir("notes")
    (project.path / "notes" / "calc.md").write_text(DOCUMENT, encoding="utf-8")
    result = project.runpytest("notes", "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_command_line_replaces_config(project: pytest.Pytester) -> None:
    project.mkdir("notes")
    (project.path / "notes" / "sum.md").write_text("$$x + x = 2x$$\n", encoding="utf-8")
    result = project.runpytest("--symcheck", "notes", "--collect-only", "-q")
    collected = [line for line in result.outlines if "::L" in line]
    assert collected == ["notes/sum.md::L1"]


def test_command_line_file_path(project: pytest.Pytester) -> None:
    result = project.runpytest("--symcheck", "docs/calc.md", "-k", f"L{PROVED}")
    result.assert_outcomes(passed=1)


def test_ini_option_paths(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\nsymcheck_paths = ["notes"]\n\n[tool.symcheck]\ncache = false\n')
    pytester.mkdir("notes")
    (pytester.path / "notes" / "sum.md").write_text("$$x + x = 2x$$\n", encoding="utf-8")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_testpaths_do_not_hide_docs(project: pytest.Pytester) -> None:
    project.makepyprojecttoml(PYPROJECT + '\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    project.mkdir("tests")
    (project.path / "tests" / "test_one.py").write_text("def test_one():\n    pass\n", encoding="utf-8")
    result = project.runpytest("--collect-only", "-q")
    assert "tests/test_one.py::test_one" in result.outlines
    assert f"docs/calc.md::L{PROVED}" in result.outlines


def test_explicit_args_skip_configured_docs(project: pytest.Pytester) -> None:
    project.mkdir("tests")
    (project.path / "tests" / "test_one.py").write_text("def test_one():\n    pass\n", encoding="utf-8")
    result = project.runpytest("tests", "--collect-only", "-q")
    assert "tests/test_one.py::test_one" in result.outlines
    assert not any(line.startswith("docs/") for line in result.outlines)


def test_exclude_patterns(project: pytest.Pytester) -> None:
    project.makepyprojecttoml(PYPROJECT + 'exclude = ["draft-*.md"]\n')
    (project.path / "docs" / "draft-one.md").write_text("$$x + x = 2x$$\n", encoding="utf-8")
    result = project.runpytest("--collect-only", "-q")
    assert not any(line.startswith("docs/draft-one.md") for line in result.outlines)
    assert f"docs/calc.md::L{PROVED}" in result.outlines


def test_missing_configured_path_is_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml('[tool.symcheck]\npaths = ["nowhere"]\n')
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*symcheck: file or folder not found: *nowhere*"])


def test_invalid_config_is_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml('[tool.symcheck]\npaths = ["docs"]\nbudgett = 3\n')
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*symcheck: *unknown option 'budgett'*"])


def test_invalid_budget_option_is_usage_error(project: pytest.Pytester) -> None:
    result = project.runpytest("--symcheck-budget", "0")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*budget must be a number of seconds between 0 and 3600*"])


def test_too_large_file_is_collection_error(project: pytest.Pytester) -> None:
    project.makepyprojecttoml(PYPROJECT + "max_file_size = 10\n")
    result = project.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*symcheck cannot check *calc.md: the file is * bytes, more than the limit of 10*"])


def test_budget_option_reaches_checks(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(PYPROJECT)
    pytester.mkdir("docs")
    (pytester.path / "docs" / "a.md").write_text("$$\\vec x^T \\vec y = \\vec y^T \\vec x$$\n", encoding="utf-8")
    fast = pytester.runpytest("--symcheck-budget", "0.01", "-rs")
    fast.assert_outcomes(skipped=1)
    fast.stdout.fnmatch_lines(["*line 1, inconclusive: *time budget*"])
    default = pytester.runpytest()
    default.assert_outcomes(passed=1)


def test_control_characters_escaped(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(PYPROJECT)
    pytester.mkdir("docs")
    (pytester.path / "docs" / "a.md").write_text("$$x + x = 3x \x1b[31m$$\n", encoding="utf-8")
    result = pytester.runpytest()
    assert "\x1b[31m" not in result.stdout.str()


# -- pytest-xdist ----------------------------------------------------------------------


def test_xdist_gives_same_outcomes(project: pytest.Pytester) -> None:
    # Hypothesis and pytest-benchmark play no part here; without them the workers start faster.
    result = project.runpytest_subprocess("-p", "xdist", "-n", "2", "-v", "-p", "no:benchmark", "-p", "no:hypothesispytest")
    result.assert_outcomes(passed=3, failed=5, skipped=2, xfailed=1)
    result.stdout.fnmatch_lines_random([
        f"*PASSED docs/calc.md::L{PROVED}*",
        f"*FAILED docs/calc.md::L{COEFFICIENT}*",
        f"*PASSED docs/calc.md::L{SHARED}:{FIRST_COLUMN}*",
        f"*XFAIL docs/calc.md::L{XFAILED}*",
    ])
    result.stdout.fnmatch_lines(["*expected right side: 2 x*"])


def test_run_from_subfolder_skips_configured_docs(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    project.mkdir("tests")
    (project.path / "tests" / "test_one.py").write_text("def test_one():\n    pass\n", encoding="utf-8")
    monkeypatch.chdir(project.path / "tests")
    result = project.runpytest("--collect-only", "-q")
    assert "tests/test_one.py::test_one" in result.outlines
    assert not any("calc.md" in line for line in result.outlines)
