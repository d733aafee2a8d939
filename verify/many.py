"""Verifying several bundles at once (上级审计: a prefecture's or a province's logs), a bundle a process.

A province's year is a hundred bundles or more, most of them small. :mod:`verify.parallel` splits
one bundle's lines between processes, which pays a worker's start for each bundle and wins only on
a large one; here whole bundles go to processes instead: this one and ``jobs - 1`` workers
(``python -m verify.many``, started as :mod:`verify.parallel` starts its own), the largest bundle
first, each process taking the next one as soon as it is done with one (so that small bundles fill
the end and no core idles while another still has a large one). A bundle's report is the one
:func:`verify.ledger_check.verify_bundle` gives it in one process: a worker checks it with exactly
that call and sends the report back (tests/test_verifier_jobs.py compares them). A worker that
fails is dropped; its bundle is checked here.
"""

from __future__ import annotations

import pickle
import sys
import threading
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from verify.bundle import Bundle
from verify.findings import Report
from verify.ledger_check import verify_bundle
from verify.line_work import READY, read_frame, write_frame
from verify.parallel import AUTO_MIN_BYTES, WorkerProcess, available_cpus, frame_of


def auto_bundle_jobs(bundles: Mapping[str, Bundle]) -> int:
    """Two processes for several bundles of 8 MiB of events or more in all, on two CPUs."""
    total = sum(b.events_bytes() for b in bundles.values())
    return 2 if len(bundles) > 1 and total >= AUTO_MIN_BYTES and available_cpus() >= 2 else 1


def verify_bundles(bundles: Mapping[str, Bundle], jobs: int | None = None) -> dict[str, Report]:
    """Each bundle's :func:`verify_bundle` report, by name in the order of ``bundles``.

    ``bundles`` are opened already (the caller read their manifests); a worker opens a bundle
    again from its path and key file. ``jobs``: how many processes (None: :func:`auto_bundle_jobs`;
    one bundle alone is split by lines instead, :mod:`verify.parallel`)."""
    if len(bundles) == 1:
        (name, bundle), = bundles.items()
        return {name: verify_bundle(bundle, jobs=jobs)}
    jobs = auto_bundle_jobs(bundles) if jobs is None else jobs
    reports: dict[str, Report] = {}
    if jobs > 1:
        _Schedule(bundles, reports).run(jobs - 1)
    for name, bundle in bundles.items():  # (all of them with one process; else what a worker failed)
        if name not in reports:
            reports[name] = verify_bundle(bundle, jobs=1)
    return {name: reports[name] for name in bundles}


class _Schedule:
    """The bundles, largest first, taken one at a time by this process and by each worker."""

    def __init__(self, bundles: Mapping[str, Bundle], reports: dict[str, Report]) -> None:
        self.bundles = bundles
        self.reports = reports
        self.pending = deque(sorted(bundles, key=lambda n: -bundles[n].events_bytes()))
        self.lock = threading.Lock()

    def _take(self) -> str | None:
        with self.lock:
            return self.pending.popleft() if self.pending else None

    def run(self, workers: int) -> None:
        threads = [threading.Thread(target=self._feed, args=(WorkerProcess("verify.many"),),
                                    daemon=True) for _ in range(workers)]
        for thread in threads:
            thread.start()
        while (name := self._take()) is not None:
            self.reports[name] = verify_bundle(self.bundles[name], jobs=1)
        for thread in threads:
            thread.join()

    def _feed(self, worker: WorkerProcess) -> None:
        """Give ``worker`` one bundle at a time until none is left (or it fails: then the bundle
        it had is left for this process)."""
        try:
            while (name := self._take()) is not None:
                bundle = self.bundles[name]
                key_file = None if bundle.key_file is None else str(bundle.key_file)
                future = worker.submit(frame_of((str(bundle.path), key_file)))
                try:
                    report = pickle.loads(future.result()) if future is not None else None
                except Exception:
                    report = None
                if not isinstance(report, Report):
                    return  # (the bundle is verified here, after the others)
                self.reports[name] = report
        finally:
            worker.close()


def serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """The worker: say :data:`READY`, then answer each bundle named on ``source`` with its
    report (None when it cannot be opened: the verifier's process opens it and says why)."""
    write_frame(sink, READY)
    while (data := read_frame(source)) is not None:
        path, key_file = pickle.loads(data)
        try:
            bundle = Bundle.open(Path(path), None if key_file is None else Path(key_file))
        except Exception:
            write_frame(sink, None)
            continue
        write_frame(sink, verify_bundle(bundle, jobs=1))


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
