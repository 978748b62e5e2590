"""Hostile documents: Python hidden in formulas never runs, and symcheck's source never evaluates text.

Each payload would create a marker file in the working folder if any part of symcheck passed
document text to eval, exec, sympify or a shell. The checks run with the working folder set to
a temporary folder and then look for the markers.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import xml.dom.minidom
from pathlib import Path

import pytest

import symcheck
from symcheck.checking.checker import Checker
from symcheck.checking.verdict import Verdict
from symcheck.config import Options
from symcheck.report import render

PACKAGE = Path(symcheck.__file__).resolve().parent
LOCATED = re.compile(r"^\d+:\d+: ")
MARKER_GLOB = "PWNED*"

# Payloads, each on a line of its own, with the verdicts it may get. A payload inside a name
# (a subscript or a parenthesised layer index) is a legal if odd symbol name, so it may define
# that symbol. The rest is code written as math, which must stay unparsed or inconclusive.
UNREADABLE = {"unparsed", "inconclusive"}
PAYLOADS = [
    (r"$$\text{__import__('os').system('touch PWNED1')} = 1$$", UNREADABLE),
    (r"$$\operatorname{__import__}('os').system('touch PWNED2') = 1$$", UNREADABLE),
    (r"$$x_{__import__('os').system('touch PWNED3')} = 1$$", UNREADABLE | {"definition"}),
    (r"$$\mathrm{eval}(\text{open('PWNED4', 'w')}) = 1$$", UNREADABLE),
    (r"$$ f(x) = exec(open('PWNED5', 'w')) $$", UNREADABLE),
    (r"$$f(1) = 2$$", UNREADABLE),
    (r"$$x^{__import__('os').system('touch PWNED6')} = x$$", UNREADABLE),
    (r"$$W^{(open('PWNED7','w'))} = 2$$", UNREADABLE | {"definition"}),
    (r"$$W^{(open('PWNED7','w'))} + 1 = 3$$", UNREADABLE | {"proved"}),
    (r"$$\operatorname{os.system}(\text{touch PWNED8}) = 0$$", UNREADABLE),
    (r"$$\__import__(os) = 1$$", UNREADABLE),
    (r"$$lambda: open('PWNED9', 'w') = 1$$", UNREADABLE),
    (r"$$\operatorname{sympify}(\text{open('PWNED10','w')}) + \mathrm{Symbol}('x') = 1$$", UNREADABLE),
    (r"$$\lim_{\text{open('PWNED11','w')} \to 0} x = x$$", UNREADABLE | {"proved"}),
    (r"$$\sum_{open('PWNED12','w')=1}^{2} x = 2x$$", UNREADABLE | {"proved"}),
    (r"$$\input{/etc/passwd} + \def\x{open('PWNED13','w')} = 1$$", UNREADABLE),
    (r"$$<script>alert(1)</script> = 1$$", UNREADABLE),
]
DIRECTIVES = [
    "<!-- symcheck: assume __import__('os').system('touch PWNED20') > 0 -->",
    "<!-- symcheck: open('PWNED21','w') is a 2 x 3 matrix -->",
    "<!-- symcheck: budget __import__('os') -->",
]


def hostile_document() -> str:
    parts = ["# Hostile input", ""]
    for payload, _ in PAYLOADS:
        parts.extend([payload, ""])
    parts.extend(DIRECTIVES)
    parts.extend(["", "```latex {exec(open('PWNED30','w'))}", "y = 1", "```", ""])
    return "\n".join(parts)


def payload_line(index: int) -> int:
    return 3 + 2 * index


def assert_no_marker(folder: Path) -> None:
    assert sorted(path.name for path in folder.glob(MARKER_GLOB)) == []


def test_cli_runs_no_payload(tmp_path: Path) -> None:
    (tmp_path / "hostile.md").write_text(hostile_document(), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "symcheck", "verify", "hostile.md", "--no-cache", "--format", "json", "-o", "report.json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1), result.stderr
    assert_no_marker(tmp_path)

    claims = {claim["line"]: claim for claim in json.loads((tmp_path / "report.json").read_text())["files"][0]["claims"]}
    for index, (payload, allowed) in enumerate(PAYLOADS):
        claim = claims[payload_line(index)]
        assert claim["verdict"] in allowed, f"{payload}: {claim['verdict']}: {claim['message']}"
        if claim["verdict"] == "unparsed":
            messages = [step["message"] for step in claim["steps"] if step["verdict"] == "unparsed"] or [claim["message"]]
            assert all(LOCATED.match(message) for message in messages), messages
    directive_claims = [claim for claim in claims.values() if "invalid directive" in claim["message"]]
    assert len(directive_claims) == len(DIRECTIVES)
    assert all(LOCATED.match(claim["message"]) for claim in directive_claims)


def test_worker_runs_no_payload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with Checker(Options(cache=False, jobs=2)) as checker:
        report = checker.check_text(hostile_document(), "hostile.md")
    assert len(report.claims) >= len(PAYLOADS)
    assert_no_marker(tmp_path)


def test_cached_run_runs_no_payload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SYMCHECK_CACHE_DIR", str(tmp_path / "cache"))
    for _ in range(2):
        with Checker(Options()) as checker:
            checker.check_text(hostile_document(), "hostile.md")
    assert_no_marker(tmp_path)


def test_reports_escape_payloads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from symcheck.checking.verdict import Report

    monkeypatch.chdir(tmp_path)
    with Checker(Options(cache=False)) as checker:
        report = Report([checker.check_text(hostile_document() + "\n$$a = b \\text{</td><script>alert(2)</script>}$$\n", "hostile.md")])
    html = render(report, "html")
    assert "<script>alert" not in html
    xml.dom.minidom.parseString(render(report, "junit"))
    for line in render(report, "github").splitlines():
        assert line.startswith("::") or not line.strip(), f"a message broke out of its workflow command: {line!r}"


def test_derived_functions_run_no_payload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from symcheck import derive

    monkeypatch.chdir(tmp_path)
    for latex in (r"W^{(open('PWNED40','w'))} x^2", r"x^{(open('PWNED41','w'))} + x", r"x_{open('PWNED42','w')} x"):
        derivation = derive.gradient(latex, wrt=["x"])
        derivation.numpy(*([1.5] * (len(derivation.variables) + len(derivation.parameters))))
        derive.check_equal(latex, latex)
    assert_no_marker(tmp_path)


def test_latex2sympy_reads_single_command_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import latex2sympy2_extended.latex2sympy2 as library

    from symcheck.semantics import leaves

    # The workers are forked after the patch, so they record their calls in this file.
    record = tmp_path / "latex2sympy-inputs.jsonl"
    original = library.latex2sympy

    def recording(text: str, *arguments: object, **keywords: object) -> object:
        with open(record, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(text) + "\n")
        return original(text, *arguments, **keywords)

    monkeypatch.setattr(library, "latex2sympy", recording)
    leaves._latex_leaf.cache_clear()

    documents = [
        hostile_document(),
        (PACKAGE.parent / "formulas" / "neural-network-math.md").read_text(encoding="utf-8"),
        r"$$\lim_{\frac{1}{2} \to 0} x = x$$ $$\lim_{\alpha+\beta \to 0} x = x$$ $$\sum_{\alpha\beta=1}^{2} x = 2x$$",
        r"$$\alpha + \beta = \beta + \alpha$$ $$\hbar\omega = \omega\hbar$$ $$\lim_{\epsilon \to 0} \epsilon = 0$$",
    ]
    with Checker(Options(cache=False, budget=0.5, jobs=2)) as checker:
        for text in documents:
            checker.check_text(text, "doc.md")

    received = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    assert "\\alpha" in received
    assert [text for text in received if not re.fullmatch(r"\\[A-Za-z]+", text)] == []


# -- the source itself ---------------------------------------------------------------------

# Calls that evaluate or import text, run programs or compile code. Each place symcheck makes
# one is listed below with the reason it cannot receive document text.
DANGEROUS_CALLS = {
    "eval", "exec", "compile", "__import__", "import_module", "parse_expr", "sympify", "S", "lambdify",
    "latex2sympy", "parse_latex", "system", "popen", "Popen", "call", "check_call", "check_output",
    "loads", "load", "Unpickler",
}
# re.compile compiles a regular expression, not Python. Methods called on self are symcheck's
# own, and any dangerous call inside them is found where it is made.
SAFE_RECEIVERS = {"re", "self"}
ALLOWED_CALLS = {
    ("__init__.py", "import_module"): "imports the module named in the fixed _EXPORTS table, for lazy attribute access",
    ("config.py", "load"): "tomllib.load parses pyproject.toml as TOML data, which runs no code",
    ("checking/cache.py", "loads"): "json.loads of the cache's own JSON reports, which runs no code",
    ("semantics/leaves.py", "latex2sympy"): "_latex_leaf passes only text that fullmatches one command name such as \\alpha",
    ("derive.py", "lambdify"): "compiles SymPy expressions built by symcheck's parser; every free symbol is an argument, "
    "so lambdify replaces each name that is not a Python identifier by a Dummy",
    ("nn/symbolic.py", "lambdify"): "compiles expressions of generated network symbols (make_symbols), renamed to "
    "_symcheck_arg0, ...; no document text reaches it",
}


def dangerous_calls() -> dict[tuple[str, str], list[int]]:
    """Return every call to a name in DANGEROUS_CALLS in the package, with its line numbers."""
    found: dict[tuple[str, str], list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            if isinstance(function, ast.Name):
                name = function.id
            elif isinstance(function, ast.Attribute):
                if ast.unparse(function.value) in SAFE_RECEIVERS:
                    continue
                name = function.attr
            else:
                continue
            if name in DANGEROUS_CALLS:
                found.setdefault((path.relative_to(PACKAGE).as_posix(), name), []).append(node.lineno)
    return found


def test_source_has_no_unreviewed_evaluation() -> None:
    unreviewed = {key: lines for key, lines in dangerous_calls().items() if key not in ALLOWED_CALLS}
    assert unreviewed == {}, "review these calls and add them to ALLOWED_CALLS with the reason they are safe"


def test_latex2sympy_is_called_only_in_leaves() -> None:
    callers = {path for (path, name) in dangerous_calls() if name in ("latex2sympy", "parse_latex")}
    assert callers <= {"semantics/leaves.py"}
    importers = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "latex2sympy2_extended" in path.read_text(encoding="utf-8")
    )
    assert importers == ["semantics/leaves.py"]


def test_worker_reports_are_not_pickled_to_disk() -> None:
    source = (PACKAGE / "checking" / "cache.py").read_text(encoding="utf-8")
    assert "pickle" not in source.replace("never pickled", "")


def test_unparsed_payload_verdict_is_located() -> None:
    with Checker(Options(cache=False)) as checker:
        report = checker.check_text(PAYLOADS[4][0], "one.md")
    assert report.claims[0].verdict is Verdict.UNPARSED
    assert LOCATED.match(report.claims[0].message)
