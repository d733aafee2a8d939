"""The public bundle (公开核验包): what anyone may hold to check an agency's log, without personal data.

The audit bundle (:mod:`ledger.services.export`) carries every event in full — legal
representatives' names and phones, declared conflicts of interest, internal remarks, remarks
withheld after the confidentiality review — and is for auditors only. The public bundle carries
every log entry and every signed checkpoint, so that the whole log's integrity can be checked, but
the **body** of an event only where the rules make it public: the event vocabulary's
``x-public`` (``docs/events.schema.json``, read through :mod:`verify.events_schema`) says
``always``, ``once-disclosed`` (an inspection task, once its draw is disclosed) or ``never``::

    DIR/manifest.json              format spotcheck-public-bundle/1, log, origin, counts, draws
    DIR/events.jsonl               one line per log entry: the body where public, else only the
                                   entry and the event's type ("withheld")
    DIR/unlogged.jsonl             stored events in no log: notification id and type only
    DIR/checkpoints/<size>.note    every signed checkpoint, byte for byte
    DIR/keys/log.vkey              the log's public verifier keys
    DIR/draws/<draw_id>/freeze.json   the draw's freeze without the files' content (its body holds
                                   the declared conflicts), the conflicts' salts and the
                                   inspectors' exclusions
    DIR/draws/<draw_id>/population.csv, inspectors.csv, params.txt   once the draw is disclosed

``spotcheck-verify DIR`` checks it (``docs/ledger-format.md`` §6.6 and §7.4).
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ledger.adapters.observability import get_logger
from ledger.log.store import Log
from ledger.services.export import (
    EventDecoder,
    checkpoint_notes,
    prepare_out,
    unlogged_rows,
    write_keys,
    write_line,
    zipped,
)
from ledger.services.ledger import Ledger
from verify.events_schema import ALWAYS, ONCE_DISCLOSED, EventSchema, event_schema

PUBLIC_FORMAT = "spotcheck-public-bundle/1"
FREEZE_TYPE = "ledger.draw:Draw.PopulationFrozen"
DISCLOSED_TYPE = "ledger.draw:Draw.Disclosed"
#: The frozen files a public bundle carries once the draw is disclosed (never conflicts.csv).
PUBLIC_DRAW_FILES = {"population": "population.csv", "inspectors": "inspectors.csv",
                     "params": "params.txt"}

log = get_logger("spotcheck.export")
Progress = Callable[[int], None]


@dataclass(frozen=True)
class PublicExportResult:
    directory: Path
    log: str
    events: int
    bodies: int
    withheld: int
    checkpoints: int
    tree_size: int
    draws: int


def export_public_bundle(
    ledger: Ledger, out: Path, log_name: str | None = None, progress: Progress | None = None
) -> PublicExportResult:
    """Write the public bundle of one log (``log_name``; None: the only log there is)."""
    started = time.perf_counter()
    chosen = ledger.log(log_name)
    prepare_out(out)
    decoder = EventDecoder(ledger)
    schema = event_schema()
    with ledger.store.snapshot():
        state = chosen.state()
        disclosed = _disclosed_draws(chosen, decoder)
        writer = _Writer(out, schema, disclosed)
        with (out / "events.jsonl").open("w", encoding="utf-8") as handle:
            for logged in chosen.logged_events(below=state.size):
                write_line(handle, writer.line(logged.index, logged.entry.hex(), decoder.describe(
                    logged.aggregate_id, logged.version, logged.topic, logged.state)))
                if progress is not None and writer.events % 10000 == 0:
                    progress(writer.events)
        unlogged = unlogged_rows(ledger, chosen, decoder)
        checkpoints = [c for c in chosen.checkpoints() if c.size <= state.size]
        notes = checkpoint_notes(ledger, chosen, checkpoints)  # (cosignatures are public)
    with (out / "unlogged.jsonl").open("w", encoding="utf-8") as handle:
        for row in unlogged:
            write_line(handle, {"notification_id": row.notification_id, "withheld": row.topic})
    (out / "checkpoints").mkdir()
    for checkpoint, note in zip(checkpoints, notes, strict=True):
        (out / "checkpoints" / f"{checkpoint.size}.note").write_text(
            note, encoding="utf-8", newline="")
    manifest = {
        "format": PUBLIC_FORMAT,
        "log": chosen.name,
        "origin": write_keys(ledger.keys(chosen.name), out),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tree_size": state.size,
        "events": writer.events,
        "bodies": writer.bodies,
        "withheld": writer.withheld,
        "unlogged": len(unlogged),
        "checkpoints": [c.size for c in checkpoints],
        "draws": writer.draws,
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    log.info("export.public_written", log=chosen.name, directory=str(out), events=writer.events,
             bodies=writer.bodies, withheld=writer.withheld,
             seconds=round(time.perf_counter() - started, 3))
    return PublicExportResult(out, chosen.name, writer.events, writer.bodies, writer.withheld,
                              len(checkpoints), state.size, len(writer.draws))


def public_bundle_zip(ledger: Ledger, log_name: str) -> tuple[str, bytes]:
    """The public bundle of ``log_name`` as a zip archive (for the public site's download):
    its file name (``<log>-public-bundle-<date>.zip``) and bytes."""
    with tempfile.TemporaryDirectory(prefix="spotcheck-public-") as tmp:
        out = Path(tmp) / f"{log_name}-public-bundle"
        export_public_bundle(ledger, out, log_name)
        content = zipped(out)
    stamp = datetime.now(UTC).date().isoformat()
    return f"{log_name}-public-bundle-{stamp}.zip", content


def _disclosed_draws(chosen: Log, decoder: EventDecoder) -> set[str]:
    """The draw ids of ``chosen`` whose key is disclosed (a first, light pass: only the freezes
    and the disclosures are decoded)."""
    draw_of: dict[str, str] = {}
    disclosed: set[str] = set()
    for logged in chosen.logged_events():
        if logged.topic not in (FREEZE_TYPE, DISCLOSED_TYPE):
            continue
        if logged.topic == DISCLOSED_TYPE:
            disclosed.add(logged.aggregate_id)
            continue
        event = decoder.describe(logged.aggregate_id, logged.version, logged.topic,
                                 logged.state).get("event")
        if isinstance(event, dict) and isinstance(event["data"].get("draw_id"), str):
            draw_of[logged.aggregate_id] = event["data"]["draw_id"]
    return {draw_of[a] for a in disclosed if a in draw_of}


class _Writer:
    """Decides, line by line, what of each log entry the public bundle carries."""

    def __init__(self, out: Path, schema: EventSchema, disclosed: set[str]) -> None:
        self.out = out
        self.schema = schema
        self.disclosed = disclosed
        self.events = self.bodies = self.withheld = 0
        self.draws: list[dict[str, Any]] = []

    def line(self, index: int, entry: str, described: dict[str, Any]) -> dict[str, Any]:
        self.events += 1
        event = described.get("event")
        line: dict[str, Any] = {"index": index, "entry": entry}
        if not isinstance(event, dict):  # a missing or unreadable row: said as in the audit bundle
            line.update(described)
            return line
        kind = str(event["type"])
        if kind == FREEZE_TYPE:
            self._freeze(index, entry, event)
        if self._public(kind, event["data"]):
            self.bodies += 1
            line.update(described)
        else:
            self.withheld += 1
            line["withheld"] = kind
        return line

    def _public(self, kind: str, data: dict[str, Any]) -> bool:
        publicity = self.schema.public(kind)
        if publicity == ALWAYS:
            return True
        return publicity == ONCE_DISCLOSED and data.get("draw_id") in self.disclosed

    def _freeze(self, index: int, entry: str, event: dict[str, Any]) -> None:
        data = event["data"]
        draw_id = data.get("draw_id")
        if not isinstance(draw_id, str) or not draw_id or "/" in draw_id or draw_id.startswith("."):
            return
        disclosed = draw_id in self.disclosed
        public = {key: value for key, value in data.items() if key not in ("files", "exclusions")}
        public["files"] = {name: {k: v for k, v in f.items() if k not in ("content", "salts")}
                           for name, f in data.get("files", {}).items()}
        public["exclusions"] = [e for e in data.get("exclusions", []) if e.get("kind") != "inspector"]
        directory = self.out / "draws" / draw_id
        directory.mkdir(parents=True, exist_ok=True)
        freeze = {"draw_id": draw_id, "aggregate_id": event["aggregate_id"], "index": index,
                  "entry": entry, "disclosed": disclosed, "data": public}
        (directory / "freeze.json").write_text(
            json.dumps(freeze, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if disclosed:
            for name, file_name in PUBLIC_DRAW_FILES.items():
                content = data.get("files", {}).get(name, {}).get("content")
                if isinstance(content, str):
                    (directory / file_name).write_bytes(content.encode("utf-8"))
        self.draws.append({"draw_id": draw_id, "disclosed": disclosed})
