"""Tests for colour detection and the progress bar."""

from __future__ import annotations

import io

import pytest

from symcheck.report.terminal import Progress, supports_color


class _FakeTerminal(io.StringIO):
    """A text stream that claims to be a terminal and, like a real file, fails once closed."""

    def isatty(self) -> bool:
        if self.closed:
            raise ValueError("I/O operation on closed file")
        return True


def test_progress_silent_without_terminal() -> None:
    stream = io.StringIO()
    with Progress(3, stream) as progress:
        progress.advance(item="a.md")
        progress.advance(item="b.md")
        progress.advance(item="c.md")
    assert progress.enabled is False
    assert progress.done == 3
    assert stream.getvalue() == ""


def test_progress_draws_on_terminal() -> None:
    stream = _FakeTerminal()
    progress = Progress(4, stream, width=8)
    progress.MIN_INTERVAL = 0.0
    progress.advance(item="docs/a.md")
    assert stream.getvalue() == "\rchecking [##------] 1/4 docs/a.md\033[K"
    progress.update(4)
    assert stream.getvalue().endswith("\rchecking [########] 4/4\033[K")
    assert "\n" not in stream.getvalue()
    progress.close()
    assert stream.getvalue().endswith("\r\033[K")


def test_progress_throttles_redraws() -> None:
    stream = _FakeTerminal()
    progress = Progress(100, stream)
    for _ in range(50):
        progress.advance()
    assert stream.getvalue().count("\r") == 1
    progress.update(100)  # the final state is always drawn
    assert stream.getvalue().count("\r") == 2


def test_progress_clamps_and_handles_zero_total() -> None:
    stream = _FakeTerminal()
    progress = Progress(2, stream)
    progress.update(5)
    assert progress.done == 2
    empty = Progress(0, _FakeTerminal())
    assert empty.line() == "checking [########################] 0/0"


def test_progress_closed_stream_is_not_a_terminal() -> None:
    stream = _FakeTerminal()
    stream.close()
    assert Progress(1, stream).enabled is False


def test_supports_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert supports_color(_FakeTerminal()) is True
    assert supports_color(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert supports_color(_FakeTerminal()) is False
    monkeypatch.setenv("NO_COLOR", "")
    assert supports_color(_FakeTerminal()) is True
    monkeypatch.setenv("TERM", "dumb")
    assert supports_color(_FakeTerminal()) is False
