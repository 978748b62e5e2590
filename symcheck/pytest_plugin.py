"""pytest plugin: collect the claims of Markdown math documents as test items.

Documents are collected only from the configured paths, taken from the first of these that is
set (nothing is collected when none is):

1. ``--symcheck PATH`` on the command line (repeatable), relative to the invocation folder;
2. the ``symcheck_paths`` ini option, relative to the ini file's folder;
3. ``paths`` in the ``[tool.symcheck]`` table of the rootdir's pyproject.toml, relative to the
   rootdir.

The other options of ``[tool.symcheck]`` apply too, and ``--symcheck-budget`` and
``--symcheck-inconclusive`` override ``budget`` and ``inconclusive``. When pytest runs without
file arguments from the rootdir, the configured paths are collected even if ``testpaths``
does not include them. Paths given with ``--symcheck`` are collected in every run.

Each document is checked once, when it is collected (so ``--collect-only`` checks it too), and
every claim becomes one item named after its line, ``docs/a.md::L12``, or after its line and
column, ``docs/a.md::L12:30``, when several claims share the line. A definition with nothing
to check is not an item. Outcomes:

* proved and numeric claims pass, refuted claims fail with the step, both sides, the
  counterexample and the value symcheck derived;
* inconclusive and unparsed claims follow the policy: skip (default, with the reason), fail,
  or pass; ``strict = true`` in ``[tool.symcheck]`` makes the default policy fail;
* a ``skip`` directive skips the claim, and an ``xfail`` directive expects it to be refuted:
  a refuted claim is xfailed, a proved or numeric one fails as XPASS(strict), and an
  undecided one follows the policy.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import pytest

from .config import INCONCLUSIVE_POLICIES, ConfigError, Options, load_options

if TYPE_CHECKING:
    from _pytest._code.code import ExceptionInfo, TerminalRepr

    from .checking.checker import Checker
    from .checking.verdict import ClaimResult, StepResult

MARKDOWN_SUFFIXES = (".md", ".markdown")


class _Settings:
    """The plugin's configuration for one pytest run."""

    def __init__(self, options: Options, paths: list[Path], policy: str, source: str) -> None:
        self.options = options
        self.paths = paths  # absolute, resolved
        self.policy = policy  # what inconclusive and unparsed claims become: skip, fail or pass
        self.source = source  # where the paths came from, for the report header
        self.checker: Checker | None = None

    def get_checker(self) -> "Checker":
        """Return the run's Checker, starting it on first use so that runs without documents need none."""
        if self.checker is None:
            from .checking.checker import Checker

            self.checker = Checker(self.options)
        return self.checker

    def close(self) -> None:
        if self.checker is not None:
            self.checker.close()
            self.checker = None

    def selects(self, path: Path) -> bool:
        """Return whether ``path`` is a Markdown file inside a configured path and not excluded."""
        if path.suffix.lower() not in MARKDOWN_SUFFIXES:
            return False
        resolved = path.resolve()
        if not any(resolved == root or root in resolved.parents for root in self.paths):
            return False
        return not self.excluded(resolved)

    def excluded(self, path: Path) -> bool:
        if not self.options.exclude:
            return False
        names = [path.name, path.as_posix()]
        for root in self.paths:
            if root in path.parents:
                names.append(path.relative_to(root).as_posix())
        return any(fnmatch.fnmatch(name, pattern) for name in names for pattern in self.options.exclude)


_SETTINGS = pytest.StashKey[_Settings]()


# -- configuration ---------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("symcheck", "check the claims of Markdown math documents")
    group.addoption(
        "--symcheck", action="append", default=[], metavar="PATH", dest="symcheck_paths",
        help="check the Markdown documents in PATH (a file or folder); repeatable; replaces the configured paths",
    )
    group.addoption(
        "--symcheck-budget", type=float, default=None, metavar="SECONDS", dest="symcheck_budget",
        help="time budget per step in seconds (default: budget in [tool.symcheck], else 2)",
    )
    group.addoption(
        "--symcheck-inconclusive", choices=INCONCLUSIVE_POLICIES, default=None, dest="symcheck_inconclusive",
        help="what inconclusive and unparsed claims become: skip (default), fail or pass",
    )
    parser.addini("symcheck_paths", type="paths", default=[], help="Markdown files or folders whose claims symcheck collects")


def pytest_configure(config: pytest.Config) -> None:
    pyproject = config.rootpath / "pyproject.toml"
    try:
        options = load_options(pyproject=pyproject) if pyproject.is_file() else Options()
        options = options.with_overrides(
            budget=config.getoption("symcheck_budget"), inconclusive=config.getoption("symcheck_inconclusive"),
        )
    except ConfigError as error:
        raise pytest.UsageError(f"symcheck: {error}") from error

    paths, source = _configured_paths(config, options)
    policy = config.getoption("symcheck_inconclusive") or ("fail" if options.strict else options.inconclusive)
    settings = _Settings(options, paths, policy, source)
    config.stash[_SETTINGS] = settings
    _add_collection_args(config, settings)


def _configured_paths(config: pytest.Config, options: Options) -> tuple[list[Path], str]:
    command_line: list[str] = config.getoption("symcheck_paths")
    if command_line:
        base = config.invocation_params.dir
        return [(base / path).resolve() for path in command_line], "--symcheck"
    ini_paths: list[Path] = config.getini("symcheck_paths")
    if ini_paths:
        return [Path(path).resolve() for path in ini_paths], "symcheck_paths"
    if options.paths:
        return [(config.rootpath / path).resolve() for path in options.paths], "[tool.symcheck] paths"
    return [], ""


def _add_collection_args(config: pytest.Config, settings: _Settings) -> None:
    """Add configured paths that pytest would not walk to the collection arguments.

    Paths from ``--symcheck`` are always added. Configured ones are added under the conditions
    in which pytest uses ``testpaths``: no file arguments, and pytest started in the rootdir.
    """
    if not settings.paths:
        return
    from_configuration = settings.source != "--symcheck"
    if from_configuration and (config.args_source == pytest.Config.ArgsSource.ARGS or config.invocation_params.dir != config.rootpath):
        return
    base = config.invocation_params.dir
    walked = [(base / argument.split("::")[0]).resolve() for argument in config.args]
    for path in settings.paths:
        if not path.exists():
            raise pytest.UsageError(f"symcheck: file or folder not found: {path} (from {settings.source})")
        if any(path == root or root in path.parents for root in walked):
            continue
        config.args.append(str(path))
        walked.append(path)


def pytest_unconfigure(config: pytest.Config) -> None:
    settings = config.stash.get(_SETTINGS, None)
    if settings is not None:
        settings.close()


def pytest_report_header(config: pytest.Config) -> str | None:
    settings = config.stash.get(_SETTINGS, None)
    if settings is None or not settings.paths:
        return None
    shown = ", ".join(_display_path(path, config.rootpath) for path in settings.paths)
    return f"symcheck: {shown} (from {settings.source}; budget {settings.options.budget:g} s, inconclusive claims: {settings.policy})"


def _display_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return str(path)


# -- collection ------------------------------------------------------------------------


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> "MarkdownFile | None":
    settings = parent.config.stash.get(_SETTINGS, None)
    if settings is None or not settings.selects(file_path):
        return None
    return MarkdownFile.from_parent(parent, path=file_path)


class MarkdownFile(pytest.File):
    """A Markdown document; collecting it checks every claim."""

    def collect(self) -> Iterable[pytest.Item]:
        settings = self.config.stash[_SETTINGS]
        report = settings.get_checker().check_file(str(self.path))
        if report.error:
            raise self.CollectError(f"symcheck cannot check {self.path}: {report.error}")
        shown = _display_path(self.path, self.config.rootpath)
        for claim in report.claims:
            claim.path = shown  # locations in failure reports are relative to the rootdir, as node ids are
        claims = [claim for claim in report.claims if not _is_pure_definition(claim)]
        for name, claim in zip(_item_names(claims), claims):
            yield ClaimItem.from_parent(self, name=name, claim=claim, policy=settings.policy)


def _is_pure_definition(claim: "ClaimResult") -> bool:
    from .checking.verdict import Verdict

    return claim.verdict is Verdict.DEFINITION and not claim.directive


def _item_names(claims: list["ClaimResult"]) -> list[str]:
    """Name each item ``L<line>``, or ``L<line>:<column>`` where claims share a line, unique in the file."""
    per_line: dict[int, int] = {}
    for claim in claims:
        per_line[claim.line] = per_line.get(claim.line, 0) + 1
    names: list[str] = []
    seen: dict[str, int] = {}
    for claim in claims:
        name = f"L{claim.line}" if per_line[claim.line] == 1 else f"L{claim.line}:{claim.column}"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name}-{seen[name]}"
        names.append(name)
    return names


# -- items -----------------------------------------------------------------------------


class ClaimRefuted(Exception):
    """Raised by a claim item whose claim symcheck refuted."""


class ClaimUndecided(Exception):
    """Raised by an inconclusive or unparsed claim item under the ``fail`` policy."""


class ClaimItem(pytest.Item):
    """One claim of a document; the verdict was found when the document was collected."""

    def __init__(self, *, claim: "ClaimResult", policy: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.claim = claim
        self.policy = policy
        self.user_properties.append(("verdict", claim.verdict.value))
        if claim.directive == "skip":
            self.add_marker(pytest.mark.skip(reason="skipped by a symcheck directive"))
            return
        if policy == "skip" and self.undecided:
            # A mark, not pytest.skip() in runtest, so that the report points at the document.
            self.add_marker(pytest.mark.skip(reason=self.undecided_reason))
        if claim.directive == "xfail":
            # NOTE: ClaimResult does not keep the reason written after "xfail", so a fixed
            # reason is shown.
            self.add_marker(pytest.mark.xfail(reason="marked xfail by a symcheck directive", strict=True, raises=ClaimRefuted))

    @property
    def undecided(self) -> bool:
        """Whether the claim is inconclusive or unparsed."""
        from .checking.verdict import Verdict

        return self.claim.verdict in (Verdict.INCONCLUSIVE, Verdict.UNPARSED)

    @property
    def undecided_reason(self) -> str:
        # The line is part of the reason because pytest's summary omits it for skip marks.
        return f"line {self.claim.line}, {self.claim.verdict.value}: {_printable(self.claim.message)}"

    def runtest(self) -> None:
        from .checking.verdict import Verdict

        if self.claim.verdict is Verdict.REFUTED:
            raise ClaimRefuted(self.claim.message)
        if self.undecided and self.policy == "fail":
            raise ClaimUndecided(self.undecided_reason)

    def repr_failure(self, excinfo: "ExceptionInfo[BaseException]", style: Any = None) -> "str | TerminalRepr":
        if isinstance(excinfo.value, ClaimRefuted):
            return describe_refuted(self.claim)
        if isinstance(excinfo.value, ClaimUndecided):
            return _claim_header(self.claim, self.claim.verdict.value) + f"\n{_printable(self.claim.message)}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[os.PathLike[str] | str, int | None, str]:
        return self.path, self.claim.line - 1, f"{self.name}: {_one_line(self.claim.latex, 70)}"


def describe_refuted(claim: "ClaimResult") -> str:
    """Build the failure text of a refuted claim: the claim, then each refuted step in detail."""
    from .checking.verdict import Verdict

    lines = [_claim_header(claim, "refuted"), f"    {_one_line(claim.latex)}"]
    refuted = [(number, step) for number, step in enumerate(claim.steps, start=1) if step.verdict is Verdict.REFUTED]
    if not refuted:
        lines.append(_printable(claim.message))
    for number, step in refuted:
        lines.append("")
        lines.extend(_step_lines(number, len(claim.steps), step))
    for warning in claim.warnings:
        lines.append(f"warning[{warning.code}] {warning.line}:{warning.column}: {_printable(warning.message)}")
    return "\n".join(lines)


def _claim_header(claim: "ClaimResult", verdict: str) -> str:
    return f"{_printable(claim.path)}:{claim.line}:{claim.column}: {verdict} claim"


def _step_lines(number: int, count: int, step: "StepResult") -> list[str]:
    lines = [
        f"step {number} of {count} ({step.method}): {_printable(step.message)}",
        f"    left side:  {_one_line(step.lhs)}",
        f"    right side: {_one_line(step.rhs)}",
    ]
    if step.counterexample is not None:
        lines.append(f"    counterexample: {_printable(step.counterexample.describe())}")
    if step.expected:
        lines.append(f"    expected right side: {_printable(step.expected)}")
    return lines


def _one_line(latex: str, limit: int = 0) -> str:
    flat = _printable(" ".join(latex.split()))
    if limit and len(flat) > limit:
        return flat[: limit - 3] + "..."
    return flat


# Control characters other than newline. Document text is untrusted, so they are shown escaped:
# a raw escape sequence could otherwise rewrite the reader's terminal.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _printable(text: str) -> str:
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)
