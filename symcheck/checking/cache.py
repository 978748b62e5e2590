"""On-disk cache of step verdicts, so that an unchanged step is not checked again.

A step's key is a SHA-256 digest of a canonical serialisation of its StepRequest: both notation
trees, the scope (definitions, shapes, assumptions, conditions), the vector names, variables,
seed, budget and sizes. Token lines are left out, so adding a line above a formula keeps its
key, but token columns stay in because a few messages name a column. Positions in a cached
report (warnings, the place of an interpretation error) are stored as the index of the token
they point at and mapped back to the current token's line and column on a hit. The key also
holds a digest of symcheck's own source files and the versions of SymPy, mpmath, NumPy and
Python, so a changed checker never reuses old verdicts.

The cache is one SQLite database in ``platformdirs.user_cache_dir("symcheck")``, or in the
folder named by the environment variable SYMCHECK_CACHE_DIR. SQLite locks the file, so
concurrent runs may share it. Reports are stored as JSON, never pickled. Timeouts and failed
checks are not stored, because another run may decide them.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
import logging
import os
import platform
import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterable

from ..config import Options
from ..notation.tokens import Token
from .step import StepReport, StepRequest
from .strategies import Outcome
from .verdict import Counterexample, Verdict

log = logging.getLogger(__name__)

CACHE_FORMAT = 1  # raise when the stored JSON or the key serialisation changes
DATABASE_NAME = f"verdicts-{CACHE_FORMAT}.sqlite3"
CACHE_DIR_VARIABLE = "SYMCHECK_CACHE_DIR"
BUSY_TIMEOUT_SECONDS = 30.0  # how long a run waits for another run's write to finish
# Dataclass fields that record where something is in the file, not what it says.
POSITION_FIELDS = frozenset({"line", "end_line", "section_id", "section_level"})
# Reports whose verdict depends on the time the step got; another run may decide them.
UNCACHED_METHODS = frozenset({"timeout", "error"})
TIME_DEPENDENT_PHRASES = ("ran out of time", "within the time budget", "timed out")
# Bound on the objects one key serialises; it also stops the walk on a reference cycle.
MAX_SERIALISED_ITEMS = 2_000_000
_SQL_VARIABLES = 500  # keys per SELECT, below SQLite's limit on bound parameters

Position = tuple[int, int]


class NotCacheable(Exception):
    """A request or report that cannot be serialised into the cache."""


def cache_directory() -> Path:
    """Return the folder of the cache: $SYMCHECK_CACHE_DIR, else the platform's user cache folder."""
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("symcheck"))


def open_cache(options: Options) -> "VerdictCache | None":
    """Return the verdict cache for a run, or None when ``options.cache`` is off."""
    if not options.cache:
        return None
    return VerdictCache(cache_directory())


@dataclasses.dataclass
class StepKey:
    """A request's cache key and the (line, column) of every token, in serialisation order."""

    digest: str
    positions: list[Position]


class VerdictCache:
    """Step reports stored in SQLite under keys derived from their requests.

    ``hits``, ``misses`` and ``stored`` count lookups and writes of this object. A cache that
    cannot be opened or written logs one warning and is then off for the rest of the run.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.path = self.directory / DATABASE_NAME
        self.hits = 0
        self.misses = 0
        self.stored = 0
        self.disabled = False

    # -- keys -----------------------------------------------------------------------

    def key(self, request: StepRequest) -> StepKey | None:
        """Return the cache key of ``request``, or None when it cannot be serialised."""
        try:
            digest, positions = request_fingerprint(request)
        except (NotCacheable, RecursionError) as error:
            log.debug("step not cached: %s", error)
            return None
        return StepKey(digest, positions)

    def keys(self, requests: list[StepRequest]) -> list[StepKey | None]:
        return [self.key(request) for request in requests]

    # -- reading and writing --------------------------------------------------------

    def lookup(self, requests: list[StepRequest], keys: list[StepKey | None]) -> list[StepReport | None]:
        """Return the cached report of each request, None where there is none."""
        found: list[StepReport | None] = [None] * len(requests)
        wanted = [key.digest for key in keys if key is not None]
        rows = self._select(wanted) if wanted and not self.disabled else {}
        for index, key in enumerate(keys):
            text = rows.get(key.digest) if key is not None else None
            report = None
            if text is not None and key is not None:
                try:
                    report = decode_report(text, key.positions)
                except (ValueError, KeyError, TypeError, IndexError) as error:
                    log.debug("ignoring an unreadable cache entry: %s", error)
            if report is None:
                self.misses += 1
            else:
                self.hits += 1
            found[index] = report
        return found

    def store(self, items: Iterable[tuple[StepRequest, StepKey | None, StepReport | None]]) -> None:
        """Write the reports that may be reused; skip timeouts, failures and unkeyed requests."""
        rows = []
        for _request, key, report in items:
            if key is None or report is None or not is_cacheable(report):
                continue
            try:
                rows.append((key.digest, encode_report(report, key.positions)))
            except NotCacheable as error:
                log.debug("step not cached: %s", error)
        if rows and not self.disabled:
            self._insert(rows)

    def _connect(self) -> sqlite3.Connection:
        self.directory.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS)
        connection.execute("CREATE TABLE IF NOT EXISTS steps (key TEXT PRIMARY KEY, report TEXT NOT NULL)")
        return connection

    def _select(self, digests: list[str]) -> dict[str, str]:
        rows: dict[str, str] = {}
        try:
            connection = self._connect()
            try:
                for start in range(0, len(digests), _SQL_VARIABLES):
                    chunk = digests[start : start + _SQL_VARIABLES]
                    marks = ",".join("?" * len(chunk))
                    for digest, text in connection.execute(f"SELECT key, report FROM steps WHERE key IN ({marks})", chunk):
                        rows[digest] = text
            finally:
                connection.close()
        except (sqlite3.Error, OSError) as error:
            self._disable(error)
        return rows

    def _insert(self, rows: list[tuple[str, str]]) -> None:
        try:
            connection = self._connect()
            try:
                with connection:
                    connection.executemany("INSERT OR REPLACE INTO steps (key, report) VALUES (?, ?)", rows)
            finally:
                connection.close()
        except (sqlite3.Error, OSError) as error:
            self._disable(error)
            return
        self.stored += len(rows)

    def _disable(self, error: BaseException) -> None:
        log.warning("the verdict cache at %s cannot be used, so steps are checked without it: %s", self.path, error)
        self.disabled = True


def is_cacheable(report: StepReport) -> bool:
    """Return whether a report may be reused: not a timeout, a failed check or a time-limited verdict."""
    outcome = report.outcome
    if outcome.method in UNCACHED_METHODS:
        return False
    return not any(phrase in outcome.message for phrase in TIME_DEPENDENT_PHRASES)


# -- serialisation of requests ----------------------------------------------------------


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Return a digest of symcheck's source files and the versions of the libraries it checks with."""
    import mpmath
    import numpy
    import sympy

    import symcheck

    digest = hashlib.sha256()
    versions = (CACHE_FORMAT, symcheck.__version__, sympy.__version__, mpmath.__version__, numpy.__version__, platform.python_version())
    digest.update(repr(versions).encode())
    package = Path(symcheck.__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


class _Text(str):
    """A piece of the serialisation that the walk emits as it is."""


def request_fingerprint(request: StepRequest) -> tuple[str, list[Position]]:
    """Return the cache key digest of ``request`` and its tokens' positions in walk order."""
    digest = hashlib.sha256(code_fingerprint().encode())
    positions: list[Position] = []
    _serialise(request, lambda text: digest.update(text.encode("utf-8", "surrogatepass") + b"\0"), positions)
    return digest.hexdigest(), positions


def _serialise(root: object, emit: Callable[[str], None], positions: list[Position]) -> None:
    """Emit a canonical text form of ``root``, walking with an explicit stack.

    Deep notation trees would overflow Python's recursion limit, so the walk does not recurse
    except to sort the members of sets and of dictionaries with keys that are not strings.
    """
    stack: list[object] = [root]
    visited = 0
    while stack:
        item = stack.pop()
        visited += 1
        if visited > MAX_SERIALISED_ITEMS:
            raise NotCacheable(f"the step has more than {MAX_SERIALISED_ITEMS} parts to serialise")
        if isinstance(item, _Text):
            emit(item)
        elif item is None or isinstance(item, (bool, int, float, str)):
            emit(f"{type(item).__name__}:{item!r}")
        elif isinstance(item, enum.Enum):
            emit(f"enum:{type(item).__qualname__}.{item.name}")
        elif isinstance(item, Token):
            positions.append((item.line, item.column))
            emit(f"token:{item.kind}:{item.text!r}:{item.column}")
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.append(_Text(")"))
            for field in reversed(dataclasses.fields(item)):
                if field.name in POSITION_FIELDS:
                    continue
                stack.append(getattr(item, field.name))
                stack.append(_Text(f"{field.name}="))
            stack.append(_Text(f"{type(item).__module__}.{type(item).__qualname__}("))
        elif isinstance(item, (list, tuple)):
            stack.append(_Text("]"))
            stack.extend(reversed(item))
            stack.append(_Text(f"{type(item).__name__}["))
        elif isinstance(item, (set, frozenset)):
            _emit_sorted(list(item), "set", emit, positions)
        elif isinstance(item, dict):
            if all(isinstance(key, str) for key in item):
                stack.append(_Text("}"))
                for key in sorted(item, reverse=True):
                    stack.append(item[key])
                    stack.append(_Text(f"key:{key!r}"))
                stack.append(_Text("dict{"))
            else:
                _emit_sorted(list(item.items()), "dict", emit, positions)
        else:
            raise NotCacheable(f"cannot serialise a {type(item).__name__}")


def _emit_sorted(items: list[object], kind: str, emit: Callable[[str], None], positions: list[Position]) -> None:
    """Emit unordered members sorted by their own serialisation, so the order is canonical."""
    members = []
    for item in items:
        pieces: list[str] = []
        member_positions: list[Position] = []
        _serialise(item, pieces.append, member_positions)
        members.append(("\0".join(pieces), member_positions))
    members.sort(key=lambda member: member[0])
    emit(f"{kind}{{")
    for text, member_positions in members:
        emit(text)
        positions.extend(member_positions)
    emit("}")


# -- serialisation of reports -----------------------------------------------------------


def encode_report(report: StepReport, positions: list[Position]) -> str:
    """Return the JSON text of ``report`` with positions replaced by token indices."""
    index: dict[Position, int] = {}
    for ordinal, position in enumerate(positions):
        index.setdefault(position, ordinal)

    def token_index(line: int, column: int) -> int:
        if line == 0 and column == 0:
            return -1
        if (line, column) not in index:
            raise NotCacheable(f"the position {line}:{column} is not a token of the step")
        return index[(line, column)]

    outcome = report.outcome
    data: dict[str, Any] = {
        "outcome": {
            "verdict": outcome.verdict.value,
            "method": outcome.method,
            "message": outcome.message,
            "counterexample": dataclasses.asdict(outcome.counterexample) if outcome.counterexample is not None else None,
            "expected": outcome.expected,
        },
        "notes": [],
        "error_at": token_index(report.error_line, report.error_column),
    }
    for note in report.notes:
        fields = {key: value for key, value in dataclasses.asdict(note).items() if key not in ("line", "column")}
        data["notes"].append({"at": token_index(note.line, note.column), **fields})
    try:
        return json.dumps(data, sort_keys=True)
    except (TypeError, ValueError) as error:
        raise NotCacheable(f"the report is not JSON: {error}") from error


def decode_report(text: str, positions: list[Position]) -> StepReport:
    """Rebuild a StepReport from ``encode_report`` output, at the current tokens' positions."""
    from ..semantics.interpret import Note

    def position(ordinal: int) -> Position:
        return (0, 0) if ordinal < 0 else positions[ordinal]

    data = json.loads(text)
    stored = data["outcome"]
    counterexample = Counterexample(**stored["counterexample"]) if stored["counterexample"] is not None else None
    outcome = Outcome(Verdict(stored["verdict"]), stored["method"], stored["message"], counterexample, stored["expected"])
    notes = []
    for item in data["notes"]:
        line, column = position(item.pop("at"))
        notes.append(Note(line=line, column=column, **item))
    error_line, error_column = position(data["error_at"])
    return StepReport(outcome, notes, error_line, error_column)
