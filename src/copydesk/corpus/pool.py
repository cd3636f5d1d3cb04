"""Worker processes with a per-page time limit: a page that hangs or crashes its worker costs one error row.

Each worker owns a pipe. The parent hands an idle worker one chunk of tasks; the worker answers with one
row per task, in order, so the parent always knows which page a worker is on and since when. A worker
that goes past the time limit on a page is killed; one that dies (a crash in native code, the OOM killer)
is noticed through its process sentinel. Either way the page it was on gets an error row, the rest of its
chunk goes back in the queue, and a fresh worker takes its place.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from . import rows
from .readers import Task
from .settings import CorpusSettings

STARTUP_SECONDS = 300.0  # importing and loading models; a worker that cannot start within this is broken
WARM_UP_PAGE = b"<html><head><title>t</title></head><body><p>" + b"Warm up text. " * 40 + b"</p></body></html>"

Emit = Callable[[dict[str, Any]], None]


class WorkerStartError(RuntimeError):
    """A worker died before it was ready: the extractor cannot even be imported (a broken install)."""


def worker_main(conn: Connection, settings: CorpusSettings) -> None:
    """A worker's life: build the extractor, say ready, then turn chunks into rows until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from .work import PageWorker

    worker = PageWorker(settings)
    worker.process(Task("warm-up", None, "", "html", WARM_UP_PAGE))  # load the models before the clock runs
    try:
        conn.send(("ready", os.getpid()))
        _serve(conn, worker)
    except (EOFError, BrokenPipeError):  # the parent is gone (killed): nothing to write to any more
        return


def _serve(conn: Connection, worker: Any) -> None:
    started = _cpu_seconds()
    while True:
        chunk = conn.recv()
        if chunk is None:
            conn.send(("bye", (_peak_rss(), _cpu_seconds() - started)))
            return
        for task in chunk:
            conn.send(("row", worker.process(task)))


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def _peak_rss() -> int:
    from ..bench.speed import own_peak_rss

    return own_peak_rss()


@dataclass
class _Worker:
    process: Any
    conn: Connection
    ready: bool = False
    tasks: deque[Task] = field(default_factory=deque)
    since: float = field(default_factory=time.monotonic)  # start of the current page (or of start-up)
    pages: int = 0  # pages done, for recycling


class Pool:
    """Runs chunks of tasks on `settings.workers` processes and emits exactly one row per task."""

    def __init__(self, settings: CorpusSettings, emit: Emit) -> None:
        self.settings, self.emit = settings, emit
        self.context = multiprocessing.get_context("spawn")  # no inherited threads or locks (pyarrow, tqdm)
        self.workers = [self._start() for _ in range(max(1, settings.workers))]
        self.retry: deque[list[Task]] = deque()
        self.peak_rss: list[int] = []
        self.cpu_seconds: list[float] = []  # each worker's CPU time after start-up, for per-core figures
        self.replaced = 0
        self.ready_at: float | None = None  # when every first worker had loaded its models

    def _start(self) -> _Worker:
        parent_end, child_end = self.context.Pipe()
        process = self.context.Process(target=worker_main, args=(child_end, self.settings), daemon=True)
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def run(self, chunks: Iterator[list[Task]]) -> None:
        """Feed every chunk to the workers and wait until every task has its row."""
        exhausted = False
        while True:
            exhausted = self._assign(chunks) or exhausted
            if exhausted and not self.retry and not any(worker.tasks for worker in self.workers):
                return
            self._wait()

    def _assign(self, chunks: Iterator[list[Task]]) -> bool:
        for index, worker in enumerate(self.workers):
            if worker.ready and not worker.tasks and worker.pages >= self.settings.recycle_pages:
                self._stop(worker)  # a fresh process gives back what a long life has fragmented
                self.workers[index] = worker = self._start()
            if worker.ready and not worker.tasks:
                chunk = self.retry.popleft() if self.retry else next(chunks, None)
                if chunk is None:
                    return True
                try:
                    worker.conn.send(chunk)
                except OSError:  # died while idle: its sentinel brings a replacement, the chunk waits
                    self.retry.appendleft(chunk)
                    continue
                worker.tasks.extend(chunk)
                worker.since = time.monotonic()
        return False

    def _wait(self) -> None:
        now = time.monotonic()
        deadline = min(self._deadline(worker) for worker in self.workers)
        handles: list[Any] = [worker.conn for worker in self.workers]
        handles += [worker.process.sentinel for worker in self.workers]
        ready = set(wait(handles, timeout=max(0.0, deadline - now)))
        for index, worker in enumerate(self.workers):
            if worker.conn in ready:
                self._drain(worker)
            if worker.process.sentinel in ready and not worker.process.is_alive():
                self._replace(index, f"worker died (exit code {worker.process.exitcode}) on this page")
            elif time.monotonic() > self._deadline(worker):
                worker.process.kill()
                worker.process.join()
                self._replace(index, f"timed out after {self.settings.timeout:g} s")

    def _deadline(self, worker: _Worker) -> float:
        if not worker.ready:
            return worker.since + STARTUP_SECONDS
        return worker.since + self.settings.timeout if worker.tasks else float("inf")

    def _drain(self, worker: _Worker) -> None:
        while worker.conn.poll():
            try:
                kind, payload = worker.conn.recv()
            except (EOFError, OSError):
                return
            if kind == "ready":
                worker.ready = True
                if self.ready_at is None and all(other.ready for other in self.workers):
                    self.ready_at = time.perf_counter()
            elif kind == "row":
                worker.tasks.popleft()
                worker.pages += 1
                self.emit(payload)
            worker.since = time.monotonic()

    def _replace(self, index: int, error: str) -> None:
        """The worker at `index` is dead: an error row for its page, its other tasks queued again."""
        worker = self.workers[index]
        self._drain(worker)
        if not worker.ready:
            raise WorkerStartError(f"a worker failed to start (exit code {worker.process.exitcode})")
        if worker.tasks:
            task = worker.tasks.popleft()
            self.emit(rows.row(task.record_id, task.url, task.source, "error", error=error))
        if worker.tasks:
            self.retry.appendleft(list(worker.tasks))
        worker.conn.close()
        self.replaced += 1
        self.workers[index] = self._start()

    def close(self) -> None:
        """Stop every worker, collecting each one's peak RSS and CPU time."""
        for worker in self.workers:
            self._stop(worker)

    def _stop(self, worker: _Worker) -> None:
        try:
            worker.conn.send(None)
            while True:
                kind, payload = worker.conn.recv()
                if kind == "bye":
                    self.peak_rss.append(payload[0])
                    self.cpu_seconds.append(payload[1])
                    break
        except (EOFError, OSError):
            pass
        worker.process.join(timeout=10)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()

    def kill(self) -> None:
        for worker in self.workers:
            worker.process.kill()
            worker.process.join()
