"""Projection rebuild throughput: every projection replayed from event 0 over a large log.

Writes ``--events`` chained InspectionObject.Registered events of agency 652301 (``fill_ledger``,
``--per-save`` per save, not timed) — events the quota projection consumes — then, in a **fresh
subprocess** (so that its peak RSS is the rebuild's own, not the writer's), opens the ledger the
production way and times ``Runner.rebuild(name)`` for every projection of ``all_projections()``.
Reports notifications scanned per second and the child's peak RSS (``VmHWM``), and checks the quota tables:
the directory count of 652301 (summed over categories) and ``quota_units`` must both equal the
number of units registered. ``--profile`` runs the child under cProfile and prints the top entries.

    .venv/bin/python bench/projections.py [--events 1000000] [--backend both] [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import (
    BENCH_AGENCY,
    OUT_DIR,
    Results,
    backend_db,
    base_parser,
    fill_ledger,
    open_bench_ledger,
    peak_rss_mb,
    quiet_logs,
    resolve_events,
    selected_backends,
)

TARGET = 10_000  # events/s


def quota_check(runner: Any) -> dict[str, int]:
    """The directory count of the bench agency and the number of units in ``quota_units``."""
    from ledger.agency import agency_id

    agency = str(agency_id(BENCH_AGENCY))
    with runner.store.read() as cur:
        cur.execute("SELECT COALESCE(SUM(units), 0) FROM quota_directory WHERE agency_id = ?",
                    (agency,))
        directory = int(cur.fetchone()[0])
        cur.execute("SELECT COUNT(*) FROM quota_units WHERE agency_id = ? AND in_directory = 1",
                    (agency,))
        units = int(cur.fetchone()[0])
    return {"directory_units": directory, "quota_units": units}


def own_peak_mb() -> float:
    """This process's own peak RSS in MiB: ``VmHWM`` (reset by exec). ``ru_maxrss`` is not used
    here: Linux carries it over from the parent across fork and exec, so a child of the writer
    would report the writer's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return peak_rss_mb()


def child(db: str, keys_dir: str, batch_size: int, profile: str | None) -> None:
    """Rebuild every projection over ``db``; print one JSON line with the figures."""
    from ledger.bootstrap import open_ledger
    from ledger.settings import Settings
    from projections import open_runner

    quiet_logs()
    rss_before = own_peak_mb()
    ledger = open_ledger(Settings(db=db, keys_dir=Path(keys_dir)))
    runner = open_runner(ledger, batch_size)
    try:
        head = ledger.app.recorder.max_notification_id() or 0
        per_projection: dict[str, dict[str, float]] = {}
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        t0 = time.perf_counter()
        for name in runner.projections:
            p0 = time.perf_counter()
            scanned = runner.rebuild(name)
            per_projection[name] = {"scanned": scanned, "seconds": time.perf_counter() - p0}
        seconds = time.perf_counter() - t0
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        check = quota_check(runner)
    finally:
        runner.close()
        ledger.close()
    print(json.dumps({"head": head, "seconds": seconds, "projections": per_projection,
                      "peak_rss_mb": own_peak_mb(), "rss_at_start_mb": rss_before, **check}))


def run_child(db: str, keys_dir: Path, batch_size: int, profile: Path | None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", db, str(keys_dir), "--batch-size", str(batch_size)]
    if profile is not None:
        cmd += ["--profile-out", str(profile)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    if out.stderr.strip():
        print(out.stderr, file=sys.stderr, end="")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def print_profile(path: Path, top: int = 25) -> None:
    import pstats

    stats = pstats.Stats(str(path))
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        cp = argparse.ArgumentParser()
        cp.add_argument("--child", nargs=2, metavar=("DB", "KEYS_DIR"))
        cp.add_argument("--batch-size", type=int, required=True)
        cp.add_argument("--profile-out", default=None)
        ca = cp.parse_args()
        child(ca.child[0], ca.child[1], ca.batch_size, ca.profile_out)
        return

    parser = base_parser(__doc__.split("\n")[0], events=1_000_000, quick_events=20_000)
    parser.add_argument("--per-save", type=int, default=1000,
                        help="events per save when writing the log (default 1,000; not timed)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="runner batch size (default: the runner's, 1,000)")
    parser.add_argument("--profile", action="store_true",
                        help="run the rebuild under cProfile; print the top 25 by own time")
    args = parser.parse_args()
    quiet_logs()
    from projections.runner import DEFAULT_BATCH

    n = resolve_events(args)
    batch_size = args.batch_size or DEFAULT_BATCH
    results = Results("projections", args, events=n, per_save=args.per_save,
                      batch_size=batch_size, target_events_per_s=TARGET)
    failed = False
    for backend in selected_backends(args):
        with tempfile.TemporaryDirectory(prefix="spotcheck-bench-") as tmpdir:
            tmp = Path(tmpdir)
            with backend_db(backend, tmp, "ledger") as db:
                keys = tmp / "keys"
                ledger = open_bench_ledger(db, keys)
                try:
                    print(f"[{backend}] writing {n:,} events ...", flush=True)
                    fill_seconds = fill_ledger(ledger, n, per_save=args.per_save)
                    results.note(f"{backend}: {n:,} events written in {fill_seconds:.1f} s "
                                 f"({n / fill_seconds:,.0f} events/s, {args.per_save} per save, "
                                 "not part of the figures)")
                finally:
                    ledger.close()
                print(f"[{backend}] rebuilding every projection (subprocess) ...", flush=True)
                profile = OUT_DIR / f"projections-{backend}.prof" if args.profile else None
                if profile is not None:
                    OUT_DIR.mkdir(parents=True, exist_ok=True)
                r = run_child(db, keys, batch_size, profile)
            scanned = sum(int(p["scanned"]) for p in r["projections"].values())
            ok = r["directory_units"] == n and r["quota_units"] == n
            failed |= not ok
            results.add(backend=backend, events=n, head=r["head"], scanned=scanned,
                        seconds=r["seconds"], events_per_s=scanned / r["seconds"],
                        us_per_event=r["seconds"] / scanned * 1e6,
                        peak_rss_mb=r["peak_rss_mb"], directory_units=r["directory_units"],
                        quota_ok="yes" if ok else "NO")
            for name, p in r["projections"].items():
                results.note(f"{backend}: projection {name}: {int(p['scanned']):,} notifications "
                             f"in {p['seconds']:.1f} s")
            results.note(f"{backend}: rebuild child peak RSS {r['peak_rss_mb']:.1f} MiB "
                         f"({r['rss_at_start_mb']:.1f} MiB after imports); writer process "
                         f"peak {peak_rss_mb():.1f} MiB")
            if profile is not None:
                print_profile(profile)
    results.finish()
    if failed:
        raise SystemExit("quota tables are not sane: directory count != units registered")


if __name__ == "__main__":
    main()
