"""Run step checks in worker processes under the time budget, in request order."""

from __future__ import annotations

import logging
import time

from ..config import Options
from .budget import TimedOut, Worker
from .step import StepReport, StepRequest, check_step
from .strategies import Outcome
from .verdict import Verdict

log = logging.getLogger(__name__)

# Extra seconds a worker gets beyond the step budget before it is killed.
GRACE_SECONDS = 0.5


class StepRunner:
    """Runs StepRequests and returns their StepReports in the same order."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.worker = Worker()

    def run(self, requests: list[StepRequest]) -> list[StepReport]:
        return [self.run_one(request) for request in requests]

    def run_one(self, request: StepRequest) -> StepReport:
        started = time.monotonic()
        try:
            report: StepReport = self.worker.run(check_step, (request,), request.budget + GRACE_SECONDS)
        except TimedOut:
            report = StepReport(Outcome(Verdict.INCONCLUSIVE, "timeout", f"timed out after {request.budget:g} s"))
        except RuntimeError as error:
            log.warning("checking a step failed: %s", error)
            report = StepReport(Outcome(Verdict.INCONCLUSIVE, "error", f"checking failed: {error}"))
        report.seconds = time.monotonic() - started
        return report

    def close(self) -> None:
        self.worker.close()
