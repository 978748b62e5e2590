"""Terminal helpers for the command line: colour detection and a one-line progress bar."""

from __future__ import annotations

import os
import shutil
import time
from types import TracebackType
from typing import TextIO


def _isatty(stream: TextIO) -> bool:
    """Return whether ``stream`` is an open terminal. Closed streams and objects without ``isatty`` are not."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def supports_color(stream: TextIO) -> bool:
    """Return whether ANSI colours should be written to ``stream``.

    Colours need a terminal. A non-empty ``NO_COLOR`` environment variable (https://no-color.org)
    or ``TERM=dumb`` turns them off.
    """
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    return _isatty(stream)


class Progress:
    """A progress bar redrawn in place on one terminal line.

    When ``stream`` is not a terminal (a pipe, a file, a CI log), every method does nothing, so
    the bar never mixes into saved output. Use it as a context manager, or call ``close`` to
    erase the bar.
    """

    # Redraws closer together than this are dropped, except the one that completes the bar.
    MIN_INTERVAL = 0.05  # seconds

    def __init__(self, total: int, stream: TextIO, *, label: str = "checking", width: int = 24) -> None:
        self.total = max(total, 0)
        self.stream = stream
        self.label = label
        self.width = width
        self.done = 0
        self.enabled = _isatty(stream)
        self._last_draw = float("-inf")
        self._drawn = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def advance(self, count: int = 1, item: str = "") -> None:
        """Count ``count`` more items as done and show ``item`` (such as a file name) after the bar."""
        self.update(self.done + count, item)

    def update(self, done: int, item: str = "") -> None:
        """Set the number of finished items and redraw the bar."""
        self.done = min(max(done, 0), self.total) if self.total else max(done, 0)
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last_draw < self.MIN_INTERVAL and self.done < self.total:
            return
        self._last_draw = now
        self.stream.write("\r" + self.line(item) + "\033[K")
        self.stream.flush()
        self._drawn = True

    def line(self, item: str = "") -> str:
        """Return the bar text, such as 'checking [######------] 12/24 a.md', cut to the terminal width."""
        fraction = self.done / self.total if self.total else 1.0
        filled = round(fraction * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        text = f"{self.label} [{bar}] {self.done}/{self.total}"
        if item:
            text += " " + " ".join(item.split())
        columns = shutil.get_terminal_size(fallback=(80, 24)).columns
        return text[: max(columns - 1, 1)]

    def close(self) -> None:
        """Erase the bar, so that the next output starts on a clean line."""
        if self.enabled and self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._drawn = False
