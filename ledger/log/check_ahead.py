"""Checking ahead (预先校验): a large backlog's events are checked in a worker process while the
sequencer places the ones before them.

Integrating an event is two kinds of work. *Checking* it — parsing the stored row, re-encoding its
content canonically and hashing it (:mod:`ledger.log.row_check`) — needs nothing but the row.
*Placing* it — its chain link, its leaf, the tree's new nodes, the writes — must follow notification
order inside the logs' transaction. Checking is about a third of the sequencer's time per event,
and Python runs one thread's bytecode at a time (the GIL), so a second core can only help through
a second process: when a batch is full (a backlog, not the trickle of a running service), the
sequencer sends it to one worker process in chunks of :data:`CHUNK` rows and places chunk *k*
while the worker checks chunk *k + 1* and after.

The worker answers each row with the :class:`~ledger.log.row_check.CheckedEvent` the sequencer's
own check gives, or the reason the row failed (the sequencer raises the same
:class:`~ledger.log.row_check.LogIntegrityError` at the same row: nothing after it is placed), or
``None`` for a row it cannot read straight, which the sequencer checks itself through the
application's mapper; every row of a chunk the worker does not have (it is not ready yet, or it is
gone) is answered ``None`` too. The logs built are the same bytes either way
(tests/test_check_ahead.py).

The worker is ``python -m ledger.log.check_ahead``, started on first need and kept until the
sequencer is closed, talking pickles over its stdin and stdout. Its first message is the stored
fields of every event type, so it imports none of the domain (its start fell from ~0.16 s to
~0.05 s). Not :mod:`multiprocessing`: its
"spawn" start re-runs the parent's main script in the child, so a script without the
``if __name__ == "__main__"`` guard that wrote events would write them again; "fork" is unsafe beside
the service's threads. A worker that cannot be started or dies is logged, and from then on the
sequencer checks every row itself: slower, never different.
"""

from __future__ import annotations

import os
import pickle
import queue
import select
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import IO, NamedTuple, TypeVar, cast

from ledger.adapters.observability import get_logger
from ledger.log.routing import Route
from ledger.log.row_check import CheckedEvent, LogIntegrityError, Row, check_plain_row
from ledger.log.stored import PlainRows

CHUNK = 250  # rows per message: small enough to start placing early, large enough for the IPC
WINDOW = 8  # chunks in the worker's hands at once
READY = "ready"  # what the worker says once it has imported what it checks with

log = get_logger("spotcheck.sequencer")

R = TypeVar("R", bound=Row)

#: What the worker answers for one row: checked, not a plain row (``None``), or why it failed.
Answer = CheckedEvent | str | None


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity, where the platform says)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class CheckAhead:
    """One worker process that checks rows ahead of the sequencer (see the module's docstring)."""

    def __init__(self) -> None:
        self._worker: subprocess.Popen[bytes] | None = None
        self._ready = False  # the worker said it has imported what it needs
        self._failed = False  # a worker failed: the checks stay in the sequencer from then on

    def checked(self, rows: Sequence[R]) -> Iterator[list[tuple[R, Answer]]]:
        """The rows with their answers, chunk by chunk in order. Until the worker is ready (its
        start takes ~0.05 s) each answer is None: the sequencer checks the chunk itself; then the
        worker is kept :data:`WINDOW` chunks ahead."""
        chunks = [rows[start : start + CHUNK] for start in range(0, len(rows), CHUNK)]
        worker = self._started()
        link = None if worker is None else _Link(worker)
        given = taken = 0  # chunks handed to the worker, and answers read back
        try:
            for k, chunk in enumerate(chunks):
                if link is not None and given == k and self._is_ready(link.worker):
                    while given < min(len(chunks), k + WINDOW):
                        link.send(chunks[given])
                        given += 1
                answers = None
                if link is not None and k < given:
                    answers = self._receive(link.worker)
                    if answers is None:
                        link.finish()
                        link = None
                    else:
                        taken += 1
                        if given < len(chunks):
                            link.send(chunks[given])
                            given += 1
                if answers is None:  # not the worker's (yet, or any more): None, the sequencer
                    yield [(row, None) for row in chunk]  # checks each row itself
                else:
                    yield [(row, _answer(row, sent))
                           for row, sent in zip(chunk, answers, strict=False)]
        finally:
            if link is not None:  # stopped early (a failure): the worker's answers still due
                for _ in range(taken, given):
                    if self._receive(link.worker) is None:
                        break
                link.finish()

    def _started(self) -> subprocess.Popen[bytes] | None:
        if self._failed:
            return None
        if self._worker is None or self._worker.poll() is not None:
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
            try:
                self._worker = subprocess.Popen(
                    [sys.executable, "-m", "ledger.log.check_ahead"],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                )
                assert self._worker.stdin is not None
                pickle.dump(_field_table(), self._worker.stdin)  # its first message (a few KiB)
                self._worker.stdin.flush()
            except OSError as exc:
                log.warning("log.check_ahead_unavailable", error=str(exc),
                            consequence="checked in the sequencer's process")
                self._failed = True
                return None
            self._ready = False
        return self._worker

    def start(self, wait: float = 0.0) -> bool:
        """Start the worker now (it is otherwise started by the first full batch) and wait up to
        ``wait`` seconds for it to be ready; whether it is."""
        worker = self._started()
        return worker is not None and self._is_ready(worker, wait)

    def _is_ready(self, worker: subprocess.Popen[bytes], wait: float = 0.0) -> bool:
        """Whether the worker has said it is ready (waiting at most ``wait`` seconds to hear)."""
        if not self._ready and worker.stdout is not None:
            readable, _, _ = select.select([worker.stdout], [], [], wait)
            if readable:
                self._ready = self._message(worker) == READY
        return self._ready

    def _receive(self, worker: subprocess.Popen[bytes]) -> list[Sent] | None:
        """The worker's next answers, or None (and the worker stopped) if it failed."""
        return cast("list[Sent] | None", self._message(worker))

    def _message(self, worker: subprocess.Popen[bytes]) -> object:
        """The worker's next message, or None (and the worker stopped) if it failed."""
        assert worker.stdout is not None
        try:
            return pickle.load(worker.stdout)
        except Exception as exc:  # the worker died or spoke nonsense: check here from now on
            log.warning("log.check_ahead_failed", error=f"{type(exc).__name__}: {exc}",
                        consequence="checked in the sequencer's process from now on")
            self.close()
            self._failed = True
            return None

    def close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        for stream in (worker.stdin, worker.stdout):
            if stream is not None:
                stream.close()
        try:
            worker.wait(timeout=5)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


class _Link:
    """What is sent to the worker during one batch: each chunk pickled by the sequencer and
    written by a thread of its own, so that the sequencer never waits on a full pipe while the
    worker waits for its answers to be read. (A thread that pickled as it wrote would take the GIL
    back from the sequencer each time the pipe drained: measured, 10 µs per event.)"""

    def __init__(self, worker: subprocess.Popen[bytes]) -> None:
        self.worker = worker
        self._blobs: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._write, daemon=True, name="check-ahead")
        self._thread.start()

    def send(self, chunk: Sequence[Row]) -> None:
        self._blobs.put(pickle.dumps([_sent(row) for row in chunk],
                                     protocol=pickle.HIGHEST_PROTOCOL))

    def finish(self) -> None:
        self._blobs.put(None)
        self._thread.join()

    def _write(self) -> None:
        stream = self.worker.stdin
        assert stream is not None
        broken = False
        while (blob := self._blobs.get()) is not None:
            if broken:
                continue  # the worker is gone: the reader sees it and takes over
            try:
                stream.write(blob)
                stream.flush()
            except (OSError, ValueError):
                broken = True


def check_chunk(plain: PlainRows, rows: list[SentRow]) -> list[Sent]:
    """In the worker: each row's answer, up to and including the first that fails."""
    answers: list[Sent] = []
    for row in rows:
        try:
            checked = check_plain_row(plain, _Row(0, *row))
        except LogIntegrityError as failure:
            answers.append(failure.reason)
            break
        answers.append(None if checked is None else
                       (checked.prev_hash, checked.event_hash, checked.route))
    return answers


# What crosses the pipe is plain tuples: a named tuple pickles by its class and costs 3× as much.
SentRow = tuple[str, int, str, bytes]  # aggregate id, version, topic, state
Sent = tuple[str, str, Route | None] | str | None  # (prev_hash, event_hash, route), reason, None


class _Row(NamedTuple):
    id: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


def _sent(row: Row) -> SentRow:
    return (str(row.originator_id), row.originator_version, row.topic, row.state)


def _answer(row: Row, sent: Sent) -> Answer:
    """The worker's answer for ``row`` as the sequencer's own check would give it."""
    if sent is None or isinstance(sent, str):
        return sent
    prev_hash, event_hash, route = sent
    return CheckedEvent(row.id, str(row.originator_id), row.originator_version, prev_hash,
                        event_hash, route)


def _field_table() -> dict[str, frozenset[str]]:
    """In the sequencer's process: the stored fields of every event type of the vocabulary, the
    worker's first message. The worker reads rows with it and so never imports the domain, which
    took most of its start (~0.1 s, while the sequencer checks the rows itself)."""
    from ledger.domain.chained import event_topics
    from ledger.domain.vocabulary import AGGREGATES

    return PlainRows(None).fields(topic for cls in AGGREGATES for topic in event_topics(cls))


def serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """The worker: say it is ready, read the field table (:func:`_field_table`), then answer
    each chunk read from ``source`` on ``sink``, until ``source`` ends. (The sequencer only
    checks ahead when its own reader is enabled: no cipher, no compressor.)"""
    pickle.dump(READY, sink)
    sink.flush()
    try:
        plain = PlainRows(None, fields=pickle.load(source))
    except EOFError:
        return
    while True:
        try:
            rows = pickle.load(source)
        except EOFError:
            return
        pickle.dump(check_chunk(plain, rows), sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()


if __name__ == "__main__":
    _out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write to the answers' stream
    serve(sys.stdin.buffer, _out)
