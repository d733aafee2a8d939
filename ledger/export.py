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
    with ledger.log.snapshot():  # one consistent view, whatever a running sync does meanwhile
        state = ledger.log.state()
        events = _write_events(ledger, decoder, out / "events.jsonl", progress)
        unlogged = _write_unlogged(ledger, decoder, out / "unlogged.jsonl")
        checkpoints = [c for c in ledger.log.checkpoints() if c.size <= state.size]
    (out / "checkpoints").mkdir()
    for checkpoint in checkpoints:
        (out / "checkpoints" / f"{checkpoint.size}.note").write_text(
            checkpoint.note, encoding="utf-8", newline=""
        )
    manifest = {
        "format": BUNDLE_FORMAT,
        "origin": _write_key(ledger, out),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tree_size": state.size,
        "events": events,
        "unlogged": unlogged,
        "checkpoints": [c.size for c in checkpoints],
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    log.info("export.written", directory=str(out), events=events, unlogged=unlogged,
             checkpoints=len(checkpoints), seconds=round(time.perf_counter() - started, 3))
    return ExportResult(out, events, unlogged, len(checkpoints), state.size)


def _write_events(
    ledger: Ledger, decoder: _Decoder, path: Path, progress: Progress | None
) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for logged in ledger.log.logged_events():
            line: dict[str, Any] = {"index": logged.index, "entry": logged.entry.hex()}
            line.update(decoder.describe(logged.aggregate_id, logged.version, logged.topic,
                                         logged.state))
            _write_line(handle, line)
            count += 1
            if progress is not None and count % 10000 == 0:
                progress(count)
    return count


def _write_unlogged(ledger: Ledger, decoder: _Decoder, path: Path) -> int:
    rows = ledger.log.unlogged_events()
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            line: dict[str, Any] = {"notification_id": row.notification_id}
            line.update(decoder.describe(row.aggregate_id, row.version, row.topic, row.state))
            _write_line(handle, line)
    return len(rows)


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

