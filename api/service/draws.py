"""The draw ceremony for an account (摇号仪式): freeze, commitments, reveals, dice, the external
value, the seed, the run, fixing, amendments, blocking, tasks, the sealed files, disclosure.

Each step is one use case of :class:`ledger.services.ceremony.Ceremony` (the command line calls the
same ones). Who did it is the account: its label fills the "by" fields the events have, and every
event records the account as its actor. Every opening of sealed content records the account and
the reason given.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from api.access import Caller
from api.service.context import Context, Download, RequestError, day
from ledger.domain.directory import InspectionObject, object_id
from ledger.domain.inspector import inspector_id
from ledger.services.ceremony import draw_row, entropy_plan, public_summary


class Draws:
    def __init__(self, context: Context) -> None:
        self.c = context

    @property
    def ceremony(self) -> Any:
        return self.c.spotcheck.ceremony

    def _draw(self, draw_id: str) -> Any:
        self.c.access.draw_agency(draw_id)
        return self.ceremony.draw(draw_id)

    def _operate(self, caller: Caller, draw_id: str) -> None:
        self.c.access.operate(caller, self.c.access.draw_agency(draw_id))

    # -- reading (public) -------------------------------------------------------------------------
    def all(self, agency: str | None = None) -> list[dict[str, Any]]:
        """Every draw, or an agency's: kind, period, status, counts drawn, list hash (public)."""
        if agency is not None:
            self.c.access.agency(agency)
        return [draw_row(self.ceremony.draw(d)) for d in self.ceremony.draw_ids(agency)]

    def show(self, draw_id: str) -> dict[str, Any]:
        """The public view of a draw: never a selected unit or an entropy value before disclosure."""
        return public_summary(self._draw(draw_id))

    # -- freeze and the seed ceremony -------------------------------------------------------------
    def freeze(self, caller: Caller, code: str, period: str, on: str | None, *,
               kind: str = "units", witnesses: list[str] | None = None, dice: str | None = None,
               external: str | None = None, load_cap: int = 0) -> dict[str, Any]:
        """Freeze the inputs inside the draw window, announcing the entropy plan (冻结)."""
        self.c.access.operate(caller, code)
        plan = entropy_plan(list(witnesses or []), dice, external)
        with self.c.writing(caller):
            draw = self.ceremony.freeze(code, period, day(on, "frozen_on"), plan, kind=kind,
                                        load_cap=load_cap)
        return public_summary(draw)

    def commit(self, caller: Caller, draw_id: str, k: int, role: str,
               commitment: str) -> dict[str, Any]:
        """The witness's own commitment (见证人承诺): SHA-256 of the value they will reveal."""
        self._draw(draw_id)
        account = self.c.access.witness(caller, draw_id, k)
        with self.c.writing(caller):
            draw = self.ceremony.commit(draw_id, k, account.name, role, commitment)
        return public_summary(draw)

    def reveal(self, caller: Caller, draw_id: str, k: int, value: str) -> dict[str, Any]:
        """The witness's own reveal (揭示), checked against the commitment; a mismatch is recorded
        and refused."""
        self._draw(draw_id)
        self.c.access.witness(caller, draw_id, k)
        with self.c.writing(caller):
            draw = self.ceremony.record_source(draw_id, k, "witness", value)
        return public_summary(draw)

    def dice(self, caller: Caller, draw_id: str, k: int, digits: str,
             witnessed_by: list[str]) -> dict[str, Any]:
        """The witnessed dice roll (现场掷骰), after every witness has revealed."""
        self._operate(caller, draw_id)
        if not [w for w in witnessed_by if w.strip()]:
            raise RequestError("witnessed_by: a dice roll names who watched it")
        with self.c.writing(caller):
            draw = self.ceremony.record_source(draw_id, k, "dice", digits, witnessed_by)
        return public_summary(draw)

    def external(self, caller: Caller, draw_id: str, k: int, value: str) -> dict[str, Any]:
        """The pre-announced public value (外部公开值), after every witness has revealed."""
        self._operate(caller, draw_id)
        with self.c.writing(caller):
            draw = self.ceremony.record_source(draw_id, k, "external", value)
        return public_summary(draw)

    def seed(self, caller: Caller, draw_id: str) -> dict[str, Any]:
        """Derive the one seed (种子); a second attempt is recorded and refused (409)."""
        self._operate(caller, draw_id)
        with self.c.writing(caller):
            draw = self.ceremony.derive_seed(draw_id, caller.label())
        return public_summary(draw)

    def block(self, caller: Caller, draw_id: str, reason: str, detail: str = "") -> dict[str, Any]:
        """Stop a draw for good (a witness never revealed)."""
        self._operate(caller, draw_id)
        with self.c.writing(caller):
            draw = self.ceremony.block(draw_id, reason, detail, caller.label())
        return public_summary(draw)

    # -- run, fix, amend -------------------------------------------------------------------------
    def run(self, caller: Caller, draw_id: str) -> dict[str, Any]:
        """Draw the units and assign the teams (sealed; their hashes are public)."""
        self._operate(caller, draw_id)
        with self.c.writing(caller):
            draw = self.ceremony.run(draw_id)
        return public_summary(draw)

    def fix(self, caller: Caller, draw_id: str, on: str | None) -> dict[str, Any]:
        """Fix the list (确定): from now on it changes only by amendments."""
        self._operate(caller, draw_id)
        with self.c.writing(caller):
            draw = self.ceremony.fix(draw_id, caller.label(), day(on, "fixed_on"))
        return public_summary(draw)

    def amend(self, caller: Caller, draw_id: str, reason: str, approved_by: str, *,
              replace_unit: str | None = None, recuse: str | None = None,
              unit: str | None = None) -> dict[str, Any]:
        """Amend a fixed list: replace a closed or relocated unit, or fill a recusal (回避)."""
        self._operate(caller, draw_id)
        if (replace_unit is None) == (recuse is None) or (recuse is not None and unit is None):
            raise RequestError("amendment: give replace_unit, or recuse with unit")
        with self.c.writing(caller):
            if replace_unit is not None:
                found = self.ceremony.replace_unit(draw_id, replace_unit, reason, approved_by)
                outcome = {"replaced": replace_unit, "replacement": found}
            else:
                assert recuse is not None and unit is not None
                replacement = self.ceremony.recuse(draw_id, unit, recuse, reason, approved_by)
                outcome = {"recused": recuse, "unit": unit, "replacement": replacement}
        return {"amendment": outcome, "draw": public_summary(self.ceremony.draw(draw_id))}

    # -- sealed content --------------------------------------------------------------------------
    def tasks(self, caller: Caller, draw_id: str, why: str) -> dict[str, Any]:
        """Before disclosure, the teams a caller may see: an officer their own tasks, the operator
        or an auditor above the whole list. The opening is recorded (who: the account; why)."""
        code = self.c.access.draw_agency(draw_id)
        certificate = self.c.access.officer_or_read(caller, code)
        with self.c.writing(caller):
            if certificate is not None:
                teams = self.ceremony.tasks_of(draw_id, certificate, why)
            else:
                teams = self.ceremony.open_list(draw_id, caller.label("administrator"), why,
                                                "list").teams
        draw = self.ceremony.draw(draw_id)
        return {"draw_id": draw_id, "opened_by": caller.label("administrator"), "why": why,
                "tasks": [task_row(self.c.app, draw.agency_id, unit, team)
                          for unit, team in sorted(teams.items())]}

    def files(self, caller: Caller, draw_id: str, why: str) -> Download:
        """The spec's files of a draw (inputs, seed, selection, assignment) as a zip, for the
        operator or an auditor above; the opening is recorded first."""
        code = self.c.access.draw_agency(draw_id)
        self.c.access.read(caller, code)
        with self.c.writing(caller):
            self.ceremony.open_list(draw_id, caller.label("administrator"), why, "files")
        files = self.ceremony.files(draw_id)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in sorted(files.items()):
                archive.writestr(f"{draw_id}/{name}", data)
        return Download(f"{draw_id}.zip", "application/zip", buffer.getvalue())

    def disclose(self, caller: Caller, draw_id: str, on: str | None) -> dict[str, Any]:
        """The task notice (抽查任务公告): publish the key once every visit is recorded or the
        quarter is over; anyone can then check the seed and the list."""
        self._operate(caller, draw_id)
        with self.c.writing(caller):
            draw = self.c.spotcheck.inspections.disclose_list(draw_id, caller.label(),
                                                              day(on, "disclosed_on"))
        return public_summary(draw)


def task_row(app: Any, agency_uuid: str, unit: str, team: tuple[str, ...]) -> dict[str, Any]:
    """One task as people read it: the unit's code, name and address, and its team with names."""
    uuid = object_id(agency_uuid, unit)
    found: InspectionObject | None = app.repository.get(uuid) if uuid in app.repository else None
    names = []
    for certificate in team:
        officer = inspector_id(certificate)
        names.append(app.repository.get(officer).name if officer in app.repository else "")
    return {"credit_code": unit, "name": found.name if found else "",
            "address": found.details.get("address", "") if found else "", "team": list(team),
            "officers": [{"certificate": c, "name": n} for c, n in zip(team, names, strict=True)]}
