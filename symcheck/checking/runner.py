"""Run step checks in worker processes under the time budget, in request order.

With ``options.jobs`` above 1 the steps run concurrently in that many workers. Every random
choice of a step is seeded by its request, so a step's report does not depend on which worker
ran it, and the reports are the same as in a serial run. The exception is a step close to its
time budget, because the machine's load then decides how far it gets.
Verdicts found in the on-disk cache are returned without running the step again.
"""

from __future__ import annotations

import logging

from ..config import Options
from .budget import Call, CallResult, TimedOut, WorkerPool
from .cache import StepKey, VerdictCache, open_cache
from .step import StepReport, StepRequest, check_step
from .strategies import Outcome
from .verdict import Verdict

log = logging.getLogger(__name__)

# Extra seconds a worker gets beyond the step budget before it is killed.
GRACE_SECONDS = 0.5
# Characters of a worker's error kept in the step message and the log. An error can quote a
# whole formula, such as a numeral of thousands of digits.
MAX_ERROR_LENGTH = 300


class StepRunner:
    """Runs StepRequests and returns their StepReports in the same order."""

    def __init__(self, options: Options, cache: VerdictCache | None = None) -> None:
        self.options = options
        self.pool = WorkerPool(max(1, options.jobs))
        self.cache = cache if cache is not None else open_cache(options)

    def run(self, requests: list[StepRequest]) -> list[StepReport]:
        """Check every request, taking cached verdicts where there are some."""
        reports: list[StepReport | None] = [None] * len(requests)
        keys: list[StepKey | None] = list(self.cache.keys(requests)) if self.cache is not None else [None] * len(requests)
        if self.cache is not None:
            for index, cached in enumerate(self.cache.lookup(requests, keys)):
                reports[index] = cached

        missing = [index for index, report in enumerate(reports) if report is None]
        calls = [Call(check_step, (requests[index],), requests[index].budget + GRACE_SECONDS) for index in missing]
        results = self.pool.map(calls)
        for index, result in zip(missing, results):
            reports[index] = _report(requests[index], result)

        if self.cache is not None:
            self.cache.store([(requests[index], keys[index], reports[index]) for index in missing])
        return [report for report in reports if report is not None]

    def run_one(self, request: StepRequest) -> StepReport:
        return self.run([request])[0]

    def close(self) -> None:
        self.pool.close()


def _report(request: StepRequest, result: CallResult) -> StepReport:
    """Turn one worker result into a StepReport; a timeout or a failure is inconclusive."""
    if isinstance(result.error, TimedOut):
        report = StepReport(Outcome(Verdict.INCONCLUSIVE, "timeout", f"timed out after {request.budget:g} s"))
    elif result.error is not None:
        error = _shorten(str(result.error))
        log.warning("checking the step %s = %s failed: %s", _shorten(request.lhs_latex, 60), _shorten(request.rhs_latex, 60), error)
        report = StepReport(Outcome(Verdict.INCONCLUSIVE, "error", f"checking failed: {error}"))
    else:
        report = result.value
    report.seconds = result.seconds
    return report


def _shorten(text: str, limit: int = MAX_ERROR_LENGTH) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
