"""The draw ceremony as a specification: freeze in the window, a seed nobody can steer, a sealed
list that cannot change, amendments only with reason and approver, every opening recorded."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from ceremony_steps import DICE, FREEZE_DAY, PERIOD, PLAN, WITNESS_VALUES, commitment, fixed, seeded
from conftest import COUNTY, PREFECTURE

from ledger.demo.county import write_county_demo
from ledger.domain.agency import Agency, agency_id
from ledger.domain.directory import object_id
from ledger.domain.draw import Draw
from ledger.domain.rulebook import DrawWindow
from ledger.services.ceremony import Ceremony, CeremonyError, draw_window
from ledger.services.ledger import Ledger
from tampering import Insider, export_and_verify
from verify.draw import derive_seed, reveal_matches
from verify.draw_files import file_hash
from verify.seal import SealError, key_from_hex, open_sealed

#: Rules checked through the application: once, on the embedded database (storage is
#: covered on both by test_log, test_chain, test_tamper and the projection tests).
pytestmark = pytest.mark.sqlite_only


# -- freeze ------------------------------------------------------------------------------------------
def test_the_draw_window_is_the_last_five_working_days_before_the_quarter(county: Ledger) -> None:
    agency: Agency = county.app.repository.get(agency_id(COUNTY))
    start, end = draw_window(PERIOD, DrawWindow(5, "working_days"), agency.calendar())
    assert (start, end) == (date(2025, 12, 25), date(2025, 12, 31))
    start, _ = draw_window("2025Q4", DrawWindow(5, "working_days"), agency.calendar())
    assert start == date(2025, 9, 25)  # 25, 26, 28 (a working Sunday, 调休), 29, 30 Sep


def test_a_freeze_outside_the_draw_window_is_refused(ceremony: Ceremony) -> None:
    with pytest.raises(CeremonyError, match=r"frozen_on: 2025-12-24 is outside the draw window"):
        ceremony.freeze(COUNTY, PERIOD, date(2025, 12, 24), PLAN)


def test_a_freeze_on_a_day_off_inside_the_window_is_refused(ceremony: Ceremony) -> None:
    # 2025Q4's window is 25, 26, 28 (a working Sunday), 29, 30 September: the 27th is a Saturday
    agency: Agency = ceremony.app.repository.get(agency_id(COUNTY))
    book = agency.rulebook_in_force("2026-01-01")
    assert book is not None
    ceremony.app.adopt_rulebook(agency.id, book.adopt("2025-09-01"), "局务会", "试行")
    with pytest.raises(CeremonyError, match=r"^frozen_on: 2025-09-27 is not a working day "
                                            r"\(a Saturday\)"):
        ceremony.freeze(COUNTY, "2025Q4", date(2025, 9, 27), PLAN)
    with pytest.raises(CeremonyError, match=r"^frozen_on: 2025-12-27 is not a working day"):
        ceremony.freeze(COUNTY, PERIOD, date(2025, 12, 27), PLAN)


def test_a_list_fixed_on_a_day_off_inside_the_window_is_refused(ceremony: Ceremony) -> None:
    draw_id = seeded(ceremony)
    ceremony.run(draw_id)
    with pytest.raises(CeremonyError, match=r"^fixed_on: 2025-12-28 is not a working day "
                                            r"\(a Sunday\)"):
        ceremony.fix(draw_id, "局务会", date(2025, 12, 28))
    assert ceremony.fix(draw_id, "局务会", date(2025, 12, 30)).fixed is not None


def test_a_freeze_needs_the_years_holiday_schedule(ledger: Ledger) -> None:
    write_county_demo(ledger.app, seed=7, units=30, inspectors=6)
    with pytest.raises(CeremonyError, match="calendar: .*2025"):
        Ceremony(ledger.app, ledger.settings.keys_dir).freeze(COUNTY, PERIOD, FREEZE_DAY, PLAN)


def test_the_frozen_files_are_fixed_by_hash_with_every_exclusion_and_its_reason(
    county: Ledger, ceremony: Ceremony
) -> None:
    units = county.app.repository
    closed = object_id(str(agency_id(COUNTY)), _some_unit(ceremony, county))
    county.app.close_object(closed, "企业已关停")
    draw = ceremony.freeze(COUNTY, PERIOD, FREEZE_DAY, PLAN)
    for entry in draw.files.values():
        assert entry["sha256"] == file_hash(entry["content"].encode())
    closed_code: str = units.get(closed).credit_code
    assert {"kind": "unit", "id": closed_code, "reason": "closed (剔除)"} in draw.exclusions
    assert closed_code not in draw.files["population"]["content"]
    assert draw.window == {"start": "2025-12-25", "end": "2025-12-31", "rule": "5 working_days"}
    with pytest.raises(CeremonyError, match="already frozen"):
        ceremony.freeze(COUNTY, PERIOD, FREEZE_DAY, PLAN)


def _some_unit(ceremony: Ceremony, county: Ledger) -> str:
    from ledger.services.directory_view import directories

    return directories(county.app, agency_id(COUNTY)).objects[0].credit_code


def test_an_entropy_plan_must_end_with_a_source_nobody_can_withhold(ceremony: Ceremony) -> None:
    with pytest.raises(CeremonyError, match="nobody can withhold"):
        ceremony.freeze(COUNTY, PERIOD, FREEZE_DAY, [("witness", "纪检"), ("witness", "公证")])


# -- the seed ceremony ---------------------------------------------------------------------------------
def test_a_reveal_that_does_not_match_its_commitment_is_refused_and_recorded(
    ceremony: Ceremony,
) -> None:
    draw = ceremony.freeze(COUNTY, PERIOD, FREEZE_DAY, PLAN)
    for k, value in WITNESS_VALUES.items():
        ceremony.commit(draw.draw_id, k, "见证人", "纪检", commitment(value))
    with pytest.raises(CeremonyError, match="does not match its commitment"):
        ceremony.record_entropy(draw.draw_id, 1, "another value", [])
    assert "RevealRefused" in _event_names(ceremony, draw.id)  # saved before the refusal
    assert 1 not in ceremony.draw(draw.draw_id).entropy


def _event_names(ceremony: Ceremony, uuid: UUID) -> list[str]:
    return [type(e).__name__ for e in ceremony.app.events.get(uuid)]


def test_the_dice_come_after_every_witness_has_revealed(ceremony: Ceremony) -> None:
    draw = ceremony.freeze(COUNTY, PERIOD, FREEZE_DAY, PLAN)
    with pytest.raises(CeremonyError, match="have not committed yet"):
        ceremony.record_entropy(draw.draw_id, 3, DICE, [])
    for k, value in WITNESS_VALUES.items():
        ceremony.commit(draw.draw_id, k, "见证人", "纪检", commitment(value))
    with pytest.raises(CeremonyError, match="after every witness has revealed"):
        ceremony.record_entropy(draw.draw_id, 3, DICE, [])


def test_entropy_may_not_contain_the_separator(ceremony: Ceremony) -> None:
    draw = ceremony.freeze(COUNTY, PERIOD, FREEZE_DAY, PLAN)
    ceremony.commit(draw.draw_id, 1, "王芳", "纪检", commitment("a|b"))
    ceremony.commit(draw.draw_id, 2, "李强", "公证", commitment("x"))
    with pytest.raises(CeremonyError, match=r"value: .*'\|'"):
        ceremony.record_entropy(draw.draw_id, 1, "a|b", [])


def test_a_seed_before_every_source_is_in_is_refused(ceremony: Ceremony) -> None:
    draw = ceremony.freeze(COUNTY, PERIOD, FREEZE_DAY, PLAN)
    with pytest.raises(CeremonyError, match=r"seed: announced source\(s\) 1, 2, 3 not recorded"):
        ceremony.derive_seed(draw.draw_id, "局长")


def test_one_draw_has_one_seed_and_a_second_attempt_is_recorded(ceremony: Ceremony) -> None:
    draw_id = seeded(ceremony)
    with pytest.raises(CeremonyError, match="already has its seed; the attempt is recorded"):
        ceremony.derive_seed(draw_id, "某人")
    draw = ceremony.draw(draw_id)
    assert draw.refused_attempts == 1
    assert "SeedAttemptRefused" in _event_names(ceremony, draw.id)


def test_the_seed_is_the_spec_hash_of_the_frozen_hashes_and_the_entropy(ceremony: Ceremony) -> None:
    draw_id = seeded(ceremony)
    draw = ceremony.draw(draw_id)
    assert "spec=SPOTCHECK-DRAW-2\n" in str(draw.files["params"]["content"])  # new draws: version 2
    pre = "|".join(["SPOTCHECK-DRAW-2", draw_id, draw.file_hash("population"),
                    draw.file_hash("inspectors"), draw.file_hash("conflicts"),
                    draw.file_hash("params"), *WITNESS_VALUES.values(), DICE])
    seed = derive_seed(pre)
    assert draw.seed_commitment == hashlib.sha256(seed.encode()).hexdigest()
    key = ceremony.keys.load(draw_id)
    sealed = json.loads(open_sealed(key, draw_id, "seed", draw.sealed_seed or ""))
    assert sealed == {"pre": pre, "seed": seed}


def test_entropy_and_seed_are_sealed_in_the_ledger(county: Ledger, ceremony: Ceremony) -> None:
    draw_id = seeded(ceremony)
    draw = ceremony.draw(draw_id)
    stored = json.dumps([str(e.__dict__) for e in ceremony.app.events.get(draw.id)], ensure_ascii=False)
    for value in (*WITNESS_VALUES.values(), DICE):
        assert value not in stored
    with pytest.raises(SealError):
        open_sealed(bytes(32), draw_id, "entropy.1", draw.entropy[1])
    assert reveal_matches(draw.commitments[1]["commitment"], WITNESS_VALUES[1])


def test_a_witness_who_never_reveals_blocks_the_draw(ceremony: Ceremony) -> None:
    draw = ceremony.freeze(COUNTY, PERIOD, FREEZE_DAY, PLAN)
    ceremony.block(draw.draw_id, "见证人2未按时揭示", "witness 2", "局长")
    with pytest.raises(CeremonyError, match="is blocked"):
        ceremony.commit(draw.draw_id, 1, "王芳", "纪检", commitment("v"))
    assert ceremony.draw(draw.draw_id).status == "blocked"


# -- draw, fix, secrecy --------------------------------------------------------------------------------
def test_the_drawn_list_is_sealed_and_fixed_by_hash(ceremony: Ceremony) -> None:
    draw_id = fixed(ceremony)
    draw = ceremony.draw(draw_id)
    assert draw.status == "fixed" and draw.drawn is not None and draw.fixed is not None
    files = ceremony.files(draw_id)
    assert hashlib.sha256(files["selection.csv"]).hexdigest() == draw.drawn["selection_hash"]
    assert hashlib.sha256(files["assignment.csv"]).hexdigest() == draw.drawn["assignment_hash"]
    sizes = json.loads(json.dumps(draw.strata))
    assert draw.drawn["selected"] == {s: v["size"] for s, v in sizes.items() if v["size"]}


def test_a_fixed_list_cannot_be_changed(ceremony: Ceremony) -> None:
    draw_id = fixed(ceremony)
    with pytest.raises(CeremonyError, match="already fixed"):
        ceremony.fix(draw_id, "局务会", FREEZE_DAY)
    with pytest.raises(CeremonyError, match="already been run"):
        ceremony.run(draw_id)
    with pytest.raises(CeremonyError, match="already has its seed"):
        ceremony.derive_seed(draw_id, "局长")


def test_no_team_has_an_officer_in_conflict_and_every_team_has_two(
    county: Ledger, ceremony: Ceremony
) -> None:
    draw_id = fixed(ceremony)
    draw = ceremony.draw(draw_id)
    conflicts = {tuple(line.split(",")) for line in
                 draw.files["conflicts"]["content"].splitlines()[1:]}
    opened = ceremony.open(draw_id)
    assert opened.teams
    for unit, team in opened.teams.items():
        assert len(team) >= 2 and len(set(team)) == len(team)
        assert not {(member, unit) for member in team} & conflicts


def test_an_officer_sees_only_their_own_tasks_and_the_opening_is_recorded(
    ceremony: Ceremony,
) -> None:
    draw_id = fixed(ceremony)
    opened = ceremony.open(draw_id)
    officer = next(iter(opened.teams.values()))[0]
    mine = ceremony.tasks_of(draw_id, officer, "查看本人任务")
    assert mine and all(officer in team for team in mine.values())
    assert set(mine) == {u for u, team in opened.teams.items() if officer in team}
    assert ceremony.draw(draw_id).openings == [{"who": officer, "why": "查看本人任务",
                                                 "what": "own tasks"}]


def test_disclosure_waits_for_the_quarters_end_then_anyone_can_check(ceremony: Ceremony) -> None:
    draw_id = fixed(ceremony)
    with pytest.raises(CeremonyError, match="stays secret until every visit is recorded or the quarter"):
        ceremony.disclose(draw_id, "局长", date(2026, 3, 31))
    ceremony.disclose(draw_id, "局长", date(2026, 4, 1))
    draw = ceremony.draw(draw_id)
    key = key_from_hex(draw.disclosed_key or "")
    assert draw.drawn is not None
    selection = open_sealed(key, draw_id, "selection", draw.drawn["sealed_selection"])
    assert hashlib.sha256(selection).hexdigest() == draw.drawn["selection_hash"]


# -- amendments --------------------------------------------------------------------------------------
def test_an_amendment_needs_a_reason_and_an_approver(ceremony: Ceremony) -> None:
    draw_id = fixed(ceremony)
    unit, team = next(iter(ceremony.open(draw_id).teams.items()))
    with pytest.raises(CeremonyError, match="reason: an amendment after fixing needs its reason"):
        ceremony.recuse(draw_id, unit, team[0], " ", "局长")
    with pytest.raises(CeremonyError, match="approved_by: an amendment after fixing needs"):
        ceremony.recuse(draw_id, unit, team[0], "亲属关系", "")


def test_a_unit_still_in_business_is_not_replaced(ceremony: Ceremony) -> None:
    draw_id = fixed(ceremony)
    unit = next(iter(ceremony.open(draw_id).teams))
    with pytest.raises(CeremonyError, match="allow replacing only a unit that cannot be inspected"):
        ceremony.replace_unit(draw_id, unit, "企业要求更换", "局长")


def test_a_closed_unit_is_replaced_by_the_next_alternate_of_its_stratum(
    county: Ledger, ceremony: Ceremony
) -> None:
    draw_id = fixed(ceremony)
    opened = ceremony.open(draw_id)
    assert opened.result is not None
    unit = next(iter(opened.teams))
    county.app.close_object(object_id(str(agency_id(COUNTY)), unit), "企业已关停")
    replacement = ceremony.replace_unit(draw_id, unit, "企业已关停，依规剔除", "局长")
    stratum = opened.result.selection.unit(unit).stratum
    assert replacement == opened.result.selection.alternates(stratum)[0].id
    after = ceremony.open(draw_id)
    assert unit not in after.teams and after.teams[replacement] == opened.teams[unit]


def test_a_recusal_is_filled_by_the_next_eligible_officer(ceremony: Ceremony) -> None:
    draw_id = fixed(ceremony)
    unit, team = next(iter(ceremony.open(draw_id).teams.items()))
    replacement = ceremony.recuse(draw_id, unit, team[0], "与企业负责人系亲属", "局长")
    after = ceremony.open(draw_id).teams[unit]
    assert after[0] == replacement and replacement not in team and after[1:] == team[1:]
    with pytest.raises(CeremonyError, match="is not on the team"):
        ceremony.recuse(draw_id, unit, team[0], "again", "局长")


# -- the audit draw and the verifier -------------------------------------------------------------------
def test_the_prefecture_draws_a_quarter_of_its_counties_to_audit(ceremony: Ceremony) -> None:
    draw = ceremony.freeze(PREFECTURE, PERIOD, FREEZE_DAY, PLAN, kind="audit")
    population = draw.files["population"]["content"].splitlines()[1:]
    assert population == [f"{COUNTY},AGY,1"]
    assert draw.strata == {"AGY": {"population": 1, "required": 1, "size": 1}}


def test_an_edit_of_a_fixed_list_in_the_database_is_caught_by_the_verifier(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    draw_id = fixed(ceremony)
    county.sync()
    draw: Draw = ceremony.draw(draw_id)
    insider = Insider(county)
    version = len(list(county.app.events.get(draw.id)))
    state = insider.stored_state(str(draw.id), version)  # the ListFixed event
    assert draw.fixed is not None
    forged = state.replace(draw.fixed["list_hash"].encode(), b"0" * 64)
    assert forged != state
    insider.set_state(str(draw.id), version, forged)
    report = export_and_verify(county, tmp_path / "bundle")
    assert [f.rule for f in report.findings] == ["event-hash"]


def test_a_late_freeze_is_recorded_as_late_where_the_rulebook_allows_it(
    county: Ledger, ceremony: Ceremony
) -> None:
    import dataclasses

    agency: Agency = county.app.repository.get(agency_id(COUNTY))
    book = agency.rulebook_in_force("2026-01-01")
    assert book is not None
    with pytest.raises(CeremonyError, match="outside the draw window"):
        ceremony.freeze(COUNTY, PERIOD, date(2026, 1, 6), PLAN)
    lenient = dataclasses.replace(book, draw_window=DrawWindow(5, "working_days", late_allowed=True),
                                  adopted_from="2025-12-02")
    county.app.adopt_rulebook(agency.id, lenient, approved_by="局务会", reason="允许补抽并记录迟延")
    draw = ceremony.freeze(COUNTY, PERIOD, date(2026, 1, 6), PLAN)
    late = agency.calendar().working_days_late(date(2025, 12, 31), date(2026, 1, 6))
    assert late > 0 and draw.window["working_days_late"] == late
    with pytest.raises(CeremonyError, match="outside the draw window"):  # never before it
        ceremony.freeze(COUNTY, "2026Q2", date(2026, 3, 2), PLAN)


# -- the verifier replays the draws ----------------------------------------------------------------
def _disclosed_with_amendments(county: Ledger, ceremony: Ceremony) -> str:
    draw_id = fixed(ceremony)
    unit, team = next(iter(ceremony.open(draw_id).teams.items()))
    ceremony.recuse(draw_id, unit, team[1], "与企业负责人系亲属", "局长")
    county.app.close_object(object_id(str(agency_id(COUNTY)), unit), "企业已关停")
    ceremony.replace_unit(draw_id, unit, "企业已关停，依规剔除", "局长")
    ceremony.disclose(draw_id, "局长", date(2026, 4, 1))
    county.sync()
    return draw_id


def test_a_disclosed_draw_is_replayed_in_full_by_the_verifier(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    _disclosed_with_amendments(county, ceremony)
    report = export_and_verify(county, tmp_path / "bundle")
    assert report.findings == []
    assert (report.draws_checked, report.draws_sealed) == (1, 0)


def test_a_draw_still_sealed_is_counted_not_opened(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    fixed(ceremony)
    county.sync()
    report = export_and_verify(county, tmp_path / "bundle")
    assert report.findings == [] and (report.draws_checked, report.draws_sealed) == (0, 1)


def test_an_amendment_written_past_the_application_naming_another_alternate_is_caught(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    from verify.seal import seal

    draw_id = fixed(ceremony)
    opened = ceremony.open(draw_id)
    assert opened.result is not None
    unit = next(iter(opened.teams))
    stratum = opened.result.selection.unit(unit).stratum
    wrong = opened.result.selection.alternates(stratum)[1].id  # skips the next alternate
    body = json.dumps({"unit": unit, "status": "closed", "reason": "关停", "replacement": wrong},
                      ensure_ascii=False, sort_keys=True).encode()
    draw = ceremony.draw(draw_id)
    key = ceremony.keys.load(draw_id)
    draw._unit_replaced(sealed_details=seal(key, draw_id, "amendment.1", body),
                        details_hash=hashlib.sha256(body).hexdigest(), approved_by="局长")
    county.app.save(draw)  # straight to the store: no rule was asked
    ceremony.disclose(draw_id, "局长", date(2026, 4, 1))
    county.sync()
    report = export_and_verify(county, tmp_path / "bundle")
    assert [f.rule for f in report.findings] == ["draw-amendment"]
    assert f"the ranking gives {opened.result.selection.alternates(stratum)[0].id}" \
        in report.findings[0].message


def test_a_reveal_written_past_the_application_is_caught_once_disclosed(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    from verify.seal import seal

    draw = ceremony.freeze(COUNTY, PERIOD, FREEZE_DAY, PLAN)
    for k, value in WITNESS_VALUES.items():
        ceremony.commit(draw.draw_id, k, "见证人", "纪检", commitment(value))
    draw = ceremony.draw(draw.draw_id)
    key = ceremony.keys.load(draw.draw_id)
    draw._entropy_recorded(k=1, kind="witness", witnesses=[],  # not the committed value
                           sealed_value=seal(key, draw.draw_id, "entropy.1", b"chosen-later"))
    county.app.save(draw)
    ceremony.record_entropy(draw.draw_id, 2, WITNESS_VALUES[2], [])
    ceremony.record_entropy(draw.draw_id, 3, DICE, [])
    ceremony.derive_seed(draw.draw_id, "局长")
    ceremony.run(draw.draw_id)
    ceremony.fix(draw.draw_id, "局务会", FREEZE_DAY)
    county.sync()
    sealed = export_and_verify(county, tmp_path / "sealed")
    assert sealed.findings == []  # sealed: nobody can tell yet
    ceremony.disclose(draw.draw_id, "局长", date(2026, 4, 1))
    county.sync()
    report = export_and_verify(county, tmp_path / "bundle")
    assert [f.rule for f in report.findings] == ["draw-reveal"]


def test_a_second_seed_written_past_the_application_breaks_the_order(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    draw_id = seeded(ceremony)
    draw = ceremony.draw(draw_id)
    draw._seed_derived(sealed_seed=draw.sealed_seed or "", seed_commitment="0" * 64)
    county.app.save(draw)
    county.sync()
    report = export_and_verify(county, tmp_path / "bundle")
    assert [(f.rule, "a second seed" in f.message) for f in report.findings] == [("draw-order", True)]


def test_a_list_is_fixed_within_the_draw_window(ceremony: Ceremony) -> None:
    draw_id = seeded(ceremony)
    ceremony.run(draw_id)
    with pytest.raises(CeremonyError, match="fixed_on: 2026-01-05 is outside the draw window"):
        ceremony.fix(draw_id, "局务会", date(2026, 1, 5))
    ceremony.fix(draw_id, "局务会", date(2025, 12, 31))
    assert ceremony.draw(draw_id).fixed == {"list_hash": ceremony.draw(draw_id).fixed["list_hash"],  # type: ignore[index]
                                            "fixed_by": "局务会", "fixed_on": "2025-12-31",
                                            "working_days_late": 0}


def test_a_draw_fixed_under_version_1_still_runs_and_is_verified_by_version_1(
    county: Ledger, ceremony: Ceremony, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A draw frozen before SPOTCHECK-DRAW-2 (params.txt without its spec line) keeps version 1
    throughout: its PRE, its assignment (by ticket) and its amendments, and the verifier replays
    it with version 1."""
    import ledger.domain.draw_inputs as draw_inputs
    from verify.draw_files import SPEC_V1, DrawParams

    monkeypatch.setattr(draw_inputs, "DrawParams",
                        lambda **kwargs: DrawParams(**kwargs, spec=SPEC_V1))
    draw_id = _disclosed_with_amendments(county, ceremony)
    draw = ceremony.draw(draw_id)
    assert "spec=" not in str(draw.files["params"]["content"])
    opened = ceremony.open(draw_id)
    assert opened.result is not None and opened.result.preimage.startswith("SPOTCHECK-DRAW-1|")
    assert ceremony.files(draw_id)["assignment.csv"].startswith(b"unit_id,slot,inspector_id,ticket\n")
    report = export_and_verify(county, tmp_path / "bundle")
    assert report.findings == []
    assert (report.draws_checked, report.draws_sealed) == (1, 0)
