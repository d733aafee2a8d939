"""The audit bundle (审计包): everything an auditor needs to check the ledger offline.

``spotcheck export --out DIR`` writes, reading only (it never changes the ledger)::

    DIR/manifest.json        format, origin, counts, the latest checkpoint's size
    DIR/events.jsonl         one log entry per line, in log order (see docs/ledger-format.md)
    DIR/unlogged.jsonl       stored events that are not in the log, if any (each is a finding)
    DIR/checkpoints/<size>.note   every signed checkpoint issued, byte for byte
    DIR/keys/log.vkey        the log's public verifier key

Rows are exported as they are stored: an edited, deleted or forged row is written as found, so
that the verifier, not the exporter, decides what holds.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from uuid import UUID

import structlog
from eventsourcing.persistence import StoredEvent

from ledger.bootstrap import Ledger
from ledger.chained import content_of

BUNDLE_FORMAT = "spotcheck-bundle/1"
log = structlog.get_logger("spotcheck.export")

Progress = Callable[[int], None]


class ExportError(RuntimeError):
    """The bundle cannot be written where asked."""


@dataclass(frozen=True)
class ExportResult:
    directory: Path
    events: int
    unlogged: int
    checkpoints: int
    tree_size: int


def export_bundle(ledger: Ledger, out: Path, progress: Progress | None = None) -> ExportResult:
    started = time.perf_counter()
    _prepare(out)
    decoder = _Decoder(ledger)
    # Everything is bounded by the log's size now: a sync running meanwhile adds only entries
    # (and checkpoints) beyond it, which this bundle then leaves out, consistently.
    state = ledger.log.state()
    events = 0
    with (out / "events.jsonl").open("w", encoding="utf-8") as handle:
        for logged in ledger.log.logged_events(until=state.size):
            line: dict[str, Any] = {"index": logged.index, "entry": logged.entry.hex()}
            line.update(decoder.describe(logged.aggregate_id, logged.version, logged.topic,
                                         logged.state))
            _write_line(handle, line)
            events += 1
            if progress is not None and events % 10000 == 0:
                progress(events)
    unlogged = ledger.log.unlogged_events()
    with (out / "unlogged.jsonl").open("w", encoding="utf-8") as handle:
        for row in unlogged:
            line = {"notification_id": row.notification_id}
            line.update(decoder.describe(row.aggregate_id, row.version, row.topic, row.state))
            _write_line(handle, line)
    checkpoints = [c for c in ledger.log.checkpoints() if c.size <= state.size]
    (out / "checkpoints").mkdir()
    for checkpoint in checkpoints:
        (out / "checkpoints" / f"{checkpoint.size}.note").write_text(
            checkpoint.note, encoding="utf-8", newline=""
        )
    origin = _write_key(ledger, out)
    manifest = {
        "format": BUNDLE_FORMAT,
        "origin": origin,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tree_size": state.size,
        "events": events,
        "unlogged": len(unlogged),
        "checkpoints": [c.size for c in checkpoints],
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    log.info("export.written", directory=str(out), events=events, unlogged=len(unlogged),
             checkpoints=len(checkpoints), seconds=round(time.perf_counter() - started, 3))
    return ExportResult(out, events, len(unlogged), len(checkpoints), state.size)


def _prepare(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportError(f"--out {out}: exists and is not an empty directory")
    out.mkdir(parents=True, exist_ok=True)
    (out / "keys").mkdir()


def _write_key(ledger: Ledger, out: Path) -> str | None:
    """Copy the log's public key into the bundle (the private key is not needed, nor read)."""
    try:
        vkey = ledger.keys.public.read_text(encoding="utf-8").strip()
    except OSError:
        log.warning("export.no_public_key", path=str(ledger.keys.public))
        return None
    (out / "keys" / "log.vkey").write_text(vkey + "\n", encoding="utf-8")
    return vkey.split("+", 1)[0]


def _write_line(handle: IO[str], line: dict[str, Any]) -> None:
    handle.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")))
    handle.write("\n")


class _Decoder:
    """Turns stored rows into exported event content, reporting rows that cannot be read."""

    def __init__(self, ledger: Ledger) -> None:
        self.mapper = ledger.app.mapper

    def describe(
        self, aggregate_id: str, version: int, topic: str | None, state: bytes | None
    ) -> dict[str, Any]:
        if topic is None or state is None:
            return {"event": None, "event_hash": None,
                    "error": f"no stored event {aggregate_id} v{version} (deleted?)"}
        try:
            stored = StoredEvent(UUID(aggregate_id), version, topic, state)
            event: Any = self.mapper.to_domain_event(stored)
            return {"event": content_of(event, topic), "event_hash": event.event_hash}
        except Exception as exc:  # a damaged row is reported, not fatal to the export
            return {
                "event": None, "event_hash": None,
                "error": f"stored event {aggregate_id} v{version} cannot be read: {exc}",
            }

