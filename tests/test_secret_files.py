"""Secret files stay secret, and a key that cannot be used stops a command before it writes: draw
keys, log keys and cosigner keys readable by others are refused, the last signed checkpoint must not
be writable by others, `draw export` writes the sealed files mode 600, and reading a record of a
still sealed draw is recorded as an opening."""

from __future__ import annotations

import json
import sqlite3
import stat
from functools import partial
from pathlib import Path

import pytest
import test_cli_records
from commands import run
from test_cli_directories import _ok
from test_cli_draw import DRAW, _fails
from test_cli_records import _record, _write

from verify.cosignature import generate_cosigner

pytestmark = pytest.mark.sqlite_only

COUNTY = "652301"
Q2 = tuple[Path, str, list[str], str]
# the 2026Q2 draw of test_cli_records, fixed by hand and still sealed (its fixtures, shared)
q2_original = test_cli_records.q2_original
q2 = test_cli_records.q2


def _events(cwd: Path, topic: str = "%") -> int:
    with sqlite3.connect(cwd / "spotcheck.db") as db:
        return int(db.execute("SELECT count(*) FROM stored_events WHERE topic LIKE ?",
                              (topic,)).fetchone()[0])


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_draw_export_writes_the_sealed_files_for_the_owner_alone(q2: Q2) -> None:
    cwd = q2[0]
    exported = cwd / "q2"  # written by the fixture: `draw export DRAW --out q2`
    assert _mode(exported) == 0o700
    assert {f.name: _mode(f) for f in exported.iterdir()} == {
        name: 0o600 for name in ("population.csv", "inspectors.csv", "conflicts.csv",
                                 "params.txt", "seed.txt", "selection.csv", "assignment.csv")}


def test_a_draw_key_readable_by_others_is_refused_and_nothing_is_recorded(q2: Q2) -> None:
    cwd = q2[0]
    key = cwd / "spotcheck-keys" / COUNTY / "draws" / f"{DRAW}.key"
    key.chmod(0o644)
    before = _events(cwd)
    line = _fails(cwd, "draw", "export", DRAW, "--out", "again", "--who", "局长", "--why", "复核")
    assert f"{key.name}: readable or writable by others (mode 644)" in line and "chmod 600" in line
    assert _events(cwd) == before and not (cwd / "again").exists()


def test_a_write_with_an_unusable_log_key_stops_before_storing(q2: Q2) -> None:
    cwd, unit = q2[0], q2[1]
    (cwd / "spotcheck-keys" / COUNTY / "log.key").chmod(0o644)
    before = _events(cwd)
    line = _fails(cwd, "entities", "close", unit, "--agency", COUNTY, "--reason", "关停")
    assert "log.key: readable or writable by others (mode 644)" in line
    assert "nothing was stored" in line
    assert _events(cwd) == before


def test_a_last_signed_checkpoint_anyone_could_replace_is_refused(q2: Q2) -> None:
    cwd, unit = q2[0], q2[1]
    (cwd / "spotcheck-keys" / COUNTY / "log.checkpoint").chmod(0o666)
    assert "log.checkpoint: writable by others (mode 666)" in _fails(cwd, "log", "sync")
    before = _events(cwd)
    assert "nothing was stored" in _fails(cwd, "entities", "close", unit, "--agency", COUNTY,
                                          "--reason", "关停")
    assert _events(cwd) == before


def test_reading_a_record_of_a_sealed_draw_is_recorded_as_an_opening(q2: Q2) -> None:
    cwd, unit, team, _ = q2
    ok = partial(_ok, cwd)
    ok("record", "file", DRAW, "--unit", unit, "--file", _write(cwd, "r.json", _record(team)),
       "--by", team[0], "--on", "2026-04-20")
    openings = _events(cwd, "%SealedContentOpened")
    shown = run(cwd, "spotcheck", "record", "show", DRAW, "--unit", unit, "--as-officer", team[0],
                "--why", "整改复查")
    assert shown.returncode == 0 and f"{DRAW} is still sealed; this reading is recorded" in shown.stderr
    assert _events(cwd, "%SealedContentOpened") == openings + 1
    draw = ok("draw", "show", DRAW, "--json")
    assert {"who": team[0], "why": "整改复查", "what": f"record of {unit}"} in json.loads(draw)[
        "openings"]


def test_a_cosigner_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    signer = generate_cosigner("652300.example/witness")
    key = tmp_path / "cosigner.key"
    key.write_text(signer.private_key_text() + "\n", encoding="utf-8")
    key.chmod(0o644)
    (tmp_path / "cp.note").write_text("x\n", encoding="utf-8")
    result = run(tmp_path, "spotcheck-verify", "cosign", "cp.note", "--key", str(key))
    assert result.returncode == 2 and "readable or writable by others (mode 644)" in result.stderr
