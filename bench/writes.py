"""Write paths that must not grow with the draw: ``draw freeze`` of a large agency, and filing the
k-th record of a draw (no quadratic write paths).

One generated county (``ledger.demo.generator``) of ``--units`` units (default 100,000; ``--quick``
20,000) is written through the application on SQLite (its directory imported, its inspectors, the
2026 plan and year list), then, timed:

* **plan** — ``file_plan`` for 2026 (reads the agency's directories);
* **freeze** — ``Ceremony.freeze`` of the 2026Q1 unit draw (reads the directories and the
  year so far, writes the four files; the figure: under 5 s for 100,000 units);
* **records** — after the rest of the ceremony (not timed), ``Inspections.file_record`` for the
  units on the list, one at a time, up to ``--records`` (default 10,000; ``--quick`` 300): the
  median CPU time of the first ten records against that of the last ten (the figure: the
  10,000th as fast as the 10th, i.e. a ratio near 1; CPU time and medians, because the machine
  is shared and a record slowed by another process would otherwise decide it). The ratio is
  divided by how much slower a fixed calibration workload ran just before the last ten than
  just before the first ten (:func:`calibration`): the machine's own drift over the minutes
  between them is not the record's cost; the note gives the ratio as measured too.

    .venv/bin/python bench/writes.py [--units 100000] [--records 10000] [--quick]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from common import Results, open_bench_ledger, peak_rss_mb, quiet_logs, timed

from ledger.adapters.directory_file import Table
from ledger.demo.county import DEMO_ENTROPY, DEMO_PLAN_YEAR, complete_ceremony, demo_record
from ledger.demo.generator import iter_counties, province_agencies
from ledger.demo.province import SEED, Province
from ledger.domain.agency import Agency, agency_id
from ledger.domain.draw import draw_name
from ledger.services.ceremony import draw_window

PERIOD = f"{DEMO_PLAN_YEAR}Q1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=None)
    parser.add_argument("--records", type=int, default=None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    units = args.units or (20_000 if args.quick else 99_999)  # the generator's most per county
    wanted = args.records or (300 if args.quick else 10_000)
    quiet_logs()
    results = Results("writes", args, units=units, records=wanted)
    with tempfile.TemporaryDirectory(prefix="spotcheck-bench-") as tmp:
        keys_dir = Path(tmp) / "keys"
        ledger = open_bench_ledger(str(Path(tmp) / "writes.db"), keys_dir)
        agencies = province_agencies("650000", prefectures=1, counties_per_prefecture=1)
        agencies = [a for a in agencies if a.division_code != "652301"]
        province = Province(ledger, keys_dir, agencies)
        province.establish()
        county = next(iter(iter_counties(SEED, agencies, units_per_county=units)))
        code, app = county.division_code, ledger.app
        uuid = agency_id(code)
        with timed() as t:
            for start in range(0, len(county.units), 5_000):
                rows = list(enumerate(county.units[start:start + 5_000], start=2))
                app.import_objects(uuid, Table(Path("generated"), {}, rows))
            app.register_inspectors(uuid, county.inspectors)
        results.note(f"{len(county.units):,} units and {len(county.inspectors)} inspectors "
                     f"imported in {t[0]:.1f} s (not part of the figures)")
        with timed() as t:
            app.file_plan(uuid, DEMO_PLAN_YEAR, approved_by="局务会")
        results.add(case=f"plan, {len(county.units):,} units", seconds=t[0])
        app.publish_year_list(uuid, DEMO_PLAN_YEAR, "办公室")
        agency: Agency = app.repository.get(uuid)
        book = agency.rulebook_in_force(f"{DEMO_PLAN_YEAR}-01-01")
        assert book is not None
        day, _ = draw_window(PERIOD, book.draw_window, agency.calendar())
        ceremony = province.ceremony
        with timed() as t:
            ceremony.freeze(code, PERIOD, day, [(s, n) for s, n, _ in DEMO_ENTROPY])
        freeze_s = t[0]
        results.add(case=f"draw freeze, {len(county.units):,} units", seconds=freeze_s)
        results.figure(f"`draw freeze`, one agency of {len(county.units):,} units", "< 5 s",
                       freeze_s, "s", limit=5.0)
        draw_id = draw_name(code, PERIOD, "units")
        complete_ceremony(ceremony, draw_id, day)
        listed = ceremony.fixed_teams(draw_id).units()
        results.note(f"the list holds {len(listed):,} units; filing {min(wanted, len(listed)):,}")
        times, speeds = _file_records(province, draw_id, listed[:wanted], book)
        first, last = statistics.median(times[:10]), statistics.median(times[-10:])
        drift = speeds[1] / speeds[0]
        results.add(case=f"records 1-10 of {len(times):,}", ms_per_record=first * 1000)
        results.add(case=f"records {len(times) - 9:,}-{len(times):,}", ms_per_record=last * 1000)
        results.add(case="calibration before records 1-10", ms_per_record=speeds[0] * 1000)
        results.add(case=f"calibration before records {len(times) - 9:,}-{len(times):,}",
                    ms_per_record=speeds[1] * 1000)
        results.figure(f"filing record {len(times):,} vs record 10 of a draw", "≤ 1.25× (as fast)",
                       last / first / drift, "×", limit=1.25)
        results.note(f"record {len(times):,} vs record 10: {last / first:.2f}× as measured; the "
                     f"calibration ran {drift:.2f}× as long before the last ten as before the "
                     f"first ten (the machine's own drift), so the figure is {last / first / drift:.2f}×")
        results.note(f"median of all {len(times):,} records {statistics.median(times) * 1000:.1f} ms; "
                     f"peak RSS {peak_rss_mb():.0f} MiB")
        blocks = [statistics.median(times[i:i + 500]) * 1000 for i in range(0, len(times), 500)]
        results.note("median ms per block of 500 records, in filing order (a cost that grew with "
                     "the draw would rise along it): " + ", ".join(f"{b:.2f}" for b in blocks))
        # what a result published under a deadline from the task's completion (任务完成) reads:
        # the first read catches the visits view up on every record, the next only on what is new
        with timed() as first:
            province.inspections._task_completed(draw_id)
        with timed() as t:
            completed = province.inspections._task_completed(draw_id)
        results.add(case=f"task completion read, {len(times):,} records filed",
                    ms_per_record=t[0] * 1000)
        results.note(f"the task's completion ({completed}) read in {t[0] * 1000:.1f} ms once "
                     f"{len(times):,} records are filed ({first[0] * 1000:.0f} ms the first "
                     "time, catching up on them; ledger/services/visits_view.py)")
    results.finish(["case", "seconds", "ms_per_record"])


def calibration() -> float:
    """The median CPU time of a fixed piece of work like a record's (JSON, hashing, dicts): how
    fast the machine runs this process just now. A virtual machine's speed drifts by tens of per
    cent within the hour with no load of its own (bench/README.md), which over the minutes between
    the first records and the last would otherwise read as a record growing dearer."""
    payload = {f"field{n}": "值" * 40 + str(n) for n in range(40)}
    runs = []
    for _ in range(7):
        started = time.process_time()
        for n in range(300):
            text = json.dumps({**payload, "n": n}, ensure_ascii=False, sort_keys=True)
            hashlib.sha256(text.encode()).hexdigest()
            json.loads(text)
        runs.append(time.process_time() - started)
    return statistics.median(runs)


def _file_records(province: Province, draw_id: str, units: list[str],
                  book: object) -> tuple[list[float], tuple[float, float]]:
    """Each record's CPU time, and :func:`calibration` before the first ten and the last ten."""
    from datetime import date

    first = date(DEMO_PLAN_YEAR, 1, 1)
    items = [i.item for i in book.inspection_items]  # type: ignore[attr-defined]
    agency: Agency = province.app.repository.get(agency_id(draw_id.split("-", 1)[0]))
    calendar = agency.calendar()
    visits = [first + timedelta(d) for d in range(1, 60) if calendar.is_working_day(first + timedelta(d))]
    inspections = province.inspections
    times: list[float] = []
    calibration()  # (its own first run warms up: not counted)
    speeds = [calibration()]
    teams = province.ceremony.fixed_teams(draw_id)
    for n, unit in enumerate(units):
        if n == max(10, len(units) - 10):
            speeds.append(calibration())
        team = teams[unit]  # what the officer's form shows (not timed)
        visited = visits[n % len(visits)]
        record = demo_record(team, visited, items, unit, "clean", "")
        started = time.process_time()  # CPU time: another process on the machine does not count
        inspections.file_record(draw_id, unit, record, team[0], visited)
        times.append(time.process_time() - started)
        if (n + 1) % 1000 == 0:
            print(f"# {n + 1:,} records filed, last {times[-1] * 1000:.1f} ms", flush=True)
    if len(speeds) == 1:  # (ten records or fewer: the same ones)
        speeds.append(speeds[0])
    return times, (speeds[0], speeds[1])


if __name__ == "__main__":
    main()
