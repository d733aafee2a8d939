"""Projection rebuild throughput: every projection replayed from event 0 over a large log.

The issue: "Rebuild all projections for a generated province-year (at least 1,000,000 events) on
SQLite and on PostgreSQL: events/s and peak memory. Target ≥ 10,000 events/s."

The log (written first, not timed), by ``--source``:

* ``province`` (default): a province-year of about ``--events`` events written through the
  application by ``verify_province.write_province`` — the same generator as
  ``bench/verify_province.py`` (phase A: agencies, rulebooks, calendars, directories, plans, draw
  ceremonies, records, published results, disclosures; phase B: directory growth and
  ``DetailsUpdated``), without sync or export. ``--quick``: 3 counties, 20,000 events.
* ``registered``: ``--events`` chained InspectionObject.Registered events of agency 652301
  (``fill_ledger``, ``--per-save`` per save) — the figures measured before the province source.

Then the writer is closed and a **fresh subprocess** (so that its peak RSS is the rebuild's own,
not the writer's) opens the ledger the production way and times ``Runner.rebuild(name)`` for every
projection of ``all_projections()``. Reports events/s — the log's events over the time to rebuild
*all* the projections (each one scans the whole log; notifications scanned per second, summed over
the projections, is reported beside it) — and the child's peak RSS (``VmHWM``).

Checks the rebuilt tables against the event store (events counted by topic with SQL on the events
table), on both sources: ``quota_quarters.inspected`` summed over all rows equals the number of
``Inspection.RecordFiled`` events, the rows of ``agencies`` the number of ``Agency.Established``,
the rows of ``quota_draws`` the number of ``Draw.PopulationFrozen``, and ``quota_directory``
summed and the ``quota_units`` still in the directory both equal ``Registered − Closed −
Relocated``; exits 1 on a mismatch. ``--profile`` runs the child under cProfile and prints the top
entries.

    .venv/bin/python bench/projections.py [--source province] [--events 1000000] [--backend both]
                                          [--quick]
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

from api.bootstrap import open_ledger
from ledger.adapters.event_store import events_table
from ledger.adapters.settings import Settings
from ledger.services.ledger import Ledger

TARGET = 10_000  # events/s


T_AGENCY_ESTABLISHED = "ledger.agency:Agency.Established"
T_REGISTERED = "ledger.directory:InspectionObject.Registered"
T_CLOSED = "ledger.directory:InspectionObject.Closed"
T_RELOCATED = "ledger.directory:InspectionObject.Relocated"
T_FROZEN = "ledger.draw:Draw.PopulationFrozen"
T_RECORD_FILED = "ledger.inspection:Inspection.RecordFiled"


def table_figures(runner: Any) -> dict[str, int]:
    """What the checks compare from the rebuilt quota tables (all agencies)."""
    queries = {
        "inspected": "SELECT COALESCE(SUM(inspected), 0) FROM quota_quarters",
        "agencies": "SELECT COUNT(*) FROM agencies",
        "quota_draws": "SELECT COUNT(*) FROM quota_draws",
        "directory_units": "SELECT COALESCE(SUM(units), 0) FROM quota_directory",
        "quota_units": "SELECT COUNT(*) FROM quota_units WHERE in_directory = 1",
        "quota_rows": "SELECT COUNT(*) FROM quota_quarters",
    }
    figures: dict[str, int] = {}
    with runner.store.read() as cur:
        for key, query in queries.items():
            cur.execute(query)
            figures[key] = int(cur.fetchone()[0])
    return figures


def topic_counts(ledger: Ledger) -> dict[str, int]:
    """Events per topic in the event store (SQL on the events table), most frequent first."""
    from projections.runner import open_projection_store

    store = open_projection_store(ledger.settings)
    try:
        with store.read() as cur:
            cur.execute(f"SELECT topic, COUNT(*) FROM {events_table(ledger.settings)} GROUP BY topic")
            rows = [(str(topic), int(n)) for topic, n in cur.fetchall()]
    finally:
        store.close()
    return dict(sorted(rows, key=lambda kv: (-kv[1], kv[0])))


def checks(topics: dict[str, int], tables: dict[str, int]) -> list[tuple[str, int, int]]:
    """(what, from the tables, from the event store) for every check; equal when sane."""
    in_directory = topics.get(T_REGISTERED, 0) - topics.get(T_CLOSED, 0) - topics.get(T_RELOCATED, 0)
    return [
        ("Σ quota_quarters.inspected = Inspection.RecordFiled", tables["inspected"],
         topics.get(T_RECORD_FILED, 0)),
        ("agencies rows = Agency.Established", tables["agencies"],
         topics.get(T_AGENCY_ESTABLISHED, 0)),
        ("quota_draws rows = Draw.PopulationFrozen", tables["quota_draws"], topics.get(T_FROZEN, 0)),
        ("Σ quota_directory.units = Registered − Closed − Relocated", tables["directory_units"],
         in_directory),
        ("quota_units in directory = Registered − Closed − Relocated", tables["quota_units"],
         in_directory),
    ]


def short_mix(topics: dict[str, int]) -> str:
    return ", ".join(f"{topic.rsplit(':', 1)[-1]} {n:,}" for topic, n in topics.items())


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
    from api.bootstrap import open_runner

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
        for name, scanned in runner.rebuild_many().items():  # one pass over the log for all
            per_projection[name] = {"scanned": scanned}
        seconds = time.perf_counter() - t0
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        tables = table_figures(runner)
    finally:
        runner.close()
        ledger.close()
    print(json.dumps({"head": head, "seconds": seconds, "projections": per_projection,
                      "peak_rss_mb": own_peak_mb(), "rss_at_start_mb": rss_before,
                      "tables": tables}))


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
    parser.add_argument("--source", choices=("registered", "province"), default="province",
                        help="what the log holds: a generated province-year (default) or only "
                             "InspectionObject.Registered events of one agency")
    parser.add_argument("--per-save", type=int, default=1000,
                        help="registered: events per save when writing the log (default 1,000)")
    parser.add_argument("--initial-units", type=int, default=150,
                        help="province: units per county before the draws (default 150)")
    parser.add_argument("--record-quarters", type=int, default=1, choices=(0, 1, 2, 3, 4),
                        help="province: quarters 1..N get records and publications (default 1)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="runner batch size (default: the runner's, 1,000)")
    parser.add_argument("--profile", action="store_true",
                        help="run the rebuild under cProfile; print the top 25 by own time")
    args = parser.parse_args()
    quiet_logs()
    from projections.runner import DEFAULT_BATCH

    n = resolve_events(args)
    batch_size = args.batch_size or DEFAULT_BATCH
    params: dict[str, Any] = {"source": args.source, "events_target": n, "batch_size": batch_size,
                              "target_events_per_s": TARGET}
    if args.source == "registered":
        params["per_save"] = args.per_save
    else:
        params.update(initial_units=args.initial_units, record_quarters=args.record_quarters,
                      shape="quick" if args.quick else "full")
    results = Results("projections", args, **params)
    failed: list[str] = []
    for backend in selected_backends(args):
        with tempfile.TemporaryDirectory(prefix="spotcheck-bench-") as tmpdir:
            tmp = Path(tmpdir)
            with backend_db(backend, tmp, "ledger") as db:
                keys = tmp / "keys"
                if args.source == "registered":
                    ledger = open_bench_ledger(db, keys)
                else:
                    ledger = open_ledger(Settings(db=db, keys_dir=keys))
                try:
                    write_log(ledger, keys, backend, n, args, results)
                    topics = topic_counts(ledger)
                finally:
                    ledger.close()
                written = sum(topics.values())
                results.meta.setdefault("event_types", {})[backend] = topics
                results.note(f"{backend}: event mix: {short_mix(topics)}")
                print(f"[{backend}] rebuilding every projection (subprocess) ...", flush=True)
                profile = OUT_DIR / f"projections-{backend}.prof" if args.profile else None
                if profile is not None:
                    OUT_DIR.mkdir(parents=True, exist_ok=True)
                r = run_child(db, keys, batch_size, profile)
            scanned = sum(int(p["scanned"]) for p in r["projections"].values())
            head = int(r["head"])
            results_checks = checks(topics, r["tables"])
            bad = [f"{backend}: {what}: tables {got:,} != events {want:,}"
                   for what, got, want in results_checks if got != want]
            failed.extend(bad)
            # events/s: the log's events over the time to rebuild *all* projections (each
            # projection scans the whole log, so ``scanned`` is events × projections).
            results.add(backend=backend, source=args.source, events=written, head=head,
                        projections=len(r["projections"]), seconds=r["seconds"],
                        events_per_s=written / r["seconds"],
                        us_per_event=r["seconds"] / written * 1e6,
                        scanned=scanned, scanned_per_s=scanned / r["seconds"],
                        peak_rss_mb=r["peak_rss_mb"],
                        inspected=r["tables"]["inspected"], agencies=r["tables"]["agencies"],
                        checks="ok" if not bad else "FAILED")
            for name, p in r["projections"].items():
                results.note(f"{backend}: projection {name}: {int(p['scanned']):,} notifications "
                             "(one pass over the log shared by every projection)")
            for what, got, want in results_checks:
                results.note(f"{backend}: check {what}: {got:,} / {want:,} "
                             + ("ok" if got == want else "MISMATCH"))
            results.note(f"{backend}: rebuild child peak RSS {r['peak_rss_mb']:.1f} MiB "
                         f"({r['rss_at_start_mb']:.1f} MiB after imports); writer process "
                         f"peak {peak_rss_mb():.1f} MiB; {r['tables']['quota_rows']:,} "
                         "quota_quarters rows")
            if written != head:
                results.note(f"{backend}: {written:,} events stored but the head is {head:,} "
                             "(gaps in the notification ids)")
            if profile is not None:
                print_profile(profile)
    results.finish(["backend", "source", "events", "projections", "seconds", "events_per_s",
                    "us_per_event", "scanned_per_s", "peak_rss_mb", "inspected", "agencies",
                    "checks"])
    if failed:
        for line in failed:
            print(f"MISMATCH {line}", file=sys.stderr)
        raise SystemExit(1)


def write_log(ledger: Ledger, keys: Path, backend: str, n: int, args: argparse.Namespace,
              results: Results) -> None:
    """Write the log of ``args.source`` into ``ledger`` (not timed as part of the figures)."""
    if args.source == "registered":
        print(f"[{backend}] writing {n:,} events ...", flush=True)
        fill_seconds = fill_ledger(ledger, n, per_save=args.per_save)
        results.note(f"{backend}: {n:,} events written in {fill_seconds:.1f} s "
                     f"({n / fill_seconds:,.0f} events/s, {args.per_save} per save, "
                     "not part of the figures)")
        return
    from verify_province import write_province

    prefectures, counties = (1, 2) if args.quick else (None, None)
    written = write_province(ledger, keys, n, prefectures, counties, args.initial_units,
                             args.record_quarters, where=f"{backend} ({ledger.settings.db})")
    seconds = sum(written["timings"].values())
    results.meta.setdefault("province", {})[backend] = {
        k: written[k] for k in ("agencies", "county_level", "prefectures", "units_per_county",
                                "events_after_a", "events", "mix")
    } | {"seconds": {k: round(v, 1) for k, v in written["timings"].items()}}
    results.note(f"{backend}: province-year of {written['events']:,} events written in "
                 f"{seconds:.0f} s ({written['events'] / seconds:,.0f} events/s; phase A "
                 f"{written['events_after_a']:,} events) — not part of the figures; "
                 f"{written['agencies']} agencies, {written['county_level']} county-level, "
                 f"{written['units_per_county']:,} units per county generated")


if __name__ == "__main__":
    main()
