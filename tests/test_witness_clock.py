"""A witness's cosignature dates what the log held by a clock the agency does not control: every
entry logged after a checkpoint the level above cosigned was logged after that moment, whatever
the event's own timestamp says (``spotcheck-verify DIR --witness-key``, ledger-format §6.4)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from commands import ledger_env, run

from verify.checkpoint import Checkpoint, sign_checkpoint
from verify.cosignature import generate_cosigner
from verify.merkle import leaf_hash, root_from_leaf_hashes
from verify.note import NoteSigner

pytestmark = pytest.mark.sqlite_only
COUNTY = "652301"


def test_a_step_back_dated_by_the_agencys_clock_is_caught_by_the_witnesss(tmp_path: Path) -> None:
    env = ledger_env(str(tmp_path / "s.db"), tmp_path / "keys")
    assert run(tmp_path, "spotcheck", "demo", "--units", "40", env=env).returncode == 0
    assert run(tmp_path, "spotcheck", "export", "--log", COUNTY, "--out", "b",
               env=env).returncode == 0
    lines = [json.loads(line) for line in (tmp_path / "b" / "events.jsonl").read_text().splitlines()]
    filed = next(line for line in lines if line["event"]["type"].endswith("RecordFiled"))
    size = filed["index"]  # a checkpoint that does not hold the record yet
    root = root_from_leaf_hashes([leaf_hash(bytes.fromhex(line["entry"])) for line in lines[:size]])
    signer = NoteSigner.from_private_key_text(
        (tmp_path / "keys" / COUNTY / "log.key").read_text().strip())
    note = sign_checkpoint(Checkpoint(signer.name, size, root), signer)
    # the prefecture cosigned it a month after the day the record claims
    claimed = datetime.fromisoformat(filed["event"]["data"]["filed_on"]).replace(tzinfo=UTC)
    witness = generate_cosigner("652300.spotcheck.gov.cn/witness")
    later = int(claimed.timestamp()) + 30 * 86400
    cosigned = note + witness.sign(note.split("\n\n")[0] + "\n", later)
    (tmp_path / "b" / "checkpoints" / f"{size}.note").write_text(cosigned)
    (tmp_path / "w.vkey").write_text(witness.verifier_key_text() + "\n")
    key = str(tmp_path / "keys" / COUNTY / "log.vkey")

    plain = run(tmp_path, "spotcheck-verify", "b", "--key", key, "--quiet")
    assert "[backdated]" not in plain.stdout, plain.stdout
    witnessed = run(tmp_path, "spotcheck-verify", "b", "--key", key, "--quiet", "--witness-key",
                    "w.vkey")
    assert witnessed.returncode == 1
    assert "[backdated]" in witnessed.stdout, witnessed.stdout
    assert "after a witness cosigned the log without it" in witnessed.stdout

    # a cosignature that does not verify (the witness's line over another checkpoint) is a finding
    body = note.split("\n\n")[0] + "\n"
    lifted = witness.sign(body.replace(f"\n{size}\n", f"\n{size + 1}\n"), 2)
    (tmp_path / "b" / "checkpoints" / f"{size}.note").write_text(note + lifted)
    bad = run(tmp_path, "spotcheck-verify", "b", "--key", key, "--quiet", "--witness-key",
              "w.vkey")
    assert bad.returncode == 1 and "[cosignature]" in bad.stdout, bad.stdout
