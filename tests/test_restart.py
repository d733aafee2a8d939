"""A sequencer killed in the middle of its work loses nothing and logs nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import COUNTY

from ledger.adapters.settings import Settings
from ledger.domain.directory import InspectionObject
from ledger.services.ledger import Ledger
from tampering import export_and_verify
from verify.merkle import leaf_hash, root_from_leaf_hashes

BACKLOG = 12_000


def _write_backlog(ledger: Ledger) -> None:
    from ledger.demo.county import unit_rows

    county = str(ledger.app.establish_agency("昌吉州生态环境局昌吉市分局", COUNTY, "county"))
    rows = unit_rows(BACKLOG - 1)
    for start in range(0, BACKLOG - 1, 1000):
        ledger.app.save(*[InspectionObject.register(agency_id=county, **row)
                          for row in rows[start:start + 1000]])


#: ``spotcheck log sync`` in batches of 3,000 (the default, 20,000, would log the whole backlog in
#: one transaction: nothing for the kill to land between).
SYNC = ("from ledger.adapters.settings import Settings\n"
        "from api.bootstrap import open_ledger\n"
        "ledger = open_ledger(Settings.from_environ())\n"
        "ledger.sequencer.batch_size = 3000\n"
        "ledger.sync()\n")


def _sync_process(settings: Settings) -> subprocess.Popen[str]:
    env = dict(os.environ, SPOTCHECK_DB=settings.db, SPOTCHECK_KEYS=str(settings.keys_dir))
    return subprocess.Popen([sys.executable, "-c", SYNC],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_sequencer_killed_mid_batch_resumes_without_gaps_or_doubles(
    ledger: Ledger, tmp_path: Path
) -> None:
    _write_backlog(ledger)
    process = _sync_process(ledger.settings)
    deadline = time.monotonic() + 60
    while COUNTY not in ledger.store.logs() and time.monotonic() < deadline:
        time.sleep(0.01)  # wait until the first batch is committed, then kill in the next
    time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    interrupted = ledger.log(COUNTY).state().size
    assert 0 < interrupted < BACKLOG, "the kill should land while the backlog is being logged"

    ledger.sync()  # a new sequencer picks up from the tracking position

    entries = [e.entry for e in ledger.log(COUNTY).logged_events()]
    assert len(entries) == len(set(entries)) == BACKLOG
    assert ledger.log(COUNTY).state().root == root_from_leaf_hashes([leaf_hash(e) for e in entries])
    assert export_and_verify(ledger, tmp_path / "bundle").findings == []
