"""Options of a run: defaults, the ``[tool.symcheck]`` table of pyproject.toml, and overrides
from the command line or the pytest plugin, merged into one object.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

INCONCLUSIVE_POLICIES = ("skip", "fail", "pass")


class ConfigError(ValueError):
    """An invalid option value; the message names the option and what it accepts."""


@dataclass(frozen=True)
class Options:
    """Everything that changes how claims are checked or reported."""

    paths: tuple[str, ...] = ()  # documents or folders to check (plugin and CLI default)
    budget: float = 2.0  # seconds per step, enforced by killing the worker
    sizes: tuple[int, ...] = (1, 2, 3, 4)  # sizes n, m at which general claims are instantiated
    seed: int = 0  # seed of every random choice, so runs are repeatable
    strict: bool = False  # inconclusive and unparsed claims count as failures
    inconclusive: str = "skip"  # plugin policy for inconclusive and unparsed claims
    jobs: int = 1  # worker processes
    cache: bool = True  # reuse step verdicts from the on-disk cache
    max_formula_length: int = 20_000  # characters of one formula
    max_file_size: int = 20_000_000  # bytes of one document
    max_nesting: int = 64  # depth of nested groups in one formula; deeper ones overflow the parser
    exclude: tuple[str, ...] = field(default=())  # glob patterns of files to skip

    def with_overrides(self, **overrides: Any) -> "Options":
        """Return a copy with the given options replaced; None values are ignored."""
        cleaned = {key: value for key, value in overrides.items() if value is not None}
        return validate(replace(self, **cleaned))


def validate(options: Options) -> Options:
    if not (0 < options.budget <= 3600):  # also rejects nan and infinity
        raise ConfigError(f"budget must be a number of seconds between 0 and 3600, not {options.budget}")
    if not options.sizes or any(size < 1 or size > 16 for size in options.sizes):
        raise ConfigError(f"sizes must be integers from 1 to 16, not {list(options.sizes)}")
    if options.inconclusive not in INCONCLUSIVE_POLICIES:
        raise ConfigError(f"inconclusive must be one of {', '.join(INCONCLUSIVE_POLICIES)}, not '{options.inconclusive}'")
    if options.jobs < 1:
        raise ConfigError(f"jobs must be at least 1, not {options.jobs}")
    return options


def find_pyproject(start: str | os.PathLike[str] = ".") -> Path | None:
    """Return the nearest pyproject.toml in ``start`` or a parent folder."""
    folder = Path(start).resolve()
    if folder.is_file():
        folder = folder.parent
    for candidate in [folder, *folder.parents]:
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
    return None


def load_options(start: str | os.PathLike[str] = ".", pyproject: Path | None = None) -> Options:
    """Read ``[tool.symcheck]`` from the nearest pyproject.toml; defaults when there is none."""
    path = pyproject or find_pyproject(start)
    if path is None:
        return Options()
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from error
    table = data.get("tool", {}).get("symcheck", {})
    return options_from_table(table, str(path))


def options_from_table(table: dict[str, Any], source: str = "[tool.symcheck]") -> Options:
    known = {item.name for item in fields(Options)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in known:
            raise ConfigError(f"{source}: unknown option '{key}'; known options: {', '.join(sorted(known))}")
        if name in ("paths", "exclude"):
            if isinstance(value, str):
                value = [value]
            values[name] = tuple(str(item) for item in value)
        elif name == "sizes":
            values[name] = tuple(int(item) for item in value)
        elif name in ("budget",):
            values[name] = float(value)
        elif name in ("seed", "jobs", "max_formula_length", "max_file_size", "max_nesting"):
            values[name] = int(value)
        elif name in ("strict", "cache"):
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: '{key}' must be true or false")
            values[name] = value
        else:
            values[name] = value
    return validate(Options(**values))
