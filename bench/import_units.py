"""Importing a directory file: 100,000 units from .xlsx into one agency, and the annual plan.

Writes ``--events`` inspection-object rows (the demo's deterministic rows, Chinese headers) to an
``.xlsx`` file (not timed), then times reading it (``read_table``), checking and storing it in one
all-or-nothing import (``LedgerApp.import_objects``), and re-importing it unchanged (every row found
already registered: the idempotent path). Then times computing the agency's annual plan from the
directory (``plan_year`` over the replayed directory). Peak RSS is reported.

    .venv/bin/python bench/import_units.py [--events 100000] [--backend both] [--quick]
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import openpyxl
from common import (
    Results,
    backend_db,
    base_parser,
    open_bench_ledger,
    peak_rss_mb,
    quiet_logs,
    resolve_events,
    selected_backends,
    timed,
)

from ledger.adapters.directory_file import OBJECT_COLUMNS, OBJECT_REQUIRED, read_table
from ledger.demo.county import unit_rows
from ledger.domain.plan import plan_year
from ledger.domain.rulebook_presets import preset
from ledger.services.directory_view import directories

WORDS = {"key": "重点", "general": "一般", "special": "特殊监管"}


def write_xlsx(path: Path, count: int) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("名录")
    sheet.append(["名称", "统一社会信用代码", "所属区县", "类别", "行业"])
    for row in unit_rows(count):
        sheet.append([row["name"], row["credit_code"], row["county"], WORDS[row["category"]],
                      "热力生产和供应"])
    book.save(path)


def main() -> None:
    parser = base_parser(__doc__.split("\n")[0], events=100_000, quick_events=2_000)
    args = parser.parse_args()
    quiet_logs()
    n = resolve_events(args)
    results = Results("import_units", args, events=n)
    with tempfile.TemporaryDirectory(prefix="spotcheck-bench-") as tmpdir:
        tmp = Path(tmpdir)
        source = tmp / "units.xlsx"
        write_xlsx(source, n)
        for backend in selected_backends(args):
            with backend_db(backend, tmp, f"import-{backend}") as db:
                ledger = open_bench_ledger(db, tmp / f"keys-{backend}")
                try:
                    county = ledger.app.establish_agency("昌吉州生态环境局昌吉市分局", "652301", "county")
                    with timed() as t:
                        table = read_table(source, OBJECT_COLUMNS, OBJECT_REQUIRED)
                    results.add(backend=backend, step="read .xlsx", units=n, seconds=t[0],
                                units_per_s=n / t[0])
                    with timed() as t:
                        first = ledger.app.import_objects(county, table)
                    assert first.added == n
                    results.add(backend=backend, step="import (check + store)", units=n,
                                seconds=t[0], units_per_s=n / t[0])
                    with timed() as t:
                        again = ledger.app.import_objects(county, table)
                    assert again.unchanged == n
                    results.add(backend=backend, step="re-import unchanged", units=n,
                                seconds=t[0], units_per_s=n / t[0])
                    with timed() as t:
                        view = directories(ledger.app, county)
                    results.add(backend=backend, step="replay the directory", units=n,
                                seconds=t[0], units_per_s=n / t[0])
                    with timed() as t:
                        plan_year(view.population(), 140, preset("changji-county-2015"), 2026)
                    results.add(backend=backend, step="annual plan from counts", units=n,
                                seconds=t[0], units_per_s=n / t[0])
                finally:
                    ledger.close()
        results.note(f"peak RSS {peak_rss_mb():.0f} MiB")
    results.finish(["backend", "step", "units", "seconds", "units_per_s"])


if __name__ == "__main__":
    main()
