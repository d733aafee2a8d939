"""Two sequencers at once: one leads, the other waits, and takes over when the first is killed."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path

from commands import BIN, TEST_LANG, ledger_env

from ledger.demo.county import write_demo
from ledger.domain.agency import agency_id
from ledger.services.directory_view import directories
from ledger.services.ledger import Ledger


class Worker:
    """A ``spotcheck`` process whose standard error is read line by line as it comes."""

    def __init__(self, cwd: Path, env: dict[str, str], *args: str) -> None:
        full = ({k: v for k, v in os.environ.items() if not k.startswith("SPOTCHECK_")}
                | {"SPOTCHECK_LANG": TEST_LANG} | env)
        self.process = subprocess.Popen([str(BIN / "spotcheck"), *args], cwd=cwd, env=full,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        assert self.process.stderr is not None
        threading.Thread(target=self._read, args=(self.process.stderr,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.put(line)

    def said(self, text: str, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if text in self.lines.get(timeout=max(0.01, deadline - time.monotonic())):
                    return True
            except queue.Empty:
                return False
        return False


def _integrated(ledger: Ledger, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ledger.store.position().notification_id == ledger.app.recorder.max_notification_id():
            return True
        time.sleep(0.1)
    return False


def test_one_sequencer_leads_the_other_waits_and_takes_over(ledger: Ledger, tmp_path: Path) -> None:
    write_demo(ledger.app, 10)
    env = ledger_env(ledger.settings.db, ledger.settings.keys_dir)
    first = Worker(tmp_path, env, "log", "follow", "--interval", "0.2")
    second: Worker | None = None
    try:
        assert first.said("this process leads the sequencer")
        second = Worker(tmp_path, env, "log", "follow", "--interval", "0.2")
        assert second.said("another process leads the sequencer; waiting to take over")
        assert _integrated(ledger)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=30)
        assert second.said("this process leads the sequencer")
        county = directories(ledger.app, agency_id("652301"))
        ledger.app.change_object(county.objects[0].id, lambda u: u.suspend("停产整治"))
        assert _integrated(ledger)  # written after the hand-over, logged by the second
        second.process.send_signal(signal.SIGTERM)
        out, _ = second.process.communicate(timeout=30)
        assert second.process.returncode == 0 and "sequencer stopped" in out
    finally:
        for worker in (first, second):
            if worker is not None and worker.process.poll() is None:
                worker.process.kill()
                worker.process.wait()

