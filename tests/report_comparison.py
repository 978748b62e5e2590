"""Comparison of two JSON reports of the same documents, leaving out what depends on timing."""

from __future__ import annotations

import json
import re
from collections import Counter

# Two parts of a step report depend on how much CPU time the step got rather than on what was
# checked. One is the number of random points sampled before the budget ran out, the other
# the outcome of a step that ran out of time. On a loaded machine they differ between runs.
SAMPLE_COUNT = re.compile(r"agree at \d+ random points")
TIME_LIMITED = ("ran out of time", "timed out")


def without_timings(data: dict) -> dict:
    """Return report data with wall times set to 0 and sample counts replaced by N."""
    for file in data["files"]:
        for claim in file["claims"]:
            for step in claim["steps"]:
                step["seconds"] = 0
                step["message"] = SAMPLE_COUNT.sub("agree at N random points", step["message"])
    return data


def mask_time_limited(first: dict, second: dict) -> int:
    """Blank the claims with a step that ran out of time in either report; return how many.

    The summaries are recomputed from the claims afterwards, so they agree when the rest does.
    """
    masked = 0
    for file_a, file_b in zip(first["files"], second["files"]):
        for claim_a, claim_b in zip(file_a["claims"], file_b["claims"]):
            messages = [step["message"] for step in claim_a["steps"] + claim_b["steps"]]
            if any(phrase in message for message in messages for phrase in TIME_LIMITED):
                masked += 1
                for claim in (claim_a, claim_b):
                    claim.update(verdict="time-limited", message="", steps=[])
    for data in (first, second):
        data["summary"] = dict(Counter(claim["verdict"] for file in data["files"] for claim in file["claims"]))
    return masked


def differences(first: dict, second: dict) -> list[str]:
    """Return one line per claim field that differs between two reports of the same files."""
    found = []
    for file_a, file_b in zip(first["files"], second["files"]):
        for claim_a, claim_b in zip(file_a["claims"], file_b["claims"]):
            for key in claim_a:
                if claim_a[key] != claim_b.get(key):
                    found.append(f"line {claim_a['line']} {key}: {json.dumps(claim_a[key])[:400]} != {json.dumps(claim_b.get(key))[:400]}")
        if len(file_a["claims"]) != len(file_b["claims"]):
            found.append(f"{file_a['path']}: {len(file_a['claims'])} claims != {len(file_b['claims'])}")
    return found
