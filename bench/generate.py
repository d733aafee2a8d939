"""Synthetic province generation speed (``ledger.demo.generator``, 合成数据): units a second and peak RSS.

Generates all of Xinjiang (14 prefectures, 98 counties and one hi-tech zone: 99 county-level agencies)
with enough units per county to reach ``--units`` (default 200,000), twice in one process:

* **lazy** — ``iter_counties``: one county at a time, each dropped after counting (the way an import
  would feed the application in batches); run first, so the peak RSS after it is the lazy peak;
* **eager** — ``generate_province``: the whole province held in memory at once.

Nothing is written to a database; only the generator is timed (one core, no I/O). Then the
province's quarterly quotas are computed for every county-level agency (counts + ``plan_year``).

    .venv/bin/python bench/generate.py [--units 200000] [--seed 1] [--quick]
"""

from __future__ import annotations

import argparse

from common import Results, peak_rss_mb, timed

from ledger.demo.generator import generate_province, iter_counties, province_agencies
from ledger.domain.agency import KINDS
from ledger.domain.plan import plan_year
from ledger.domain.rulebook_presets import preset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200_000, help="units in the province (default 200,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="a smoke run of 20,000 units")
    args = parser.parse_args()
    wanted = 20_000 if args.quick else args.units
    agencies = province_agencies("650000")
    counties = sum(KINDS[a.kind] == "county" for a in agencies)
    per_county = -(-wanted // counties)
    results = Results("generate", args, units_wanted=wanted, counties=counties, units_per_county=per_county)

    with timed() as elapsed:
        units = inspectors = 0
        for county in iter_counties(args.seed, agencies, units_per_county=per_county):
            units += len(county.units)
            inspectors += len(county.inspectors)
    results.add(mode="lazy (iter_counties)", units=units, inspectors=inspectors,
                seconds=round(elapsed[0], 2), units_per_s=round(units / elapsed[0]),
                peak_rss_mb=round(peak_rss_mb(), 1))

    with timed() as elapsed:
        province = generate_province(args.seed, units_per_county=per_county)
    units = sum(len(rows) for rows in province.units.values())
    inspectors = sum(len(rows) for rows in province.inspectors.values())
    results.add(mode="eager (generate_province)", units=units, inspectors=inspectors,
                seconds=round(elapsed[0], 2), units_per_s=round(units / elapsed[0]),
                peak_rss_mb=round(peak_rss_mb(), 1))
    results.note(f"{len(province.agencies)} agencies, {len(province.conflicts)} conflicts of interest")

    # A province's quarterly quotas: every county-level agency's plan from its directory counts
    # (the counting is what a projection will hold; here it is done over the generated rows).
    with timed() as elapsed:
        plans = [
            plan_year(_population(rows), len(province.inspectors[code]),
                      preset("changji-county-2015"), 2026)
            for code, rows in province.units.items()
        ]
    visits = sum(p.quarter_total(1) for p in plans)
    results.add(mode="province quarterly quotas (count + plan)", units=units,
                inspectors=inspectors, seconds=round(elapsed[0], 4),
                units_per_s=round(units / elapsed[0]), peak_rss_mb=round(peak_rss_mb(), 1))
    results.note(f"{len(plans)} county-level plans; quarter 1 asks {visits:,} unit-visits")
    results.finish()


def _population(rows: list[dict[str, str]]) -> dict[str, int]:
    counts = {"key": 0, "general": 0, "special": 0}
    for row in rows:
        counts[row["category"]] += 1
    return counts


if __name__ == "__main__":
    main()
