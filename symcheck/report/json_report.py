"""JSON report: ``Report.to_dict()`` with the symcheck version, for other programs to read."""

from __future__ import annotations

import json
from typing import Any

import symcheck
from symcheck.checking.verdict import Report


def report_data(report: Report) -> dict[str, Any]:
    """Return the JSON-ready data of a report: ``version``, ``files`` and ``summary``."""
    return {"version": symcheck.__version__, **report.to_dict()}


def render_json(report: Report) -> str:
    """Render a report as indented JSON text ending in a newline."""
    return json.dumps(report_data(report), indent=2) + "\n"
