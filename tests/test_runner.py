"""The step runner: parallel workers give the same reports as one, in request order."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from claim_samples import generated_document
from report_comparison import differences, mask_time_limited, without_timings

from symcheck.api import verify_text
from symcheck.checking.budget import Call, TimedOut, WorkerPool
from symcheck.checking.checker import Checker
from symcheck.checking.runner import GRACE_SECONDS
from symcheck.checking.verdict import Verdict
from symcheck.cli import main
from symcheck.config import Options

REPOSITORY = Path(__file__).resolve().parent.parent
NEURAL_NETWORK_MATH = REPOSITORY / "formulas" / "neural-network-math.md"


def cli_json_report(tmp_path: Path, document: Path, *options: str) -> dict:
    output = tmp_path / f"report-{len(list(tmp_path.iterdir()))}.json"
    main(["verify", str(document), "--format", "json", "-o", str(output), "--no-cache", *options])
    return without_timings(json.loads(output.read_text(encoding="utf-8")))


# Module-level functions, so that the worker processes can unpickle them.
def square(value: int) -> int:
    return value * value


def sleep_then_return(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def exit_abruptly() -> None:
    os._exit(3)


def process_id() -> int:
    return os.getpid()


def test_jobs_two_match_one_on_neural_network_math(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    serial = cli_json_report(tmp_path, NEURAL_NETWORK_MATH, "--jobs", "1")
    parallel = cli_json_report(tmp_path, NEURAL_NETWORK_MATH, "--jobs", "2")
    assert sum(len(claim["steps"]) for claim in serial["files"][0]["claims"]) > 20
    assert mask_time_limited(serial, parallel) <= 3
    assert differences(serial, parallel) == []
    assert parallel == serial


def test_jobs_two_match_one_on_generated_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    document = tmp_path / "generated.md"
    document.write_text(generated_document(12, seed=7), encoding="utf-8")
    serial = cli_json_report(tmp_path, document, "--jobs", "1")
    parallel = cli_json_report(tmp_path, document, "--jobs", "2")
    assert mask_time_limited(serial, parallel) == 0
    verdicts = {claim["verdict"] for claim in serial["files"][0]["claims"]}
    assert {"definition", "proved", "refuted"} <= verdicts
    assert len(serial["files"][0]["claims"]) == 120
    assert differences(serial, parallel) == []
    assert parallel == serial


def test_checker_reuses_workers_across_documents() -> None:
    options = Options(jobs=2, cache=False)
    with Checker(options) as checker:
        first = checker.check_text(generated_document(2, seed=1))
        process_ids = [worker._process.pid for worker in checker.runner.pool.workers if worker._process is not None]
        second = checker.check_text(generated_document(2, seed=1))
        again = [worker._process.pid for worker in checker.runner.pool.workers if worker._process is not None]
    assert len(process_ids) == 2
    assert again == process_ids
    assert [claim.verdict for claim in first.claims] == [claim.verdict for claim in second.claims]


def test_pool_returns_results_in_call_order() -> None:
    pool = WorkerPool(2)
    try:
        calls = [Call(sleep_then_return, ((5 - index) / 20,), 5.0) for index in range(5)]
        calls.append(Call(square, (7,), 5.0))
        results = pool.map(calls)
    finally:
        pool.close()
    assert [result.error for result in results] == [None] * 6
    assert [result.value for result in results] == [5 / 20, 4 / 20, 3 / 20, 2 / 20, 1 / 20, 49]


def test_pool_times_out_one_call_only() -> None:
    pool = WorkerPool(2)
    try:
        started = time.monotonic()
        results = pool.map([Call(sleep_then_return, (30.0,), 0.5), Call(square, (3,), 5.0), Call(square, (4,), 5.0)])
        elapsed = time.monotonic() - started
    finally:
        pool.close()
    assert isinstance(results[0].error, TimedOut)
    assert 0.5 <= results[0].seconds < 2.0
    assert [results[1].value, results[2].value] == [9, 16]
    assert elapsed < 5.0


def test_pool_reports_a_dead_worker_and_goes_on() -> None:
    pool = WorkerPool(1)
    try:
        results = pool.map([Call(exit_abruptly, (), 5.0), Call(square, (5,), 5.0)])
    finally:
        pool.close()
    assert isinstance(results[0].error, RuntimeError)
    assert "died" in str(results[0].error)
    assert results[1].value == 25


def test_pool_uses_at_most_its_size_in_processes() -> None:
    pool = WorkerPool(2)
    try:
        results = pool.map([Call(process_id, (), 5.0) for _ in range(8)])
    finally:
        pool.close()
    assert len({result.value for result in results}) <= 2


def test_pool_rejects_zero_workers() -> None:
    with pytest.raises(ValueError, match="at least 1 worker"):
        WorkerPool(0)


def test_parallel_step_time_stays_within_budget() -> None:
    budget = 0.5
    report = verify_text(generated_document(3, seed=3), options=Options(jobs=2, cache=False, budget=budget))
    steps = [step for claim in report.claims for step in claim.steps]
    assert steps
    assert all(step.seconds <= budget + GRACE_SECONDS + 0.5 for step in steps)
    assert all(step.verdict is not Verdict.INCONCLUSIVE for step in steps)
