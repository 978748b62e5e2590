"""On-disk cache of step verdicts, so that an unchanged step is not checked again.

A step's key is a SHA-256 digest of a canonical serialisation of its StepRequest: both notation
trees, the scope (definitions, shapes, assumptions, conditions), the vector names, variables,
seed, budget and sizes. Token lines are left out, so adding a line above a formula keeps its
key, but token columns stay in because a few messages name a column. Positions in a cached
report (warnings, the place of an interpretation error) are stored as the index of the token
they point at and mapped back to the current token's line and column on a hit. The key also
contains a digest of symcheck's own source files and the versions of SymPy, mpmath, NumPy and
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
import importlib.metadata
import json
import logging
import os
import platform
import sqlite3
from pathlib import Path
from typing import Any, Iterable

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
# Dataclass fields that record where something is in the file, not its content.
POSITION_FIELDS = frozenset({"line", "end_line", "section_id", "section_level"})
# Reports whose verdict depends on the time the step got, so another run may decide them.
UNCACHED_METHODS = frozenset({"timeout", "error"})
TIME_DEPENDENT_PHRASES = ("ran out of time", "within the time budget", "timed out")
# Bound on the objects one key serialises. It also stops the walk on a reference cycle.
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

    def key(self, request: StepRequest, serialiser: "Serialiser | None" = None) -> StepKey | None:
        """Return the cache key of ``request``, or None when it cannot be serialised."""
        try:
            digest, positions = (serialiser or Serialiser()).fingerprint(request)
        except (NotCacheable, RecursionError) as error:
            log.debug("step not cached: %s", error)
            return None
        return StepKey(digest, positions)

    def keys(self, requests: list[StepRequest]) -> list[StepKey | None]:
        """Return the keys of ``requests``, serialising each shared definition once."""
        serialiser = Serialiser()
        return [self.key(request, serialiser) for request in requests]

    # -- reading and writing --------------------------------------------------------

    def lookup(self, requests: list[StepRequest], keys: list[StepKey | None]) -> list[StepReport | None]:
        """Return the cached report of each request, None where there is none."""
        found: list[StepReport | None] = [None] * len(requests)
        digests = [key.digest for key in keys if key is not None]
        rows = self._select(digests) if digests and not self.disabled else {}
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
        # NOTE: entries are never evicted, so the database grows with every new step checked.
        # Deleting the cache folder is safe at any time when no run is using it.
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
    """Return a digest of symcheck's source files and the versions of the libraries it checks with.

    The versions come from the installed distributions' metadata, so a run whose steps are all
    cached does not import the libraries.
    """
    import symcheck

    digest = hashlib.sha256()
    versions = [CACHE_FORMAT, symcheck.__version__, platform.python_version()]
    versions.extend(_installed_version(name) for name in ("sympy", "mpmath", "numpy"))
    digest.update(repr(versions).encode())
    package = Path(symcheck.__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _installed_version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


class _Text(str):
    """A piece of the serialisation that the walk emits as it is."""


class Serialiser:
    """Canonical text of requests, with the scope's definitions serialised once per batch.

    The steps of a document share the Definition objects of its scope, so each is walked once
    and is replaced in every later key by the digest of its text. The memo holds a reference to
    each object, so an id is never reused while the Serialiser lives.
    """

    def __init__(self) -> None:
        from ..semantics.context import Definition

        self.shared_types: tuple[type, ...] = (Definition,)
        self.memo: dict[int, tuple[object, str, list[Position]]] = {}
        self.fields: dict[type, list[str]] = {}

    def fingerprint(self, request: StepRequest) -> tuple[str, list[Position]]:
        """Return the cache key digest of ``request`` and its tokens' positions in walk order."""
        text, positions = self.text(request)
        digest = hashlib.sha256(code_fingerprint().encode())
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest(), positions

    def text(self, root: object, shared: bool = True) -> tuple[str, list[Position]]:
        pieces: list[str] = []
        positions: list[Position] = []
        self._walk(root, pieces, positions, shared)
        return "\0".join(pieces), positions

    def _field_names(self, kind: type) -> list[str]:
        names = self.fields.get(kind)
        if names is None:
            names = [field.name for field in dataclasses.fields(kind) if field.name not in POSITION_FIELDS]
            self.fields[kind] = names
        return names

    def _walk(self, root: object, pieces: list[str], positions: list[Position], shared: bool) -> None:
        """Append the canonical pieces of ``root``, walking with an explicit stack.

        Deep notation trees would overflow Python's recursion limit, so the walk recurses only
        into shared objects and into members of sets and of dictionaries with keys that are
        not strings, which it sorts.
        """
        stack: list[object] = [root]
        visited = 0
        while stack:
            item = stack.pop()
            visited += 1
            if visited > MAX_SERIALISED_ITEMS:
                raise NotCacheable(f"the step has more than {MAX_SERIALISED_ITEMS} parts to serialise")
            if isinstance(item, _Text):
                pieces.append(item)
            elif item is None or isinstance(item, (bool, int, float, str)):
                pieces.append(f"{type(item).__name__}:{item!r}")
            elif isinstance(item, enum.Enum):
                pieces.append(f"enum:{type(item).__qualname__}.{item.name}")
            elif isinstance(item, Token):
                positions.append((item.line, item.column))
                pieces.append(f"token:{item.kind}:{item.text!r}:{item.column}")
            elif shared and isinstance(item, self.shared_types) and item is not root:
                _, digest, member_positions = self._shared(item)
                pieces.append(f"shared:{digest}")
                positions.extend(member_positions)
            elif dataclasses.is_dataclass(item) and not isinstance(item, type):
                stack.append(_Text(")"))
                for name in reversed(self._field_names(type(item))):
                    stack.append(getattr(item, name))
                    stack.append(_Text(f"{name}="))
                stack.append(_Text(f"{type(item).__module__}.{type(item).__qualname__}("))
            elif isinstance(item, (list, tuple)):
                stack.append(_Text("]"))
                stack.extend(reversed(item))
                stack.append(_Text(f"{type(item).__name__}["))
            elif isinstance(item, (set, frozenset)):
                self._sorted(list(item), "set", pieces, positions)
            elif isinstance(item, dict):
                if all(isinstance(key, str) for key in item):
                    stack.append(_Text("}"))
                    for key in sorted(item, reverse=True):
                        stack.append(item[key])
                        stack.append(_Text(f"key:{key!r}"))
                    stack.append(_Text("dict{"))
                else:
                    self._sorted(list(item.items()), "dict", pieces, positions)
            else:
                raise NotCacheable(f"cannot serialise a {type(item).__name__}")

    def _shared(self, item: object) -> tuple[object, str, list[Position]]:
        entry = self.memo.get(id(item))
        if entry is None or entry[0] is not item:
            text, positions = self.text(item)
            entry = (item, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), positions)
            self.memo[id(item)] = entry
        return entry

    def _sorted(self, items: list[object], kind: str, pieces: list[str], positions: list[Position]) -> None:
        """Append unordered members sorted by their own serialisation, so the order is canonical."""
        members = [self.text(item) for item in items]
        members.sort(key=lambda member: member[0])
        pieces.append(f"{kind}{{")
        for text, member_positions in members:
            pieces.append(text)
            positions.extend(member_positions)
        pieces.append("}")


def request_fingerprint(request: StepRequest) -> tuple[str, list[Position]]:
    """Return the cache key digest of ``request`` and its tokens' positions in walk order."""
    return Serialiser().fingerprint(request)


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
