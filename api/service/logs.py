"""The agencies' logs over HTTP (透明日志对外服务): tiles, receipts, event bodies, officers' steps.

* the tiled log (C2SP tlog-tiles) is public: its entries are event hashes and reveal nothing else;
* a receipt (C2SP tlog-proof) is public too, but carries the event body in its ``extra`` line only
  for a reader entitled to it: whoever reads the agency (its operator, an auditor at or above
  it), or the officer the event names (their own step);
* the event bodies, as JSON Lines, are for whoever reads the agency.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from api.access import AccessDenied, Caller
from api.service.context import Context, Download, RequestError
from ledger.errors import NotFound
from ledger.log.tiles import (
    TileNotFound,
    latest_checkpoint,
    parse_path,
    read_tile,
    served_checkpoint,
)
from verify.receipt import SUFFIX

if TYPE_CHECKING:
    from ledger.log.store import LoggedEvent

#: At most this many events in one range read.
MAX_RANGE = 1000

#: What an officer's step is called, by the event type's last part.
STEP_NAMES = {
    "RecordFiled": "提交检查记录", "RecordCorrected": "更正检查记录", "RecusalRequested": "回避申请",
    "SealedContentOpened": "查阅任务（开启密封内容）", "ListFixed": "名单确定（含人员分配）",
    "OrderRectified": "整改完成核查",
}


@dataclass(frozen=True)
class Tiled:
    """A tile or entry bundle: its bytes, and whether it is an entry bundle."""

    content: bytes
    entries: bool


class Logs:
    """The logs' public and entitled reads."""

    def __init__(self, context: Context) -> None:
        self.c = context

    # -- the tiled log (public) ----------------------------------------------------------------
    def checkpoint(self, code: str) -> str:
        """The latest signed checkpoint of the agency's log, with the witnesses' cosignatures."""
        self.c.access.agency(code)
        with self.c.database.transaction(read_only=True) as cur:
            return served_checkpoint(cur, code)[1]

    def tile(self, code: str, path: str) -> Tiled:
        """``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]`` of the agency's log, within
        its latest signed checkpoint."""
        self.c.access.agency(code)
        tile = parse_path(path)
        with self.c.database.transaction(read_only=True) as cur:
            latest = latest_checkpoint(cur, code)
            if latest is None:
                raise TileNotFound(f"log: {code} has no signed checkpoint yet")
            return Tiled(read_tile(cur, code, tile, latest.size), tile.is_entries)

    # -- receipts ------------------------------------------------------------------------------
    def receipt(self, caller: Caller, code: str, index: int) -> Download:
        """The receipt (tlog-proof@v1) of the event at ``index`` of the agency's log."""
        from ledger.services.receipts import receipt_text

        self.c.access.agency(code)
        with self.c.log_store() as ledger:
            text = receipt_text(ledger, code, index,
                                lambda event: self._entitled(caller, code, event))
        return Download(f"{code}-{index}{SUFFIX}", "text/plain; charset=utf-8", text.encode())

    def public_bundle(self, code: str) -> Download:
        """The public bundle of the agency's log (公开核验包), as a zip: every entry and
        checkpoint, and the bodies of exactly the events the rules make public, for anyone to
        check with ``spotcheck-verify`` (no personal data, no withheld text)."""
        from ledger.services.public_bundle import public_bundle_zip

        self.c.access.agency(code)
        with self.c.log_store() as ledger:
            filename, content = public_bundle_zip(ledger, code)
        return Download(filename, "application/zip", content)

    def _entitled(self, caller: Caller, code: str, event: dict[str, Any]) -> bool:
        """Whether the caller may read the event's body: whoever reads the agency, or the
        officer the event names (and any officer the fixing of a list, whose body is the list's
        hash, as the draw's public view shows it)."""
        account = caller.account
        if account is not None and account.role == "officer":  # a fixing holds a hash only
            return _names(event, account.certificate) or str(event["type"]).endswith(
                "Draw.ListFixed")
        try:
            self.c.access.read(caller, code)
        except (AccessDenied, PermissionError):
            return False
        return True

    # -- event bodies (entitled) ---------------------------------------------------------------
    def events(self, caller: Caller, code: str, start: int, end: int | None) -> Iterator[bytes]:
        """Events ``[start, end)`` of the agency's log as JSON Lines (index, entry, event,
        event_hash): the same lines as an audit bundle's ``events.jsonl``."""
        from ledger.services.export import EventDecoder

        self.c.access.read(caller, code)
        with self.c.database.transaction(read_only=True) as cur:
            latest = latest_checkpoint(cur, code)
        size = 0 if latest is None else latest.size
        end = size if end is None else end
        if not 0 <= start <= end:
            raise RequestError(f"start: {start} must be between 0 and end ({end})")
        if end > size:
            raise RequestError(f"end: {end} is beyond the signed size {size} of log {code}")
        if end - start > MAX_RANGE:
            raise RequestError(f"end: at most {MAX_RANGE} events per request ({start}..{end} asked)")
        with self.c.log_store() as ledger:
            rows = ledger.store.logged_range(code, start, end)
            decoder = EventDecoder(ledger)
            lines = [_line(row, decoder) for row in rows]
        return iter(lines)

    # -- the log's witnesses --------------------------------------------------------------------
    def witnesses(self, caller: Caller, code: str) -> list[dict[str, Any]]:
        """How far behind each of the log's witnesses is, and its last answer (who reads the
        agency: its operator, an auditor above it)."""
        self.c.access.read(caller, code)
        with self.c.log_store() as ledger:
            rows: list[dict[str, Any]] = ledger.witnessing.status(code)
        return rows

    # -- an officer's steps --------------------------------------------------------------------
    def officer_steps(self, caller: Caller, certificate: str) -> list[dict[str, Any]]:
        """The events of an officer's own steps in their agency's log, each with its index and
        its receipt's address: every event naming their certificate (the records they filed,
        their recusals, their recorded readings of their tasks) and the fixing of each list
        that assigned them (its hash binds the assignment)."""
        from uuid import UUID

        from ledger.domain.agency import Agency
        from ledger.domain.draw import draw_uuid
        from ledger.domain.inspector import Inspector, inspector_id
        from ledger.services.export import EventDecoder

        uuid = inspector_id(certificate)
        if uuid not in self.c.app.repository:
            raise NotFound(f"certificate: no inspector {certificate}")
        officer: Inspector = self.c.app.repository.get(uuid)
        agency: Agency = self.c.app.repository.get(UUID(officer.agency_id))
        code = agency.division_code
        own = self.c.access.officer_or_read(caller, code)
        if own is not None and own != certificate:
            raise AccessDenied(f"certificate: officer {own} reads their own steps, not "
                               f"{certificate}'s")
        quoted = json.dumps(certificate).encode()
        steps: list[dict[str, Any]] = []
        draw_of: dict[str, str] = {}  # inspection aggregate → its draw's aggregate
        fixings: dict[str, dict[str, Any]] = {}  # draw aggregate → the step fixing its list
        visited: set[str] = set()  # inspections whose events name the officer
        with self.c.log_store() as ledger:
            decoder = EventDecoder(ledger)
            for logged in ledger.log(code).logged_events():
                topic = logged.topic or ""
                opened = topic.endswith("Inspection.Opened")
                fixing = topic.endswith("Draw.ListFixed")
                state = logged.state or b""
                if quoted not in state and not opened and not fixing:
                    continue
                event = decoder.describe(logged.aggregate_id, logged.version, topic,
                                         state).get("event")
                if event is None:
                    continue
                step = _step(code, logged.index, logged.entry.hex(), event)
                if opened:
                    draw_of[logged.aggregate_id] = str(draw_uuid(event["data"]["draw_id"]))
                if fixing:
                    fixings[logged.aggregate_id] = step
                if _names(event, certificate):
                    steps.append(step)
                    visited.add(logged.aggregate_id)
        assigned = {draw_of[a] for a in visited if a in draw_of}
        steps += [fixings[d] for d in assigned if d in fixings]
        steps.sort(key=lambda s: int(s["index"]))
        return steps


def _step(code: str, index: int, digest: str, event: dict[str, Any]) -> dict[str, Any]:
    kind = str(event["type"]).rsplit(".", 1)[-1]
    return {"index": index, "log": code, "type": event["type"],
            "step": STEP_NAMES.get(kind, kind), "timestamp": event["timestamp"],
            "event_hash": digest, "receipt": f"/logs/{code}/receipts/{index}"}


def _names(event: dict[str, Any], certificate: str) -> bool:
    """Whether the event's data names ``certificate`` anywhere (as a whole string value)."""
    def walk(value: Any) -> bool:
        if isinstance(value, str):
            return value == certificate
        if isinstance(value, dict):
            return any(walk(v) for v in value.values())
        if isinstance(value, list):
            return any(walk(v) for v in value)
        return False
    return bool(certificate) and walk(event.get("data"))


def _line(row: LoggedEvent, decoder: Any) -> bytes:
    line: dict[str, Any] = {"index": row.index, "entry": row.entry.hex()}
    line.update(decoder.describe(row.aggregate_id, row.version, row.topic, row.state))
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
