"""Append throughput: Spotcheck's hash-chained aggregates against plain eventsourcing.

Both sides write the same rows (the fields of ``InspectionObject.register``) with the same
persistence module, in the same run, alternating in blocks so that disk, cache and checkpoint noise
falls on both alike (the order within a block alternates too):

* ``chained`` — ``ledger.domain.directory.InspectionObject.register(...)`` saved by ``ledger.application
  .LedgerApp`` (opened through ``ledger.services.ledger.open_ledger``): each event carries ``prev_hash``
  and ``event_hash`` (SHA-256 over RFC 8785 canonical JSON, computed when the event is created).
* ``plain`` — ``PlainObject``: the same aggregate on eventsourcing's plain ``Aggregate`` (the same
  ``Registered`` fields, the same rules checked by ``register`` — GB 32100 and the rest — and the
  same derived id), without the chain, saved by a plain ``eventsourcing.application.Application``
  configured like the ledger's (own SQLite file / own PG tables; on PostgreSQL that includes the
  ledger's recorder, ``ledger.adapters.postgres_events``, without which a large save hangs). The
  figure is chained ÷ plain: what the ledger's append costs against eventsourcing's.
* ``plain, ledger's save`` — the same plain aggregates saved by an application with the ledger's
  own ``save`` (``ledger.services.collecting``: no runtime protocol checks for aggregates, ~9 µs
  each under Python 3.11), in its own tables too. chained ÷ this is the cost of the chain alone,
  reported beside the figure: the ledger's faster save is not the chain's doing.

Creation alone is also compared with ``BareObject`` (five fields, no rules, random id: the
baseline of the first measurements), which shows where the rest of the cost of a registration is.

The timed work is creating the aggregates and ``app.save(*aggregates)``: 100 aggregates per save
(an import batch) for ``--events`` events, and one per save for ``--single-events`` events. A third
figure times aggregate creation alone (no storage), which isolates the hashing cost.

    .venv/bin/python bench/append.py [--events 100000] [--backend both] [--quick]
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import UUID

from common import (
    Results,
    backend_db,
    base_parser,
    object_rows,
    open_bench_ledger,
    quiet_logs,
    resolve_events,
    selected_backends,
)
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from ledger.adapters.event_store import PREFIX as LEDGER_PREFIX
from ledger.adapters.event_store import eventsourcing_env
from ledger.adapters.settings import Settings
from ledger.domain import directory
from ledger.domain.directory import InspectionObject, object_id
from ledger.services.collecting import CollectingApplication
from ledger.services.ledger import Ledger

TARGET_RATIO = 1.3


class PlainObject(Aggregate):
    """InspectionObject without the hash chain: the same ``Registered`` fields, the same rules
    checked by ``register`` (GB 32100, the details, the codes' agreement) and the same id derived
    from agency and credit code, on eventsourcing's plain ``Aggregate``."""

    @staticmethod
    def create_id(agency_id: str, credit_code: str) -> UUID:
        return object_id(agency_id, credit_code)

    @event("Registered")
    def __init__(
        self, agency_id: str, name: str, credit_code: str, category: str, county: str,
        details: dict[str, str], warnings: list[str],
    ) -> None:
        self.agency_id = agency_id
        self.name = name
        self.credit_code = credit_code
        self.category = category
        self.county = county
        self.details = dict(details)
        self.warnings = list(warnings)
        self.status = "active"
        self.special_reasons: list[str] = []
        self.category_before_special: str | None = None

    @classmethod
    def register(cls, agency_id: str, name: str, credit_code: str, category: str, county: str,
                 **details: str) -> PlainObject:
        """The same checks as ``InspectionObject.register``."""
        directory._require("name", name, "an inspection object needs a name")
        directory._require("county", county, "an inspection object needs its county (所属区县)")
        directory._check_category(category)
        credit = directory._parse_credit(credit_code)
        checked = directory._checked_details(details, category)
        warnings = [*credit.warnings, *directory._check_codes(credit, checked, category)]
        return cls(agency_id=agency_id, name=name.strip(), credit_code=credit.code,
                   category=category, county=county.strip(), details=checked, warnings=warnings)


class BareObject(Aggregate):
    """The bare minimum: five of the fields, no rules, a random id (the first baseline)."""

    @event("Registered")
    def __init__(
        self, agency_id: str, name: str, credit_code: str, category: str, county: str
    ) -> None:
        self.agency_id = agency_id
        self.name = name
        self.credit_code = credit_code
        self.category = category
        self.county = county


class PlainApp(Application[UUID]):
    name = "PlainBench"


class CollectingPlainApp(CollectingApplication):
    """A plain application with the ledger's own ``save``."""

    name = "CollectingBench"


def open_plain_app(db: str, tmp: Path, cls: type[Application[UUID]] = PlainApp
                   ) -> Application[UUID]:
    """A plain application configured exactly like the ledger's (same keys, its own prefix)."""
    ledger_env = eventsourcing_env(Settings(db=db, keys_dir=tmp / "unused-keys"))
    prefix = cls.name.upper() + "_"
    return cls(env={prefix + k[len(LEDGER_PREFIX):]: v for k, v in ledger_env.items()})


def _chained(rows: list[dict[str, str]]) -> list[Any]:
    return [InspectionObject.register(**r) for r in rows]


def _plain(rows: list[dict[str, str]]) -> list[Any]:
    return [PlainObject.register(**r) for r in rows]


def _bare(rows: list[dict[str, str]]) -> list[Any]:
    keep = ("agency_id", "name", "credit_code", "category", "county")
    return [BareObject(**{k: r[k] for k in keep}) for r in rows]


SIDES = ("chained", "plain", "plain, ledger's save")


def run_batched(ledger: Ledger, plain: Application[UUID], collecting: Application[UUID],
                rows: list[dict[str, str]], per_save: int, block_saves: int) -> dict[str, float]:
    """Alternate blocks of ``block_saves`` saves between the sides (the order turning each
    block); returns seconds per side."""
    spent = dict.fromkeys(SIDES, 0.0)
    sides = {
        "chained": (ledger.app.save, _chained),
        "plain": (plain.save, _plain),
        "plain, ledger's save": (collecting.save, _plain),
    }
    block_events = per_save * block_saves
    for block, start in enumerate(range(0, len(rows), block_events)):
        chunk = rows[start:start + block_events]
        turn = block % len(SIDES)
        order = SIDES[turn:] + SIDES[:turn]
        for side in order:
            save, make = sides[side]
            t0 = time.perf_counter()
            for s in range(0, len(chunk), per_save):
                save(*make(chunk[s:s + per_save]))
            spent[side] += time.perf_counter() - t0
    return spent


def creation_only(rows: list[dict[str, str]]) -> dict[str, float]:
    spent = {}
    for side, make in (("chained", _chained), ("plain", _plain), ("bare", _bare)):
        t0 = time.perf_counter()
        for s in range(0, len(rows), 1000):
            make(rows[s:s + 1000])
        spent[side] = time.perf_counter() - t0
    return spent


def main() -> None:
    parser = base_parser(__doc__.split("\n")[0], events=100_000, quick_events=2_000)
    parser.add_argument("--per-save", type=int, default=100, help="events per save (default 100)")
    parser.add_argument("--single-events", type=int, default=None,
                        help="events for the one-event-per-save figure (default 5,000; quick 300)")
    args = parser.parse_args()
    quiet_logs()
    n = resolve_events(args)
    single_n = args.single_events or (300 if args.quick else 5_000)
    results = Results("append", args, events=n, per_save=args.per_save, single_events=single_n,
                      target_ratio=TARGET_RATIO)
    rows = object_rows(n + single_n)
    batched_rows, single_rows = rows[:n], rows[n:]

    spent = creation_only(object_rows(min(n, 20_000)))
    created = min(n, 20_000)
    for side in ("chained", "plain", "bare"):
        results.add(backend="(memory)", case=f"{side}: create only", events=created, per_save=None,
                    seconds=spent[side], events_per_s=created / spent[side],
                    us_per_event=spent[side] / created * 1e6,
                    ratio=spent["chained"] / spent[side] if side != "chained" else None)

    for backend in selected_backends(args):
        with tempfile.TemporaryDirectory(prefix="spotcheck-bench-") as tmpdir:
            tmp = Path(tmpdir)
            with backend_db(backend, tmp, "ledger") as db:
                plain_db = str(tmp / "plain.db") if backend == "sqlite" else db
                collecting_db = str(tmp / "collecting.db") if backend == "sqlite" else db
                ledger = open_bench_ledger(db, tmp / "keys")
                plain = open_plain_app(plain_db, tmp)
                collecting = open_plain_app(collecting_db, tmp, CollectingPlainApp)
                try:
                    print(f"[{backend}] {n:,} events, {args.per_save} per save ...", flush=True)
                    spent = run_batched(ledger, plain, collecting, batched_rows, args.per_save,
                                        block_saves=10)
                    _add_sides(results, backend, f"{args.per_save} per save", n, args.per_save,
                               spent)
                    print(f"[{backend}] {single_n:,} events, 1 per save ...", flush=True)
                    spent = run_batched(ledger, plain, collecting, single_rows, 1, block_saves=1)
                    _add_sides(results, backend, "1 per save", single_n, 1, spent)
                    _check_counts(ledger, plain, collecting, n + single_n)
                finally:
                    ledger.close()
                    plain.close()
                    collecting.close()
    for row in results.rows:
        if row["ratio"] is not None and row["case"] == f"{args.per_save} per save: chained":
            verdict = "meets" if row["ratio"] <= TARGET_RATIO else "MISSES"
            results.note(f"{row['backend']}: chained/plain cost {row['ratio']:.2f}x {verdict} the "
                         f"≤ {TARGET_RATIO}x target; the chain alone (against plain aggregates "
                         f"saved the ledger's way) {row['chain_alone']:.2f}x")
            name = "SQLite" if row["backend"] == "sqlite" else "PostgreSQL"
            results.figure(f"append, chained ÷ plain eventsourcing, {args.per_save} per save, {name}",
                           f"≤ {TARGET_RATIO}×", row["ratio"], "×", limit=TARGET_RATIO)
    results.finish(["backend", "case", "events", "per_save", "seconds", "events_per_s",
                    "us_per_event", "ratio", "chain_alone"])


def _add_sides(results: Results, backend: str, case: str, n: int, per_save: int,
               spent: dict[str, float]) -> None:
    for side in SIDES:
        chained = side == "chained"
        results.add(backend=backend, case=f"{case}: {side}", events=n, per_save=per_save,
                    seconds=spent[side], events_per_s=n / spent[side],
                    us_per_event=spent[side] / n * 1e6,
                    ratio=spent["chained"] / spent["plain"] if chained else None,
                    chain_alone=spent["chained"] / spent[SIDES[2]] if chained else None)


def _check_counts(ledger: Ledger, plain: Application[UUID], collecting: Application[UUID],
                  expected: int) -> None:
    """Every side really stored every event (the last notification id is the count: no gaps)."""
    # the chained side also holds its agency's Established event (open_bench_ledger)
    for name, recorder, extra in (("chained", ledger.app.recorder, 1), ("plain", plain.recorder, 0),
                                  (SIDES[2], collecting.recorder, 0)):
        got = recorder.max_notification_id()
        if got != expected + extra:
            raise SystemExit(f"{name}: expected {expected + extra} stored events, found {got}")


if __name__ == "__main__":
    main()
