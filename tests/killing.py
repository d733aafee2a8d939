"""Kill an import with SIGKILL at random moments and look at what it left.

Used by ``tests/test_import_crash.py`` (a few kills on each database) and by
``bench/kill_import.py`` (as many as you like). Each round imports the same directory file into a
new agency in a real ``spotcheck entities import`` process and kills it after a random delay drawn
from the time a complete import took; afterwards the agency must hold every row of the file or
none, and every log must still export and verify without a finding.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ledger.codes.division import DivisionError, level_of, lookup_division
from ledger.demo.county import unit_rows
from ledger.domain.agency import agency_id
from ledger.services.directory_view import directories
from ledger.services.export import export_bundle
from ledger.services.ledger import Ledger
from verify.bundle import Bundle
from verify.ledger_check import verify_bundle

SPOTCHECK = Path(sys.executable).parent / "spotcheck"


def counties(count: int) -> list[str]:
    """``count`` county codes in use in Xinjiang (GB/T 2260), one new agency per round."""
    found: list[str] = []
    for number in range(650101, 659999):
        code = str(number)
        if level_of(code) != "county":
            continue
        try:
            if not lookup_division(code).retired:
                found.append(code)
        except DivisionError:
            continue
        if len(found) == count:
            return found
    raise ValueError(f"count: only {len(found)} counties to draw from")


@dataclass(frozen=True)
class Round:
    agency: str
    killed_after: float  # seconds after the process started; 0 for the complete calibration run
    stored: int  # rows found afterwards
    rows: int

    @property
    def whole(self) -> bool:
        return self.stored in (0, self.rows)


def directory_file(path: Path, rows: int) -> Path:
    """A CSV directory file of ``rows`` units (the demo's rows, with Chinese headers)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["名称", "统一社会信用代码", "所属区县", "类别"])
        writer.writerows([r["name"], r["credit_code"], r["county"], r["category"]]
                         for r in unit_rows(rows))
    return path


def _import_process(ledger: Ledger, path: Path, agency: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, SPOTCHECK_DB=ledger.settings.db,
               SPOTCHECK_KEYS=str(ledger.settings.keys_dir))
    return subprocess.Popen([str(SPOTCHECK), "entities", "import", str(path), "--agency", agency],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stored(ledger: Ledger, agency: str) -> int:
    return len(directories(ledger.app, agency_id(agency)).objects)


def _establish(ledger: Ledger, code: str) -> None:
    ledger.app.establish_agency(f"昌吉州生态环境局{code}分局", code, "county")
    ledger.init_key(code)


def kill_imports(ledger: Ledger, workdir: Path, rounds: int, rows: int,
                 rng: random.Random) -> list[Round]:
    """One complete import (the calibration: when do its rows commit?), then ``rounds`` imports
    killed at random moments around that time (from half of it to a tenth after), each into its
    own new agency. Returns what each round left."""
    codes = counties(rounds + 1)
    path = directory_file(workdir / "units.csv", rows)
    outcomes: list[Round] = []
    _establish(ledger, codes[0])
    before = ledger.app.recorder.max_notification_id() or 0
    started = time.monotonic()
    process = _import_process(ledger, path, codes[0])
    committed = None  # when the rows became visible: the kills aim around it
    while process.poll() is None:
        if committed is None and (ledger.app.recorder.max_notification_id() or 0) >= before + rows:
            committed = time.monotonic() - started
        time.sleep(0.02)
    assert process.returncode == 0, "the calibration import failed"
    commit = committed or time.monotonic() - started
    outcomes.append(Round(codes[0], 0.0, _stored(ledger, codes[0]), rows))
    for code in codes[1:]:
        _establish(ledger, code)
        delay = rng.uniform(0.5 * commit, 1.1 * commit)
        process = _import_process(ledger, path, code)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        outcomes.append(Round(code, delay, _stored(ledger, code), rows))
    return outcomes


def verify_every_log(ledger: Ledger, workdir: Path) -> dict[str, list[str]]:
    """Sync, then export and verify each log; the findings per log (none when all is well)."""
    ledger.sync()
    found: dict[str, list[str]] = {}
    for name in ledger.store.logs():
        out = workdir / f"bundle-{name}"
        export_bundle(ledger, out, name)
        report = verify_bundle(Bundle.open(out))
        found[name] = [f"[{f.rule}] {f.where()}: {f.message}" for f in report.failed]
    return found
