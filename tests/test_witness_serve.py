"""A county and its prefecture as two real ``spotcheck serve`` processes on loopback, each with
its own database and keys: the prefecture witnesses the county's log (C2SP tlog-witness). A
quarter written in the county ends with the prefecture's cosignature on the checkpoint the county
serves; a restored older backup of the county — keys and all, so the county itself cannot tell —
is refused by the prefecture, which keeps the refusals as evidence, and the county's status shows
the witness falling behind.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from commands import BIN, run

from verify.checkpoint import open_checkpoint
from verify.cosignature import CosignerVerifier, open_cosigned
from verify.note import NoteVerifier

pytestmark = pytest.mark.sqlite_only

COUNTY, ORIGIN = "652301", "652301.spotcheck.gov.cn/spotcheck"
WITNESS = "652300.spotcheck.gov.cn/witness"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(env: dict[str, str], cwd: Path, port: int | None = None) -> Iterator[str]:
    """``spotcheck serve`` as a real process on a loopback port (default: a free one); its base
    URL."""
    port = port or _port()
    full = {k: v for k, v in os.environ.items() if not k.startswith("SPOTCHECK_")} | env
    log = cwd / f"serve-{port}.log"
    with log.open("wb") as errors:
        process = subprocess.Popen([str(BIN / "spotcheck"), "serve", "--port", str(port),
                                    "--no-access-log"], env=full, cwd=cwd,
                                   stdout=subprocess.DEVNULL, stderr=errors)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/health", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(log.read_text()) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return str(answer.read().decode("utf-8"))


def _ok(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = run(cwd, "spotcheck", *args, env=env)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def _backup(county: Path, to: Path) -> None:
    """What an operator's nightly backup holds: the database (SQLite's online backup) and the
    key directory."""
    to.mkdir()
    source, target = sqlite3.connect(county / "s.db"), sqlite3.connect(to / "s.db")
    with target:
        source.backup(target)
    source.close()
    target.close()
    shutil.copytree(county / "keys", to / "keys")


def _restore(backup: Path, county: Path) -> None:
    for name in ("s.db", "s.db-wal", "s.db-shm"):
        (county / name).unlink(missing_ok=True)
    shutil.rmtree(county / "keys")
    shutil.copyfile(backup / "s.db", county / "s.db")
    shutil.copytree(backup / "keys", county / "keys")


def test_a_county_quarter_ends_cosigned_by_its_prefecture_and_a_rollback_is_caught(
        tmp_path: Path) -> None:
    county, prefecture = tmp_path / "county", tmp_path / "prefecture"
    county.mkdir()
    prefecture.mkdir()
    c_env = {"SPOTCHECK_DB": str(county / "s.db"), "SPOTCHECK_KEYS": str(county / "keys")}
    p_env = {"SPOTCHECK_DB": str(prefecture / "s.db"), "SPOTCHECK_KEYS": str(prefecture / "keys")}

    # The prefecture: a witness key, and the county's log among those it witnesses.
    witness_key = _ok(prefecture, p_env, "witness", "init", "--name", WITNESS).strip()
    _ok(county, c_env, "keys", "init", "--log", COUNTY, "--origin", ORIGIN)
    _ok(prefecture, p_env, "witness", "add-log", "--key", str(county / "keys" / COUNTY / "log.vkey"),
        "--note", "昌吉市分局")
    log_key = NoteVerifier.from_verifier_key_text(
        (county / "keys" / COUNTY / "log.vkey").read_text().strip())
    cosigner = CosignerVerifier.from_verifier_key_text(witness_key)

    with serving(p_env, prefecture) as above:
        # The county names its prefecture as its log's witness, then writes its quarter.
        _ok(county, c_env, "log", "witness-add", "--log", COUNTY, "--key", witness_key,
            "--url", above + "/witness")
        with serving(c_env, county) as below:
            _ok(county, c_env, "demo", "--units", "40")
            served = _get(f"{below}/logs/{COUNTY}/checkpoint")
            checkpoint, cosignatures = open_cosigned(served, [log_key], [cosigner])
            assert [name for name, _ in cosignatures] == [WITNESS]
            assert checkpoint.size > 100
            before = checkpoint.size
            witnessed = json.loads(_get(above + "/witness/logs"))
            assert [(w["origin"], w["cosigned_size"]) for w in witnessed] == [
                (ORIGIN, checkpoint.size)]
            # an officer's receipt from the county carries the prefecture's cosignature
            receipt = _get(f"{below}/logs/{COUNTY}/receipts/3")
            (tmp_path / "r.tlog-proof").write_text(receipt, encoding="utf-8")
            (tmp_path / "w.vkey").write_text(witness_key + "\n")
            checked = run(tmp_path, "spotcheck-verify", "receipt", "r.tlog-proof", "--key",
                          str(county / "keys" / COUNTY / "log.vkey"), "--witness-key", "w.vkey")
            assert checked.returncode == 0 and WITNESS in checked.stdout, checked.stdout

            # A write through the county's service: its checkpoint is cosigned in the background.
            unit = _ok(county, c_env, "entities", "list", "--agency", COUNTY).split("\t", 1)[0]
            _ok(county, c_env, "users", "add", "zhangsan", "--name", "张三", "--role", "operator",
                "--agency", COUNTY)
            token = _ok(county, c_env, "users", "token", "zhangsan").strip()
            request = urllib.request.Request(
                f"{below}/api/agencies/{COUNTY}/entities/{unit}/changes", method="POST",
                data=json.dumps({"change": "update", "reason": "电话变更",
                                 "fields": {"phone": "0994-1000000"}}).encode(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=30) as answer:
                assert answer.status == 200
            deadline = time.monotonic() + 30
            while True:
                served = _get(f"{below}/logs/{COUNTY}/checkpoint")
                checkpoint, cosignatures = open_cosigned(served, [log_key], [cosigner])
                if checkpoint.size == before + 1 and cosignatures:
                    break
                assert time.monotonic() < deadline, served
                time.sleep(0.2)

        # The nightly backup; two more changes, each cosigned.
        _backup(county, tmp_path / "backup")
        for phone in ("0994-1000001", "0994-1000002"):
            _ok(county, c_env, "entities", "update", unit, "--agency", COUNTY, "--set",
                f"phone={phone}", "--reason", "电话变更")
        held = checkpoint.size + 2
        assert json.loads(_get(above + "/witness/logs"))[0]["cosigned_size"] == held

        # The county is restored from the backup, keys and all: it signs again from there, a
        # shorter log, then a second history: the prefecture refuses both and keeps them.
        _restore(tmp_path / "backup", county)
        _ok(county, c_env, "entities", "update", unit, "--agency", COUNTY, "--set",
            "phone=0994-2000001", "--reason", "电话变更")
        status = json.loads(_ok(county, c_env, "log", "status", "--log", COUNTY))
        behind = status["logs"][0]["witnesses"][0]
        assert behind["last_status"] == 409 and "rolled back" in behind["last_error"]
        assert behind["rolled_back"] and behind["cosigned_size"] == held
        for phone in ("0994-2000002", "0994-2000003"):
            _ok(county, c_env, "entities", "update", unit, "--agency", COUNTY, "--set",
                f"phone={phone}", "--reason", "电话变更")
        _ok(county, c_env, "log", "witness-submit")
        status = json.loads(_ok(county, c_env, "log", "status", "--log", COUNTY))
        behind = status["logs"][0]["witnesses"][0]
        assert behind["last_status"] == 422, behind
        assert behind["cosigned_size"] == held and behind["entries_behind"] == 1
        assert behind["failures"] >= 2

        evidence = json.loads(_ok(prefecture, p_env, "witness", "status", "--json"))
        refused = [(r["status"], r["old_size"], r["tree_size"]) for r in evidence["refusals"]]
        assert (409, checkpoint.size, checkpoint.size + 1) in refused
        assert (422, held, held + 1) in refused
        assert evidence["logs"][0]["cosigned_size"] == held  # never rolled back
        # each refusal keeps the county's own signed checkpoint: the proof of what it did
        for kept in evidence["refusals"]:
            note = kept["request"].split("\n\n", 1)[1]
            assert open_checkpoint(note, [log_key]).size == kept["tree_size"]

    # Offline, the prefecture audits the county's bundle against every checkpoint it cosigned:
    # the restored county no longer publishes the history the prefecture cosigned.
    _ok(prefecture, p_env, "witness", "export", "--out", str(tmp_path / "received"))
    kept = sorted((tmp_path / "received" / COUNTY).glob("*.note"))
    assert [p.name for p in kept][-1] == f"{held}.note"
    assert len(list((tmp_path / "received" / COUNTY).glob("refused-*.txt"))) == len(refused)
    _ok(county, c_env, "export", "--log", COUNTY, "--out", str(tmp_path / "bundle"))
    audit = run(tmp_path, "spotcheck-verify", "audit", str(tmp_path / "bundle"), "--received",
                *map(str, kept), "--cosigner-key", "w.vkey", "--key",
                str(county / "keys" / COUNTY / "log.vkey"))
    assert audit.returncode == 1, audit.stdout + audit.stderr
    flagged = [line for line in audit.stdout.splitlines() if "[received-checkpoint]" in line]
    assert any(f"{held}.note" in line for line in flagged), audit.stdout
    assert not any(f"{before}.note" in line for line in flagged), audit.stdout  # before the backup


def test_a_witness_that_is_down_delays_only_its_cosignature(tmp_path: Path) -> None:
    county, prefecture = tmp_path / "county", tmp_path / "prefecture"
    county.mkdir()
    prefecture.mkdir()
    c_env = {"SPOTCHECK_DB": str(county / "s.db"), "SPOTCHECK_KEYS": str(county / "keys")}
    p_env = {"SPOTCHECK_DB": str(prefecture / "s.db"), "SPOTCHECK_KEYS": str(prefecture / "keys")}
    witness_key = _ok(prefecture, p_env, "witness", "init", "--name", WITNESS).strip()
    _ok(county, c_env, "keys", "init", "--log", COUNTY, "--origin", ORIGIN)
    _ok(prefecture, p_env, "witness", "add-log", "--key", str(county / "keys" / COUNTY / "log.vkey"))
    port = _port()
    _ok(county, c_env, "log", "witness-add", "--log", COUNTY, "--key", witness_key,
        "--url", f"http://127.0.0.1:{port}/witness")

    # the prefecture is down: the county writes its quarter all the same, signed, not cosigned
    started = time.monotonic()
    _ok(county, c_env, "demo", "--units", "40")
    assert time.monotonic() - started < 60
    status = json.loads(_ok(county, c_env, "log", "status", "--log", COUNTY))
    log = status["logs"][0]
    behind = log["witnesses"][0]
    assert log["latest_checkpoint"] == log["tree_size"] > 100
    assert behind["cosigned_size"] == 0 and behind["entries_behind"] == log["tree_size"]
    assert behind["last_error"].startswith("unreachable") and behind["failures"] >= 1

    # it comes back: the next submission catches up in one step
    with serving(p_env, prefecture, port):
        done = _ok(county, c_env, "log", "witness-submit")
        assert "cosigned" in done, done
    status = json.loads(_ok(county, c_env, "log", "status", "--log", COUNTY))
    behind = status["logs"][0]["witnesses"][0]
    assert (behind["cosigned_size"], behind["entries_behind"], behind["failures"]) == (
        log["tree_size"], 0, 0)
    note = _ok(county, c_env, "checkpoint", "show", "--log", COUNTY)
    assert open_cosigned(note, [NoteVerifier.from_verifier_key_text(
        (county / "keys" / COUNTY / "log.vkey").read_text().strip())],
        [CosignerVerifier.from_verifier_key_text(witness_key)])[1]
