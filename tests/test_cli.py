"""The two console scripts end to end, as an operator and an auditor would run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from commands import run, run_process


@pytest.fixture
def bundle(demo_dir: Path) -> Path:
    """The demo's county bundle, exported from a copy of the session's demo directory."""
    result = run(demo_dir, "spotcheck", "export", "--log", "652301", "--out", "bundle")
    assert result.returncode == 0, result.stderr
    return demo_dir / "bundle"


def test_the_console_scripts_are_installed_and_answer(tmp_path: Path) -> None:
    """The entry points themselves, in real processes (everything else runs in-process)."""
    helped = run_process(tmp_path, "spotcheck", "--help")
    assert helped.returncode == 0 and "demo" in helped.stdout and "draw" in helped.stdout
    usage = run_process(tmp_path, "spotcheck-verify", "nowhere")
    assert usage.returncode == 2 and "no such bundle directory" in usage.stderr


def test_demo_export_verify_in_an_empty_directory(tmp_path: Path) -> None:
    demo = run(tmp_path, "spotcheck", "demo")
    assert demo.returncode == 0, demo.stderr
    assert "log 652301 (652301.spotcheck.gov.cn/spotcheck): size 500, signed checkpoint 500" \
        in demo.stdout
    assert "log 652300 (652300.spotcheck.gov.cn/spotcheck): size 17, signed checkpoint 17" \
        in demo.stdout
    assert "draw 652301-2026Q1-units: fixed, selected GEN " in demo.stdout  # then the quarter
    assert "quarter 652301-2026Q1-units: 54 record(s) (54 filed now), 1 recusal(s)" in demo.stdout
    assert "抽查结果公告: 54 result(s): 未发现问题 51, 发现问题已责令改正 2, 不配合检查 1" in demo.stdout
    assert "shown as 已作区分处理（商业秘密）" in demo.stdout
    assert "draw 652300-2026Q1-audit: fixed, selected AGY 1; list hash " in demo.stdout
    assert (tmp_path / "spotcheck.db").is_file()
    for code in ("652300", "652301"):  # each agency's log has its own key
        key = tmp_path / "spotcheck-keys" / code / "log.key"
        assert oct(key.stat().st_mode & 0o777) == "0o600"
    logs = [json.loads(line) for line in demo.stderr.splitlines()]
    assert {entry["event"] for entry in logs} >= {"log.batch_appended", "log.checkpoint_signed"}

    assert "due 2026-01-14: 3 working day(s) late" in demo.stdout  # accepted, and flagged
    again = run(tmp_path, "spotcheck", "demo")  # a second run changes nothing
    assert "wrote 0 agencies, 0 inspection objects" in again.stdout
    assert "signed checkpoint (unchanged)" in again.stdout
    assert "draw 652301-2026Q1-units: disclosed (already)" in again.stdout
    assert "54 record(s) (already)" in again.stdout

    assert run(tmp_path, "spotcheck", "export", "--log", "652301", "--out", "b").returncode == 0
    verify = run(tmp_path, "spotcheck-verify", "b", "--json", "report.json")
    assert verify.returncode == 0, verify.stdout
    assert "OK" in verify.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["ok"] is True and report["events"] == 500
    assert report["origin"] == "652301.spotcheck.gov.cn/spotcheck"
    assert report["draws_checked"] == 1  # the quarter's list, disclosed, replayed in full
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [("record-late", "late")]
    assert "LATE [record-late]" in verify.stdout


def test_the_level_above_exports_every_log_at_once_and_audits_them(demo_dir: Path) -> None:
    everything = run(demo_dir, "spotcheck", "export", "--all-logs", "--out", "all")
    assert everything.returncode == 0, everything.stderr
    assert sorted(path.name for path in (demo_dir / "all").iterdir()) == ["652300", "652301"]
    assert "log 652301: 500 logged event(s), 0 unlogged" in everything.stdout
    assert "exported 2 log(s), 517 logged event(s) in all" in everything.stdout
    # each bundle is the one its log's own export writes
    assert run(demo_dir, "spotcheck", "export", "--log", "652301", "--out", "one").returncode == 0
    for name in ("events.jsonl", "unlogged.jsonl", "keys/log.vkey"):
        assert (demo_dir / "all" / "652301" / name).read_bytes() == (demo_dir / "one" / name).read_bytes()
    audit = run(demo_dir, "spotcheck-verify", "audit", "all/652300", "all/652301")
    assert audit.returncode == 0, audit.stdout
    for other in (["--log", "652301"], ["--public"]):
        refused = run(demo_dir, "spotcheck", "export", "--all-logs", *other, "--out", "x")
        assert refused.returncode == 2
        assert f"--all-logs: writes every log's audit bundle; it cannot be combined with {other[0]}" \
            in refused.stderr
        assert not (demo_dir / "x").exists()
    alone = run(demo_dir, "spotcheck", "export", "--log", "652301", "--jobs", "2", "--out", "x")
    assert alone.returncode == 2
    assert "--jobs: the processes of an export of every log; it needs --all-logs" in alone.stderr
    assert not (demo_dir / "x").exists()


def test_each_agency_exports_its_own_log(demo_dir: Path) -> None:
    tmp_path = demo_dir
    unnamed = run(tmp_path, "spotcheck", "export", "--out", "b")
    assert unnamed.returncode == 2
    assert "--log: this ledger has 2 logs (652300, 652301); name one" in unnamed.stderr
    assert run(tmp_path, "spotcheck", "export", "--log", "652300", "--out", "p").returncode == 0
    manifest = json.loads((tmp_path / "p" / "manifest.json").read_text())
    assert (manifest["log"], manifest["tree_size"]) == ("652300", 17)
    events = [json.loads(line) for line in (tmp_path / "p" / "events.jsonl").read_text().splitlines()]
    assert [e["event"]["type"].rsplit(".", 1)[-1] for e in events] == [
        "Established", "RulebookAdopted", "WorkingCalendarRecorded", "WorkingCalendarRecorded",
        *["Registered"] * 4,  # the prefecture's officers, who audit the counties
        "PopulationFrozen", "WitnessCommitted", "WitnessCommitted", *["EntropyRecorded"] * 3,
        "SeedDerived", "UnitsDrawn", "ListFixed"]  # its 2026Q1 audit draw
    verify = run(tmp_path, "spotcheck-verify", "p")
    assert verify.returncode == 0, verify.stdout


def test_verify_with_a_kept_checkpoint_and_an_independent_key(bundle: Path) -> None:
    tmp_path = bundle.parent
    kept = run(tmp_path, "spotcheck", "checkpoint", "show", "--log", "652301").stdout
    (tmp_path / "kept.note").write_text(kept)
    vkey = run(tmp_path, "spotcheck", "keys", "show", "--log", "652301").stdout
    (tmp_path / "log.vkey").write_text(vkey)
    result = run(tmp_path, "spotcheck-verify", str(bundle), "--trusted-checkpoint", "kept.note",
                 "--key", "log.vkey")
    assert result.returncode == 0, result.stdout
    assert "trusted checkpoint: 500 entries" in result.stdout


def test_a_tampered_bundle_fails_listing_the_index(tmp_path: Path, bundle: Path) -> None:
    lines = (bundle / "events.jsonl").read_text(encoding="utf-8").splitlines()
    lines[7] = lines[7].replace("昌吉市", "乌鲁木齐市", 1)
    (bundle / "events.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(tmp_path, "spotcheck-verify", str(bundle))
    assert result.returncode == 1
    assert "[event-hash] log index 7, events.jsonl:8" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere"], "no such bundle directory"),
        (["{bundle}", "--trusted-checkpoint", "missing.note"], "missing.note: no such file"),
        (["{bundle}", "--key", "missing.vkey"], "missing.vkey: no such file"),
        ([], "the following arguments are required"),
    ],
)
def test_verify_usage_errors_exit_2_with_one_line(
    tmp_path: Path, bundle: Path, args: list[str], message: str
) -> None:
    result = run(tmp_path, "spotcheck-verify", *[a.format(bundle=bundle) for a in args])
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_operator_errors_are_one_line_naming_the_problem(bundle: Path) -> None:
    tmp_path = bundle.parent
    again = run(tmp_path, "spotcheck", "export", "--log", "652301", "--out", str(bundle))
    assert again.returncode == 2 and "not an empty directory" in again.stderr
    bad_db = run(tmp_path, "spotcheck", "log", "status",
                 env={"SPOTCHECK_DB": "postgresql://postgres@127.0.0.1:5432/"})
    assert bad_db.returncode == 2 and "SPOTCHECK_DB" in bad_db.stderr
    no_key = run(tmp_path, "spotcheck", "log", "sync", env={"SPOTCHECK_KEYS": "elsewhere"})
    assert no_key.returncode == 2 and "spotcheck keys init" in no_key.stderr
    for result in (again, bad_db, no_key):
        assert "Traceback" not in result.stderr


def test_proofs_from_the_command_line_verify(bundle: Path) -> None:
    from base64 import b64decode

    from verify.checkpoint import open_checkpoint
    from verify.merkle import verify_inclusion
    from verify.note import NoteVerifier

    verifier = NoteVerifier.from_verifier_key_text((bundle / "keys" / "log.vkey").read_text().strip())
    checkpoint = open_checkpoint((bundle / "checkpoints" / "500.note").read_text(), [verifier])
    proof = json.loads(run(bundle.parent, "spotcheck", "log", "prove", "--log", "652301",
                           "--index", "17").stdout)
    verify_inclusion(b64decode(proof["leaf_hash"]), 17, 500,
                     [b64decode(h) for h in proof["proof"]], checkpoint.root)


def test_the_sequencer_worker_logs_what_others_write_and_stops_cleanly(tmp_path: Path) -> None:
    assert run(tmp_path, "spotcheck", "keys", "init").returncode == 0
    from api.bootstrap import open_ledger
    from ledger.adapters.settings import Settings
    from ledger.demo.county import write_demo

    ledger = open_ledger(Settings(str(tmp_path / "spotcheck.db"), tmp_path / "spotcheck-keys"))
    try:
        write_demo(ledger.app, 10)  # written, not yet logged
        assert ledger.store.logs() == {}
    finally:
        ledger.close()
    county_key = run(tmp_path, "spotcheck", "keys", "init", "--log", "652301")
    assert county_key.returncode == 0, county_key.stderr
    assert county_key.stdout.splitlines()[-1].startswith("652301.spotcheck.gov.cn/spotcheck+")
    result = run_process(tmp_path, "spotcheck", "log", "follow", "--interval", "0.2",
                         "--max-seconds", "1")
    assert result.returncode == 0, result.stderr
    assert "log sizes: 652300 1, 652301 21; 22 event(s) integrated" in result.stdout
    unsigned = [json.loads(line) for line in result.stderr.splitlines()
                if '"log.unsigned"' in line]
    assert [entry["log"] for entry in unsigned] == ["652300"]  # said once, not every round
    checkpoints = run(tmp_path, "spotcheck", "checkpoint", "list", "--log", "652301")
    assert [line.split("\t")[0] for line in checkpoints.stdout.splitlines()] == ["21"]


def test_the_catalog_names_each_lazy_command_with_its_own_help() -> None:
    """``spotcheck --help`` lists the commands from api/cli/catalog.py without importing them: each
    entry must load, under its name, as the command whose help the catalog repeats."""
    import typer.main

    from api.cli.catalog import COMMANDS
    from api.cli.main import app
    from api.language import using

    root = typer.main.get_command(app)
    with using("en"):  # the catalog's help is the English text (api/cli/help_zh.py: the Chinese)
        context = root.make_context("spotcheck", ["--lang", "en", "--help"],
                                    resilient_parsing=True)
        listed = root.list_commands(context)  # type: ignore[attr-defined]
        assert set(COMMANDS) <= set(listed) and len(listed) == len(set(listed))
        for name, entry in COMMANDS.items():
            command = root.get_command(context, name)  # type: ignore[attr-defined]
            assert command is not None and command.name == name
            assert " ".join((command.help or "").split()).startswith(entry.help), name
