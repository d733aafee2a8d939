"""Shared helpers for the benchmarks in ``bench/`` (run on demand; these are not tests).

* :func:`pg_database` — a throw-away PostgreSQL database ``spotcheck_bench_<hex>`` on
  127.0.0.1:5432 (user postgres, trust auth), dropped at the end, also on error or Ctrl-C.
* :func:`open_bench_ledger` — a ledger (SQLite file or PostgreSQL URL) with a fresh log key.
* :func:`object_rows` — the demo's deterministic inspection-object rows, with an agency id.
* :class:`Results` — collects figures, prints them as a table and writes ``bench/out/<name>.json``.
* :func:`peak_rss_mb`, :func:`timed`, :func:`quiet_logs`, :func:`base_parser`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import structlog

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/x.py` puts bench/ on the path, not the project root
    sys.path.insert(0, str(ROOT))

from api.bootstrap import open_ledger  # noqa: E402
from ledger.adapters.settings import Settings  # noqa: E402
from ledger.log.keys import KeyFiles  # noqa: E402
from ledger.services.ledger import Ledger  # noqa: E402

OUT_DIR = Path(__file__).resolve().parent / "out"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_URL = "postgresql://postgres@127.0.0.1:5432/{dbname}"
LOG_ORIGIN = "bench.spotcheck.example/log"
BACKENDS = ("sqlite", "postgres")


# -- environment ------------------------------------------------------------------------------
def quiet_logs() -> None:
    """Silence the ledger's per-batch INFO lines (they would be timed and would flood the table)."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def base_parser(description: str, events: int, quick_events: int, backends: bool = True
                ) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--events", type=int, default=None,
                        help=f"number of events (default {events:,}; --quick: {quick_events:,})")
    if backends:
        parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.set_defaults(_events_default=events, _quick_events=quick_events)
    return parser


def resolve_events(args: argparse.Namespace) -> int:
    if args.events is not None:
        return int(args.events)
    return int(args._quick_events if args.quick else args._events_default)


def selected_backends(args: argparse.Namespace) -> list[str]:
    return list(BACKENDS) if args.backend == "both" else [args.backend]


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed() -> Iterator[list[float]]:
    """``with timed() as t: ...`` then ``t[0]`` is the elapsed wall time in seconds and ``t[1]``
    the CPU time (user + system) of this process and of the children it waited for meanwhile —
    on a shared machine the wall time grows with the others' load, the CPU time much less."""
    box = [0.0, 0.0]
    started, cpu = time.perf_counter(), cpu_seconds()
    try:
        yield box
    finally:
        box[0] = time.perf_counter() - started
        box[1] = cpu_seconds() - cpu


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its waited-for children so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(fraction * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


# -- databases --------------------------------------------------------------------------------
@contextmanager
def pg_database() -> Iterator[str]:
    """Create ``spotcheck_bench_<hex>``, yield its ``postgresql://`` URL, drop it afterwards."""
    name = f"spotcheck_bench_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.format(dbname=name)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def backend_db(backend: str, tmp: Path, name: str) -> Iterator[str]:
    """A database location for ``open_ledger``: a new SQLite file in ``tmp`` or a new PG database."""
    if backend == "sqlite":
        yield str(tmp / f"{name}.db")
    elif backend == "postgres":
        with pg_database() as url:
            yield url
    else:
        raise ValueError(backend)


#: The agency whose log the benchmarks fill (its ``Established`` event is the log's first entry).
BENCH_AGENCY = "652301"


def open_bench_ledger(db: str, keys_dir: Path) -> Ledger:
    """Open a ledger on ``db`` (file path or postgresql:// URL) with the bench agency established
    (one event, not yet logged) and the keys of its log and of the deployment's log."""
    from ledger.domain.agency import agency_id

    keys = KeyFiles(keys_dir)
    if not keys.exists():
        keys.init(LOG_ORIGIN)
    ledger = open_ledger(Settings(db=db, keys_dir=keys_dir))
    if agency_id(BENCH_AGENCY) not in ledger.app.repository:
        ledger.app.establish_agency("昌吉州生态环境局昌吉市分局", BENCH_AGENCY, "county")
    if not ledger.keys(BENCH_AGENCY).exists():
        ledger.init_key(BENCH_AGENCY)
    return ledger


# -- data -------------------------------------------------------------------------------------
def object_rows(n: int, agency: str = BENCH_AGENCY) -> list[dict[str, str]]:
    """``n`` deterministic rows with the fields of ``InspectionObject.register`` (the demo's),
    for the agency with division code ``agency``."""
    from ledger.demo.county import unit_rows
    from ledger.domain.agency import agency_id

    return [dict(row, agency_id=str(agency_id(agency))) for row in unit_rows(n)]


def fill_ledger(ledger: Ledger, n: int, per_save: int = 500) -> float:
    """Write ``n`` chained InspectionObject.Registered events, ``per_save`` per save; seconds taken."""
    from ledger.domain.directory import InspectionObject

    rows = object_rows(n)
    with timed() as t:
        for start in range(0, n, per_save):
            ledger.app.save(*[InspectionObject.register(**r) for r in rows[start:start + per_save]])
    return t[0]


# -- results ----------------------------------------------------------------------------------
class Results:
    """Rows of figures for one benchmark: printed as a table, written as JSON."""

    def __init__(self, name: str, args: argparse.Namespace, **params: Any) -> None:
        self.name = name
        self.started = time.perf_counter()
        self.meta: dict[str, Any] = {
            "benchmark": name,
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "quick": bool(getattr(args, "quick", False)),
            "argv": sys.argv[1:],
            "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
            **params,
        }
        self.rows: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.figures: list[dict[str, Any]] = []

    def add(self, **row: Any) -> dict[str, Any]:
        self.rows.append(row)
        return row

    def figure(self, figure: str, target: str, measured: float, unit: str, *, limit: float,
               higher_is_better: bool = False, cpu: float | None = None) -> dict[str, Any]:
        """One figure of ``bash scripts/bench.sh``'s table: ``measured`` against ``limit``.

        ``ratio`` is how far the target is met: limit / measured for a time or a cost (lower is
        better), measured / limit for a throughput; 1.0 or more passes. ``cpu`` is the same
        figure in CPU time instead of wall time (shown beside it; the target is judged on the
        wall time)."""
        ratio = (measured / limit) if higher_is_better else (limit / measured if measured else float("inf"))
        row = {"figure": figure, "target": target, "measured": measured, "unit": unit,
               "ratio": ratio, "pass": ratio >= 1.0, "load": os.getloadavg()[0], "cpu": cpu}
        self.figures.append(row)
        print(f"# figure: {figure}: {measured:,.3g} {unit} (target {target}) "
              f"{'PASS' if row['pass'] else 'FAIL'}", flush=True)
        return row

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"# {text}", flush=True)

    def finish(self, columns: list[str] | None = None) -> Path:
        self.meta["seconds_total"] = round(time.perf_counter() - self.started, 2)
        self.meta["peak_rss_mb"] = round(peak_rss_mb(), 1)
        print()
        print(format_table(self.rows, columns))
        for text in self.notes:
            print(f"  note: {text}")
        print(f"  total {self.meta['seconds_total']} s, peak RSS {self.meta['peak_rss_mb']} MiB")
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        path = OUT_DIR / f"{self.name}.json"
        payload = {**self.meta, "rows": self.rows, "notes": self.notes, "figures": self.figures}
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"  written {path.relative_to(ROOT)}")
        return path


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.3f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "-" if value is None else str(value)


def format_table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    if not rows:
        return "(no rows)"
    if columns is None:
        columns = []
        for row in rows:
            columns.extend(k for k in row if k not in columns)
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    numeric = [all(_is_numberish(r[i]) for r in cells) for i in range(len(columns))]

    def fmt(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric, strict=True)).rstrip()

    lines = [fmt(columns), fmt(["-" * w for w in widths])]
    lines.extend(fmt(r) for r in cells)
    return "\n".join(lines)


def _is_numberish(text: str) -> bool:
    return text == "-" or text.replace(",", "").replace(".", "").replace("-", "").isdigit()
