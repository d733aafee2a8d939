"""The audit bundle (审计包): everything an auditor needs to check the ledger offline.

A bundle is one log: an agency's (``spotcheck export --log 652301 --out DIR``) or the
deployment's own. It is written reading only (the export never changes the ledger)::

    DIR/manifest.json        format, log, origin, counts, the latest checkpoint's size
    DIR/events.jsonl         one log entry per line, in log order (see docs/ledger-format.md)
    DIR/unlogged.jsonl       stored events of this log's aggregates that are in no log, if any
                             (each is a finding)
    DIR/checkpoints/<size>.note   every signed checkpoint issued, byte for byte, and the cosignature
                                  lines its witnesses returned (ledger-format §6.4)
    DIR/keys/log.vkey        the log's public verifier keys (the key in force first)

Rows are exported as they are stored: an edited, deleted or forged row is written as found, so
that the verifier, not the exporter, decides what holds.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from ledger.adapters.observability import get_logger
from ledger.domain.chained import content_of
from ledger.errors import InvalidInput
from ledger.log.keys import KeyFiles
from ledger.log.routing import route_of
from ledger.log.store import Log, StoredCheckpoint, UnloggedEvent
from ledger.log.stored import PlainRows
from ledger.log.tiles import cosignature_lines, with_cosignatures
from ledger.services.ledger import Ledger
from verify.canonical import FAST_JSON

if FAST_JSON:
    import orjson as _orjson
else:  # pragma: no cover - orjson absent or turned off (SPOTCHECK_PURE_JSON)
    _orjson = None  # type: ignore[assignment]

BUNDLE_FORMAT = "spotcheck-bundle/1"
log = get_logger("spotcheck.export")

Progress = Callable[[int], None]


class ExportError(InvalidInput):
    """The bundle cannot be written where asked."""


@dataclass(frozen=True)
class ExportResult:
    directory: Path
    log: str
    events: int
    unlogged: int
    checkpoints: int
    tree_size: int


def export_bundle(
    ledger: Ledger, out: Path, log_name: str | None = None, progress: Progress | None = None
) -> ExportResult:
    """Write the bundle of one log (``log_name``; None: the only log there is)."""
    chosen = ledger.log(log_name)
    prepare_out(out)
    with ledger.store.snapshot():  # one consistent view, whatever a running sync does meanwhile
        return _export(ledger, chosen, out, EventDecoder(ledger), None, progress)


#: From this many events on, ``export_bundles(..., jobs=2)`` gives part of the logs to a second
#: process (which takes ~0.5 s to start and open the ledger).
PARALLEL_EVENTS = 200_000


def export_bundles(
    ledger: Ledger, out: Path, log_names: list[str] | None = None,
    progress: Callable[[str, int], None] | None = None,
    written: Callable[[ExportResult], None] | None = None,
    jobs: int = 1, reopen: Callable[[], Ledger] | None = None,
) -> list[ExportResult]:
    """Write the bundle of each log (every log by default) to ``out/<log>``: what a province's
    auditor takes away. One snapshot reads every log's size and the stored events that are in no
    log (looked up once for all the bundles: alone, each bundle's lookup counts every row); each
    bundle then holds its log up to that size, whatever is integrated meanwhile, so the bundles
    are those of one moment. With ``jobs`` of 2 and ``reopen`` (opens this ledger again), a
    large export gives about half of the events, whole logs, to a second process; should it
    fail, its logs are exported here. ``progress(log, events)`` is told every 10,000 events of a
    log exported here, ``written`` each bundle (the second process's when it is done)."""
    names = sorted(ledger.store.logs()) if log_names is None else log_names
    logs = [ledger.log(name) for name in names]
    prepare_out(out, keys=False)
    with ledger.store.snapshot():
        sizes = {chosen.name: chosen.state().size for chosen in logs}
        candidates = ledger.store.unlogged_events()
    for chosen in logs:
        prepare_out(out / chosen.name)
    here, there = _shares(sizes, jobs if reopen is not None else 1)
    second = _second_process(reopen, out, {n: sizes[n] for n in there}, candidates) if there else None
    try:
        results = {result.log: result for result in _export_logs(
            ledger, out, {n: sizes[n] for n in here}, candidates, progress, written)}
        answered = _answer_of(second) if second is not None else []
        for result in answered:
            results[result.log] = result
            if written is not None:
                written(result)
        if there and not answered:  # the second process did not start, or failed
            results.update((result.log, result) for result in _export_logs(
                ledger, out, {n: sizes[n] for n in there}, candidates, progress, written,
                again=True))
    finally:
        if second is not None:
            second.stop()
    return [results[name] for name in names]


def _shares(sizes: dict[str, int], jobs: int) -> tuple[list[str], list[str]]:
    """The logs exported here and those given to a second process: the largest first, each to
    the share with fewer events so far (none to a second process below PARALLEL_EVENTS)."""
    if jobs < 2 or sum(sizes.values()) < PARALLEL_EVENTS or len(sizes) < 2:
        return list(sizes), []
    shares: tuple[list[str], list[str]] = ([], [])
    totals = [0, 0]
    for name in sorted(sizes, key=lambda n: (-sizes[n], n)):
        side = 0 if totals[0] <= totals[1] else 1
        shares[side].append(name)
        totals[side] += sizes[name]
    return sorted(shares[0]), sorted(shares[1])


def _export_logs(
    ledger: Ledger, out: Path, sizes: dict[str, int], candidates: list[UnloggedEvent],
    progress: Callable[[str, int], None] | None, written: Callable[[ExportResult], None] | None,
    again: bool = False, announce: bool = True,
) -> Iterator[ExportResult]:
    decoder = EventDecoder(ledger)
    for name, size in sizes.items():
        if again:  # what a second process that failed may have left
            shutil.rmtree(out / name)
            prepare_out(out / name)
        told = None if progress is None else partial(progress, name)
        result = _export(ledger, ledger.log(name), out / name, decoder, candidates, told, size,
                         announce)
        if written is not None:
            written(result)
        yield result


def _export_share(out: Path, sizes: dict[str, int], candidates: list[UnloggedEvent],
                  reopen: Callable[[], Ledger]) -> list[ExportResult]:
    """The second process's logs (run there; the first process logs them, where its own log
    output goes)."""
    ledger = reopen()
    try:
        return list(_export_logs(ledger, out, sizes, candidates, None, None, announce=False))
    finally:
        ledger.close()


@dataclass
class _SecondExport:
    process: Any
    answers: Any

    def stop(self) -> None:
        self.answers.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def _second_process(reopen: Callable[[], Ledger] | None, out: Path, sizes: dict[str, int],
                    candidates: list[UnloggedEvent]) -> _SecondExport | None:
    """A fresh interpreter (not a fork: this process holds database connections) exporting
    ``sizes``' logs; None if it cannot start."""
    assert reopen is not None
    context = multiprocessing.get_context("spawn")
    answers, sender = context.Pipe(duplex=False)
    process = context.Process(target=_run_share, args=(sender, out, sizes, candidates, reopen),
                              daemon=True)
    try:
        process.start()
    except OSError:
        answers.close()
        return None
    finally:
        sender.close()
    return _SecondExport(process, answers)


def _run_share(sender: Any, out: Path, sizes: dict[str, int], candidates: list[UnloggedEvent],
               reopen: Callable[[], Ledger]) -> None:
    try:
        sender.send(_export_share(out, sizes, candidates, reopen))
    except Exception as exc:  # told to the first process, which exports these logs itself
        sender.send(f"{type(exc).__name__}: {exc}")
    finally:
        sender.close()


def _answer_of(second: _SecondExport) -> list[ExportResult]:
    """The second process's bundles, or [] when it failed (its logs are then exported here)."""
    try:
        answer = second.answers.recv()
    except (EOFError, OSError):
        answer = "it ended without an answer"
    if isinstance(answer, list):
        for result in answer:
            _announce(result, None)
        return answer
    log.warning("export.second_process_failed", reason=str(answer))
    return []


def _export(
    ledger: Ledger, chosen: Log, out: Path, decoder: EventDecoder,
    candidates: list[UnloggedEvent] | None, progress: Progress | None, size: int | None = None,
    announce: bool = True,
) -> ExportResult:
    """One bundle: the log up to ``size`` (default: its size now, inside the caller's snapshot);
    ``candidates``: the unlogged events, if looked up."""
    started = time.perf_counter()
    tree_size = chosen.state().size if size is None else size
    events = _write_events(chosen, decoder, out / "events.jsonl", progress, tree_size)
    unlogged = _write_unlogged(ledger, chosen, decoder, out / "unlogged.jsonl", candidates)
    checkpoints = [c for c in chosen.checkpoints() if c.size <= tree_size]
    notes = checkpoint_notes(ledger, chosen, checkpoints)
    (out / "checkpoints").mkdir()
    for checkpoint, note in zip(checkpoints, notes, strict=True):
        (out / "checkpoints" / f"{checkpoint.size}.note").write_text(
            note, encoding="utf-8", newline=""
        )
    manifest = {
        "format": BUNDLE_FORMAT,
        "log": chosen.name,
        "origin": write_keys(ledger.keys(chosen.name), out),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tree_size": tree_size,
        "events": events,
        "unlogged": unlogged,
        "checkpoints": [c.size for c in checkpoints],
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    result = ExportResult(out, chosen.name, events, unlogged, len(checkpoints), tree_size)
    if announce:
        _announce(result, time.perf_counter() - started)
    return result


def _announce(result: ExportResult, seconds: float | None) -> None:
    log.info("export.written", log=result.log, directory=str(result.directory),
             events=result.events, unlogged=result.unlogged, checkpoints=result.checkpoints,
             **({} if seconds is None else {"seconds": round(seconds, 3)}))


def _write_events(
    chosen: Log, decoder: EventDecoder, path: Path, progress: Progress | None, size: int
) -> int:
    count = 0
    read_plain = decoder.rows.read
    lines: list[bytes] = []  # written a thousand at a time
    with path.open("wb") as handle:
        for logged in chosen.logged_events(below=size):
            line: dict[str, Any] = {"index": logged.index, "entry": logged.entry.hex()}
            plain = None if logged.state is None or logged.topic is None else read_plain(
                logged.aggregate_id, logged.version, logged.topic, logged.state)
            if plain is not None:  # parsed JSON: the fast encoder writes the same bytes
                line["event"] = plain.content
                line["event_hash"] = plain.event_hash
                lines.append(_plain_line(line))
            else:
                line.update(decoder.describe(logged.aggregate_id, logged.version, logged.topic,
                                             logged.state))
                lines.append((_encode_line(line) + "\n").encode("utf-8"))
            count += 1
            if len(lines) == 1000:
                handle.write(b"".join(lines))
                lines.clear()
                if progress is not None and count % 10000 == 0:
                    progress(count)
        handle.write(b"".join(lines))
    return count


def unlogged_rows(ledger: Ledger, chosen: Log, decoder: EventDecoder,
                  candidates: list[UnloggedEvent] | None = None) -> list[UnloggedEvent]:
    """The unlogged events that belong to ``chosen``: those of aggregates already in it, and
    first events that would be placed in it. A row that cannot be read belongs to no log that can
    be told, so it is in every bundle. ``candidates``: every unlogged event, if already looked up."""
    if candidates is None:
        candidates = ledger.store.unlogged_events()
    placed = ledger.store.head_logs(
        [r.aggregate_id for r in candidates]
        + [a for a in (decoder.agency_of(r) for r in candidates) if a is not None]
    )
    return [r for r in candidates if decoder.log_of(r, placed) in (chosen.name, None)]


def _write_unlogged(ledger: Ledger, chosen: Log, decoder: EventDecoder, path: Path,
                    candidates: list[UnloggedEvent] | None) -> int:
    rows = unlogged_rows(ledger, chosen, decoder, candidates)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            line: dict[str, Any] = {"notification_id": row.notification_id}
            line.update(decoder.describe(row.aggregate_id, row.version, row.topic, row.state))
            write_line(handle, line)
    return len(rows)


def checkpoint_notes(ledger: Ledger, chosen: Log, checkpoints: list[StoredCheckpoint]) -> list[str]:
    """Each checkpoint's note as exported: the log's signature, then the witnesses' cosignatures."""
    with ledger.store.read() as cur:
        return [with_cosignatures(c.note, cosignature_lines(cur, chosen.name, c.size,
                                                            ledger.store._sql))
                for c in checkpoints]


def zipped(directory: Path) -> bytes:
    """``directory`` (a written bundle) as a zip archive, its files under the directory's own name
    (what the service hands out for download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(directory.parent).as_posix())
    return buffer.getvalue()


def prepare_out(out: Path, keys: bool = True) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportError(f"--out {out}: exists and is not an empty directory")
    out.mkdir(parents=True, exist_ok=True)
    if keys:
        (out / "keys").mkdir()


def write_keys(keys: KeyFiles, out: Path) -> str | None:
    """Copy the log's public keys into the bundle, the key in force first and every key rotated
    out after it (the private key is not needed, nor read)."""
    try:
        vkeys = [v.verifier_key_text() for v in keys.verifiers()]
    except OSError:
        vkeys = []
    if not vkeys:
        log.warning("export.no_public_key", path=str(keys.public))
        return None
    (out / "keys" / "log.vkey").write_text("\n".join(vkeys) + "\n", encoding="utf-8")
    return str(vkeys[0].split("+", 1)[0])


_encode_line = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def write_line(handle: IO[str], line: dict[str, Any]) -> None:
    handle.write(_encode_line(line) + "\n")


def _plain_line(line: dict[str, Any]) -> bytes:
    """The line of a row read straight from its JSON, with its newline: ``_encode_line``'s bytes
    (compact, UTF-8, keys in their order), through orjson where it is installed — the same bytes
    for parsed JSON (``tests/test_export_lines.py`` holds them equal)."""
    if _orjson is not None:
        try:
            return _orjson.dumps(line, option=_orjson.OPT_APPEND_NEWLINE)
        except _orjson.JSONEncodeError:  # e.g. a lone surrogate read from a \\u escape
            pass
    return (_encode_line(line) + "\n").encode("utf-8")


class EventDecoder:
    """Turns stored rows into exported event content, reporting rows that cannot be read.

    A row as the ledger writes it is read straight from its JSON (:mod:`ledger.log.stored`);
    any other row through eventsourcing's mapper, which reports what it cannot read.
    """

    def __init__(self, ledger: Ledger) -> None:
        self.mapper = ledger.app.mapper
        self.rows = PlainRows(self.mapper)

    def _event(self, row: UnloggedEvent) -> Any:
        try:
            return self.mapper.to_domain_event(
                StoredEvent(UUID(row.aggregate_id), row.version, row.topic, row.state))
        except Exception:  # a damaged row: described as such by describe()
            return None

    def agency_of(self, row: UnloggedEvent) -> str | None:
        event = self._event(row) if row.version == 1 else None
        return None if event is None else route_of(event).agency_id

    def log_of(self, row: UnloggedEvent, placed: dict[str, str]) -> str | None:
        """The log ``row`` belongs to, or None when that cannot be told."""
        if row.aggregate_id in placed:
            return placed[row.aggregate_id]
        event = self._event(row) if row.version == 1 else None
        if event is None:
            return None
        route = route_of(event)
        return route.log if route.log is not None else placed.get(route.agency_id or "")

    def describe(
        self, aggregate_id: str, version: int, topic: str | None, state: bytes | None
    ) -> dict[str, Any]:
        if topic is None or state is None:
            return {"event": None, "event_hash": None,
                    "error": f"no stored event {aggregate_id} v{version} (deleted?)"}
        plain = self.rows.read(aggregate_id, version, topic, state)
        if plain is not None:
            return {"event": plain.content, "event_hash": plain.event_hash}
        try:
            stored = StoredEvent(UUID(aggregate_id), version, topic, state)
            event: Any = self.mapper.to_domain_event(stored)
            return {"event": content_of(event, topic), "event_hash": event.event_hash}
        except Exception as exc:  # a damaged row is reported, not fatal to the export
            return {
                "event": None, "event_hash": None,
                "error": f"stored event {aggregate_id} v{version} cannot be read: {exc}",
            }



