"""The public bundle (公开核验包): anyone may hold it; it shows no personal data; it still verifies.

``spotcheck export --public`` writes every log entry and checkpoint but the body of an event only
where the event vocabulary (docs/events.schema.json, ``x-public``) makes it public;
``spotcheck-verify`` checks the whole log on it, replays every disclosed draw and says plainly what
it could not check.
"""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from commands import run

from ledger.services.ledger import Ledger
from ledger.services.public_bundle import PUBLIC_FORMAT, _Writer, export_public_bundle, public_bundle_zip
from verify.draw import Assignment, assign_inspectors, run_draw
from verify.draw_check import _explain_assignment
from verify.draw_files import Conflict, read_draw_inputs
from verify.events_schema import event_schema

LOGS = ("652300", "652301")


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, and each log's audit bundle (``audit-<log>``) and public bundle (``public-<log>``)."""
    directory = tmp_path_factory.mktemp("public-demo")
    assert run(directory, "spotcheck", "demo").returncode == 0
    for code in LOGS:
        audit = run(directory, "spotcheck", "export", "--log", code, "--out", f"audit-{code}")
        assert audit.returncode == 0, audit.stderr
        public = run(directory, "spotcheck", "export", "--public", "--log", code, "--out",
                     f"public-{code}")
        assert public.returncode == 0, public.stderr
        assert "exported the public bundle of log" in public.stdout
    return directory


def _events(bundle: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (bundle / "events.jsonl").read_text().splitlines()]


def _personal_values(audit: Path) -> set[str]:
    """Every personal value and withheld text of an audit bundle: legal representatives' names and
    phones, inspectors' names, declared conflicts (reasons and conflicts.csv rows), recusal
    reasons, internal remarks and the remarks withheld after the confidentiality review."""
    found: set[str] = set()
    records: dict[str, dict[str, Any]] = {}
    witnesses: set[str] = set()  # public by their role in the ceremony (a namesake's name too)
    for line in _events(audit):
        event = line["event"]
        data, kind = event["data"], event["type"].split(":")[1]
        if kind == "InspectionObject.Registered":
            found |= {data["details"].get("legal_representative", ""), data["details"].get("phone", "")}
        elif kind == "Inspector.Registered":
            found.add(data["name"])
        elif kind in ("Inspector.ConflictDeclared", "Inspection.RecusalRequested",
                      "Inspector.LeaveRecorded"):
            found.add(data["reason"])
        elif kind == "Draw.PopulationFrozen":
            found |= set(data["files"]["conflicts"]["content"].splitlines()[1:])
            found |= set(data["files"]["conflicts"]["salts"])  # a salt proves its conflict
        elif kind == "Draw.WitnessCommitted":
            witnesses.add(data["witness"])
        elif kind in ("Inspection.RecordFiled", "Inspection.RecordCorrected"):
            records[event["aggregate_id"]] = data["record"]
            found.add(data["record"]["remarks"])
        elif kind == "Inspection.ResultDisclosed":
            record = records[event["aggregate_id"]]
            # a withheld field of the result (its ``remarks`` are the record's public_remarks)
            found |= {str(record["public_remarks" if name == "remarks" else name])
                      for name in data["withheld"]}
    found.discard("")
    return found - witnesses


def test_no_public_bundle_of_the_demo_holds_a_personal_value_or_withheld_text(bundles: Path) -> None:
    for code in LOGS:
        personal = _personal_values(bundles / f"audit-{code}")
        audit_text = "".join(p.read_text(encoding="utf-8")
                             for p in (bundles / f"audit-{code}").rglob("*") if p.is_file())
        assert all(value in audit_text for value in personal)  # the grep can find them
        files = [p for p in (bundles / f"public-{code}").rglob("*") if p.is_file()]
        assert len(files) >= 5
        for path in files:
            text = path.read_text(encoding="utf-8")
            leaked = sorted(value for value in personal if value in text)
            assert leaked == [], f"{path.relative_to(bundles)}: {leaked[:5]}"
    county = _personal_values(bundles / "audit-652301")
    assert len(county) > 300  # 300 units' representatives and phones, 14 inspectors, …
    assert "含企业生产工艺及原料配比" not in "".join(county)  # (the review's conclusion is public)
    assert "企业提供了生产工艺流程及原料配比说明，经现场核对一致" in county  # the withheld remarks


def test_a_public_bundle_holds_every_entry_and_checkpoint_and_only_public_bodies(
        bundles: Path) -> None:
    schema = event_schema()
    audit, public = bundles / "audit-652301", bundles / "public-652301"
    full, shown = _events(audit), _events(public)
    assert [(e["index"], e["entry"]) for e in full] == [(e["index"], e["entry"]) for e in shown]
    for whole, line in zip(full, shown, strict=True):
        kind = whole["event"]["type"]
        if "event" in line:
            assert line["event"] == whole["event"] and schema.public(kind) != "never"
        else:
            assert line == {"index": whole["index"], "entry": whole["entry"], "withheld": kind}
    assert sorted(p.name for p in (public / "checkpoints").iterdir()) == \
        sorted(p.name for p in (audit / "checkpoints").iterdir())
    manifest = json.loads((public / "manifest.json").read_text())
    assert manifest["format"] == PUBLIC_FORMAT and manifest["events"] == len(full) == 500
    assert manifest["bodies"] + manifest["withheld"] == 500 and manifest["bodies"] > 100
    draw = public / "draws" / "652301-2026Q1-units"
    assert sorted(p.name for p in draw.iterdir()) == [
        "freeze.json", "inspectors.csv", "params.txt", "population.csv"]
    # the prefecture's audit draw is not disclosed: its freeze's public part only
    assert [p.name for p in (bundles / "public-652300" / "draws" / "652300-2026Q1-audit").iterdir()] \
        == ["freeze.json"]


def test_the_public_bundle_verifies_and_says_what_it_could_not_check(bundles: Path) -> None:
    ran = run(bundles, "spotcheck-verify", "public-652301", "--json", "public.json", "--report",
              "public.html")
    assert ran.returncode == 0, ran.stdout
    assert "draws: 1 disclosed and replayed in full" in ran.stdout
    assert "public bundle: what could not be checked, and why" in ran.stdout
    assert "OK: every log entry, checkpoint, public event and disclosed draw holds" in ran.stdout
    chinese = run(bundles, "spotcheck-verify", "public-652301", "--lang", "zh", "--report",
                  "public.html").stdout
    assert "公开核验包：以下内容无法核验及原因" in chinese
    assert chinese.startswith("公开核验包：500 个事件")  # not called an audit bundle
    assert "未核验抽查规则" in chinese and "conflicts.csv" in chinese
    assert "核验通过：每个日志条目、检查点、公开事件和已公开的抽取都成立" in chinese
    report = json.loads((bundles / "public.json").read_text())
    assert report["ok"] is True and report["events"] == 500
    assert report["public"]["withheld"] == json.loads(
        (bundles / "public-652301" / "manifest.json").read_text())["withheld"]
    assert report["public"]["conflict_skips"] == {"652301-2026Q1-units": 0}
    assert any("were not checked" in said for said in report["not_checked"])
    assert report["agency"]["name"] == "昌吉回族自治州生态环境局昌吉市分局"
    assert all(task["record"] is None for task in report["tasks"])  # records are not public
    page = (bundles / "public.html").read_text(encoding="utf-8")
    assert "公开核验包：以下内容无法核验及原因" in page and "未核验抽查规则" in page
    english = run(bundles, "spotcheck-verify", "public-652300", "--lang", "en")
    assert english.returncode == 0, english.stdout
    assert "public bundle: what could not be checked, and why" in english.stdout
    assert "Draw 652300-2026Q1-audit is not disclosed yet" in english.stdout
    audit = run(bundles, "spotcheck-verify", "audit-652301", "--lang", "zh")
    assert audit.returncode == 0 and "公开核验包" not in audit.stdout


def _copy(bundles: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "public"
    shutil.copytree(bundles / "public-652301", copy)
    return copy


def _rewrite(bundle: Path, change: Any) -> None:
    lines = _events(bundle)
    change(lines)
    (bundle / "events.jsonl").write_text(
        "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines),
        encoding="utf-8")


def _rules(bundle: Path) -> list[str]:
    ran = run(bundle.parent, "spotcheck-verify", bundle.name, "--json", "r.json")
    assert ran.returncode in (0, 1), ran.stderr
    return [f["rule"] for f in json.loads((bundle.parent / "r.json").read_text())["findings"]]


def test_an_edited_public_body_is_found(bundles: Path, tmp_path: Path) -> None:
    bundle = _copy(bundles, tmp_path)

    def edit(lines: list[dict[str, Any]]) -> None:
        result = next(line for line in lines if "ResultDisclosed" in str(line.get("withheld", ""))
                      or ("event" in line and line["event"]["type"].endswith("ResultDisclosed")))
        result["event"]["data"]["public"]["category"] = "未发现问题（改）"
    _rewrite(bundle, edit)
    assert _rules(bundle) == ["event-hash"]


def test_a_withheld_body_put_into_a_public_bundle_is_a_finding(bundles: Path, tmp_path: Path) -> None:
    bundle = _copy(bundles, tmp_path)
    full = _events(bundles / "audit-652301")

    def restore(lines: list[dict[str, Any]]) -> None:
        at = next(n for n, line in enumerate(lines) if line.get("withheld", "").endswith(
            "ConflictDeclared"))
        lines[at] = full[at]
    _rewrite(bundle, restore)
    assert _rules(bundle) == ["not-public"]


def test_a_changed_or_missing_draw_file_is_found(bundles: Path, tmp_path: Path) -> None:
    bundle = _copy(bundles, tmp_path)
    population = bundle / "draws" / "652301-2026Q1-units" / "population.csv"
    population.write_bytes(population.read_bytes().replace(b",1\n", b",2\n", 1))
    assert _rules(bundle) == ["draw-files"]
    population.unlink()
    assert _rules(bundle) == ["draw-files"]


def test_a_freeze_json_naming_another_entry_is_found(bundles: Path, tmp_path: Path) -> None:
    bundle = _copy(bundles, tmp_path)
    freeze_path = bundle / "draws" / "652301-2026Q1-units" / "freeze.json"
    freeze = json.loads(freeze_path.read_text())
    freeze["index"] -= 1
    freeze_path.write_text(json.dumps(freeze, ensure_ascii=False))
    assert "draw-files" in _rules(bundle)


def test_a_removed_line_gives_one_order_finding_not_one_per_line_after_it(
        bundles: Path, tmp_path: Path) -> None:
    bundle = _copy(bundles, tmp_path)
    _rewrite(bundle, lambda lines: lines.pop(10))
    assert sorted(_rules(bundle)) == ["log-order", "log-truncated", "not-covered"]


def test_a_malformed_line_gives_one_finding(bundles: Path, tmp_path: Path) -> None:
    bundle = _copy(bundles, tmp_path)
    lines = (bundle / "events.jsonl").read_text().splitlines(keepends=True)
    lines[10] = "{not json\n"
    (bundle / "events.jsonl").write_text("".join(lines))
    assert sorted(_rules(bundle)) == ["log-truncated", "malformed-line", "not-covered"]


def test_an_inspection_task_is_withheld_until_its_draw_is_disclosed(tmp_path: Path) -> None:
    opened = {"aggregate_id": "0" * 8 + "-0000-0000-0000-" + "0" * 12, "version": 1,
              "type": "ledger.inspection:Inspection.Opened", "timestamp": "", "prev_hash": "0" * 64,
              "data": {"draw_id": "652301-2026Q1-units", "unit": "91652301MA77G7H86H"}}
    for disclosed, carried in ((set(), False), ({"652301-2026Q1-units"}, True)):
        writer = _Writer(tmp_path, event_schema(), disclosed)
        line = writer.line(0, "ab" * 32, {"event": opened, "event_hash": "ab" * 32})
        assert ("event" in line) is carried and ("withheld" in line) is not carried


def test_the_public_replay_explains_an_assignment_by_the_conflicts_it_skips() -> None:
    """Without conflicts.csv, each skip of the walk is taken for a conflict until the recorded
    assignment is given byte for byte; an assignment no conflicts explain is not."""
    population = b"id,stratum,weight\n" + b"".join(
        f"91652301MA77{n:05d}X,GEN,1\n".encode() for n in range(20))
    inspectors = b"inspector_id,strata\n" + b"".join(f"6523010000{n},GEN\n".encode() for n in range(8))
    params = (b"draw_id=d1\nentropy.1=witness:w\nentropy.2=dice:d\nload_cap=0\nsize.GEN=5\n"
              b"spec=SPOTCHECK-DRAW-2\nteam_size=2\n")
    no_conflicts = b"inspector_id,unit_id\n"
    for pair in (f"{i},{u}" for u in sorted(line.split(b",")[0].decode()
                                            for line in population.splitlines()[1:])
                 for i in sorted(line.split(b",")[0].decode() for line in inspectors.splitlines()[1:])):
        real_inputs = read_draw_inputs(population, inspectors, no_conflicts + f"{pair}\n".encode(),
                                       params)
        real = run_draw(real_inputs, ["a", "b"])
        # the public replay: the recorded CH (hence the same seed), no conflicts
        public_inputs = dataclasses.replace(
            read_draw_inputs(population, inspectors, no_conflicts, params),
            conflicts_hash=real_inputs.conflicts_hash)
        public = run_draw(public_inputs, ["a", "b"])
        assert public.seed == real.seed
        recorded = real.assignment.csv_bytes()  # type: ignore[union-attr]
        if recorded != public.assignment.csv_bytes():  # type: ignore[union-attr]
            break  # a conflict that changed a team
    else:
        pytest.fail("no conflict changes the teams of this draw")
    inspector, unit = pair.split(",")
    explained, skips = _explain_assignment(public, public_inputs, recorded)
    assert explained.csv_bytes() == recorded and skips == [(inspector, unit)]  # type: ignore[union-attr]
    assert assign_inspectors(real.seed, real.selection, real_inputs.inspectors,
                             [Conflict(inspector, unit)], 2, 0).csv_bytes() == recorded  # type: ignore[union-attr]
    forged = recorded.replace(f"{unit},1,".encode(), f"{unit},1,X".encode(), 1)
    unexplained, _ = _explain_assignment(public, public_inputs, forged)
    assert not isinstance(unexplained, Assignment) or unexplained.csv_bytes() != forged


def test_the_service_can_export_a_public_bundle_into_a_directory(demo_ledger: Ledger,
                                                                tmp_path: Path) -> None:
    result = export_public_bundle(demo_ledger, tmp_path / "out", "652301")
    assert result.events == result.bodies + result.withheld
    assert (tmp_path / "out" / "manifest.json").is_file()
    name, data = public_bundle_zip(demo_ledger, "652301")  # the public site's download
    assert name.startswith("652301-public-bundle-") and name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("652301-public-bundle/manifest.json"))
    assert "652301-public-bundle/events.jsonl" in names and manifest["format"] == PUBLIC_FORMAT


def test_junk_inserted_between_two_lines_gives_one_finding_and_blank_lines_none(
        bundles: Path, tmp_path: Path) -> None:
    audit = tmp_path / "county"
    shutil.copytree(bundles / "audit-652301", audit)
    lines = (audit / "events.jsonl").read_bytes().split(b"\n")
    lines[10:10] = [b"\xc2\xa0", b" \t\r\x0b\x0c"]  # a no-break space is not blank; the rest is
    (audit / "events.jsonl").write_bytes(b"\r\n".join(lines))  # CRLF: CR is JSON whitespace
    assert [r for r in _rules(audit) if r != "record-late"] == ["malformed-line"]


def test_checkpoint_files_are_opened_in_a_defined_order(bundles: Path, tmp_path: Path) -> None:
    from verify.bundle import _numeric_stem
    names = ["52.note", "0052.note", "５２.note", "b.note", "a.note", "7.note"]
    ordered = sorted((tmp_path / n for n in names), key=_numeric_stem)
    assert [p.name for p in ordered] == ["a.note", "b.note", "５２.note", "7.note", "0052.note",
                                         "52.note"]


def test_one_conflict_is_proven_to_a_reviewer_without_publishing_the_others(demo_dir: Path) -> None:
    draw = "652301-2026Q1-units"
    assert run(demo_dir, "spotcheck", "export", "--public", "--log", "652301", "--out",
               "public").returncode == 0
    assert run(demo_dir, "spotcheck", "export", "--log", "652301", "--out", "before").returncode == 0
    freeze = next(line["event"]["data"] for line in _events(demo_dir / "before")
                  if line["event"]["type"].endswith("PopulationFrozen"))
    conflicts = [row.split(",") for row in freeze["files"]["conflicts"]["content"].split()[1:]]
    assert len(conflicts) == 2
    inspector, unit = conflicts[0]
    given = run(demo_dir, "spotcheck", "draw", "conflict-proof", draw, "--inspector", inspector,
                "--unit", unit, "--who", "执法大队向复核组", "--why", "问责复核", "--out", "proof.json")
    assert given.returncode == 0, given.stderr
    assert oct((demo_dir / "proof.json").stat().st_mode & 0o777) == "0o600"
    proof = json.loads((demo_dir / "proof.json").read_text())
    assert proof["salt"] not in (demo_dir / "public" / "events.jsonl").read_text()
    checked = run(demo_dir, "spotcheck-verify", "conflict-proof", "public", "proof.json", "--lang",
                  "zh")
    assert checked.returncode == 0, checked.stdout
    assert "已证明" in checked.stdout and "2 个利益冲突之一" in checked.stdout
    assert checked.stdout.startswith("核验包：") and "bundle:" not in checked.stdout
    other = dict(proof, unit_id=conflicts[1][1])  # another pair with this salt: not a conflict
    (demo_dir / "forged.json").write_text(json.dumps(other))
    forged = run(demo_dir, "spotcheck-verify", "conflict-proof", "public", "forged.json",
                 "--lang", "en")
    assert forged.returncode == 1 and "NOT proven" in forged.stdout
    unknown = run(demo_dir, "spotcheck", "draw", "conflict-proof", draw, "--inspector", inspector,
                  "--unit", conflicts[1][1], "--who", "x", "--why", "y")
    assert unknown.returncode != 0 and "is not a conflict frozen" in unknown.stderr
    # giving the proof out is recorded, as every opening of personal data, by its commitment
    assert run(demo_dir, "spotcheck", "export", "--public", "--log", "652301", "--out",
               "after").returncode == 0
    after = (demo_dir / "after" / "events.jsonl").read_text()
    assert f"conflict proof {proof['commitment']}" in after
    assert f"{inspector},{unit}" not in after and proof["salt"] not in after


def test_the_auditor_checks_the_commitments_against_the_frozen_conflicts(
        bundles: Path, tmp_path: Path) -> None:
    audit = tmp_path / "county"
    shutil.copytree(bundles / "audit-652301", audit)

    def resalt(lines: list[dict[str, Any]]) -> None:
        freeze = next(line for line in lines if line["event"]["type"].endswith("PopulationFrozen"))
        freeze["event"]["data"]["files"]["conflicts"]["salts"][0] = "0" * 32
    _rewrite(audit, resalt)
    rules = _rules(audit)
    assert "draw-files" in rules and "event-hash" in rules


def test_a_public_bundle_withholding_a_published_result_is_a_finding(
        bundles: Path, tmp_path: Path) -> None:
    bundle = _copy(bundles, tmp_path)

    def hide(lines: list[dict[str, Any]]) -> None:
        at = next(n for n, line in enumerate(lines)
                  if "event" in line and line["event"]["type"].endswith("ResultDisclosed"))
        lines[at] = {"index": lines[at]["index"], "entry": lines[at]["entry"],
                     "withheld": lines[at]["event"]["type"]}
    _rewrite(bundle, hide)
    assert _rules(bundle) == ["withheld-public"]
