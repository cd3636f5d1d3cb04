"""Extraction off the event loop, in worker processes that can be killed.

Extraction is CPU-bound Python: in a thread it would hold the GIL against the event loop, and a thread
cannot be stopped, so a page engineered to be slow would keep its thread (and its memory) for as long as
it likes. Each worker here is a process with a pipe; a job is sent to an idle worker, and when it has
not answered within `extract_timeout` the process is killed and a fresh one started in its place. The
idle-worker queue is the concurrency limit (one extraction per worker) and hands workers out first come,
first served; `max_waiting` bounds how many requests may queue for one, so a flood gets 503 at once
instead of piling up memory.

The blocking pipe calls run in a small thread pool (one thread per worker), never on the event loop.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

from ..options import Options
from .errors import ServiceError
from .jobs import Job, run_job
from .metrics import Metrics
from .settings import ServiceOptions

_WARM_UP = b"<html><body><article><h1>Warm up</h1><p>Loads the models before any request.</p></article></body></html>"


def _worker_main(conn: Connection, options: Options) -> None:
    # Ctrl-C reaches the whole process group; the server shuts the workers down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    run_job(Job(_WARM_UP), options)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(run_job(job, options))


class Worker:
    """One extraction process and its end of the pipe. `call` blocks: run it in a thread."""

    def __init__(self, options: Options) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, options), daemon=True,
                                       name="copydesk-extract")
        self.process.start()
        child.close()

    def wait_ready(self) -> None:
        if self.conn.recv() != "ready":
            raise RuntimeError("extraction worker failed to start")

    def call(self, job: Job) -> dict[str, Any]:
        self.conn.send(job)
        return self.conn.recv()

    def alive(self) -> bool:
        # An idle worker has nothing to say: a readable pipe means its end was closed (the process died),
        # which holds even when something else in this process already reaped the child.
        return self.process.is_alive() and not self.conn.poll()

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


class WorkerPool:
    """`run(job)` on the first free worker, with the service's time and queue limits."""

    def __init__(self, options: ServiceOptions, metrics: Metrics) -> None:
        self.options = options
        self.metrics = metrics
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.workers: set[Worker] = set()
        self.waiting = 0
        self.threads = ThreadPoolExecutor(max_workers=2 * options.workers + 2, thread_name_prefix="copydesk-pipe")
        self.spawning: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await asyncio.gather(*(self._spawn() for _ in range(self.options.workers)))

    async def close(self) -> None:
        for task in self.spawning:
            task.cancel()
        for worker in list(self.workers):
            worker.kill()
        self.workers.clear()
        self.threads.shutdown(wait=False, cancel_futures=True)

    async def run(self, job: Job) -> dict[str, Any]:
        worker = await self._acquire()
        self.metrics.in_progress.inc()
        try:
            with self.metrics.extraction_seconds.time():
                result = await asyncio.wait_for(self._call(worker, job), self.options.extract_timeout)
        except TimeoutError:
            self._replace(worker, "timeout")
            raise ServiceError(504, "extraction_timeout", f"extraction took longer than the "
                               f"{self.options.extract_timeout:g} s limit and was stopped") from None
        except (EOFError, OSError):
            self._replace(worker, "crashed")
            raise ServiceError(500, "worker_crashed", "the extraction process died on this page "
                               "(out of memory?); the service has started a new one") from None
        except asyncio.CancelledError:
            self._replace(worker, "cancelled")  # still busy with the job: never hand it out again
            raise
        finally:
            self.metrics.in_progress.dec()
        self.idle.put_nowait(worker)
        return result

    async def _acquire(self) -> Worker:
        if self.idle.empty() and self.waiting >= self.options.max_waiting:
            self.metrics.extractions.labels("overloaded").inc()
            raise _overloaded(f"{self.waiting} extractions are already waiting")
        self.waiting += 1
        self.metrics.waiting.inc()
        try:
            async with asyncio.timeout(self.options.wait_timeout):
                worker = await self.idle.get()
                while not worker.alive():  # died while idle (killed from outside, out of memory)
                    self._replace(worker, "crashed")
                    worker = await self.idle.get()
                return worker
        except TimeoutError:
            self.metrics.extractions.labels("overloaded").inc()
            raise _overloaded(f"no extraction worker was free within {self.options.wait_timeout:g} s") from None
        finally:
            self.waiting -= 1
            self.metrics.waiting.dec()

    async def _call(self, worker: Worker, job: Job) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self.threads, worker.call, job)
        self.metrics.extractions.labels("error" if "error" in result else "ok").inc()
        return result

    def _replace(self, worker: Worker, outcome: str) -> None:
        self.metrics.extractions.labels(outcome).inc()
        self.metrics.worker_restarts.inc()
        self.workers.discard(worker)
        worker.kill()  # the pipe thread blocked on it gets EOF and ends
        task = asyncio.create_task(self._spawn())
        self.spawning.add(task)
        task.add_done_callback(self.spawning.discard)

    async def _spawn(self) -> None:
        worker = Worker(self.options.extract)
        await asyncio.get_running_loop().run_in_executor(self.threads, worker.wait_ready)
        self.workers.add(worker)
        self.idle.put_nowait(worker)


def _overloaded(why: str) -> ServiceError:
    return ServiceError(503, "overloaded", f"the service is busy ({why}); try again shortly", {"Retry-After": "1"})
