"""The draw ceremony (摇号仪式), step by step: the application layer over :mod:`ledger.domain.draw`.

Each step loads the draw, asks the aggregate whether the rules allow it, seals what must stay
secret with the draw's key (AES-256-GCM, :mod:`verify.seal`) and saves the new events. The key of
each draw is a file outside the database (``<keys>/<division code>/draws/<draw id>.key``, mode
0600), held by the agency, published in the ledger only at disclosure.

A refusal that the rules say must be *recorded* (a reveal that does not match its commitment, a
second attempt at a seed) is saved as an event first, then raised.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ledger.domain.agency import Agency, agency_id
from ledger.domain.deadlines import calendar_hint
from ledger.domain.directory import InspectionObject
from ledger.domain.draw import Draw, DrawRuleError, draw_name, draw_uuid, list_hash, sha256_hex
from ledger.domain.draw_inputs import FreezeError, FrozenFiles, YearSoFar, freeze_audit_draw, freeze_unit_draw
from ledger.domain.inspection import Inspection, inspection_id
from ledger.domain.inspection_record import has_violation
from ledger.domain.rulebook import DrawWindow
from ledger.errors import InvalidInput
from ledger.log.keys import KeyFileError, check_private
from ledger.services.application import LedgerApp
from ledger.services.directory_view import agencies, directories, events_by_topic
from ledger.services.loaded import Loaded
from verify.conflict_commitments import ConflictProof, conflict_commitments, conflict_rows
from verify.draw import (
    Assignment,
    DrawResult,
    InsufficientEligible,
    RankedUnit,
    replace_inspector,
    replace_unit,
    run_draw,
)
from verify.draw_files import read_draw_inputs
from verify.period import Period
from verify.period import draw_window as verify_draw_window
from verify.seal import key_from_hex, new_key, open_sealed, seal
from verify.working_days import CalendarNotAnnounced, WorkingCalendar

#: The event type of a draw's freeze (docs/ledger-format.md): one per draw.
FROZEN_TOPIC = "ledger.draw:Draw.PopulationFrozen"


class CeremonyError(InvalidInput):
    """A ceremony step that cannot be done; the message names the field and the rule."""


# -- periods and windows ---------------------------------------------------------------------------
def draw_window(period: str, window: DrawWindow, calendar: WorkingCalendar,
                agency: str = "<division code>") -> tuple[date, date]:
    """The dates within which the period's list is drawn (:func:`verify.period.draw_window`)."""
    try:
        return verify_draw_window(period_of(period), window.length, window.unit, calendar)
    except CalendarNotAnnounced as exc:
        raise CeremonyError(f"calendar: {exc} ({calendar_hint(exc.year, agency)})") from None
    except ValueError as exc:
        raise CeremonyError(str(exc)) from None


def period_of(text: str, field: str = "period") -> Period:
    """The quarter ``text`` names (``2026Q1``), or a :class:`CeremonyError` naming ``field``."""
    return Period.parse(text, field=field, error=CeremonyError)


def _check_working_day(agency: Agency, day: date, field: str, period: str) -> None:
    """A draw is frozen and fixed on a working day (工作日) of the agency's recorded schedule: the
    window is counted in working days, and a weekend or a holiday inside it is not one of them."""
    try:
        working = agency.calendar().is_working_day(day)
    except CalendarNotAnnounced as exc:
        raise CeremonyError(
            f"calendar: {exc} ({calendar_hint(exc.year, agency.division_code)})") from None
    if not working:
        what = "a Saturday" if day.weekday() == 5 else "a Sunday" if day.weekday() == 6 else (
            "a public holiday")
        raise CeremonyError(f"{field}: {day} is not a working day ({what}); the draw of {period} "
                            "is frozen and fixed on working days only")


# -- the draw key ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class DrawKeys:
    """The per-draw keys, files outside the database, mode 0600."""

    keys_dir: Path

    def path(self, draw_id: str) -> Path:
        return self.keys_dir / draw_id.split("-", 1)[0] / "draws" / f"{draw_id}.key"

    def create(self, draw_id: str) -> bytes:
        path = self.path(draw_id)
        if path.exists():
            raise CeremonyError(f"{path}: a key for this draw already exists", kind="conflict")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = new_key()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
        return key

    def load(self, draw_id: str) -> bytes:
        path = self.path(draw_id)
        try:
            check_private(path)
            return key_from_hex(path.read_text(encoding="ascii"))
        except FileNotFoundError:
            raise CeremonyError(f"{path}: the key of draw {draw_id} is not here (it is held by the "
                                "agency outside the database)") from None
        except OSError as exc:
            raise KeyFileError(f"{path}: the key of draw {draw_id} cannot be read: "
                               f"{exc.strerror or exc}") from None


@dataclass(frozen=True)
class Opened:
    """A draw's secret parts, opened: the entropy values, PRE, SEED and the current list."""

    values: list[str]
    result: DrawResult | None
    teams: dict[str, tuple[str, ...]]
    replaced: dict[str, str | None]


class Ceremony:
    """The use cases of a draw, from freeze to disclosure."""

    def __init__(self, app: LedgerApp, keys_dir: Path) -> None:
        self.app = app
        self.keys = DrawKeys(keys_dir)
        self.loaded: Loaded[Any] = Loaded(app)  # draws and agencies, kept between use cases

    # -- loading ---------------------------------------------------------------------------------
    def draw(self, draw_id: str) -> Draw:
        uuid = draw_uuid(draw_id)
        if uuid not in self.app.repository:
            raise CeremonyError(f"draw_id: no draw {draw_id} (see `spotcheck draw list`)",
                                kind="not_found")
        found: Draw = self.loaded.get(uuid)
        return found

    def draw_ids(self, agency: str | None = None) -> list[str]:
        """The ids of every frozen draw (or of one agency's, by division code), sorted."""
        ids = sorted(str(e.draw_id) for e in events_by_topic(self.app, (FROZEN_TOPIC,)))
        return ids if agency is None else [d for d in ids if d.split("-", 1)[0] == agency]

    def _agency(self, code: str) -> Agency:
        uuid = agency_id(code)
        if uuid not in self.app.repository:
            raise CeremonyError(f"agency: no agency with division code {code}")
        found: Agency = self.loaded.peek(uuid)  # read only
        return found

    # -- freeze ----------------------------------------------------------------------------------
    def freeze(
        self, code: str, period: str, frozen_on: date, entropy_plan: list[tuple[str, str]],
        *, kind: str = "units", load_cap: int = 0,
    ) -> Draw:
        """Freeze the inputs of ``code``'s ``kind`` draw for ``period`` inside the draw window."""
        agency = self._agency(code)
        quarter_of = period_of(period)
        year, quarter, first = quarter_of.year, quarter_of.quarter, quarter_of.first
        rulebook = agency.rulebook_in_force(first.isoformat())
        if rulebook is None:
            raise CeremonyError(f"rulebook: agency {code} has no rulebook in force on {first}")
        start, end = draw_window(period, rulebook.draw_window, agency.calendar(), code)
        late = self._lateness(agency, period, frozen_on, start, end, rulebook.draw_window)
        if late is None:
            raise CeremonyError(
                f"frozen_on: {frozen_on} is outside the draw window of {period}, {start}..{end} "
                f"({rulebook.draw_window.length} {rulebook.draw_window.unit.replace('_', ' ')} "
                f"before the quarter, rulebook {rulebook.name})"
            )
        _check_working_day(agency, frozen_on, "frozen_on", period)
        draw_id = draw_name(code, period, kind)
        if draw_uuid(draw_id) in self.app.repository:
            raise CeremonyError(f"draw_id: {draw_id} is already frozen; a period has one draw",
                                kind="conflict")
        descriptions = [f"{k}:{name}" for k, name in entropy_plan]
        try:
            files = self._frozen_files(agency, kind, draw_id, year, quarter, first, descriptions,
                                       load_cap, rulebook.team_size, rulebook.oversight_share_bp)
            read_draw_inputs(*files.named().values())  # the cross-file rules hold
        except (FreezeError, ValueError) as exc:
            raise CeremonyError(str(exc)) from None
        try:
            draw = Draw.freeze(
                agency_id=str(agency.id), draw_id=draw_id, kind=kind, period=period,
                frozen_on=frozen_on.isoformat(),
                window={"start": start.isoformat(), "end": end.isoformat(),
                        "rule": f"{rulebook.draw_window.length} {rulebook.draw_window.unit}",
                        **({"working_days_late": late} if late else {})},
                rulebook=rulebook.name,
                files=_frozen(files.named()),
                strata=files.strata, exclusions=files.exclusions,
                entropy_plan=[{"kind": k, "name": name} for k, name in entropy_plan],
            )
        except DrawRuleError as exc:
            raise CeremonyError(str(exc)) from None
        self.keys.create(draw_id)
        self.app.save(draw)
        return draw

    @staticmethod
    def _lateness(
        agency: Agency, period: str, frozen_on: date, start: date, end: date, window: DrawWindow
    ) -> int | None:
        """0 inside the window; working days late after it where the rulebook allows a late
        draw (before the quarter ends); None when the freeze is refused."""
        if start <= frozen_on <= end:
            return 0
        last = period_of(period).last
        if window.late_allowed and end < frozen_on <= last:
            try:
                return agency.calendar().working_days_late(end, frozen_on)
            except CalendarNotAnnounced as exc:
                raise CeremonyError(f"calendar: {exc}") from None
        return None

    def _frozen_files(
        self, agency: Agency, kind: str, draw_id: str, year: int, quarter: int, first: date,
        descriptions: list[str], load_cap: int, team_size: int, oversight_bp: int | None,
    ) -> FrozenFiles:
        dirs = directories(self.app, agency.id)
        if kind == "audit":
            below = sorted(a.division_code for a in agencies(self.app)
                           if a.parent_id == str(agency.id))
            share = oversight_bp or 2500
            return freeze_audit_draw(
                draw_id=draw_id, agencies=below, inspectors=dirs.inspectors,
                size=math.ceil(len(below) * share / 10000), team_size=team_size,
                first_day=first.isoformat(), entropy_plan=descriptions)
        if year not in agency.plans:
            raise CeremonyError(f"plan: agency {agency.division_code} has filed no {year} annual "
                                f"plan (`spotcheck plan --year {year} --agency "
                                f"{agency.division_code} --approved-by <who approved it>`)")
        rulebook = agency.rulebook_in_force(first.isoformat())
        assert rulebook is not None  # checked by freeze()
        return freeze_unit_draw(
            draw_id=draw_id, units=dirs.objects, inspectors=dirs.inspectors, rulebook=rulebook,
            quotas=_quotas(agency.plans[year], quarter), first_day=first.isoformat(),
            year_so_far=self._year_so_far(agency.division_code, year, quarter),
            entropy_plan=descriptions, load_cap=load_cap)

    def _year_so_far(self, code: str, year: int, quarter: int) -> YearSoFar:
        """Units drawn in the earlier quarters of the year, and those where a violation was found
        (which lifts the yearly maximum, seed 004 art. 8)."""
        drawn: dict[str, int] = {}
        violations: set[str] = set()
        for q in range(1, quarter):
            draw_id = draw_name(code, f"{year}Q{q}", "units")
            if draw_uuid(draw_id) not in self.app.repository or self.draw(draw_id).fixed is None:
                continue
            for unit in self.open(draw_id).teams:
                drawn[unit] = drawn.get(unit, 0) + 1
                found: Inspection | None = (self.app.repository.get(inspection_id(draw_id, unit))
                                            if inspection_id(draw_id, unit) in self.app.repository
                                            else None)
                if found is not None and found.record is not None and has_violation(found.record):
                    violations.add(unit)
        return YearSoFar(drawn=drawn, violations=frozenset(violations))

    # -- entropy and seed ------------------------------------------------------------------------
    def commit(self, draw_id: str, k: int, witness: str, role: str, commitment: str) -> Draw:
        draw = self.draw(draw_id)
        self._rule(lambda: draw.commit(k, witness, role, commitment.strip().lower()))
        self.app.save(draw)
        return draw

    def record_source(self, draw_id: str, k: int, kind: str, value: str,
                      witnesses: list[str] | None = None) -> Draw:
        """Record source ``k`` as the ``kind`` of value its step records (``witness``: a reveal,
        ``dice``: the digits rolled, ``external``: the public value); a source of another kind is
        refused, naming the step that records it."""
        draw = self.draw(draw_id)
        try:
            planned = draw.source(k)["kind"]
        except DrawRuleError as exc:
            raise CeremonyError(str(exc)) from None
        if planned != kind:
            step = {"witness": "reveal", "dice": "dice", "external": "external"}[planned]
            raise CeremonyError(f"k: source {k} of {draw.draw_id} is a {planned}, not a {kind} "
                                f"(its value is recorded by the {step} step)")
        return self.record_entropy(draw_id, k, value, witnesses or [])

    def record_entropy(self, draw_id: str, k: int, value: str, witnesses: list[str]) -> Draw:
        """Record source ``k``'s value (a witness's reveal, the dice digits, the public value)."""
        draw = self.draw(draw_id)
        try:
            draw.check_entropy(k, value)
        except DrawRuleError as exc:
            if "does not match its commitment" in str(exc):
                draw.refuse_reveal(k, str(exc))
                self.app.save(draw)
            raise CeremonyError(str(exc), kind=exc.kind) from None
        sealed = seal(self.keys.load(draw_id), draw_id, f"entropy.{k}", value.encode("utf-8"))
        draw.record_entropy(k, value, sealed, witnesses)
        self.app.save(draw)
        return draw

    def derive_seed(self, draw_id: str, by: str) -> Draw:
        """Derive the draw's one seed from every announced source (SPOTCHECK-DRAW-2 §3)."""
        draw = self.draw(draw_id)
        if draw.sealed_seed is not None:
            draw.refuse_seed_attempt(by, "a second seed was asked for; one draw has one seed")
            self.app.save(draw)
            raise CeremonyError(f"seed: draw {draw_id} already has its seed; the attempt is recorded",
                                kind="conflict")
        self._rule(draw.check_seed_ready)
        key = self.keys.load(draw_id)
        values = _entropy_values(draw, key)
        inputs = _draw_inputs(draw)
        result = run_draw(inputs, values)
        payload = json.dumps({"pre": result.preimage, "seed": result.seed}).encode("utf-8")
        self._rule(lambda: draw.derive_seed(seal(key, draw_id, "seed", payload),
                                            sha256_hex(result.seed)))
        self.app.save(draw)
        return draw

    def block(self, draw_id: str, reason: str, detail: str, by: str) -> Draw:
        draw = self.draw(draw_id)
        self._rule(lambda: draw.block(reason, detail, by))
        self.app.save(draw)
        return draw

    # -- run and fix ------------------------------------------------------------------------------
    def run(self, draw_id: str) -> Draw:
        """Draw the units and assign the teams; too few eligible officers blocks the draw, with
        the unit named (published, as the spec requires)."""
        draw = self.draw(draw_id)
        if draw.sealed_seed is None:
            raise CeremonyError(f"seed: derive the seed first (`spotcheck draw seed {draw_id} "
                                "--by <who derives it>`)", kind="conflict")
        key = self.keys.load(draw_id)
        result = run_draw(_draw_inputs(draw), _entropy_values(draw, key))
        if isinstance(result.assignment, InsufficientEligible):
            stop = result.assignment
            self._rule(lambda: draw.block(
                "INSUFFICIENT_ELIGIBLE", f"{stop.line}: {stop.eligible} eligible officer(s) for a "
                f"team of {stop.team_size}", "draw"))
            self.app.save(draw)
            raise CeremonyError(f"draw stopped: {stop.line} ({stop.eligible} eligible officer(s) "
                                f"for a team of {stop.team_size}); recorded and published")
        selection_csv = result.selection.csv_bytes()
        assignment_csv = result.assignment.csv_bytes()
        selected: dict[str, int] = {}
        for unit in result.selection.selected():
            selected[unit.stratum] = selected.get(unit.stratum, 0) + 1
        self._rule(lambda: draw.record_drawn(
            hashlib.sha256(selection_csv).hexdigest(), hashlib.sha256(assignment_csv).hexdigest(),
            selected, seal(key, draw_id, "selection", selection_csv),
            seal(key, draw_id, "assignment", assignment_csv), _commitments(draw)))
        self.app.save(draw)
        return draw

    def fix(self, draw_id: str, fixed_by: str, fixed_on: date) -> Draw:
        """Fix the list inside the draw window (late, in working days, where the rulebook
        allows a late draw; otherwise refused)."""
        draw = self.draw(draw_id)
        agency: Agency = self.app.repository.get(agency_id(draw.draw_id.split("-", 1)[0]))
        rulebook = agency.rulebook_in_force(period_of(draw.period).first.isoformat())
        assert rulebook is not None  # the draw was frozen under it
        start = date.fromisoformat(draw.window["start"])
        end = date.fromisoformat(draw.window["end"])
        late = self._lateness(agency, draw.period, fixed_on, start, end, rulebook.draw_window)
        if late is None:
            raise CeremonyError(f"fixed_on: {fixed_on} is outside the draw window of {draw.period}, "
                                f"{start}..{end}; the list is fixed within it")
        _check_working_day(agency, fixed_on, "fixed_on", draw.period)
        self._rule(lambda: draw.fix(fixed_by, fixed_on.isoformat(), late))
        self.app.save(draw)
        return draw

    # -- amendments ------------------------------------------------------------------------------
    def replace_unit(self, draw_id: str, unit_code: str, reason: str, approved_by: str) -> str | None:
        """Replace a selected unit that is closed or relocated by its stratum's next alternate;
        the team moves with it (a member in conflict with the new unit then recuses, recorded)."""
        draw = self.draw(draw_id)
        self._rule(lambda: draw._check_amendment(reason, approved_by))
        key = self.keys.load(draw_id)
        opened = self.open(draw_id, key=key)
        if unit_code not in opened.teams:
            raise CeremonyError(f"unit: {unit_code} is not on the fixed list of {draw_id}")
        status = self._unit_status(draw, unit_code)
        if status not in ("closed", "relocated"):
            raise CeremonyError(
                f"unit: {unit_code} is {status}; the rules allow replacing only a unit that cannot "
                "be inspected (closed or relocated: 剔除 it from the directory first)")
        assert opened.result is not None
        used = set(opened.teams) | set(opened.replaced) | {v for v in opened.replaced.values() if v}
        alternate = replace_unit(opened.result.selection, unit_code, used)
        details = {"unit": unit_code, "status": status, "reason": reason.strip(),
                   "replacement": None if alternate is None else alternate.id}
        body = json.dumps(details, ensure_ascii=False, sort_keys=True).encode("utf-8")
        draw.replace_unit(seal(key, draw_id, f"amendment.{len(draw.amendments) + 1}", body),
                          hashlib.sha256(body).hexdigest(), reason, approved_by)
        self.app.save(draw)
        return None if alternate is None else alternate.id

    def recuse(self, draw_id: str, unit_code: str, certificate: str, reason: str,
               approved_by: str) -> str:
        """An officer's recusal (回避) from a unit, filled by the next eligible officer (§6)."""
        draw = self.draw(draw_id)
        self._rule(lambda: draw._check_amendment(reason, approved_by))
        key = self.keys.load(draw_id)
        opened = self.open(draw_id, key=key)
        team = opened.teams.get(unit_code)
        if team is None:
            raise CeremonyError(f"unit: {unit_code} is not on the fixed list of {draw_id}")
        if certificate not in team:
            raise CeremonyError(f"certificate: {certificate} is not on the team of {unit_code}")
        assert opened.result is not None
        inputs = _draw_inputs(draw)
        loads: dict[str, int] = {}
        for members in opened.teams.values():
            for member in members:
                loads[member] = loads.get(member, 0) + 1
        unit = _ranked(opened.result, unit_code)
        earlier = self._earlier_recusals(draw, key, unit_code)
        outcome = replace_inspector(opened.result.seed, unit, team, certificate, inputs.inspectors,
                                    inputs.conflicts, inputs.params.load_cap,
                                    {i.inspector_id: loads.get(i.inspector_id, 0)
                                     for i in inputs.inspectors}, earlier, inputs.params.spec)
        if isinstance(outcome, InsufficientEligible):
            raise CeremonyError(f"recusal: no eligible officer left for {unit_code} "
                                f"({outcome.line})")
        details = {"unit": unit_code, "recused": certificate, "replacement": outcome.replacement,
                   "slot": outcome.slot, "reason": reason.strip()}
        body = json.dumps(details, ensure_ascii=False, sort_keys=True).encode("utf-8")
        draw.recuse(seal(key, draw_id, f"amendment.{len(draw.amendments) + 1}", body),
                    hashlib.sha256(body).hexdigest(), reason, approved_by)
        self.app.save(draw)
        return outcome.replacement

    # -- opening and disclosure ------------------------------------------------------------------
    def tasks_of(self, draw_id: str, certificate: str, why: str) -> dict[str, tuple[str, ...]]:
        """An officer's own tasks (and their teams), nothing else; the opening is recorded."""
        opened = self.open(draw_id)
        mine = {unit: team for unit, team in opened.teams.items() if certificate in team}
        draw = self.draw(draw_id)
        draw.record_opening(certificate, why, "own tasks")
        self.app.save(draw)
        return mine

    def open_list(self, draw_id: str, who: str, why: str, what: str = "list") -> Opened:
        """The whole sealed content, for someone with the right to see it; recorded."""
        opened = self.open(draw_id)
        draw = self.draw(draw_id)
        self._rule(lambda: draw.record_opening(who, why, what))
        self.app.save(draw)
        return opened

    def record_reading(self, draw_id: str, who: str, why: str, what: str) -> bool:
        """Something derived from a draw's sealed list (a record of a drawn unit's visit) is being
        read: while the draw is sealed that is an opening, and it is recorded (True); after
        disclosure nothing is secret any more (False)."""
        draw = self.draw(draw_id)
        if draw.disclosed_key is not None:
            return False
        self._rule(lambda: draw.record_opening(who, why, what))
        self.app.save(draw)
        return True

    def conflict_proof(self, draw_id: str, inspector_id: str, unit_id: str, who: str,
                       why: str) -> ConflictProof:
        """The salt of one frozen conflict, for a reviewer to check it against the commitments the
        run recorded (:mod:`verify.conflict_commitments`), without seeing the other conflicts.
        Giving it out is an opening of personal data, recorded like any other (who, why, what)."""
        draw = self.draw(draw_id)
        conflicts = draw.files["conflicts"]
        if "salts" not in conflicts:
            raise CeremonyError(f"conflicts: {draw_id} was frozen before conflicts had salts; "
                                "only its whole conflicts.csv can show a conflict")
        rows = conflict_rows(str(conflicts["content"]))
        if (inspector_id, unit_id) not in rows:
            raise CeremonyError(f"conflicts: {inspector_id} with {unit_id} is not a conflict "
                                f"frozen for {draw_id}", kind="not_found")
        salt = str(conflicts["salts"][rows.index((inspector_id, unit_id))])
        proof = ConflictProof(draw_id, inspector_id, unit_id, salt)
        # the opening is public: it names the conflict by its commitment, never by the pair
        self._rule(lambda: draw.record_opening(who, why, f"conflict proof {proof.commitment}"))
        self.app.save(draw)
        return proof

    def disclose(self, draw_id: str, by: str, on: date, *, all_visited: bool = False) -> Draw:
        """Publish the key once every visit is done (``all_visited``, which the caller knows from
        the records) or the quarter is over: anyone can now open and check every sealed value
        against the hashes fixed earlier."""
        draw = self.draw(draw_id)
        last = period_of(draw.period).last
        if on <= last and not all_visited:
            raise CeremonyError(f"disclosed_on: the list of {draw.period} stays secret until every "
                                f"visit is recorded or the quarter is over (after {last}); 抽查保密",
                                kind="conflict")
        key = self.keys.load(draw_id)
        self._rule(lambda: draw.disclose(key.hex(), by, on.isoformat()))
        self.app.save(draw)
        return draw

    def open(self, draw_id: str, key: bytes | None = None) -> Opened:
        """Open a draw's sealed parts with its key (used by the ceremony itself, not recorded)."""
        draw = self.draw(draw_id)
        return open_draw(draw, key or self._key(draw))

    def fixed_teams(self, draw_id: str, draw: Draw | None = None) -> FixedTeams:
        """The teams as they stand, read from the sealed ``assignment.csv`` (checked against the
        hash fixed with the list) with the amendments applied, without re-running the draw: what
        a record or a disclosure asks for costs the same in a draw of 10 units or of 10,000.
        ``draw``: the draw, if the caller has just loaded it."""
        draw = draw if draw is not None and draw.draw_id == draw_id else self.draw(draw_id)
        if draw.drawn is None:
            raise CeremonyError(f"draw_id: the list of {draw_id} is not drawn yet")
        return FixedTeams.of(draw, self._key(draw))

    def _key(self, draw: Draw) -> bytes:
        return key_from_hex(draw.disclosed_key) if draw.disclosed_key else self.keys.load(draw.draw_id)

    def files(self, draw_id: str) -> dict[str, bytes]:
        """The spec's files of a draw (frozen inputs, seed, selection, assignment) for export."""
        draw = self.draw(draw_id)
        opened = self.open(draw_id)
        out = {f"{name}.{'txt' if name == 'params' else 'csv'}":
               str(draw.files[name]["content"]).encode("utf-8") for name in draw.files}
        if opened.result is not None:
            out["seed.txt"] = f"{opened.result.preimage}\n{opened.result.seed}\n".encode()
            out["selection.csv"] = opened.result.selection.csv_bytes()
            if isinstance(opened.result.assignment, Assignment):
                out["assignment.csv"] = opened.result.assignment.csv_bytes()
        return out

    # -- helpers ---------------------------------------------------------------------------------
    def _unit_status(self, draw: Draw, unit_code: str) -> str:
        from ledger.domain.directory import object_id

        uuid = object_id(draw.agency_id, unit_code)
        if uuid not in self.app.repository:
            return "unknown"
        unit: InspectionObject = self.app.repository.get(uuid)
        return unit.status

    def _earlier_recusals(self, draw: Draw, key: bytes, unit_code: str) -> list[str]:
        earlier = []
        for n, amendment in enumerate(draw.amendments, start=1):
            if amendment["kind"] == "recusal":
                details = json.loads(open_sealed(key, draw.draw_id, f"amendment.{n}",
                                                 amendment["sealed_details"]))
                if details["unit"] == unit_code:
                    earlier.append(str(details["recused"]))
        return earlier

    @staticmethod
    def _rule(step: Callable[[], None]) -> None:
        try:
            step()
        except DrawRuleError as exc:
            raise CeremonyError(str(exc), kind=exc.kind) from None


def _quotas(plan: dict[str, Any], quarter: int) -> dict[str, int]:
    return {str(q["category"]): int(q["required"]) for q in plan["quotas"]
            if int(q["quarter"]) == quarter}


def _ranked(result: DrawResult, unit_code: str) -> RankedUnit:
    return result.selection.unit(unit_code)


def _check_drawn(draw: Draw, result: DrawResult) -> None:
    """The recomputed draw must be the one fixed by hash (else the ledger was altered)."""
    assert draw.drawn is not None and isinstance(result.assignment, Assignment)
    selection = hashlib.sha256(result.selection.csv_bytes()).hexdigest()
    assignment = hashlib.sha256(result.assignment.csv_bytes()).hexdigest()
    if (selection, assignment) != (draw.drawn["selection_hash"], draw.drawn["assignment_hash"]):
        raise CeremonyError(f"draw {draw.draw_id}: recomputing the draw does not give the list "
                            "fixed by hash; the ledger was altered")
    if draw.fixed is not None and draw.fixed["list_hash"] != list_hash(selection, assignment):
        raise CeremonyError(f"draw {draw.draw_id}: the fixed list hash does not match")


def _apply(details: dict[str, Any], kind: str, teams: dict[str, tuple[str, ...]],
           replaced: dict[str, str | None]) -> None:
    unit = str(details["unit"])
    if kind == "unit":
        team = teams[unit]
        del teams[unit]
        replacement = details.get("replacement")
        replaced[unit] = replacement
        if replacement:
            teams[str(replacement)] = team
    else:
        slot = int(details["slot"]) - 1
        members = list(teams[unit])
        members[slot] = str(details["replacement"])
        teams[unit] = tuple(members)


class FixedTeams(dict[str, tuple[str, ...]]):
    """Unit → team as the list stands, read from the sealed ``assignment.csv`` unit by unit as
    asked for (a byte search for the unit's rows), with the amendments applied on top.

    ``assignment`` is the opened ``assignment.csv``; :meth:`units` lists every unit on the list.
    """

    def __init__(self, assignment: bytes) -> None:
        super().__init__()
        self.assignment = assignment
        self._gone: set[str] = set()
        self._replaced: dict[str, str | None] = {}

    @classmethod
    def of(cls, draw: Draw, key: bytes) -> FixedTeams:
        assert draw.drawn is not None
        data = open_sealed(key, draw.draw_id, "assignment", draw.drawn["sealed_assignment"])
        digest = hashlib.sha256(data).hexdigest()
        if digest != draw.drawn["assignment_hash"] or (
                draw.fixed is not None and draw.fixed["list_hash"]
                != list_hash(draw.drawn["selection_hash"], digest)):
            raise CeremonyError(f"draw {draw.draw_id}: the sealed assignment.csv is not the one "
                                "fixed by hash; the ledger was altered")
        teams = cls(data)
        for n, amendment in enumerate(draw.amendments, start=1):
            details = json.loads(open_sealed(key, draw.draw_id, f"amendment.{n}",
                                             amendment["sealed_details"]))
            _apply(details, amendment["kind"], teams, teams._replaced)
        return teams

    def __missing__(self, unit: str) -> tuple[str, ...]:
        if unit in self._gone:
            raise KeyError(unit)
        team = _team_in(self.assignment, unit)
        if not team:
            raise KeyError(unit)
        self[unit] = team
        return team

    def __delitem__(self, unit: str) -> None:
        super().__delitem__(unit)
        self._gone.add(unit)

    def team(self, unit: str) -> tuple[str, ...] | None:
        """The unit's team, or ``None`` if the unit is not on the list."""
        try:
            return self[unit]
        except KeyError:
            return None

    def units(self) -> list[str]:
        """Every unit on the list, in processing order, replacements where the units they
        replace stood."""
        rows = self.assignment.split(b"\n")[1:-1]
        order = list(dict.fromkeys(row.split(b",", 1)[0].decode("ascii") for row in rows))
        current = []
        for unit in order:
            while unit in self._replaced:
                replacement = self._replaced[unit]
                if replacement is None:
                    break
                unit = replacement
            else:
                current.append(unit)
        return current


def _team_in(assignment: bytes, unit: str) -> tuple[str, ...]:
    """One unit's team from ``assignment.csv`` (its rows are consecutive, by slot)."""
    marker = b"\n" + unit.encode("ascii") + b","
    start = assignment.find(marker)
    members: list[str] = []
    while start >= 0:
        end = assignment.index(b"\n", start + 1)
        members.append(assignment[start + 1:end].split(b",")[2].decode("ascii"))
        start = end if assignment.startswith(marker, end) else -1
    return tuple(members)


def default_entropy_plan() -> list[tuple[str, str]]:
    return [("witness", "纪检监察干部"), ("witness", "公证员"), ("dice", "现场掷骰（见证下）")]


def entropy_plan(witnesses: list[str], dice: str | None, external: str | None
                 ) -> list[tuple[str, str]]:
    """The announced order of the sources: the witnesses, then the dice, then the public value
    (the default plan when none is named)."""
    plan = [("witness", name) for name in witnesses]
    plan += [(k, name) for k, name in (("dice", dice), ("external", external)) if name is not None]
    return plan or default_entropy_plan()


def draw_row(draw: Draw) -> dict[str, Any]:
    """A draw in a list: kind, period, status, the counts drawn, the list hash once fixed."""
    return {"draw_id": draw.draw_id, "kind": draw.kind, "period": draw.period, "status": draw.status,
            "selected": draw.drawn["selected"] if draw.drawn else None,
            "list_hash": draw.fixed["list_hash"] if draw.fixed else None}


def _frozen(named: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    """The freeze's files: hash, size and content; ``conflicts.csv``'s rows each with a random
    salt for its commitment (:mod:`verify.conflict_commitments`)."""
    files: dict[str, dict[str, Any]] = {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
               "content": data.decode("utf-8")} for name, data in named.items()}
    rows = conflict_rows(files["conflicts"]["content"])
    files["conflicts"]["salts"] = [secrets.token_hex(16) for _ in rows]
    return files


def _commitments(draw: Draw) -> list[str] | None:
    """The run's salted commitments of the frozen conflicts (None: frozen without salts)."""
    conflicts = draw.files["conflicts"]
    if "salts" not in conflicts:
        return None
    return conflict_commitments(draw.draw_id, str(conflicts["content"]), list(conflicts["salts"]))


def public_summary(draw: Draw) -> dict[str, Any]:
    """What anyone may see of a draw before disclosure: never a selected unit or an entropy value."""
    plan = list(enumerate(draw.entropy_plan, start=1))
    return {
        "draw_id": draw.draw_id, "kind": draw.kind, "period": draw.period, "status": draw.status,
        "rulebook": draw.rulebook, "frozen_on": draw.frozen_on, "window": draw.window,
        "files": {name: {"sha256": f["sha256"], "bytes": f["bytes"]} for name, f in draw.files.items()},
        "strata": draw.strata, "exclusions": len(draw.exclusions),
        "entropy_plan": [{"k": k, **source} for k, source in plan],
        "commitments": [{"k": k, **c} for k, c in sorted(draw.commitments.items())],
        "entropy_recorded": sorted(draw.entropy),
        "refused_reveals": list(draw.refused_reveals),
        "seed_commitment": draw.seed_commitment,
        "refused_seed_attempts": draw.refused_attempts,
        "drawn": None if draw.drawn is None else {
            "selected": draw.drawn["selected"], "selection_hash": draw.drawn["selection_hash"],
            "assignment_hash": draw.drawn["assignment_hash"]},
        "fixed": draw.fixed,
        "amendments": {"count": len(draw.amendments),
                       "approved_by": [a["approved_by"] for a in draw.amendments]},
        "openings": draw.openings,
        "blocked": None if draw.blocked is None else {
            "reason": draw.blocked["reason"], "recorded_by": draw.blocked["recorded_by"]},
        "disclosed": draw.disclosed_key is not None,
    }


def open_draw(draw: Draw, key: bytes) -> Opened:
    """Open a draw's sealed parts with its key and re-run it: the entropy values, the result and
    the teams as amended. A function of the draw's events and the key alone (the public projection
    opens disclosed draws with it)."""
    values = _entropy_values(draw, key) if len(draw.entropy) == len(draw.entropy_plan) else []
    result = run_draw(_draw_inputs(draw), values) if draw.drawn is not None else None
    teams: dict[str, tuple[str, ...]] = {}
    replaced: dict[str, str | None] = {}
    if result is not None and isinstance(result.assignment, Assignment):
        _check_drawn(draw, result)
        teams = dict(result.assignment.teams())
        for n, amendment in enumerate(draw.amendments, start=1):
            details = json.loads(open_sealed(key, draw.draw_id, f"amendment.{n}",
                                             amendment["sealed_details"]))
            _apply(details, amendment["kind"], teams, replaced)
    return Opened(values, result, teams, replaced)


def _entropy_values(draw: Draw, key: bytes) -> list[str]:
    return [open_sealed(key, draw.draw_id, f"entropy.{k}", draw.entropy[k]).decode("utf-8")
            for k in range(1, len(draw.entropy_plan) + 1)]


def _draw_inputs(draw: Draw) -> Any:
    return read_draw_inputs(*(str(draw.files[n]["content"]).encode("utf-8")
                              for n in ("population", "inspectors", "conflicts", "params")))
