"""What the public may see (一公开), and who may see what (按角色的读取权限).

The public pages of an agency follow the four sections agencies publish:

``items``    抽查事项清单 — the inspection-item list of the rulebook in force (item, legal basis,
             content);
``plan``     抽查计划公告 — the annual plan's figures per category and quarter, and the year's
             list of units under random supervision where the agency published it (seed 001);
``tasks``    抽查任务公告 — a draw's units and teams, once the draw is disclosed (after the visits);
``results``  抽查结果公告 — each result as published: masked, withheld fields replaced.

Every public value passes :func:`ledger.masking.assert_publishable` against the natural persons
the agency knows (legal representatives, officers), so no public output carries an unmasked
identity number or a full name; a sealed draw contributes nothing but the fact that its list was
fixed, and when.

Roles (:class:`Viewer`): the public sees only the above; an officer also sees their own tasks; an
agency sees everything of its own; the level above sees its own and its agencies'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.agency import Agency, agency_id
from ledger.application import LedgerApp
from ledger.directory_view import agencies, directories, events_by_topic
from ledger.draw import Draw
from ledger.draw_ceremony import Ceremony
from ledger.inspection import Inspection
from ledger.masking import Masker, NamePattern, assert_publishable

ROLES = ("public", "officer", "agency", "superior")
_FROZEN = f"{Draw.__module__}:{Draw.__qualname__}.PopulationFrozen"
_OPENED = f"{Inspection.__module__}:{Inspection.__qualname__}.Opened"


class AccessError(PermissionError):
    """A viewer asked for what their role may not see; the message says which rule."""


@dataclass(frozen=True)
class Viewer:
    """Who is reading: a role, and for officers their certificate, for agencies their code."""

    role: str = "public"
    agency: str = ""
    certificate: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise AccessError(f"role: {self.role!r} is not one of {', '.join(ROLES)}")
        if self.role == "officer" and not self.certificate:
            raise AccessError("certificate: an officer reads as themselves")
        if self.role in ("agency", "superior") and not self.agency:
            raise AccessError("agency: an agency reads as itself (its division code)")


class PublicView:
    """The read side of publication, rebuilt from the ledger on each call."""

    def __init__(self, app: LedgerApp, ceremony: Ceremony, names: NamePattern | None = None) -> None:
        self.app = app
        self.ceremony = ceremony
        self.names = names or NamePattern()

    # -- the four public sections ----------------------------------------------------------------
    def agency_pages(self, code: str, year: int) -> dict[str, Any]:
        """An agency's public pages for a year, checked by the publication guard."""
        agency = self._agency(code)
        people = self._people(agency)
        masker = Masker(people, self.names)
        pages = masker.mask_value({
            "agency": {"name": agency.name, "division_code": code},
            "items": self._items(agency, year),
            "plan": self._plan(agency, year),
            "tasks": [self._task_notice(d) for d in self._draws(code, year)
                      if d.disclosed_key is not None],
            "fixed_lists": [{"draw_id": d.draw_id, "period": d.period,
                             "fixed_on": d.fixed["fixed_on"], "list_hash": d.fixed["list_hash"]}
                            for d in self._draws(code, year) if d.fixed is not None],
            "results": [i.disclosed["public"] for i in self._inspections(code)
                        if i.disclosed is not None and i.draw_id.split("-")[1].startswith(str(year))],
        })
        assert_publishable(pages, people)
        return dict(pages)

    def search(self, text: str, year: int) -> list[dict[str, Any]]:
        """Published results whose unit name or credit code contains ``text``, all agencies."""
        found = []
        for agency in agencies(self.app):
            for result in self.agency_pages(agency.division_code, year)["results"]:
                if text in str(result["unit"]) or text in str(result["credit_code"]):
                    found.append(result)
        return found

    # -- by role ---------------------------------------------------------------------------------
    def tasks_for(self, viewer: Viewer, draw_id: str, why: str) -> dict[str, tuple[str, ...]]:
        """The teams a viewer may see in a fixed list before disclosure: an officer their own
        (the opening is recorded); the agency or the level above all of it (recorded too)."""
        draw = self.ceremony.draw(draw_id)
        code = draw.draw_id.split("-", 1)[0]
        if viewer.role == "public":
            if draw.disclosed_key is None:
                raise AccessError("role: the public sees a list once it is disclosed (抽查保密)")
            return self.ceremony.open(draw_id).teams
        if viewer.role == "officer":
            return self.ceremony.tasks_of(draw_id, viewer.certificate, why)
        self._may_read_agency(viewer, code)
        who = f"{viewer.role} {viewer.agency}"
        return self.ceremony.open_list(draw_id, who, why).teams

    def records_for(self, viewer: Viewer, code: str) -> list[dict[str, Any]]:
        """Full records (not the public results): an officer's own, an agency's own, or the
        level above's agencies'. The public gets none."""
        if viewer.role == "public":
            raise AccessError("role: the public sees published results, not records")
        rows = []
        if viewer.role != "officer":
            self._may_read_agency(viewer, code)
        for inspection in self._inspections(code):
            record = inspection.record
            if record is None:
                continue
            if viewer.role == "officer" and viewer.certificate not in record["officers"]:
                continue
            rows.append({"draw_id": inspection.draw_id, "unit": inspection.unit, "record": record})
        return rows

    def _may_read_agency(self, viewer: Viewer, code: str) -> None:
        if viewer.role == "agency" and viewer.agency != code:
            raise AccessError(f"agency: {viewer.agency} reads its own records, not {code}'s")
        if viewer.role == "superior" and viewer.agency != code and not self._is_below(code,
                                                                                      viewer.agency):
            raise AccessError(f"agency: {code} is not below {viewer.agency}")

    def _is_below(self, code: str, above: str) -> bool:
        agency = self._agency(code)
        while agency.parent_id:
            parent: Agency = self.app.repository.get(UUID(agency.parent_id))
            if parent.division_code == above:
                return True
            agency = parent
        return False

    # -- sections --------------------------------------------------------------------------------
    def _items(self, agency: Agency, year: int) -> list[dict[str, str]]:
        rulebook = agency.rulebook_in_force(f"{year}-12-31")
        if rulebook is None:
            return []
        return [{"item": i.item, "legal_basis": i.legal_basis, "content": i.content}
                for i in rulebook.inspection_items]

    @staticmethod
    def _plan(agency: Agency, year: int) -> dict[str, Any]:
        plan = agency.plans.get(year)
        published = agency.published_lists.get(year, [])
        if plan is None:
            return {"year": year, "filed": False, "units_under_supervision": published}
        return {"year": year, "filed": True, "rulebook": plan["rulebook"],
                "quotas": [{"quarter": q["quarter"], "category": q["category"],
                            "required": q["required"]} for q in plan["quotas"]],
                "units_under_supervision": published}

    def _task_notice(self, draw: Draw) -> dict[str, Any]:
        opened = self.ceremony.open(draw.draw_id)
        units = {u.credit_code: u.name for u in
                 directories(self.app, UUID(draw.agency_id)).objects}
        return {"draw_id": draw.draw_id, "period": draw.period, "kind": draw.kind,
                "list_hash": draw.fixed["list_hash"] if draw.fixed else "",
                "tasks": [{"unit": units.get(code, code), "credit_code": code, "officers": list(team)}
                          for code, team in opened.teams.items()]}

    # -- loading ---------------------------------------------------------------------------------
    def _agency(self, code: str) -> Agency:
        uuid = agency_id(code)
        if uuid not in self.app.repository:
            raise AccessError(f"agency: no agency with division code {code}")
        found: Agency = self.app.repository.get(uuid)
        return found

    def _people(self, agency: Agency) -> list[str]:
        dirs = directories(self.app, agency.id)
        names = [str(u.details.get("legal_representative", "")) for u in dirs.objects]
        names += [i.name for i in dirs.inspectors]
        return sorted({n for n in names if len(n.strip()) >= 2})

    def _draws(self, code: str, year: int) -> list[Draw]:
        return [self.ceremony.draw(str(e.draw_id)) for e in events_by_topic(self.app, (_FROZEN,))
                if str(e.draw_id).startswith(f"{code}-{year}")]

    def _inspections(self, code: str) -> list[Inspection]:
        found: list[Inspection] = []
        for opened in events_by_topic(self.app, (_OPENED,)):
            if str(opened.draw_id).startswith(f"{code}-"):
                found.append(self.app.repository.get(opened.originator_id))
        return found
