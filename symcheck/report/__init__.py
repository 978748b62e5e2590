"""Report writers: turn a ``Report`` into text, JSON, JUnit XML, GitHub commands or HTML."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from symcheck.checking.verdict import Report
from symcheck.report.github import render_github
from symcheck.report.html import render_html
from symcheck.report.json_report import render_json
from symcheck.report.junit import render_junit
from symcheck.report.text import render_text

_RENDERERS: dict[str, Callable[..., str]] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "github": render_github,
    "html": render_html,
}

FORMATS: tuple[str, ...] = tuple(_RENDERERS)


def render(report: Report, fmt: str, **options: Any) -> str:
    """Render ``report`` in the format ``fmt``, passing ``options`` to that format's writer.

    Raises ValueError for an unknown format, and TypeError for an option the writer does not
    take (only ``text`` and ``html`` take options).
    """
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown report format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    return renderer(report, **options)


__all__ = [
    "FORMATS",
    "render",
    "render_github",
    "render_html",
    "render_json",
    "render_junit",
    "render_text",
]
