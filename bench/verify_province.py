"""Verify a generated province-year: ``verify_bundle`` over every agency's bundle, on one core and two.

The issue: "Verify a generated province-year (at least 1,000,000 events across 100 agencies):
events/s on one core, and the ratio to plain SHA-256 hashing of the same bytes measured in the same
run. Target ≥ 50,000 events/s."

**Generation** (cached: skipped when ``--cache DIR`` already holds the ledger for these
parameters). A synthetic Xinjiang (``ledger.demo.generator.province_agencies``: the region, its
prefectures, their county-level agencies and one hi-tech zone) is written through the application
(``LedgerApp`` on SQLite in ``DIR/ledger``, opened with ``ledger.services.ledger.open_ledger``):

* phase A, the year's supervision, one county-level agency at a time: every agency established,
  its rulebook adopted (the seed 000 presets by level) and the State Council calendars 2025 and 2026
  recorded; per county the initial directories (``--initial-units`` units through
  ``app.import_objects``, 14 inspectors through ``app.register_inspectors``, the declared conflicts),
  the 2026 annual plan, the published year list, then the four quarterly unit draws 2026Q1–Q4 (each a
  full ceremony: freeze inside the window, two witnesses commit and reveal, a dice roll, seed, run,
  fix) and for every drawn unit a record (``Inspections.file_record``) and its published result
  (``disclose_result``), then the list disclosed; the prefectures run their 2026Q1 audit draw of the
  counties below them. ``ledger.sync()`` (one signed checkpoint per log).
* phase B, directory maintenance up to ``--events``: per county the rest of its generated units
  registered (``app.import_objects``, 1,000 rows a table) and rounds of ``DetailsUpdated`` on its
  units (telephone, address, legal representative, risk grade: ``InspectionObject.update`` on
  aggregates read from the repository, saved 1,000 per ``app.save``). ``ledger.sync()`` again.

**Export** (every run, timed: two figures, ≥ 50,000 events/s): every log of the cached ledger to its
own bundle in ``DIR/bundles`` (``ledger.services.export.export_bundles``, what ``spotcheck export
--all-logs`` does: the logs' sizes and the unlogged events read once), in one process, then with
whole logs given to a second process (``jobs=2``, the command's default on two CPUs); the bundles
verified are the second run's.

Phase B runs after the draws because ``directory_view.directories`` (read by every plan and
freeze) replays every registration in the store: drawing in a full province directory would be
quadratic in the province's size (see the issue on projections).

**Timing** (one process, pinned to one CPU, sequential): ``verify_bundle(Bundle.open(dir))`` over
every bundle (each must have no failed finding; late steps are fine), then in the same run over the
same ``events.jsonl`` files: SHA-256 of each line (one ``hashlib.sha256`` call per event), SHA-256 of
each whole file, and the canonical-JSON re-hash alone (``loads_strict`` + ``canonical_json_parsed`` +
SHA-256 per line, the verifier's own hashing core). Then, unpinned, the same bundles on two CPUs
with ``verify.many.verify_bundles(..., jobs=2)`` (what ``spotcheck-verify audit --jobs 2`` does: a
bundle a process, largest first; best of 2 runs). Exits 1 if a bundle does not verify.

    .venv/bin/python bench/verify_province.py [--events 1000000] [--quick] [--cache DIR]
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

from common import OUT_DIR, Results, base_parser, peak_rss_mb, quiet_logs, resolve_events

from api.bootstrap import open_ledger
from ledger.adapters.settings import Settings
from ledger.demo.province import PHASE_A, PHASE_B, write_province
from ledger.services.export import export_bundles
from verify.bundle import Bundle
from verify.canonical import canonical_json_parsed, loads_strict
from verify.event import EVENT_HASH_DOMAIN
from verify.ledger_check import verify_bundle
from verify.many import verify_bundles

TARGET_EVENTS_PER_S = 50_000
CACHE_FORMAT = 2  # 2: the ledger itself (database and keys), each run exports it
_START = time.perf_counter()


def say(text: str) -> None:
    print(f"[{time.perf_counter() - _START:7.1f} s] {text}", flush=True)


def generate(cache: Path, target: int, prefectures: int | None, counties: int | None,
             initial: int, record_quarters: int) -> dict[str, Any]:
    """Write the province-year into ``cache/ledger`` (the database and the key directory), synced;
    written in a staging directory first, so that a cache is whole or absent."""
    timings: dict[str, float] = {}
    staging = cache.with_name(cache.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    keys_dir = staging / "ledger" / "keys"
    keys_dir.parent.mkdir(parents=True)  # (SQLite creates the file, not its directory)
    ledger = open_ledger(Settings(db=str(staging / "ledger" / "ledger.db"), keys_dir=keys_dir))
    try:
        def sync_after_a(events_a: int, seconds_a: float) -> None:
            timings[PHASE_A] = seconds_a  # the cache keeps the steps in the order they ran
            t0 = time.perf_counter()
            synced = ledger.sync()
            timings["ledger.sync() after phase A"] = time.perf_counter() - t0
            say(f"phase A: {events_a:,} events in {seconds_a:.0f} s; synced "
                f"{synced.new_leaves:,} into {len(synced.sizes)} logs")

        written = write_province(ledger, keys_dir, target, prefectures, counties, initial,
                                 record_quarters, where=str(cache), after_phase_a=sync_after_a,
                                 say=say)
        timings[PHASE_B] = written["timings"][PHASE_B]
        t0 = time.perf_counter()
        synced = ledger.sync()
        timings["ledger.sync() after phase B"] = time.perf_counter() - t0
        say(f"synced {synced.new_leaves:,} more; {synced.tree_size:,} entries in "
            f"{len(synced.sizes)} logs")
        total = int(ledger.app.recorder.max_notification_id() or 0)
    finally:
        ledger.close()
    meta = {"format": CACHE_FORMAT, "events": total, "target": target,
            "agencies": written["agencies"], "county_level": written["county_level"],
            "logs": len(synced.sizes), "units_per_county": written["units_per_county"],
            "initial_units": initial, "record_quarters": record_quarters,
            "mix": written["mix"], "bundles": dict(sorted(synced.sizes.items())),
            "generation_seconds": {k: round(v, 1) for k, v in timings.items()},
            "generation_peak_rss_mb": round(peak_rss_mb(), 1)}
    (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2),
                                       encoding="utf-8")
    shutil.rmtree(cache, ignore_errors=True)
    staging.rename(cache)
    say(f"generated {total:,} events in {sum(timings.values()):.0f} s: {written['mix']}")
    return meta


def export(cache: Path, jobs: int) -> tuple[dict[str, int], float]:
    """Every log of the cached ledger exported to ``cache/bundles`` (what an auditor of the
    province takes away: ``spotcheck export --all-logs``, on ``jobs`` processes): the events per
    bundle, the seconds."""
    shutil.rmtree(cache / "bundles", ignore_errors=True)
    settings = Settings(db=str(cache / "ledger" / "ledger.db"), keys_dir=cache / "ledger" / "keys")
    ledger = open_ledger(settings)
    try:
        t0 = time.perf_counter()
        exported = export_bundles(ledger, cache / "bundles", jobs=jobs,
                                  reopen=partial(open_ledger, settings))
        seconds = time.perf_counter() - t0
    finally:
        ledger.close()
    for result in exported:
        assert result.unlogged == 0, result.log
    return {result.log: result.events for result in exported}, seconds


def event_mix(cache: Path) -> dict[str, int]:
    """Events per type over all bundles (read from the bundles, not timed)."""
    mix: dict[str, int] = {}
    for events_file in sorted(cache.glob("bundles/*/events.jsonl")):
        with events_file.open("rb") as handle:
            for raw in handle:
                topic = json.loads(raw)["event"]["type"].rsplit(":", 1)[-1]
                mix[topic] = mix.get(topic, 0) + 1
    return dict(sorted(mix.items(), key=lambda kv: -kv[1]))


# -- timing -----------------------------------------------------------------------------------
def plain_sha256_per_line(files: list[Path]) -> float:
    sha = hashlib.sha256
    t0 = time.perf_counter()
    for path in files:
        with path.open("rb") as handle:
            for raw in handle:
                sha(raw).digest()
    return time.perf_counter() - t0


def plain_sha256_whole(files: list[Path]) -> float:
    t0 = time.perf_counter()
    for path in files:
        h = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                h.update(chunk)
        h.digest()
    return time.perf_counter() - t0


def canonical_rehash(files: list[Path]) -> float:
    """The verifier's hashing core alone: parse each line, re-serialise the event canonically and
    hash it with the domain prefix (what ``_check_event`` does before the chain and replays)."""
    sha = hashlib.sha256
    t0 = time.perf_counter()
    for path in files:
        with path.open("rb") as handle:
            for raw in handle:
                record = loads_strict(raw)
                assert isinstance(record, dict)
                sha(EVENT_HASH_DOMAIN + canonical_json_parsed(record["event"], raw)).hexdigest()
    return time.perf_counter() - t0


def main() -> None:
    parser = base_parser(__doc__.split("\n")[0], events=1_000_000, quick_events=20_000,
                         backends=False)
    parser.add_argument("--cache", type=Path, default=None,
                        help="where the generated bundles are kept (default bench/out/province-…)")
    parser.add_argument("--regenerate", action="store_true", help="ignore the cache")
    parser.add_argument("--initial-units", type=int, default=150,
                        help="units per county before the draws (default 150)")
    parser.add_argument("--record-quarters", type=int, default=1, choices=(0, 1, 2, 3, 4),
                        help="quarters 1..N get records and publications (default 1: 2026Q1)")
    args = parser.parse_args()
    quiet_logs()
    target = resolve_events(args)
    prefectures, counties = (1, 2) if args.quick else (None, None)
    shape = "quick" if args.quick else "full"
    cache = args.cache or OUT_DIR / f"province-{shape}-{target}-i{args.initial_units}" \
        f"-r{args.record_quarters}"
    results = Results("verify_province", args, events_target=target, cache=str(cache),
                      target_events_per_s=TARGET_EVENTS_PER_S)
    meta_file = cache / "meta.json"
    if args.regenerate or not meta_file.exists() or \
            json.loads(meta_file.read_text(encoding="utf-8")).get("format") != CACHE_FORMAT:
        meta = generate(cache, target, prefectures, counties, args.initial_units,
                        args.record_quarters)
        cached = False
    else:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        cached = True
        say(f"using the cached province-year in {cache} ({meta['events']:,} events)")
    for step, seconds in meta["generation_seconds"].items():
        results.add(step=f"generate: {step}" + (" (cached run)" if cached else ""),
                    seconds=seconds)
    for jobs in (1, 2):
        say(f"exporting every log ({jobs} process{'es' if jobs > 1 else ''}) ...")
        bundles, export_seconds = export(cache, jobs)
        if bundles != meta["bundles"]:
            raise SystemExit(f"the export does not hold the logs' entries: {bundles} != "
                             f"{meta['bundles']}")
        exported = sum(bundles.values())
        results.add(step=f"export_bundles × {len(bundles)} logs, {jobs} CPU{'s' if jobs > 1 else ''}",
                    events=exported, seconds=export_seconds, events_per_s=exported / export_seconds)
        cores = "one core" if jobs == 1 else "two cores"
        results.figure(f"export, province-year of {exported:,} events in {len(bundles)} bundles, "
                       f"{cores}", "≥ 50,000 events/s", exported / export_seconds, "events/s",
                       limit=50_000, higher_is_better=True)
    results.meta.update(events=meta["events"], logs=meta["logs"], agencies=meta["agencies"],
                        generation_mix=meta["mix"], units_per_county=meta["units_per_county"])
    mix = event_mix(cache)
    results.meta["event_types"] = mix
    results.note("event mix: " + ", ".join(f"{k} {v:,}" for k, v in mix.items()))

    dirs = sorted(p for p in (cache / "bundles").iterdir() if p.is_dir())
    files = [d / "events.jsonl" for d in dirs]
    size_mb = sum(f.stat().st_size for f in files) / 2**20
    for f in files:
        f.read_bytes()  # warm the page cache for every reader alike

    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(affinity)})
    say(f"verifying {len(dirs)} bundles ({size_mb:,.0f} MiB of events.jsonl) on one CPU ...")
    per_bundle: list[tuple[str, int, float]] = []
    failed: list[str] = []
    late = 0
    try:
        t_all = time.perf_counter()
        for d in dirs:
            t0 = time.perf_counter()
            report = verify_bundle(Bundle.open(d), jobs=1)  # (one core: no worker process)
            seconds = time.perf_counter() - t0
            per_bundle.append((d.name, report.events, seconds))
            late += len(report.late)
            if not report.ok or report.events != meta["bundles"][d.name]:
                failed.append(f"{d.name}: {report.events} events, "
                              f"{[str(f.message) for f in report.failed[:3]]}")
        verify_seconds = time.perf_counter() - t_all
        say(f"verified in {verify_seconds:.1f} s; hashing the same bytes ...")
        per_line = min(plain_sha256_per_line(files) for _ in range(3))
        whole = min(plain_sha256_whole(files) for _ in range(3))
        canonical = canonical_rehash(files)
    finally:
        os.sched_setaffinity(0, affinity)

    say("verifying the same bundles on two CPUs (verify.many: a bundle a process) ...")
    opened = {d.name: Bundle.open(d) for d in dirs}
    two_runs = []
    for _ in range(2):
        t0 = time.perf_counter()
        two = verify_bundles(opened, jobs=2)
        two_runs.append(time.perf_counter() - t0)
        bad = [name for name, report in two.items()
               if not report.ok or report.events != meta["bundles"][name]]
        if bad:
            failed.append(f"two processes: {bad[:3]} did not verify")
    two_seconds = min(two_runs)

    n = sum(e for _, e, _ in per_bundle)
    rates = sorted(e / s for _, e, s in per_bundle)
    sizes = sorted(e for _, e, _ in per_bundle)
    results.add(step=f"verify_bundle × {len(dirs)} bundles, 1 CPU", events=n,
                seconds=verify_seconds, events_per_s=n / verify_seconds,
                x_sha256_per_line=verify_seconds / per_line, x_sha256_file=verify_seconds / whole)
    results.add(step=f"verify_bundles × {len(dirs)} bundles, 2 CPUs (best of 2)", events=n,
                seconds=two_seconds, events_per_s=n / two_seconds,
                x_sha256_per_line=two_seconds / per_line, x_sha256_file=two_seconds / whole)
    results.add(step="  per bundle: min events/s", events=sizes[0], events_per_s=rates[0])
    results.add(step="  per bundle: median events/s", events=int(statistics.median(sizes)),
                events_per_s=statistics.median(rates))
    results.add(step="  per bundle: max events/s", events=sizes[-1], events_per_s=rates[-1])
    results.add(step="SHA-256 per line of events.jsonl (same bytes)", events=n, seconds=per_line,
                events_per_s=n / per_line, MiB_per_s=size_mb / per_line)
    results.add(step="SHA-256 over each events.jsonl (one pass)", events=n, seconds=whole,
                events_per_s=n / whole, MiB_per_s=size_mb / whole)
    results.add(step="canonical re-hash only (parse + RFC 8785 + SHA-256)", events=n,
                seconds=canonical, events_per_s=n / canonical,
                x_sha256_per_line=canonical / per_line)
    results.meta.update(events_verified=n, bytes_mib=round(size_mb, 1), late_findings=late,
                        verify_peak_rss_mb=round(peak_rss_mb(), 1))
    slowest = min(per_bundle, key=lambda b: b[1] / b[2])
    results.note(f"{n:,} events in {len(dirs)} bundles, {size_mb:,.0f} MiB "
                 f"({size_mb * 2**20 / n:.0f} bytes per event); {late} late finding(s); slowest "
                 f"bundle {slowest[0]} ({slowest[1]:,} events, {slowest[1] / slowest[2]:,.0f}/s)")
    rate = n / verify_seconds
    results.figure(f"verify, province-year of {n:,} events in {len(dirs)} bundles, one core",
                   "≥ 60,000 events/s", rate, "events/s", limit=60_000, higher_is_better=True)
    results.figure(f"verify, province-year of {n:,} events in {len(dirs)} bundles, two cores",
                   "≥ 100,000 events/s", n / two_seconds, "events/s", limit=100_000,
                   higher_is_better=True)
    verdict = "meets" if rate >= TARGET_EVENTS_PER_S else "MISSES"
    results.note(f"verify {rate:,.0f} events/s on one CPU {verdict} the ≥ "
                 f"{TARGET_EVENTS_PER_S:,} events/s target; {verify_seconds / per_line:.0f}× "
                 f"plain SHA-256 per line")
    if failed:
        results.note(f"{len(failed)} bundle(s) did NOT verify: {failed[:3]}")
    results.finish(["step", "events", "seconds", "events_per_s", "x_sha256_per_line",
                    "x_sha256_file", "MiB_per_s"])
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
