"""Verify documents from Python: the functions behind ``symcheck verify``."""

from __future__ import annotations

import os
from pathlib import Path

from .checking.checker import Checker
from .checking.verdict import FileReport, Report
from .config import Options

MARKDOWN_SUFFIXES = (".md", ".markdown")


def verify_text(text: str, path: str = "<string>", options: Options | None = None) -> FileReport:
    """Check every claim in Markdown ``text`` and return the file's report."""
    with Checker(options) as checker:
        return checker.check_text(text, path)


def verify_file(path: str | os.PathLike[str], options: Options | None = None) -> FileReport:
    """Check every claim in the Markdown file at ``path``."""
    with Checker(options) as checker:
        return checker.check_file(str(path))


def collect_documents(paths: list[str] | tuple[str, ...]) -> list[str]:
    """Expand folders into the Markdown files they contain, sorted; keep files as given."""
    documents: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found = sorted(str(p) for p in Path(path).rglob("*") if p.suffix.lower() in MARKDOWN_SUFFIXES and p.is_file())
            documents.extend(found)
        else:
            documents.append(path)
    return documents


def verify_paths(paths: list[str] | tuple[str, ...], options: Options | None = None) -> Report:
    """Check every Markdown document in ``paths`` (files or folders)."""
    report = Report()
    with Checker(options) as checker:
        for document in collect_documents(paths):
            report.files.append(checker.check_file(document))
    return report
