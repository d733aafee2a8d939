"""What the public may see (一公开), and who may see what (按角色的读取权限).

The public pages of an agency follow the four sections agencies publish:

``items``    抽查事项清单 — the inspection-item list of the rulebook in force (item, legal basis,
             content);
``plan``     抽查计划公告 — the annual plan's figures per category and quarter, and the year's
             list of units under random supervision where the agency published it (seed 001);
``tasks``    抽查任务公告 — a draw's units and teams, once the draw is disclosed (after the visits);
``results``  抽查结果公告 — each result as published: masked, withheld fields replaced.

The sections are read from the public projection (:mod:`projections.public`), brought up to the
log's head first, so a page costs a few indexed queries, not a replay of the ledger. Results were
masked against the unit's and the officers' names when they were disclosed; every page passes
:func:`ledger.domain.masking.assert_publishable` again on its way out (no identity number anywhere); a
sealed draw contributes nothing but the fact that its list was fixed, and when.

Roles (:class:`Viewer`): the public sees only the above; an officer also sees their own tasks; an
agency sees everything of its own; the level above sees its own and its agencies'.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.domain.agency import Agency, agency_id
from ledger.domain.inspection import Inspection
from ledger.domain.masking import assert_publishable
from ledger.errors import Forbidden
from ledger.services.application import LedgerApp
from ledger.services.ceremony import Ceremony
from ledger.services.directory_view import events_by_topic
from projections.public import PublicProjection, public_pages, search_results
from projections.runner import ProjectionError, ProjectionStore, Runner

ROLES = ("public", "officer", "agency", "superior")
_OPENED = "ledger.inspection:Inspection.Opened"  # its event type (docs/ledger-format.md)


class AccessError(Forbidden):
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
    """The read side of publication: the public projection, and the ledger for the roles."""

    def __init__(self, app: LedgerApp, ceremony: Ceremony, open_runner: Callable[[], Runner],
                 reads: ProjectionStore | None = None) -> None:
        self.app = app
        self.ceremony = ceremony
        self._open_runner = open_runner
        self._reads = reads

    @contextmanager
    def _projection(self) -> Iterator[ProjectionStore]:
        """The public projection: as it stands in ``reads`` when given (a service, beside a
        projection worker that keeps it up to date), else first brought up to the log's head in
        this process."""
        if self._reads is not None:
            yield self._reads
            return
        with closing(self._open_runner()) as runner:
            runner.run(PublicProjection.name)
            failure = runner.failures().get(PublicProjection.name)
            if failure is not None:  # incomplete pages are never published
                raise ProjectionError(
                    f"public: the public projection stopped before {failure.describe()}; the "
                    "pages would be incomplete (see `spotcheck project status`)")
            yield runner.store

    # -- the four public sections ----------------------------------------------------------------
    def agency_pages(self, code: str, year: int) -> dict[str, Any]:
        """An agency's public pages for a year, checked by the publication guard."""
        with self._projection() as store:
            pages = public_pages(store, code, year)
        assert_publishable(pages, ())
        return pages

    def search(self, text: str, year: int | None = None, agency: str | None = None,
               quarter: int | None = None) -> list[dict[str, Any]]:
        """Published results whose unit name or credit code contains ``text``: every agency, or
        one (``agency``, its division code), a year, a quarter of it."""
        with self._projection() as store:
            found = search_results(store, text, year=year, agency=agency, quarter=quarter)
        assert_publishable(found, ())
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

    # -- loading ---------------------------------------------------------------------------------
    def _agency(self, code: str) -> Agency:
        uuid = agency_id(code)
        if uuid not in self.app.repository:
            raise AccessError(f"agency: no agency with division code {code}")
        found: Agency = self.app.repository.get(uuid)
        return found

    def _inspections(self, code: str) -> list[Inspection]:
        found: list[Inspection] = []
        for opened in events_by_topic(self.app, (_OPENED,)):
            if str(opened.draw_id).startswith(f"{code}-"):
                found.append(self.app.repository.get(opened.originator_id))
        return found
