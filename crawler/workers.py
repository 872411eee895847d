"""Extraction in child processes, fed through pipes by the crawl's own event loop.

The crawl process sends each job (a module-level function and its arguments) as a
length-prefixed pickle down a worker's stdin and reads the answer from its stdout, both pipes
driven by the asyncio loop the reactor runs on. No threads: concurrent.futures'
ProcessPoolExecutor used a feeder and a manager thread that took turns with the reactor for the
GIL, at a cost per page measured in BENCHMARKS.md.

A worker that dies, or is stopped for taking longer than `timeout` on one job (a runaway
page), fails only the job it was working on (WorkerDied); the jobs queued behind it go to a new
worker. A worker ends by itself when its stdin closes, so a crawl killed outright takes its
workers with it. Workers ignore SIGINT: the crawl decides when they stop (after its last page).

    python -m crawler.workers      # a worker: reads jobs on stdin, answers on stdout
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import gc
import itertools
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

from crawler.errors import NewsarchiveError

_HEAD = 4  # bytes of length before each frame, big-endian


class WorkerDied(NewsarchiveError, RuntimeError):
    """The worker process ended (or was stopped) while working on this job."""


def _frame(message) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(_HEAD, "big") + data


_PIPE_SIZE = 1 << 20


def _widen(fd: int) -> None:
    """Give a pipe room for many pages (Linux; 64 KB otherwise). With 64 KB, a worker that
    finished a page often found the next one half-written, waiting on a busy reactor, and the
    reactor's answers backed up into a blocked worker: both sat idle for each other."""
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, min(_PIPE_SIZE, _pipe_max()))


def _pipe_max() -> int:
    try:
        return int(Path("/proc/sys/fs/pipe-max-size").read_text())
    except (OSError, ValueError):
        return 1 << 16


class _Job:
    __slots__ = ("future", "message", "tries")

    def __init__(self, future: asyncio.Future, message, tries: int = 0):
        self.future = future
        self.message = message
        self.tries = tries


class _Worker(asyncio.Protocol):
    """One child process, its two pipes and the jobs it holds (answered in the order sent)."""

    def __init__(self, pool: WorkerPool):
        self.pool = pool
        self.pending: dict[int, _Job] = {}  # in the order sent: the first is being worked on
        self.head_since = 0.0  # when the worker began the first pending job
        self.stopped_for: str | None = None  # why the pool killed it, if it did
        self.buffer = bytearray()
        self.writer: asyncio.WriteTransport | None = None
        self.process: subprocess.Popen | None = None

    async def start(self, loop: asyncio.AbstractEventLoop) -> None:
        # The parent's import path, so that a worker finds this package wherever the crawl found
        # it (an installed package, a checkout, a Scrapyd egg).
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "crawler.workers"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        for pipe in (self.process.stdin, self.process.stdout):
            assert pipe is not None  # both are PIPE
            _widen(pipe.fileno())
        self.writer, _ = await loop.connect_write_pipe(asyncio.Protocol, self.process.stdin)
        await loop.connect_read_pipe(lambda: self, self.process.stdout)

    def submit(self, job_id: int, job: _Job) -> None:
        if not self.pending:
            self.head_since = time.monotonic()
        self.pending[job_id] = job
        assert self.writer is not None, "submit() before start()"
        self.writer.write(_frame((job_id, *job.message)))

    # asyncio.Protocol, for the stdout pipe
    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        while len(buffer) >= _HEAD:
            size = int.from_bytes(buffer[:_HEAD], "big")
            if len(buffer) < _HEAD + size:
                break
            job_id, ok, value = pickle.loads(memoryview(buffer)[_HEAD : _HEAD + size])
            del buffer[: _HEAD + size]
            self.head_since = time.monotonic()
            job = self.pending.pop(job_id, None)
            if job is None or job.future.done():
                continue
            if ok:
                job.future.set_result(value)
            else:
                job.future.set_exception(value)

    def connection_lost(self, exc) -> None:
        """The worker ended: the job it was working on fails; those queued behind it, innocent,
        go to another worker (once)."""
        code = self._reap()
        jobs = list(self.pending.values())
        self.pending.clear()
        self.pool._lost(self)
        for n, job in enumerate(jobs):
            if job.future.done():
                continue
            if n > 0 and job.tries == 0:
                job.tries += 1
                self.pool._retry(job)
            elif n > 0:
                job.future.set_exception(
                    WorkerDied("two extraction workers ended while this page waited its turn; given up")
                )
            elif self.stopped_for:
                job.future.set_exception(WorkerDied(self.stopped_for))
            else:
                job.future.set_exception(
                    WorkerDied(f"the extraction worker ended (exit status {code}) while working on this page")
                )

    def _reap(self, timeout: float = 1.0) -> int | None:
        if self.process is None:
            return None
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def end_input(self) -> None:
        """Close the worker's stdin: it ends once it has answered what it holds."""
        if self.writer is not None:
            self.writer.close()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class WorkerPool:
    """`await pool.run(func, *args, **kwargs)`: func(*args, **kwargs) in a worker process.

    func must be importable by name (a module-level function); its arguments, result and
    exceptions travel as pickles. Workers start on the first job.
    """

    def __init__(self, size: int, timeout: float | None = None):
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.size = size
        self.timeout = timeout  # seconds a job may take before its worker is stopped
        self.workers: list[_Worker] = []
        self._ids = itertools.count()
        self._starting: asyncio.Future | None = None
        self._watchdog: asyncio.TimerHandle | None = None
        self.closed = False

    async def run(self, func, *args, **kwargs):
        if self.closed:
            raise RuntimeError("the worker pool is closed")
        job = _Job(asyncio.get_running_loop().create_future(), (func, args, kwargs))
        await self._submit(job)
        return await job.future

    async def _submit(self, job: _Job) -> None:
        worker = await self._worker()
        worker.submit(next(self._ids), job)
        if self.timeout and self._watchdog is None:
            self._watchdog = asyncio.get_running_loop().call_later(min(self.timeout, 1.0), self._watch)

    def _retry(self, job: _Job) -> None:
        async def again() -> None:
            try:
                await self._submit(job)
            except Exception as exc:  # no worker could be started: the job fails, clearly
                if not job.future.done():
                    job.future.set_exception(exc)

        if self.closed:
            job.future.set_exception(WorkerDied("the worker pool was closed"))
        else:
            asyncio.ensure_future(again())

    def _watch(self) -> None:
        """Stop a worker stuck on one job for longer than the timeout (a runaway page)."""
        self._watchdog = None
        now = time.monotonic()
        timeout = self.timeout
        assert timeout is not None  # the watchdog runs only with a timeout
        for worker in list(self.workers):
            if worker.pending and now - worker.head_since > timeout and worker.process is not None:
                worker.stopped_for = f"extraction took longer than {timeout:g} s; its worker was stopped"
                worker.process.kill()
        if any(w.pending for w in self.workers) and not self.closed:
            self._watchdog = asyncio.get_running_loop().call_later(min(timeout, 1.0), self._watch)

    async def _worker(self) -> _Worker:
        while len(self.workers) < self.size:
            if self._starting is not None:  # another job is starting one: wait for it
                await asyncio.shield(self._starting)
                continue
            loop = asyncio.get_running_loop()
            self._starting = loop.create_future()
            worker = _Worker(self)
            try:
                await worker.start(loop)
                self.workers.append(worker)
            finally:
                self._starting.set_result(None)
                self._starting = None
        return min(self.workers, key=lambda w: len(w.pending))  # the least busy

    def _lost(self, worker: _Worker) -> None:
        if worker in self.workers:
            self.workers.remove(worker)

    async def aclose(self, timeout: float = 10.0) -> None:
        """Stop every worker once it has answered its jobs; kill those still busy after timeout."""
        self.closed = True
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        workers = list(self.workers)
        for worker in workers:
            worker.end_input()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline and any(
            w.process is not None and w.process.poll() is None for w in workers
        ):
            await asyncio.sleep(0.02)
        for worker in workers:
            worker.kill()
        self.workers.clear()

    def backlog(self) -> int:
        """Jobs waiting at the least busy worker (0 with none started)."""
        return min((len(w.pending) for w in self.workers), default=0)

    def pids(self) -> list[int]:
        return [w.process.pid for w in self.workers if w.process is not None]


# -- the worker's side ------------------------------------------------------------------


def _read_exact(stream, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _answer(job_id: int, func, args, kwargs) -> bytes:
    try:
        return _frame((job_id, True, func(*args, **kwargs)))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the crawl
        try:
            return _frame((job_id, False, exc))
        except Exception:  # an exception that does not pickle: its text does
            return _frame((job_id, False, RuntimeError(f"{type(exc).__name__}: {exc}")))


def serve(stdin, stdout) -> None:
    """Answer jobs until stdin ends."""
    while True:
        head = _read_exact(stdin, _HEAD)
        if head is None:
            return
        body = _read_exact(stdin, int.from_bytes(head, "big"))
        if body is None:
            return
        job_id, func, args, kwargs = pickle.loads(body)
        stdout.write(_answer(job_id, func, args, kwargs))
        stdout.flush()


GC_YOUNG_THRESHOLD = 2000  # allocations between collections of the youngest generation (700)


def tune_gc() -> None:
    """Garbage collection for a long crawl process, once it has started up.

    The objects alive by then (modules, Scrapy's machinery, dictionaries) stay for good: frozen,
    full collections no longer walk them. The youngest generation is collected every 2,000
    allocations instead of 700: a page allocates thousands of short-lived objects, and their
    collections took a noticeable share of both processes' CPU (BENCHMARKS.md, "Memory"). A
    larger threshold costs the same CPU and more memory.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the crawl, which stops us
    import crawler.prepared  # noqa: F401 - what every job needs, loaded before the GC settles

    tune_gc()
    # Answers go to the real stdout; anything printed by accident goes to stderr instead.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    with contextlib.suppress(BrokenPipeError):
        serve(sys.stdin.buffer.raw, answers)  # type: ignore[union-attr]  # a BufferedReader here


if __name__ == "__main__":
    main()


# One pool for every crawler of the process: `schedule run-due` runs many sites at once, and a
# pool each would start a worker process each (with its own dictionaries, about 60 MB).
_SHARED: dict[tuple, list] = {}


def shared_pool(size: int, timeout: float | None) -> WorkerPool:
    """The process's pool of this size, started on first use; give it back with release_pool."""
    key = (size, timeout)
    entry = _SHARED.get(key)
    if entry is None:
        entry = _SHARED[key] = [WorkerPool(size, timeout=timeout), 0]
    entry[1] += 1
    return entry[0]


async def release_pool(pool: WorkerPool) -> None:
    """One user fewer; the last one closes the pool."""
    for key, entry in list(_SHARED.items()):
        if entry[0] is pool:
            entry[1] -= 1
            if entry[1] <= 0:
                del _SHARED[key]
                await pool.aclose()
            return
    await pool.aclose()  # not a shared one
