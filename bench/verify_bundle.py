"""Offline verification speed: ``verify.ledger_check.verify_bundle`` over an exported bundle.

Builds a ledger of ``--events`` chained events on SQLite (500 per save), ``ledger.sync()``s it (one
signed checkpoint covering everything), exports it with ``ledger.services.export.export_bundle``, then times:

* ``verify_bundle(Bundle.open(dir), jobs=1)`` in this process, pinned to one CPU (``--repeat``
  runs, best and median), which must report OK: the one-core figure;
* ``verify_bundle(Bundle.open(dir), jobs=2)`` unpinned (``--repeat`` runs, best and median): this
  process and one worker process (:mod:`verify.parallel`), the two-core figure — the default for
  a bundle of 8 MiB or more (``jobs=2`` is passed, so that ``--quick`` measures it too); its
  report must equal the one-core run's;
* plain SHA-256 over the same bytes of ``events.jsonl``: once over the whole file, and once per
  line (one ``hashlib.sha256`` call per event, the floor for any per-event hash); the ratios say how
  far the verifier is from "just hashing the bytes";
* the wall time of the ``spotcheck-verify DIR --quiet`` subprocess (interpreter start included).

Building, syncing and exporting are timed too, for reference.

    .venv/bin/python bench/verify_bundle.py [--events 100000] [--quick]
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import (
    BENCH_AGENCY,
    ROOT,
    Results,
    base_parser,
    cpu_seconds,
    fill_ledger,
    open_bench_ledger,
    quiet_logs,
    resolve_events,
    timed,
)

from ledger.services.export import export_bundle
from verify.bundle import Bundle
from verify.findings import Report
from verify.ledger_check import verify_bundle

ONE_CORE_EVENTS_PER_S = 60_000
TWO_CORES_EVENTS_PER_S = 100_000

def sha256_whole(path: Path) -> float:
    t0 = time.perf_counter()
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    h.digest()
    return time.perf_counter() - t0


def sha256_per_line(path: Path) -> float:
    t0 = time.perf_counter()
    sha = hashlib.sha256
    with path.open("rb") as f:
        for raw in f:
            sha(raw).digest()
    return time.perf_counter() - t0


def two_cores(bundle_dir: Path, repeat: int, one_core: Report) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds (this process and its worker) of ``repeat`` runs with ``jobs=2``,
    each of which must give the one-core run's report."""
    walls, cpus = [], []
    for i in range(repeat):
        print(f"verify_bundle jobs=2 run {i + 1} ...", flush=True)
        t0, c0 = time.perf_counter(), cpu_seconds()
        report = verify_bundle(Bundle.open(bundle_dir), jobs=2)
        walls.append(time.perf_counter() - t0)
        cpus.append(cpu_seconds() - c0)
        if _comparable(report) != _comparable(one_core):
            raise SystemExit("two processes did not give the one-process report")
    return walls, cpus


def _comparable(report: Report) -> dict[str, object]:
    return {k: v for k, v in dataclasses.asdict(report).items() if k != "seconds"}


def main() -> None:
    parser = base_parser(__doc__.split("\n")[0], events=100_000, quick_events=2_000, backends=False)
    parser.add_argument("--repeat", type=int, default=3, help="in-process verify runs (default 3)")
    args = parser.parse_args()
    quiet_logs()
    n = resolve_events(args)
    results = Results("verify_bundle", args, events=n, backend="sqlite",
                      target_events_per_s=ONE_CORE_EVENTS_PER_S,
                      target_events_per_s_two_cores=TWO_CORES_EVENTS_PER_S)
    with tempfile.TemporaryDirectory(prefix="spotcheck-bench-") as tmpdir:
        tmp = Path(tmpdir)
        ledger = open_bench_ledger(str(tmp / "ledger.db"), tmp / "keys")
        try:
            print(f"building a ledger of {n:,} events ...", flush=True)
            seconds = fill_ledger(ledger, n)
            results.add(step="build (500 per save)", events=n, seconds=seconds,
                        events_per_s=n / seconds)
            with timed() as t:
                synced = ledger.sync()
            assert synced.tree_size == n + 1 and BENCH_AGENCY in synced.checkpoints  # + Established
            results.add(step="ledger.sync()", events=n, seconds=t[0], events_per_s=n / t[0])
            bundle_dir = tmp / "bundle"
            step = "export_bundle"
            with timed() as t:
                exported = export_bundle(ledger, bundle_dir, BENCH_AGENCY)
            assert exported.events == n + 1 and exported.unlogged == 0
            results.add(step=step, events=n, seconds=t[0], events_per_s=n / t[0],
                        cpu_s=t[1])
            results.figure(f"export, one log of {n:,} events", "≥ 50,000 events/s", n / t[0],
                           "events/s", limit=50_000, higher_is_better=True, cpu=n / t[1])
        finally:
            ledger.close()

        events_file = bundle_dir / "events.jsonl"
        size_mb = events_file.stat().st_size / 2**20
        results.note(f"events.jsonl: {size_mb:.1f} MiB, {events_file.stat().st_size / n:.0f} "
                     "bytes per event")
        events_file.read_bytes()  # warm the page cache for every reader alike

        affinity = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(affinity)})
        try:
            runs, cpus = [], []
            for i in range(max(1, args.repeat)):
                print(f"verify_bundle run {i + 1} ...", flush=True)
                t0, c0 = time.perf_counter(), time.process_time()
                report = verify_bundle(Bundle.open(bundle_dir), jobs=1)
                runs.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
                if not report.ok or report.events != n + 1:
                    raise SystemExit(f"the bundle did not verify: {report.findings[:3]}")
            whole = min(sha256_whole(events_file) for _ in range(3))
            per_line = min(sha256_per_line(events_file) for _ in range(3))
        finally:
            os.sched_setaffinity(0, affinity)
        two_runs, two_cpus = two_cores(bundle_dir, max(1, args.repeat), report)

        best, median = min(runs), statistics.median(runs)
        results.add(step="verify_bundle, in process, 1 CPU (best)", events=n, seconds=best,
                    events_per_s=n / best, cpu_s=min(cpus), x_sha256_file=best / whole,
                    x_sha256_per_line=best / per_line)
        results.add(step=f"verify_bundle, in process, 1 CPU (median of {len(runs)})", events=n,
                    seconds=median, events_per_s=n / median, x_sha256_file=median / whole,
                    x_sha256_per_line=median / per_line)
        two_best = min(two_runs)
        results.add(step="verify_bundle, jobs=2, 2 CPUs (best)", events=n, seconds=two_best,
                    events_per_s=n / two_best, cpu_s=min(two_cpus),
                    x_sha256_file=two_best / whole, x_sha256_per_line=two_best / per_line)
        results.add(step=f"verify_bundle, jobs=2, 2 CPUs (median of {len(two_runs)})", events=n,
                    seconds=statistics.median(two_runs),
                    events_per_s=n / statistics.median(two_runs))
        results.add(step="SHA-256 over events.jsonl (one pass)", events=n, seconds=whole,
                    events_per_s=n / whole, MiB_per_s=size_mb / whole)
        results.add(step="SHA-256 per line of events.jsonl", events=n, seconds=per_line,
                    events_per_s=n / per_line, MiB_per_s=size_mb / per_line)

        cli = Path(sys.executable).with_name("spotcheck-verify")
        walls = []
        for _ in range(2):
            t0 = time.perf_counter()
            done = subprocess.run([str(cli), str(bundle_dir), "--quiet"], capture_output=True,
                                  text=True, cwd=ROOT)
            walls.append(time.perf_counter() - t0)
            if done.returncode != 0:
                raise SystemExit(f"spotcheck-verify exited {done.returncode}:\n{done.stdout}"
                                 f"{done.stderr}")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import verify.cli"], check=True, cwd=ROOT)
        startup = time.perf_counter() - t0
        results.add(step="spotcheck-verify DIR --quiet (subprocess wall, default jobs, best of 2)",
                    events=n,
                    seconds=min(walls), events_per_s=n / min(walls))
        results.add(step="  of which: interpreter start + import verify.cli", events=None,
                    seconds=startup, events_per_s=None)
    rate, two_rate = n / best, n / two_best
    results.figure(f"verify, bundle of {n:,} events, one core", "≥ 60,000 events/s", rate,
                   "events/s", limit=ONE_CORE_EVENTS_PER_S, higher_is_better=True,
                   cpu=n / min(cpus))
    results.figure(f"verify, bundle of {n:,} events, two cores", "≥ 100,000 events/s", two_rate,
                   "events/s", limit=TWO_CORES_EVENTS_PER_S, higher_is_better=True,
                   cpu=n / min(two_cpus))
    for what, measured, target in (("one core", rate, ONE_CORE_EVENTS_PER_S),
                                   ("two cores", two_rate, TWO_CORES_EVENTS_PER_S)):
        verdict = "meets" if measured >= target else "MISSES"
        results.note(f"verify on {what}: {measured:,.0f} events/s {verdict} the ≥ {target:,} "
                     "events/s target")
    results.note("two cores' CPU time is both processes' (this one and the worker's)")
    results.finish(["step", "events", "seconds", "events_per_s", "x_sha256_file",
                    "x_sha256_per_line", "MiB_per_s"])


if __name__ == "__main__":
    main()
