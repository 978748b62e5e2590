"""Time budgets that hold in any thread or process.

A check runs in a worker process; when it overruns, the worker is killed and replaced, and the
check is reported as timed out. Inside the worker, which runs checks on its main thread, a soft
deadline (SIGALRM) lets a strategy give up early and leave time for the next one.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from multiprocessing.connection import Connection
from typing import Any, Callable, Iterator

log = logging.getLogger(__name__)


class SoftTimeout(Exception):
    """Raised inside a worker when a strategy's share of the budget is used up."""


@contextlib.contextmanager
def soft_deadline(seconds: float) -> Iterator[None]:
    """Raise SoftTimeout after ``seconds``; a no-op outside the main thread or on Windows."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread() and seconds > 0
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise SoftTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class TimedOut(Exception):
    """The worker did not answer within the budget and was killed."""


def _serve(connection: Connection) -> None:
    """Worker loop: run each (function, arguments) received, send back the result or error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        function, arguments = message
        try:
            result = ("ok", function(*arguments))
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent
            result = ("error", f"{type(error).__name__}: {error}")
        try:
            connection.send(result)
        except Exception as error:  # noqa: BLE001 - an unpicklable result is reported, not lost
            connection.send(("error", f"result could not be sent: {error}"))


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    # fork starts in milliseconds with SymPy already imported; elsewhere use spawn.
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


class Worker:
    """One worker process that runs functions under a hard time limit."""

    def __init__(self) -> None:
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def _start(self) -> None:
        context = _context()
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child,), daemon=True)
        process.start()
        child.close()
        self._process, self._connection = process, parent

    def run(self, function: Callable[..., Any], arguments: tuple, seconds: float) -> Any:
        """Run ``function(*arguments)`` in the worker; raise TimedOut after ``seconds``."""
        with self._lock:
            if self._process is None or not self._process.is_alive():
                self._start()
            assert self._connection is not None
            self._connection.send((function, arguments))
            deadline = time.monotonic() + seconds
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._kill()
                    raise TimedOut()
                if self._connection.poll(min(remaining, 0.5)):
                    try:
                        status, value = self._connection.recv()
                    except (EOFError, OSError):
                        self._kill()
                        raise RuntimeError("the worker process died")
                    if status == "error":
                        raise RuntimeError(value)
                    return value
                if self._process is not None and not self._process.is_alive():
                    self._kill()
                    raise RuntimeError("the worker process died (out of memory or killed)")

    def _kill(self) -> None:
        process, connection = self._process, self._connection
        self._process, self._connection = None, None
        if connection is not None:
            connection.close()
        if process is not None and process.is_alive():
            process.kill()
            process.join(timeout=5)
        log.debug("worker %s stopped", getattr(process, "pid", None))

    def close(self) -> None:
        with self._lock:
            if self._connection is not None and self._process is not None and self._process.is_alive():
                try:
                    self._connection.send(None)
                except OSError:
                    pass
                self._process.join(timeout=1)
            self._kill()

    def __del__(self) -> None:
        try:
            if os.getpid() and self._process is not None:
                self._kill()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass
