"""Time budgets that hold in any thread or process.

A check runs in a worker process; when it overruns, the worker is killed and replaced, and the
check is reported as timed out. WorkerPool runs several checks at once, one per worker, from
the calling thread. Inside the worker, which runs checks on its main thread, a soft deadline
(SIGALRM) lets a strategy give up early and leave time for the next one.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from dataclasses import dataclass
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
    """One worker process that runs functions under a hard time limit.

    ``run`` blocks until the result arrives. ``submit``, ``receive`` and ``expire`` split the
    same work into steps, so that WorkerPool can wait on several workers at once.
    """

    def __init__(self) -> None:
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None
        self._lock = threading.Lock()
        self.deadline: float | None = None  # time.monotonic() after which the running call is killed

    def _start(self) -> None:
        context = _context()
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child,), daemon=True)  # type: ignore[attr-defined]
        process.start()
        child.close()
        self._process, self._connection = process, parent

    @property
    def busy(self) -> bool:
        return self.deadline is not None

    def submit(self, function: Callable[..., Any], arguments: tuple, seconds: float) -> None:
        """Send ``function(*arguments)`` to the worker, starting it if needed, without waiting."""
        if self._process is None or not self._process.is_alive():
            self._kill()
            self._start()
        assert self._connection is not None
        try:
            self._connection.send((function, arguments))
        except (OSError, ValueError) as error:
            self._kill()
            raise RuntimeError(f"the worker process did not accept the call: {error}") from error
        self.deadline = time.monotonic() + seconds

    def waitables(self) -> list[Any]:
        """Return the objects that ``multiprocessing.connection.wait`` watches for this worker.

        The connection becomes ready when a result arrives; the process sentinel when it dies.
        """
        if self._connection is None or self._process is None:
            return []
        return [self._connection, self._process.sentinel]

    def ready(self) -> bool:
        """Return whether the running call has finished, with a result or by the worker dying."""
        if self._connection is None or self._process is None:
            return True
        return self._connection.poll(0) or not self._process.is_alive()

    def receive(self) -> Any:
        """Return the result of the submitted call; raise RuntimeError when it failed."""
        self.deadline = None
        connection = self._connection
        if connection is None:
            raise RuntimeError("the worker process died")
        try:
            if not connection.poll(0):
                self._kill()
                raise RuntimeError("the worker process died (out of memory or killed)")
            status, value = connection.recv()
        except (EOFError, OSError):
            self._kill()
            raise RuntimeError("the worker process died") from None
        if status == "error":
            raise RuntimeError(value)
        return value

    def expire(self) -> None:
        """Kill the worker because its call overran the deadline; the next call starts a new one."""
        self.deadline = None
        self._kill()

    def run(self, function: Callable[..., Any], arguments: tuple, seconds: float) -> Any:
        """Run ``function(*arguments)`` in the worker; raise TimedOut after ``seconds``."""
        with self._lock:
            self.submit(function, arguments, seconds)
            assert self.deadline is not None
            while True:
                remaining = self.deadline - time.monotonic()
                if remaining <= 0:
                    self.expire()
                    raise TimedOut()
                multiprocessing.connection.wait(self.waitables(), min(remaining, 0.5))
                if self.ready():
                    return self.receive()

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
            if self._connection is not None and self._process is not None and self._process.is_alive() and not self.busy:
                try:
                    self._connection.send(None)
                except OSError:
                    pass
                self._process.join(timeout=1)
            self.deadline = None
            self._kill()

    def __del__(self) -> None:
        try:
            if os.getpid() and self._process is not None:
                self._kill()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


@dataclass
class Call:
    """One function call for WorkerPool.map, with its own time limit in seconds."""

    function: Callable[..., Any]
    arguments: tuple
    seconds: float


@dataclass
class CallResult:
    """The result of one Call: ``value`` when it succeeded, else ``error`` (TimedOut or RuntimeError)."""

    value: Any = None
    error: Exception | None = None
    seconds: float = 0.0  # wall time from sending the call to the worker until its result arrived


class WorkerPool:
    """A fixed number of Workers that run calls concurrently, each call under its own limit.

    Everything happens on the calling thread: calls are sent to idle workers and
    ``multiprocessing.connection.wait`` watches the busy ones. symcheck starts no threads of its
    own, so no other symcheck thread can hold a lock while a worker is forked.
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"a worker pool needs at least 1 worker, not {size}")
        self.workers = [Worker() for _ in range(size)]

    def map(self, calls: list[Call]) -> list[CallResult]:
        """Run every call and return the results in the order of ``calls``."""
        results: list[CallResult | None] = [None] * len(calls)
        pending = iter(enumerate(calls))
        running: dict[int, tuple[int, float]] = {}  # worker index -> (call index, start time)
        exhausted = False
        while True:
            for worker_index, worker in enumerate(self.workers):
                if exhausted or worker_index in running:
                    continue
                item = next(pending, None)
                if item is None:
                    exhausted = True
                    break
                call_index, call = item
                started = time.monotonic()
                try:
                    worker.submit(call.function, call.arguments, call.seconds)
                except RuntimeError as error:
                    results[call_index] = CallResult(error=error, seconds=time.monotonic() - started)
                    continue
                running[worker_index] = (call_index, started)
            if not running:
                if exhausted:
                    break
                continue
            self._wait(running)
            now = time.monotonic()
            for worker_index in list(running):
                worker = self.workers[worker_index]
                call_index, started = running[worker_index]
                if worker.ready():
                    try:
                        results[call_index] = CallResult(value=worker.receive(), seconds=time.monotonic() - started)
                    except RuntimeError as error:
                        results[call_index] = CallResult(error=error, seconds=time.monotonic() - started)
                elif worker.deadline is not None and now >= worker.deadline:
                    worker.expire()
                    results[call_index] = CallResult(error=TimedOut(), seconds=now - started)
                else:
                    continue
                del running[worker_index]
        return [result if result is not None else CallResult(error=RuntimeError("the call was not run")) for result in results]

    def _wait(self, running: dict[int, tuple[int, float]]) -> None:
        busy = [self.workers[index] for index in running]
        deadlines = [worker.deadline for worker in busy if worker.deadline is not None]
        timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else 0.0
        waitables = [item for worker in busy for item in worker.waitables()]
        multiprocessing.connection.wait(waitables, timeout)

    def close(self) -> None:
        for worker in self.workers:
            worker.close()
