"""The prefecture audits its county: bundles, the checkpoints it received, its cosignatures.

A county that shows the prefecture one history and later publishes another — even re-signed with
its real key, self-consistent — is caught by the checkpoint the prefecture kept.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import sys
from pathlib import Path

import pytest
from commands import run
from conftest import COUNTY, PREFECTURE, agency_origin, private_copy

from ledger.demo.county import write_demo
from ledger.services.export import export_bundle
from ledger.services.ledger import Ledger
from tampering import Insider
from verify.audit import AuditReport, audit
from verify.checkpoint import parse_checkpoint_body, sign_checkpoint
from verify.cosignature import CosignerSigner, cosign, generate_cosigner
from verify.note import generate_signer

#: Rules checked through the application: once, on the embedded database (storage is
#: covered on both by test_log, test_chain, test_tamper and the projection tests).
pytestmark = pytest.mark.sqlite_only

WITNESS = "652300.spotcheck.gov.cn/witness"
T = 1_767_225_600
BIN = Path(sys.executable).parent


def _export(ledger: Ledger, out: Path) -> dict[str, Path]:
    bundles = {}
    for code in (PREFECTURE, COUNTY):
        export_bundle(ledger, out / code, code)
        bundles[code] = out / code
    return bundles


def _rules(report: AuditReport) -> list[tuple[str, str | None]]:
    return [(f.rule, f.file) for f in report.findings]


@pytest.fixture
def witness(tmp_path: Path) -> tuple[CosignerSigner, Path]:
    signer = generate_cosigner(WITNESS)
    vkey = tmp_path / "witness.vkey"
    vkey.write_text(signer.verifier_key_text() + "\n", encoding="utf-8")
    return signer, vkey


def test_the_prefecture_catches_a_county_that_rewrote_what_it_had_shown(
    demo_ledger: Ledger, tmp_path: Path, witness: tuple[CosignerSigner, Path]
) -> None:
    signer, vkey = witness
    kept = demo_ledger.log(COUNTY).checkpoint()
    assert kept is not None and kept.size == 35
    received = tmp_path / "received-652301-35.note"
    received.write_text(cosign(kept.note, signer, T), encoding="utf-8")

    first = audit(_export(demo_ledger, tmp_path / "first"), [received], None, [vkey])
    assert first.ok, first.findings
    assert set(first.reports) == {PREFECTURE, COUNTY}
    [seen] = first.received
    assert (seen.log, seen.size, seen.consistent) == (COUNTY, 35, True)
    assert [(c.name, c.timestamp) for c in seen.cosignatures] == [(WITNESS, T)]

    write_demo(demo_ledger.app, 3)  # the county's log grows: an extension is fine
    demo_ledger.sync()
    grown = audit(_export(demo_ledger, tmp_path / "grown"), [received], None, [vkey])
    assert grown.ok, grown.findings
    assert grown.reports[COUNTY].events > 35
    assert grown.received[0].consistent

    insider = Insider(demo_ledger)  # the county rewrites its history and re-signs it
    aggregate, _ = insider.leaf(5)
    insider.rewrite_with_fresh_hashes(aggregate, lambda e: dataclasses.replace(e, category="general"))
    insider.drop_log()
    demo_ledger.keys(COUNTY).last_signed.unlink()
    demo_ledger.sync()
    bundles = _export(demo_ledger, tmp_path / "rewritten")
    alone = audit(bundles)
    assert alone.ok  # self-consistent: only what the prefecture kept can tell
    rewritten = audit(bundles, [received], None, [vkey])
    assert _rules(rewritten) == [("received-checkpoint", str(received))]
    message = rewritten.findings[0].message
    assert f"log {COUNTY}" in message and "size 35" in message
    assert all(r.ok for r in rewritten.reports.values())
    assert not rewritten.received[0].consistent
    assert not rewritten.ok


def test_bad_cosignatures_unknown_origins_and_foreign_signatures_are_findings(
    demo_ledger: Ledger, tmp_path: Path, witness: tuple[CosignerSigner, Path]
) -> None:
    signer, vkey = witness
    bundles = _export(demo_ledger, tmp_path / "b")
    county = demo_ledger.log(COUNTY).checkpoint()
    prefecture = demo_ledger.log(PREFECTURE).checkpoint()
    assert county is not None and prefecture is not None

    cosigned = cosign(county.note, signer, T)
    *head, line = cosigned.splitlines(keepends=True)
    raw = base64.b64decode(line.split(" ")[2])
    moved = raw[:4] + (T + 60).to_bytes(8, "big") + raw[12:]  # the timestamp changed
    forged = tmp_path / "forged.note"
    forged.write_text("".join(head) + f"\u2014 {WITNESS} {base64.b64encode(moved).decode()}\n",
                      encoding="utf-8")
    lifted = tmp_path / "lifted.note"  # the county's cosignature on the prefecture's checkpoint
    lifted.write_text(prefecture.note + line, encoding="utf-8")
    stranger = tmp_path / "stranger.note"
    stranger.write_text(county.note.replace(agency_origin(COUNTY), "650000.example/log", 1), encoding="utf-8")
    garbage = tmp_path / "garbage.note"
    garbage.write_text("not a checkpoint\n", encoding="utf-8")
    impostor = tmp_path / "impostor.note"  # signed by another key under the county's name
    body = county.note.split("\n\n")[0] + "\n"
    impostor.write_text(sign_checkpoint(parse_checkpoint_body(body), generate_signer(agency_origin(COUNTY))),
                        encoding="utf-8")

    report = audit(bundles, [forged, lifted, stranger, garbage, impostor], None, [vkey])
    assert sorted(_rules(report)) == sorted([
        ("cosignature", str(forged)), ("cosignature", str(lifted)),
        ("unknown-origin", str(stranger)), ("received-checkpoint", str(garbage)),
        ("received-checkpoint", str(impostor))])
    assert "not signed by the log's key" in report.findings[-1].message
    assert report.received[0].cosignatures == ()  # a bad cosignature is never counted...
    assert report.received[0].consistent  # ...and the log's own checkpoint still holds
    assert all(r.ok for r in report.reports.values()) and not report.ok


@pytest.fixture(scope="module")
def exported(demo_original: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's demo, both bundles exported, the county's checkpoint and key kept."""
    directory = private_copy(demo_original, tmp_path_factory.mktemp("exported"))
    for code in (PREFECTURE, COUNTY):
        assert run(directory, "spotcheck", "export", "--log", code, "--out", code).returncode == 0
    (directory / "kept.note").write_text(
        run(directory, "spotcheck", "checkpoint", "show", "--log", COUNTY).stdout)
    (directory / "county.vkey").write_text(
        run(directory, "spotcheck", "keys", "show", "--log", COUNTY).stdout)
    assert run(directory, "spotcheck-verify", "cosigner-key", WITNESS, "--out", "w").returncode == 0
    return directory


def test_cosign_and_audit_from_the_command_line(exported: Path, tmp_path: Path) -> None:
    for name in (PREFECTURE, COUNTY, "kept.note", "county.vkey"):
        (tmp_path / name).symlink_to(exported / name)
    made = run(tmp_path, "spotcheck-verify", "cosigner-key", WITNESS, "--out", "witness")
    assert made.returncode == 0, made.stderr
    private = tmp_path / "witness" / "cosigner.key"
    assert oct(private.stat().st_mode & 0o777) == "0o600"
    assert private.read_text().startswith(f"PRIVATE+KEY+{WITNESS}+")
    assert made.stdout.strip() == (tmp_path / "witness" / "cosigner.vkey").read_text().strip()
    again = run(tmp_path, "spotcheck-verify", "cosigner-key", WITNESS, "--out", "witness")
    assert again.returncode == 2 and "not overwritten" in again.stderr

    cosigned = run(tmp_path, "spotcheck-verify", "cosign", "kept.note", "--key", str(private),
                   "--time", str(T), "--log-key", "county.vkey")
    assert cosigned.returncode == 0, cosigned.stderr
    kept = (tmp_path / "kept.note").read_text()
    # one line more than the kept note's (the log's signature, and the demo's own witness's)
    assert cosigned.stdout.startswith(kept)
    assert cosigned.stdout.count("\u2014 ") == kept.count("\u2014 ") + 1
    (tmp_path / "cosigned.note").write_text(cosigned.stdout)

    result = run(tmp_path, "spotcheck-verify", "audit", PREFECTURE, COUNTY, "--received",
                 "cosigned.note", "--cosigner-key", "witness/cosigner.vkey", "--key", "county.vkey",
                 "--json", "audit.json")
    assert result.returncode == 0, result.stdout + result.stderr
    size = kept.splitlines()[1]  # whatever size the demo has
    assert f"cosigned.note: log {COUNTY}, size {size}: consistent with its bundle; cosigned by " \
        f"{WITNESS} at {T}" in result.stdout
    assert "OK: 2 bundle(s) and 1 received checkpoint(s) hold" in result.stdout
    chinese = run(tmp_path, "spotcheck-verify", "audit", PREFECTURE, COUNTY, "--received",
                  "cosigned.note", "--cosigner-key", "witness/cosigner.vkey", "--key", "county.vkey",
                  lang=None).stdout  # a user who set no language reads Chinese
    assert f"cosigned.note：日志 {COUNTY}，大小 {size}：与其审计包一致；{WITNESS} 于 {T} 见证签名" in chinese
    assert "审计通过：2 个审计包和 1 个收到的检查点均成立" in chinese
    data = json.loads((tmp_path / "audit.json").read_text())
    assert data["ok"] is True and set(data["bundles"]) == {PREFECTURE, COUNTY}
    assert data["bundles"][COUNTY]["key_source"] == "trusted key county.vkey"

    wrong_log = run(tmp_path, "spotcheck-verify", "cosign", "kept.note", "--key", str(private),
                    "--log-key", f"{PREFECTURE}/keys/log.vkey")
    assert wrong_log.returncode == 1 and "not cosigned" in wrong_log.stderr
    assert wrong_log.stdout == ""

    (tmp_path / "bad.note").write_text(cosigned.stdout.replace(f"{COUNTY}.", "650000.", 1))
    bad = run(tmp_path, "spotcheck-verify", "audit", PREFECTURE, COUNTY, "--received", "bad.note")
    assert bad.returncode == 1
    assert "[unknown-origin] bad.note" in bad.stdout

    single = run(tmp_path, "spotcheck-verify", COUNTY, "--quiet")  # the one-bundle form still works
    assert single.returncode == 0 and "OK" in single.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["audit"], "the following arguments are required: DIR"),
        (["audit", "nowhere"], "nowhere: no such bundle directory"),
        (["audit", "b", "--received", "missing.note"], "missing.note: no such file"),
        (["audit", "b", "--cosigner-key", "missing.vkey"], "missing.vkey: no such file"),
        (["audit", "b", "--cosigner-key", "b/keys/log.vkey"], "not a cosigner key"),
        (["audit", "b", "--key", "w/cosigner.vkey"], "w/cosigner.vkey"),
        (["audit", "b", "b"], "a second bundle of log"),
        (["cosign", "note"], "the following arguments are required: --key"),
        (["cosign", "missing.note", "--key", "w/cosigner.key"], "missing.note: no such file"),
        (["cosign", "note", "--key", "b/keys/log.vkey"], "does not start with PRIVATE+KEY+"),
        (["cosign", "note", "--key", "w/cosigner.key", "--time", "-1"], "not in 0..2**63-1"),
        (["cosign", "note", "--key", "w/cosigner.key", "--time", "soon"], "invalid int value"),
        (["cosign", "b/keys/log.vkey", "--key", "w/cosigner.key"], "cannot cosign"),
        (["cosigner-key", "has space", "--out", "k"], "whitespace"),
        (["cosigner-key", "name"], "the following arguments are required: --out"),
    ],
)
def test_usage_errors_exit_2_with_one_line(exported: Path, args: list[str], message: str) -> None:
    if not (exported / "b").exists():
        (exported / "b").symlink_to(exported / COUNTY)
        (exported / "note").symlink_to(exported / "kept.note")
    result = run(exported, "spotcheck-verify", *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
