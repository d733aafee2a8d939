"""Checking a large bundle on several cores: worker processes run ahead of the ordered pass.

Why processes: CPython runs one thread's Python code at a time (the GIL), and every step of the
check is Python code, so threads would not use a second core; a process has its own interpreter.

Why this split: the ordered pass (:mod:`verify.ledger_check`) must see the lines in log order —
chains, the Merkle frontier, the draw and rule replays — but about half of a line's cost needs no
order (:func:`verify.line_work.precheck`: the strict parse, the event's canonical encoding and
hash, the schema check, the leaf hash). :func:`prechecked_chunks` cuts the lines into chunks,
sends chunks to the workers, and yields the chunks in order with their prechecks; the ordered pass
then parses each line again with the fast parser alone (its proof made by the worker) and uses
the answers. Every finding is still made by the ordered pass, in the same order and words as in one
process: a line the precheck does not vouch for (``None``) is checked the one-process way.

Balance: each worker holds at most :data:`AHEAD` chunks. When the chunk the ordered pass needs is
still with a worker, this process prechecks a later chunk itself instead of waiting, so neither
core idles whichever side is slower (another program on the machine). A worker gets chunks once
it says it is ready (an interpreter and the compiled schema: ~0.06 s); until then this process
prechecks them, so a small bundle never waits for it. A worker that fails (it cannot start, it
dies) is dropped: its chunks are prechecked here, with the same answers. The workers are started
with ``python -m verify.line_work`` (not ``fork``: safe in a process with threads, and nothing of
this process is copied), and stopped when the pass ends.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from queue import SimpleQueue
from typing import Any

from verify.canonical import FAST_JSON
from verify.line_work import FRAME, READY, Prechecked, chunk_frame, precheck, read_frame

#: Lines per chunk, and bytes: a chunk ends at whichever comes first.
CHUNK_LINES = 1_000
CHUNK_BYTES = 512 * 1024
#: Chunks a worker holds at most (one in hand, the next ones in its pipe and queue: the threads
#: that feed it wait for this process's interpreter lock, so it must never run dry).
AHEAD = 4
#: Chunks read ahead of the ordered pass at most (what is held in memory).
WINDOW = 16
#: Below this size of ``events.jsonl`` one process is about as quick (a worker takes ~0.06 s to
#: start; at 8 MiB, ~12,000 events, two processes took 0.17 s against 0.20 s).
AUTO_MIN_BYTES = 8 * 2**20
_PIPE_BYTES = 1 << 20  # (Linux: a chunk in one write, not ~20, when the kernel allows it)

Line = tuple[int, bytes]
#: A chunk of lines, their precheck answers, and the records parsed here (None: not parsed here).
Prechecks = tuple[list[Line], list[Prechecked | None], list[Any] | None]


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def auto_jobs(events_bytes: int) -> int:
    """The default number of processes: two for a large bundle when two CPUs are available."""
    return 2 if events_bytes >= AUTO_MIN_BYTES and available_cpus() >= 2 else 1


class WorkerProcess:
    """A worker process (``python -m MODULE``) answering framed requests in the order they were sent.

    A thread writes the requests to its pipe and another reads the answers, so that this process
    never blocks on a full pipe; :meth:`submit` returns a future for the answer's bytes, or None
    once the worker has failed. The worker's first frame must be :data:`READY`."""

    def __init__(self, module: str) -> None:
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parent.parent)  # where `verify` is imported from
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        if FAST_JSON:  # the same parser on both sides
            env.pop("SPOTCHECK_PURE_JSON", None)
        else:
            env["SPOTCHECK_PURE_JSON"] = "1"
        self.process = subprocess.Popen(  # (run from `root`: `-m` looks in the directory first)
            [sys.executable, "-m", module], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=root)
        assert self.process.stdin is not None and self.process.stdout is not None
        for stream in (self.process.stdin, self.process.stdout):
            _widen_pipe(stream.fileno())
        self.failed = False
        self.ready = False  # (until the worker says so, this process does the work itself)
        self.waiting: deque[Future[bytes]] = deque()
        self.lock = threading.Lock()
        self.outbox: SimpleQueue[bytes | None] = SimpleQueue()
        self.writer = threading.Thread(target=self._write, daemon=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.writer.start()
        self.reader.start()

    @property
    def in_flight(self) -> int:
        return len(self.waiting)

    def submit(self, frame: bytes) -> Future[bytes] | None:
        """Send ``frame`` (:func:`verify.line_work.chunk_frame`, :func:`frame_of`)."""
        future: Future[bytes] = Future()
        with self.lock:
            if self.failed:
                return None
            self.waiting.append(future)
        self.outbox.put(frame)
        return future

    def _write(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        try:
            while (frame := self.outbox.get()) is not None:
                stdin.write(frame)
                stdin.flush()
        except OSError:
            self._fail()
        finally:
            with contextlib.suppress(OSError):
                stdin.close()  # the worker's input ends: it exits

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            data = read_frame(stdout)
            self.ready = data is not None and pickle.loads(data) == READY
            while self.ready and (data := read_frame(stdout)) is not None:
                with self.lock:
                    future = self.waiting.popleft() if self.waiting else None
                if future is None:
                    break
                future.set_result(data)
        except Exception:  # (not what the worker says: it is dropped, its work done here)
            pass
        self._fail()

    def _fail(self) -> None:
        with self.lock:
            self.failed = True
            waiting, self.waiting = self.waiting, deque()
        for future in waiting:
            future.set_exception(RuntimeError("the verifier's worker process ended"))

    def close(self) -> None:
        """End the worker: its input closes, and if it is still busy (starting, or on work no
        one waits for any more) it is killed — nothing it could still send is needed."""
        self.outbox.put(None)
        self.writer.join(timeout=5)
        if self.process.poll() is None and (self.waiting or not self.ready):
            self.process.kill()
        self.process.wait()
        self.reader.join(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()


class LineWorker(WorkerProcess):
    """A :mod:`verify.line_work` process: it answers chunks of lines with their prechecks (the
    pickle, unpickled by the caller)."""

    def __init__(self) -> None:
        super().__init__("verify.line_work")

    def submit_lines(self, raws: list[bytes]) -> Future[bytes] | None:
        return self.submit(chunk_frame(raws))


def frame_of(payload: object) -> bytes:
    """A frame holding a pickle of ``payload`` (:data:`verify.line_work.FRAME`)."""
    data = pickle.dumps(payload, protocol=5)
    return FRAME.pack(len(data)) + data


def _widen_pipe(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (ImportError, AttributeError, OSError):  # not Linux, or above the system's limit
        pass


@dataclass
class _Chunk:
    lines: list[Line]
    future: Future[bytes] | None = None
    answers: list[Prechecked | None] | None = None
    raws: list[bytes] = field(default_factory=list)
    #: The records this process parsed when it prechecked the chunk itself (not parsed again).
    records: list[Any] | None = None

    def precheck_here(self) -> None:
        self.records = []
        self.answers = precheck(self.raws, self.records)

    def answered(self) -> list[Prechecked | None]:
        """The worker's answers, or this process's own when the worker failed."""
        if self.answers is None:
            try:
                assert self.future is not None
                answers = pickle.loads(self.future.result())
                if type(answers) is not list or len(answers) != len(self.raws):
                    raise ValueError("not an answer for each line")
                self.answers = answers
            except Exception:  # the worker failed: this process prechecks the chunk
                self.precheck_here()
        assert self.answers is not None
        return self.answers


def _chunks(lines: Iterable[Line]) -> Iterator[list[Line]]:
    chunk: list[Line] = []
    size = 0
    for line in lines:
        chunk.append(line)
        size += len(line[1])
        if len(chunk) >= CHUNK_LINES or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class Pipeline:
    """The chunks between the reader and the ordered pass (see the module docstring)."""

    def __init__(self, lines: Iterable[Line], workers: list[LineWorker]) -> None:
        self.source = _chunks(lines)
        self.workers = workers
        self.window: deque[_Chunk] = deque()
        self.exhausted = False

    def _next(self) -> _Chunk | None:
        if self.exhausted:
            return None
        lines = next(self.source, None)
        if lines is None:
            self.exhausted = True
            return None
        return _Chunk(lines, raws=[raw for _, raw in lines])

    def _feed(self) -> None:
        """Give each worker chunks until it holds :data:`AHEAD` of them."""
        while len(self.window) < WINDOW:
            worker = min((w for w in self.workers if w.ready and not w.failed), default=None,
                         key=lambda w: w.in_flight)
            if worker is None or worker.in_flight >= AHEAD:
                return
            chunk = self._next()
            if chunk is None:
                return
            chunk.future = worker.submit_lines(chunk.raws)
            if chunk.future is None:
                chunk.precheck_here()
            self.window.append(chunk)

    def _front(self) -> _Chunk | None:
        """The next chunk in order, its answers ready: while a worker still has it, chunks
        read after it are prechecked here."""
        while True:
            self._feed()
            if not self.window:
                chunk = self._next()
                if chunk is None:
                    return None
                chunk.precheck_here()
                self.window.append(chunk)
            front = self.window[0]
            if front.answers is not None or front.future is None or front.future.done():
                return self.window.popleft()
            if len(self.window) >= WINDOW:
                return self.window.popleft()  # (waits for the worker in answered())
            chunk = self._next()
            if chunk is None:
                return self.window.popleft()
            chunk.precheck_here()
            self.window.append(chunk)

    def __iter__(self) -> Iterator[Prechecks]:
        while (chunk := self._front()) is not None:
            answers = chunk.answered()
            yield chunk.lines, answers, chunk.records


@contextlib.contextmanager
def line_workers(count: int) -> Iterator[list[LineWorker]]:
    """``count`` worker processes, started at once and ended with the block (fewer when an
    interpreter cannot be started: this process prechecks what they would have)."""
    started: list[LineWorker] = []
    try:
        for _ in range(max(0, count)):
            try:
                started.append(LineWorker())
            except OSError:
                break
        yield started
    finally:
        for worker in started:
            worker.close()


def prechecked_chunks(lines: Iterable[Line], workers: list[LineWorker]) -> Iterator[Prechecks]:
    """``lines`` in order, chunk by chunk, each chunk with the :func:`verify.line_work.precheck`
    answers for its lines, made by ``workers`` and this process (and, for a chunk this process
    prechecked, the records it parsed: None else)."""
    return iter(Pipeline(lines, workers))
