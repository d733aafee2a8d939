"""Draw speed (摇号): SPOTCHECK-DRAW-2 on one huge agency, and on a province's county draws.

* **one agency** — ``--units`` units (default 1,000,000) in three strata with risk weights 1–10,
  ``--officers`` officers (default 2,000) with declared conflicts, 25 % of key units, 5 % of
  general and 50 % of special units drawn, teams of 2 under a load cap: the canonical files are
  built and hashed, then ``verify.draw.run_draw`` (seed, tickets, ranking, assignment) runs and
  ``selection.csv`` / ``assignment.csv`` are written, as a freeze and a draw do. Target: under 5 s
  and under 1 GiB.
* **a province** — the 99 county-level agencies of a generated Xinjiang (``ledger.demo.generator``),
  each drawn in turn from its own files: total seconds.

Only the draw is timed (no database; the unit tickets of a large draw use both cores): storing the
ceremony's events is the ledger's append benchmark. Figures: the one agency (< 5 s, < 1 GiB) and
a 50,000-unit agency (< 1 s; ``--quick`` runs only this one).

    .venv/bin/python bench/draw.py [--units 1000000] [--officers 2000] [--quick]
"""

from __future__ import annotations

import argparse
import random

from common import Results, peak_rss_mb, timed

from verify.draw import Assignment, run_draw
from verify.draw_files import (
    Conflict,
    DrawParams,
    Inspector,
    conflicts_bytes,
    inspectors_bytes,
    params_bytes,
    read_draw_inputs,
)

SHARES = {"KEY": 0.25, "GEN": 0.05, "SPC": 0.50}
MIX = (("KEY", 0.08), ("GEN", 0.88), ("SPC", 0.04))
ENTROPY = ["4821-纪检", "公证-0457", "4251663"]
PLAN = ("1:witness 纪检监察干部", "2:witness 公证员", "3:dice 现场掷骰")


def agency_files(rng: random.Random, draw_id: str, units: int, officers: int,
                 load_cap: int) -> tuple[bytes, bytes, bytes, bytes]:
    """The four files, written as text directly (no row objects held: the peak memory measured
    afterwards is the draw's, not the generator's). ``read_draw_inputs`` checks them."""
    counts: dict[str, int] = {}
    lines = []
    for n in range(units):
        r = rng.random()
        stratum = "KEY" if r < MIX[0][1] else ("SPC" if r > 1 - MIX[2][1] else "GEN")
        counts[stratum] = counts.get(stratum, 0) + 1
        lines.append(f"U{n:09d},{stratum},{rng.randint(1, 10)}\n")
    population = ("id,stratum,weight\n" + "".join(sorted(lines))).encode()
    del lines
    roster = [Inspector(f"C{n:06d}", ("GEN", "KEY", "SPC") if n % 4 else ("GEN",))
              for n in range(officers)]
    conflicts = {Conflict(f"C{rng.randrange(officers):06d}", f"U{rng.randrange(units):09d}")
                 for _ in range(officers)}
    sizes = {s: max(1, round(c * SHARES[s])) for s, c in counts.items()}
    params = DrawParams(draw_id=draw_id, sizes=sizes, team_size=2, load_cap=load_cap,
                        entropy_plan=PLAN)
    return (population, inspectors_bytes(roster), conflicts_bytes(conflicts), params_bytes(params))


def draw_once(files: tuple[bytes, bytes, bytes, bytes]) -> tuple[int, int]:
    inputs = read_draw_inputs(*files)
    result = run_draw(inputs, ENTROPY)
    if not isinstance(result.assignment, Assignment):
        raise SystemExit(f"the draw stopped: {result.assignment.line}")
    selection = result.selection.csv_bytes()
    assignment = result.assignment.csv_bytes()
    return len(result.selection.selected()), len(selection) + len(assignment)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--officers", type=int, default=2_000)
    parser.add_argument("--counties", type=int, default=99, help="county draws in the province run")
    parser.add_argument("--county-units", type=int, default=2_000, help="units per county")
    parser.add_argument("--quick", action="store_true", help="a quick run (50,000 units, 10 counties)")
    args = parser.parse_args()
    units = 50_000 if args.quick else args.units
    counties = 10 if args.quick else args.counties
    results = Results("draw", args, units=units, officers=args.officers, counties=counties,
                      county_units=args.county_units)
    rng = random.Random(2026)

    sizes = [50_000] if args.quick else [units, 50_000]
    for size in sizes:
        with timed() as t:
            files = agency_files(rng, "650000-2026Q1-units", size, args.officers, load_cap=0)
        results.note(f"one agency: {size:,} units' files built in {t[0]:.1f} s "
                     f"(population.csv {len(files[0]) / 2**20:.1f} MiB; not part of the figure)")
        runs, cpus = [], []
        for _ in range(1 if size > 100_000 else 3):
            with timed() as t:
                selected, written = draw_once(files)
            runs.append(t[0])
            cpus.append(t[1])
        seconds = min(runs)
        results.add(case=f"one agency, {size:,} units, {args.officers:,} officers (no load cap)",
                    selected=selected, seconds=seconds, cpu_s=min(cpus),
                    peak_rss_mib=peak_rss_mb())
        results.note(f"one agency of {size:,}: {', '.join(f'{r:.2f}' for r in runs)} s, peak RSS "
                     f"{peak_rss_mb():.0f} MiB ({written / 2**20:.1f} MiB of selection and "
                     "assignment)")
        if size == 50_000:
            results.figure("draw, one agency of 50,000 units, 2,000 officers", "< 1 s", seconds,
                           "s", limit=1.0, cpu=min(cpus))
        else:
            results.figure(f"draw, one agency of {size:,} units, 2,000 officers", "< 5 s",
                           seconds, "s", limit=5.0, cpu=min(cpus))
            results.figure(f"draw, one agency of {size:,} units: peak memory", "< 1 GiB",
                           peak_rss_mb(), "MiB", limit=1024.0)
        del files

    with timed() as t:
        county_files = [agency_files(rng, f"65{n:04d}-2026Q1-units", args.county_units, 20, 0)
                        for n in range(counties)]
    results.note(f"province: {counties} counties' files built in {t[0]:.1f} s")
    total = 0
    with timed() as t:
        for county in county_files:
            total += draw_once(county)[0]
    results.add(case=f"province, {counties} county draws of {args.county_units:,} units",
                selected=total, seconds=t[0], peak_rss_mib=peak_rss_mb())
    results.finish(["case", "selected", "seconds", "cpu_s", "peak_rss_mib"])


if __name__ == "__main__":
    main()
