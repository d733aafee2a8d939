"""Where a published fact sits in the agency's log (日志位置): the events behind a result page.

A citizen reading a published result is shown the events that make it — the list fixed
(``ListFixed``), the task notice (``Disclosed``) and the result itself (``ResultDisclosed``) —
each with its event hash and the log and index it was logged at, so that a receipt of that entry
(``/logs/<log>/receipts/<index>``) can be fetched and checked in the reader's browser or offline.
Only events that are public anyway are located here; nothing sealed is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from api.service.context import Context
from ledger.errors import NotFound


@dataclass(frozen=True)
class LoggedFact:
    """One public event: what it is, when it was declared, its hash, and where it was logged."""

    what: str  # list_fixed, disclosed, result_disclosed
    on: str
    event_hash: str
    log: str | None
    index: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"what": self.what, "on": self.on, "event_hash": self.event_hash, "log": self.log,
                "index": self.index}


_WANTED = {"ListFixed": ("list_fixed", "fixed_on"), "Disclosed": ("disclosed", "disclosed_on"),
           "ResultDisclosed": ("result_disclosed", "disclosed_on")}


class Evidence:
    def __init__(self, context: Context) -> None:
        self.c = context

    def _facts(self, originator: UUID, kinds: tuple[str, ...]) -> list[LoggedFact]:
        found = []
        events = list(self.c.app.repository.event_store.get(originator))
        with self.c.log_store() as ledger:
            for event in events:
                name = type(event).__name__
                if name not in kinds:
                    continue
                what, date_field = _WANTED[name]
                at = ledger.store.locate(str(originator), int(event.originator_version))
                found.append(LoggedFact(what, str(getattr(event, date_field, "")),
                                        str(event.event_hash), *(at or (None, None))))
        return found

    def of_result(self, draw_id: str, unit: str) -> list[LoggedFact]:
        """The list's fixing and disclosure of the draw, and the published result of ``unit``:
        public facts only (a result that is not published is not found)."""
        inspection = self.c.spotcheck.inspections.inspection(draw_id, unit)
        if inspection is None or inspection.disclosed is None:
            raise NotFound(f"unit: no published result of {unit} in {draw_id}")
        draw = self.c.spotcheck.ceremony.draw(draw_id)
        return [*self._facts(draw.id, ("ListFixed", "Disclosed")),
                *self._facts(inspection.id, ("ResultDisclosed",))]

    def log_keys(self) -> dict[str, list[str]]:
        """Each agency log's verifier keys (the key in force first, then keys rotated out): public
        keys, shown on the receipt page so a reader sees what a receipt is checked against."""
        from ledger.log.keys import KeyFileError, KeyFiles
        from ledger.services.directory_view import agencies

        keys: dict[str, list[str]] = {}
        keys_dir = self.c.spotcheck.ledger.settings.keys_dir
        for code in sorted(a.division_code for a in agencies(self.c.app)):
            try:
                found = [v.verifier_key_text() for v in KeyFiles.for_log(keys_dir, code).verifiers()]
            except KeyFileError:
                found = []
            if found:
                keys[code] = found
        return keys

    def witness_keys(self) -> dict[str, list[str]]:
        """Each agency log's witnesses' cosigner verifier keys, as configured for the log (public
        keys: the receipt page checks the cosignatures against them)."""
        keys: dict[str, list[str]] = {}
        with self.c.log_store() as ledger:
            for witness in ledger.witnessing.witnesses():
                keys.setdefault(witness.log, []).append(witness.key)
        return keys
