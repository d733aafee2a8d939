"""A log's key rotates without the log changing: the rotation is an event of the log, every
checkpoint verifies with the key in force at its size (old ones with the old key), an auditor who holds
only the old key follows the handover, and the old key can no longer sign (both databases)."""

from __future__ import annotations

from pathlib import Path

import pytest
from commands import ledger_env, run
from conftest import COUNTY

from ledger.demo.county import unit_rows
from ledger.domain.agency import Agency, agency_id
from ledger.services.export import export_bundle
from ledger.services.ledger import Ledger
from verify.bundle import Bundle
from verify.checkpoint import Checkpoint, sign_checkpoint
from verify.findings import Report
from verify.ledger_check import verify_bundle
from verify.note import NoteSigner, generate_signer, sign_note


def _verify(ledger: Ledger, out: Path, key: Path | None = None) -> Report:
    export_bundle(ledger, out, COUNTY)
    return verify_bundle(Bundle.open(out, key))


def _rules(report: Report) -> list[str]:
    return [f.rule for f in report.failed]


def _old_key_file(demo_ledger: Ledger, tmp_path: Path) -> Path:
    kept = tmp_path / "kept.vkey"  # what an auditor obtained before the rotation
    kept.write_text(demo_ledger.keys(COUNTY).public.read_text(encoding="utf-8"), encoding="utf-8")
    return kept


def test_a_rotated_key_keeps_the_log_and_every_checkpoint_verifies(
    demo_ledger: Ledger, tmp_path: Path
) -> None:
    kept = _old_key_file(demo_ledger, tmp_path)
    before = demo_ledger.log(COUNTY).checkpoint()
    assert before is not None
    previous, new = demo_ledger.rotate_key(COUNTY, "年度轮换", "局长")
    assert previous != new and previous.split("+")[0] == new.split("+")[0]  # same origin
    agency: Agency = demo_ledger.app.repository.get(agency_id(COUNTY))
    assert agency.log_keys == [new]
    demo_ledger.app.register_objects(agency_id(COUNTY), unit_rows(2, first=700))
    demo_ledger.sync()
    sizes = [c.size for c in demo_ledger.log(COUNTY).checkpoints()]
    assert sizes == [before.size, before.size + 1, before.size + 3]

    assert _verify(demo_ledger, tmp_path / "own").failed == []
    independent = _verify(demo_ledger, tmp_path / "independent", kept)
    assert independent.failed == [] and independent.checkpoints_verified == sizes
    assert "1 key(s) the log rotated to" in independent.key_source


def test_the_old_key_cannot_sign_past_its_rotation(demo_ledger: Ledger, tmp_path: Path) -> None:
    old = demo_ledger.keys(COUNTY).load_signer()
    demo_ledger.rotate_key(COUNTY, "密钥泄露", "局长")
    size = demo_ledger.log(COUNTY).state().size
    root = demo_ledger.log(COUNTY).state().root
    out = tmp_path / "bundle"
    export_bundle(demo_ledger, out, COUNTY)
    forged = sign_checkpoint(Checkpoint(old.name, size, root), old)  # a thief with the old key
    (out / "checkpoints" / f"{size}.note").write_text(forged, encoding="utf-8")
    report = verify_bundle(Bundle.open(out))
    assert _rules(report) == ["checkpoint-key"]
    assert f"the key in force for size {size} is" in report.failed[0].message


def test_a_lost_key_endorses_nothing_and_the_new_key_comes_from_the_agency(
    demo_ledger: Ledger, tmp_path: Path
) -> None:
    kept = _old_key_file(demo_ledger, tmp_path)
    _, new = demo_ledger.rotate_key(COUNTY, "密钥遗失", "局长", old_key_lost=True)
    rotation = [n for n in demo_ledger.app.notifications(1, 1000)
                if n.topic.endswith("LogKeyRotated")]
    assert demo_ledger.app.decode(rotation[0]).handover == ""
    only_old = _verify(demo_ledger, tmp_path / "old", kept)
    assert set(_rules(only_old)) == {"checkpoint-signature", "not-covered"}
    both = tmp_path / "both.vkey"
    both.write_text(kept.read_text(encoding="utf-8") + new + "\n", encoding="utf-8")
    assert _verify(demo_ledger, tmp_path / "both", both).failed == []


def test_a_rotation_whose_handover_the_previous_key_did_not_sign_is_flagged(
    demo_ledger: Ledger, tmp_path: Path
) -> None:
    keys = demo_ledger.keys(COUNTY)
    agency: Agency = demo_ledger.app.repository.get(agency_id(COUNTY))
    old = keys.load_signer()
    stranger = generate_signer(old.name)
    new = keys.stage_next(agency.log_origin)
    handover = sign_note(f"spotcheck log key rotation/v1\n{new.verifier_key_text()}\n", [stranger])
    agency.rotate_log_key(new.verifier_key_text(), old.verifier_key_text(), handover, "轮换", "某人")
    demo_ledger.app.save(agency)
    demo_ledger.sync()  # the interrupted rotation is completed: the staged key is put in force
    assert keys.load_signer().verifier_key_text() == new.verifier_key_text()
    report = _verify(demo_ledger, tmp_path / "bundle")
    assert _rules(report) == ["key-rotation"]
    assert "does not verify with the previous key" in report.failed[0].message


def test_a_key_file_other_than_the_recorded_one_will_not_sign(demo_ledger: Ledger) -> None:
    from ledger.log.keys import KeyFileError

    demo_ledger.rotate_key(COUNTY, "年度轮换", "局长")
    keys = demo_ledger.keys(COUNTY)
    keys.init(keys.load_signer().name, overwrite=True)  # someone puts another key in place
    demo_ledger.app.register_objects(agency_id(COUNTY), unit_rows(1, first=800))
    with pytest.raises(KeyFileError, match="was rotated to key .* \\(recorded in the ledger\\)"):
        demo_ledger.sync()


@pytest.mark.sqlite_only
def test_keys_rotate_on_the_command_line(demo_ledger: Ledger) -> None:
    env = ledger_env(demo_ledger.settings.db, demo_ledger.settings.keys_dir)
    result = run(demo_ledger.settings.keys_dir.parent, "spotcheck", "keys", "rotate", "--log",
                 COUNTY, "--reason", "年度轮换", "--by", "局长", env=env)
    assert result.returncode == 0, result.stderr
    assert f"rotated the key of log {COUNTY}: " in result.stdout
    assert "publish the new verifier key to the auditors: " in result.stdout
    assert isinstance(demo_ledger.keys(COUNTY).load_signer(), NoteSigner)
