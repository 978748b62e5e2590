"""The on-disk verdict cache: hits, bypass, invalidation, positions and concurrent runs."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from claim_samples import generated_document

from symcheck.checking import cache as cache_module
from symcheck.checking import runner as runner_module
from symcheck.checking.cache import DATABASE_NAME, VerdictCache, cache_directory, is_cacheable, request_fingerprint
from symcheck.checking.checker import Checker
from symcheck.checking.step import StepReport, StepRequest
from symcheck.checking.strategies import Outcome
from symcheck.checking.verdict import FileReport, Verdict
from symcheck.cli import main
from symcheck.config import Options

DEFINITION_DOCUMENT = r"""# Functions

An identity that uses no definition: $$(a + 1)^2 = a^2 + 2a + 1$$

$$g(x) = 2x + 1$$

$$g(3) = 7$$

A second identity without definitions: $$(b - 1)(b + 1) = b^2 - 1$$
"""

WARNING_DOCUMENT = r"""# Sums

A sum whose index is unused: $$\sum_{i=1}^{3} x = 3x$$

$$(J (x))_{ij} = 1$$
"""


@pytest.fixture(autouse=True)
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SYMCHECK_CACHE_DIR", str(folder))
    return folder


def check(text: str, **options: object) -> tuple[FileReport, VerdictCache | None]:
    """Check ``text`` with a new Checker; return the report and the cache it used."""
    with Checker(Options(**options)) as checker:  # type: ignore[arg-type]
        report = checker.check_text(text, "doc.md")
        return report, checker.runner.cache


def report_data(report: FileReport) -> dict:
    data = report.to_dict()
    for claim in data["claims"]:
        for step in claim["steps"]:
            step["seconds"] = 0
    return data


def stored_rows(folder: Path) -> int:
    connection = sqlite3.connect(folder / DATABASE_NAME)
    try:
        return connection.execute("SELECT count(*) FROM steps").fetchone()[0]
    finally:
        connection.close()


def step_count(report: FileReport) -> int:
    return sum(len(claim.steps) for claim in report.claims)


def test_cache_folder_from_environment(cache_folder: Path) -> None:
    assert cache_directory() == cache_folder


def test_cache_folder_default_is_platform_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("SYMCHECK_CACHE_DIR")
    assert cache_directory() == Path(platformdirs.user_cache_dir("symcheck"))


def test_second_run_hits_cache(cache_folder: Path) -> None:
    text = generated_document(2, seed=5)
    first, first_cache = check(text)
    second, second_cache = check(text)
    assert first_cache is not None and second_cache is not None
    steps = step_count(first)
    assert steps > 10
    assert (first_cache.hits, first_cache.misses, first_cache.stored) == (0, steps, steps)
    assert (second_cache.hits, second_cache.misses, second_cache.stored) == (steps, 0, 0)
    assert report_data(second) == report_data(first)
    assert (cache_folder / DATABASE_NAME).is_file()


def test_no_cache_neither_reads_nor_writes(cache_folder: Path) -> None:
    text = generated_document(1, seed=2)
    report, cache = check(text, cache=False)
    assert cache is None
    assert step_count(report) > 0
    assert not cache_folder.exists()

    check(text)
    stored = stored_rows(cache_folder)
    report, cache = check(text, cache=False)
    assert cache is None
    assert stored_rows(cache_folder) == stored


def test_cli_no_cache_leaves_cache_empty(tmp_path: Path, cache_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    document = tmp_path / "doc.md"
    document.write_text(generated_document(1, seed=4), encoding="utf-8")
    assert main(["verify", str(document), "--no-cache", "--format", "json", "-o", str(tmp_path / "out.json")]) == 1
    assert not cache_folder.exists()
    main(["verify", str(document), "--format", "json", "-o", str(tmp_path / "out.json")])
    assert (cache_folder / DATABASE_NAME).is_file()


def test_changed_definition_invalidates_dependent_step() -> None:
    first, first_cache = check(DEFINITION_DOCUMENT)
    assert first_cache is not None
    assert [claim.verdict for claim in first.claims] == [Verdict.PROVED, Verdict.DEFINITION, Verdict.PROVED, Verdict.PROVED]

    changed = DEFINITION_DOCUMENT.replace("g(x) = 2x + 1", "g(x) = 2x + 2")
    second, second_cache = check(changed)
    assert second_cache is not None
    assert [claim.verdict for claim in second.claims] == [Verdict.PROVED, Verdict.DEFINITION, Verdict.REFUTED, Verdict.PROVED]
    # The identity before the definition is reused. g(3) = 7 is checked again because g
    # changed, and so is the last identity, because a step's key contains every definition in scope.
    assert (second_cache.hits, second_cache.misses) == (1, 2)


def test_same_document_in_other_file_hits(tmp_path: Path) -> None:
    check(DEFINITION_DOCUMENT)
    with Checker(Options()) as checker:
        checker.check_text(DEFINITION_DOCUMENT, "other.md")
        assert checker.runner.cache is not None
        assert checker.runner.cache.misses == 0


def test_lines_added_above_hit_and_move_positions() -> None:
    first, _ = check(WARNING_DOCUMENT)
    assert first.claims[0].warnings[0].code == "unused-summation-index"
    column = WARNING_DOCUMENT.splitlines()[2].index("\\sum") + 1
    assert (first.claims[0].warnings[0].line, first.claims[0].warnings[0].column) == (3, column)
    assert first.claims[1].steps[0].message.startswith("5:3: ")

    shifted_text = "Two lines\n\nadded above.\n" + WARNING_DOCUMENT
    shifted, cache = check(shifted_text)
    uncached, _ = check(shifted_text, cache=False)
    assert cache is not None
    assert (cache.hits, cache.misses) == (2, 0)
    assert (shifted.claims[0].warnings[0].line, shifted.claims[0].warnings[0].column) == (6, column)
    assert shifted.claims[1].steps[0].message.startswith("8:3: ")
    assert report_data(shifted) == report_data(uncached)


def test_moved_columns_miss() -> None:
    check(WARNING_DOCUMENT)
    moved_text = WARNING_DOCUMENT.replace("A sum whose", "A longer sum whose")
    moved, cache = check(moved_text)
    assert cache is not None
    assert (cache.hits, cache.misses) == (1, 1)
    column = moved_text.splitlines()[2].index("\\sum") + 1
    assert (moved.claims[0].warnings[0].line, moved.claims[0].warnings[0].column) == (3, column)


def captured_requests(text: str, options: Options) -> list[StepRequest]:
    """Return the StepRequests that checking ``text`` sends to the runner, without running them."""
    captured: list[StepRequest] = []

    def record(requests: list[StepRequest]) -> list[StepReport]:
        captured.extend(requests)
        return [StepReport(Outcome(Verdict.INCONCLUSIVE, "test", "not run")) for _ in requests]

    with Checker(options.with_overrides(cache=False)) as checker:
        checker.runner.run = record  # type: ignore[method-assign]
        checker.check_text(text)
    return captured


def test_key_changes_with_seed_budget_and_sizes() -> None:
    text = "$$(a + 1)^2 = a^2 + 2a + 1$$"
    keys = set()
    for options in (Options(), Options(seed=1), Options(budget=3.0), Options(sizes=(2, 3))):
        keys.add(request_fingerprint(captured_requests(text, options)[0])[0])
    assert len(keys) == 4


def test_key_ignores_lines_but_not_text() -> None:
    base = request_fingerprint(captured_requests("$$(a + 1)^2 = a^2 + 2a + 1$$", Options())[0])
    lower = request_fingerprint(captured_requests("\n\n\n$$(a + 1)^2 = a^2 + 2a + 1$$", Options())[0])
    other = request_fingerprint(captured_requests("$$(a + 1)^2 = a^2 + 2a + 2$$", Options())[0])
    assert lower[0] == base[0]
    assert [line for line, _ in lower[1]] == [line + 3 for line, _ in base[1]]
    assert other[0] != base[0]


def slow_step(request: object) -> StepReport:
    time.sleep(30)
    raise AssertionError("the runner should have stopped this step")


def test_timeouts_are_not_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner_module, "check_step", slow_step)
    report, cache = check("$$(a + 1)^2 = a^2 + 2a + 1$$", budget=0.2)
    assert report.claims[0].steps[0].method == "timeout"
    assert cache is not None
    assert (cache.misses, cache.stored) == (1, 0)
    _, cache = check("$$(a + 1)^2 = a^2 + 2a + 1$$", budget=0.2)
    assert cache is not None
    assert cache.hits == 0


@pytest.mark.parametrize(
    ("method", "message", "cacheable"),
    [
        ("timeout", "timed out after 2 s", False),
        ("error", "checking failed: RecursionError", False),
        ("numeric", "numeric evaluation ran out of time", False),
        ("instantiation", "no size could be checked within the time budget", False),
        ("symbolic", "the difference of the sides simplifies to 0", True),
        ("numeric", "the sides differ", True),
    ],
)
def test_is_cacheable(method: str, message: str, cacheable: bool) -> None:
    assert is_cacheable(StepReport(Outcome(Verdict.INCONCLUSIVE, method, message))) is cacheable


def test_unreadable_database_is_ignored(cache_folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache_folder.mkdir(parents=True)
    (cache_folder / DATABASE_NAME).write_bytes(b"this is not an SQLite database" * 100)
    expected, _ = check(DEFINITION_DOCUMENT, cache=False)
    with caplog.at_level(logging.WARNING, logger=cache_module.__name__):
        report, cache = check(DEFINITION_DOCUMENT)
    assert cache is not None and cache.disabled
    assert "cannot be used" in caplog.text
    assert report_data(report) == report_data(expected)


def test_corrupt_entry_is_a_miss(cache_folder: Path) -> None:
    expected, _ = check(DEFINITION_DOCUMENT)
    connection = sqlite3.connect(cache_folder / DATABASE_NAME)
    with connection:
        connection.execute("UPDATE steps SET report = '{\"outcome\": 1}'")
    connection.close()
    report, cache = check(DEFINITION_DOCUMENT)
    assert cache is not None
    assert cache.hits == 0
    assert report_data(report) == report_data(expected)


def test_concurrent_runs_share_the_cache(tmp_path: Path, cache_folder: Path) -> None:
    document = tmp_path / "doc.md"
    text = generated_document(4, seed=9)
    document.write_text(text, encoding="utf-8")
    environment = dict(os.environ, SYMCHECK_CACHE_DIR=str(cache_folder))
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "symcheck", "verify", str(document), "--format", "json", "-o", str(tmp_path / f"run{index}.json")],
            cwd=tmp_path, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        for index in range(3)
    ]
    errors = [run.communicate(timeout=120)[1].decode() for run in runs]
    assert [run.returncode for run in runs] == [1, 1, 1], errors
    assert all("cannot be used" not in error for error in errors), errors

    reports = [json.loads((tmp_path / f"run{index}.json").read_text(encoding="utf-8")) for index in range(3)]
    for data in reports:
        for claim in data["files"][0]["claims"]:
            for step in claim["steps"]:
                step["seconds"] = 0
    assert reports[1] == reports[0]
    assert reports[2] == reports[0]

    connection = sqlite3.connect(cache_folder / DATABASE_NAME)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
    report, cache = check(text)
    assert cache is not None
    assert (cache.hits, cache.misses) == (step_count(report), 0)
