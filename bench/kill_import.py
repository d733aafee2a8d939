"""Kill ``spotcheck entities import`` with SIGKILL at random moments, many times, on each database:
every round must leave every row of the file or none, and every log must verify afterwards.

    .venv/bin/python bench/kill_import.py [--rounds 20] [--rows 20000] [--backend both] [--seed N]

The suite does the same with two rounds of 1,000 rows (``tests/test_import_crash.py``); this
script is the longer run. It prints one line per round (the delay, the rows found) and a summary.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

from common import ROOT, backend_db, base_parser, quiet_logs, selected_backends

sys.path.insert(0, str(ROOT / "tests"))

from killing import kill_imports, verify_every_log

from api.bootstrap import open_ledger
from ledger.adapters.settings import Settings
from ledger.log.keys import KeyFiles


def main() -> int:
    parser = base_parser(__doc__ or "", events=20_000, quick_events=2_000)
    parser.add_argument("--rounds", type=int, default=20, help="kills per database (default 20)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    args = parser.parse_args()
    rows = args.events or (2_000 if args.quick else 20_000)
    rounds = 3 if args.quick else args.rounds
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    quiet_logs()
    failures = 0
    for backend in selected_backends(args):
        with tempfile.TemporaryDirectory() as tmp, backend_db(backend, Path(tmp), "kill") as db:
            keys = Path(tmp) / "keys"
            KeyFiles(keys).init("bench.spotcheck.example/log")
            ledger = open_ledger(Settings(db=db, keys_dir=keys))
            try:
                outcomes = kill_imports(ledger, Path(tmp), rounds, rows, random.Random(seed))
                for r in outcomes:
                    state = "all" if r.stored == rows else "none" if r.stored == 0 else "PARTIAL"
                    print(f"{backend:8} {r.agency} killed after {r.killed_after:6.2f} s: "
                          f"{r.stored:>6} of {rows} rows ({state})", flush=True)
                findings = verify_every_log(ledger, Path(tmp))
            finally:
                ledger.close()
            partial = [r for r in outcomes if not r.whole]
            bad = {name: f for name, f in findings.items() if f}
            failures += len(partial) + len(bad)
            print(f"{backend}: {len(outcomes) - 1} kills (seed {seed}), "
                  f"{sum(r.stored == 0 for r in outcomes)} left none, "
                  f"{sum(r.stored == rows for r in outcomes[1:])} left all, {len(partial)} partial; "
                  f"{len(findings)} log(s) verified, {len(bad)} with findings {bad or ''}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
