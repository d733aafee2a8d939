"""Sequencer throughput: integrating a backlog of committed events into the Merkle log.

Writes ``--events`` chained InspectionObject.Registered events (500 per save, not timed), then times
``ledger.log.sequencer.integrate()`` from an empty log, once per ``--batch-sizes`` entry with the
hash checks in a worker process ahead of the sequencer (``ledger/log/check_ahead.py``, the default
on a machine with two CPUs; the worker's start is timed), and once more at the last batch size
with every check in the sequencer's own process ("here", for reference). The log tables are
emptied between runs; the event backlog stays. Every run must end with the same root.

A breakdown of each run is measured by wrapping the sequencer's collaborators (small overhead):
reading notifications, waiting for and reading the worker's answers, looking up chain heads, and
writing leaves/nodes/state; "other" is the rest (checks done here, chain links, tree hashing,
lock, commit). The CPU seconds include the worker's.

    .venv/bin/python bench/integrate.py [--events 100000] [--backend both] [--quick]
"""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import (
    BENCH_AGENCY,
    Results,
    backend_db,
    base_parser,
    fill_ledger,
    open_bench_ledger,
    quiet_logs,
    resolve_events,
    selected_backends,
)

import ledger.log.check_ahead as check_ahead
from ledger.services.ledger import Ledger


def reset_log(ledger: Ledger) -> None:
    """Empty the log tables (the events stay), so the next integrate starts from size 0."""
    store = ledger.store
    with store.write() as cur:
        for table in ("log_leaves", "log_nodes", "log_checkpoints", "log_state"):
            cur.execute(f"DELETE FROM {table}")
        cur.execute("UPDATE log_position SET notification_id = 0, aggregate_id = NULL,"
                    " version = NULL WHERE id = 1")
    if ledger.settings.postgres is None:
        store._conn.execute("VACUUM")  # type: ignore[attr-defined]
    else:
        for table in ("log_leaves", "log_nodes"):
            store._cursor().execute(f"VACUUM ANALYZE {table}")


class Breakdown:
    """Accumulates time spent inside wrapped callables."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        self.spent.setdefault(name, 0.0)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spent[name] += time.perf_counter() - t0
        return wrapper


def children_cpu() -> float:
    """CPU seconds of this process's children that have exited (the check-ahead worker)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_integrate(ledger: Ledger, batch_size: int, ahead: bool
                    ) -> tuple[int, float, dict[str, float]]:
    """Leaves integrated, wall seconds, and the breakdown (with the CPU seconds of the run, the
    worker's included)."""
    seq = ledger.sequencer
    seq.close()  # the worker's start is part of the run
    store = ledger.store
    seq.batch_size, seq.check_ahead = batch_size, ahead
    b = Breakdown()
    source, receive = seq.source, check_ahead.CheckAhead._receive
    store_methods = {"heads": "heads lookup", "put_leaves": "write rows", "put_nodes": "write rows",
                     "set_state": "write rows"}
    seq.source = b.wrap("read notifications", seq.source)
    check_ahead.CheckAhead._receive = b.wrap("worker answers", receive)  # type: ignore[method-assign]
    for m, name in store_methods.items():
        setattr(store, m, b.wrap(name, getattr(store, m)))
    try:
        t0, c0, w0 = time.perf_counter(), time.process_time(), children_cpu()
        leaves = seq.integrate()
        seconds = time.perf_counter() - t0
        seq.close()  # (after the clock stops: its CPU time is counted once it has exited)
        cpu = time.process_time() - c0 + children_cpu() - w0
    finally:
        seq.source = source
        check_ahead.CheckAhead._receive = receive  # type: ignore[method-assign]
        for m in store_methods:
            delattr(store, m)
    parts = dict(b.spent)
    parts["other"] = seconds - sum(parts.values())
    parts["cpu seconds"] = cpu
    return leaves, seconds, parts


def main() -> None:
    parser = base_parser(__doc__.split("\n")[0], events=100_000, quick_events=2_000)
    parser.add_argument("--batch-sizes", default="5000,20000",
                        help="comma-separated sequencer batch sizes (default 5000,20000: the "
                             "sequencer's default is the last)")
    args = parser.parse_args()
    quiet_logs()
    n = resolve_events(args)
    sizes = [int(s) for s in args.batch_sizes.split(",")]
    results = Results("integrate", args, events=n, batch_sizes=sizes)
    for backend in selected_backends(args):
        with tempfile.TemporaryDirectory(prefix="spotcheck-bench-") as tmpdir:
            tmp = Path(tmpdir)
            with backend_db(backend, tmp, "ledger") as db:
                ledger = open_bench_ledger(db, tmp / "keys")
                try:
                    print(f"[{backend}] writing a backlog of {n:,} events ...", flush=True)
                    fill_seconds = fill_ledger(ledger, n)
                    results.note(f"{backend}: backlog of {n:,} events written in "
                                 f"{fill_seconds:.1f} s ({n / fill_seconds:,.0f} events/s, "
                                 "500 per save, not part of the figures)")
                    roots = set()
                    runs = [(size, True) for size in sizes] + [(sizes[-1], False)]
                    for i, (batch_size, ahead) in enumerate(runs):
                        if i:
                            reset_log(ledger)
                        print(f"[{backend}] integrate, batch size {batch_size}, "
                              f"{'checked ahead' if ahead else 'one process'} ...", flush=True)
                        leaves, seconds, parts = timed_integrate(ledger, batch_size, ahead)
                        state = ledger.log(BENCH_AGENCY).state()
                        if leaves != n + 1 or state.size != n + 1:  # + the agency's Established
                            raise SystemExit(f"integrated {leaves} leaves (size {state.size}), "
                                             f"expected {n + 1}")
                        roots.add(state.root)
                        cpu = parts.pop("cpu seconds")
                        row = results.add(backend=backend, batch_size=batch_size,
                                          checks="worker" if ahead else "here", leaves=leaves,
                                          seconds=seconds, leaves_per_s=leaves / seconds,
                                          us_per_leaf=seconds / leaves * 1e6, cpu_s=cpu,
                                          leaves_per_cpu_s=leaves / cpu)
                        for name, spent in parts.items():
                            row[f"{name} %"] = 100 * spent / seconds
                    if len(roots) != 1:
                        raise SystemExit(f"{backend}: batch sizes gave different roots")
                    mine = [r for r in results.rows
                            if r["backend"] == backend and r["checks"] == "worker"]
                    best = max(mine, key=lambda r: r["leaves_per_s"])
                    results.figure(f"sync (sequencer), {n:,} leaves, "
                                   f"{'SQLite' if backend == 'sqlite' else 'PostgreSQL'}",
                                   "≥ 50,000 leaves/s", best["leaves_per_s"], "leaves/s",
                                   limit=50_000, higher_is_better=True,
                                   cpu=max(r["leaves_per_cpu_s"] for r in mine))
                finally:
                    ledger.close()
    results.finish()


if __name__ == "__main__":
    main()
