"""A log's witnesses (日志见证方): each new checkpoint submitted, the cosignatures kept and served.

An agency's log names its witnesses (``log_witnesses``): the level above (the prefecture or
province), and optionally neighbouring agencies as peers, each by its cosigner verifier key and
its submission prefix (``https://…/witness``; ``local``: the witness of this same deployment, as
in the demo). After the sequencer signs, each witness that has not cosigned the latest checkpoint
is sent it with a consistency proof from the size it last cosigned (C2SP tlog-witness
``add-checkpoint``). A 409 tells the size the witness holds: the log retries once from there (a
witness restored from a backup, or a first contact). The cosignature returned is checked with the
witness's key and kept (``log_cosignatures``); the served checkpoint carries it.

A witness that is down or refuses delays nothing but its cosignature: the attempt, its status and
its error are recorded, and it is tried again at the next sync after a back-off (5 s doubling, at
most 5 minutes). The status shows how far behind each witness is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ledger.adapters.observability import get_logger
from ledger.errors import InvalidInput
from ledger.log.proofs import consistency_hashes
from ledger.log.store import LogStore, StoredCheckpoint
from ledger.log.witness import (
    SIZE_MEDIA_TYPE,
    WitnessRefusal,
    WitnessStore,
    load_witness_key,
    parse_add_checkpoint,
    request_body,
)
from verify.cosignature import CosignatureError, CosignerVerifier, check_cosignatures

log = get_logger("spotcheck.witnessing")

LOCAL = "local"
TIMEOUT = 10.0
MAX_BACKOFF = 300.0

#: (status, content type, body) of one add-checkpoint request; an OSError if unreachable.
Transport = Callable[[str, bytes], tuple[int, str, bytes]]


class WitnessConfigError(InvalidInput):
    """A witness cannot be configured as given (the message names the option)."""


@dataclass(frozen=True)
class Witness:
    """A witness of one log, as configured, and how it answered last."""

    log: str
    name: str
    key: str
    url: str
    cosigned_size: int
    last_attempt: str
    last_status: int
    last_error: str
    failures: int

    def verifier(self) -> CosignerVerifier:
        return CosignerVerifier.from_verifier_key_text(self.key)

    def due(self, now: float) -> bool:
        """Whether the back-off after the last failure is over."""
        if not self.failures or not self.last_attempt:
            return True
        waited = now - datetime.fromisoformat(self.last_attempt).timestamp()
        return bool(waited >= min(MAX_BACKOFF, 5.0 * 2 ** (self.failures - 1)))


def http_transport(url: str, body: bytes) -> tuple[int, str, bytes]:
    """POST ``body`` to ``<url>/add-checkpoint`` (stdlib HTTP; keep-alive is not needed at one
    request per checkpoint; imported here: a read of the ledger never pays for urllib)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url.rstrip("/") + "/add-checkpoint", data=body,
                                     method="POST", headers={"Content-Type": "text/plain"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return int(answer.status), answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return int(error.code), error.headers.get("Content-Type", ""), error.read()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Witnessing:
    """The witnesses of the logs of one store, and the submissions to them."""

    def __init__(self, store: LogStore, keys_dir: Path,
                 transport: Transport = http_transport) -> None:
        self.store = store
        self.keys_dir = keys_dir
        self.transport = transport

    # -- configuration ---------------------------------------------------------------------
    def add(self, log_name: str, key: str, url: str) -> Witness:
        """Submit the checkpoints of ``log_name`` to the witness with this cosigner key at
        ``url`` (its submission prefix, or ``local``)."""
        try:
            verifier = CosignerVerifier.from_verifier_key_text(key.strip())
        except CosignatureError as exc:
            raise WitnessConfigError(f"--key: not a witness's cosigner key: {exc}") from None
        if url != LOCAL and not url.startswith(("http://", "https://")):
            raise WitnessConfigError(f"--url: {url!r} is neither an http(s) URL nor 'local'")
        sql = self.store._sql
        with self.store.write() as cur:
            cur.execute(sql("INSERT INTO log_witnesses (log, witness, key, url, cosigned_size,"
                            " last_attempt, last_status, last_error, failures)"
                            " VALUES (?, ?, ?, ?, 0, '', 0, '', 0) ON CONFLICT (log, witness)"
                            " DO UPDATE SET key = excluded.key, url = excluded.url"),
                        (log_name, verifier.name, key.strip(), url))
        return next(w for w in self.witnesses(log_name) if w.name == verifier.name)

    def remove(self, log_name: str, name: str) -> None:
        with self.store.write() as cur:
            cur.execute(self.store._sql("DELETE FROM log_witnesses WHERE log = ? AND witness = ?"),
                        (log_name, name))
            if getattr(cur, "rowcount", 1) == 0:
                raise WitnessConfigError(f"--name: log {log_name} has no witness {name!r}")

    def witnesses(self, log_name: str | None = None) -> list[Witness]:
        query = ("SELECT log, witness, key, url, cosigned_size, last_attempt, last_status,"
                 " last_error, failures FROM log_witnesses")
        params: tuple[Any, ...] = ()
        if log_name is not None:
            query += " WHERE log = ?"
            params = (log_name,)
        with self.store.read() as cur:
            cur.execute(self.store._sql(query + " ORDER BY log, witness"), params)
            return [Witness(str(a), str(b), str(c), str(d), int(e), str(f), int(g), str(h), int(i))
                    for a, b, c, d, e, f, g, h, i in cur.fetchall()]

    # -- submissions -----------------------------------------------------------------------
    def submit(self, *, force: bool = False) -> dict[str, dict[str, str]]:
        """Submit each log's latest checkpoint to each witness that has not cosigned it (and
        whose back-off is over, unless ``force``); returns what happened, by log and witness.
        Never raises for a witness: its failure is recorded."""
        done: dict[str, dict[str, str]] = {}
        now = time.time()
        for witness in self.witnesses():
            latest = self.store.checkpoint(witness.log)
            if latest is None or (witness.cosigned_size == latest.size
                                  and self._has_cosignature(witness, latest.size)):
                continue
            if not force and not witness.due(now):
                continue
            outcome = self._submit(witness, latest)
            done.setdefault(witness.log, {})[witness.name] = outcome
        return done

    def _has_cosignature(self, witness: Witness, size: int) -> bool:
        with self.store.read() as cur:
            cur.execute(self.store._sql("SELECT 1 FROM log_cosignatures WHERE log = ? AND"
                                        " tree_size = ? AND witness = ?"),
                        (witness.log, size, witness.name))
            return cur.fetchone() is not None

    def _submit(self, witness: Witness, latest: StoredCheckpoint) -> str:
        old = witness.cosigned_size
        try:
            for _ in range(2):  # a 409 names the size the witness holds: once more from there
                status, kind, body = self._send(witness, latest, old)
                if status == 409 and kind.startswith(SIZE_MEDIA_TYPE):
                    held = _held_size(body)
                    if held is not None and held != old and held <= latest.size:
                        old = held
                        continue
                    if held is not None and held > latest.size:
                        return self._failed(witness, status, held=held, error=(
                            f"the witness has cosigned {held} entries of this log, more than the "
                            f"{latest.size} it holds now: the log was rolled back (restored from "
                            "an older backup?); the witness keeps the refusal as evidence"))
                break
        except (OSError, ValueError, LookupError) as exc:
            return self._failed(witness, 0, f"unreachable: {exc}")
        if status != 200:
            return self._failed(witness, status, body.decode("utf-8", "replace").strip()[:500],
                                held=old)
        try:
            valid, problems = check_cosignatures(latest.note + body.decode("utf-8"),
                                                 [witness.verifier()])
        except (CosignatureError, ValueError) as exc:
            return self._failed(witness, status, f"the answer is not a cosignature: {exc}")
        if problems or not valid:
            return self._failed(witness, status, "the answer holds no valid cosignature by "
                                f"{witness.name}: {'; '.join(problems) or 'none of its lines'}")
        lines = [line for line in body.decode("utf-8").splitlines(keepends=True)
                 if line.startswith(f"\u2014 {witness.name} ")]
        sql = self.store._sql
        with self.store.write() as cur:
            cur.execute(sql("INSERT INTO log_cosignatures (log, tree_size, witness, line,"
                            " received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT"
                            " (log, tree_size, witness) DO UPDATE SET line = excluded.line"),
                        (witness.log, latest.size, witness.name, "".join(lines), _now()))
            cur.execute(sql("UPDATE log_witnesses SET cosigned_size = ?, last_attempt = ?,"
                            " last_status = 200, last_error = '', failures = 0"
                            " WHERE log = ? AND witness = ?"),
                        (latest.size, _now(), witness.log, witness.name))
        log.info("witness.cosigned", log=witness.log, witness=witness.name, tree_size=latest.size)
        return "cosigned"

    def _send(self, witness: Witness, latest: StoredCheckpoint, old: int
              ) -> tuple[int, str, bytes]:
        proof = (consistency_hashes(self.store.log(witness.log), old, latest.size)
                 if 0 < old < latest.size else [])
        body = request_body(old, proof, latest.note)
        if witness.url == LOCAL:
            return self._local(body)
        return self.transport(witness.url, body)

    def _local(self, body: bytes) -> tuple[int, str, bytes]:
        """The witness of this same deployment (the demo's prefecture), called in-process."""
        from ledger.log.store import PostgresLogStore

        witness = WitnessStore(self.store.write, postgres=isinstance(self.store, PostgresLogStore),
                               sql=self.store._sql)
        try:
            lines = witness.add_checkpoint(parse_add_checkpoint(body),
                                           load_witness_key(self.keys_dir))
        except WitnessRefusal as refusal:
            if refusal.status == 409:
                return 409, SIZE_MEDIA_TYPE, f"{refusal.size}\n".encode()
            return refusal.status, "text/plain", str(refusal).encode()
        return 200, "text/plain", lines.encode()

    def _failed(self, witness: Witness, status: int, error: str, held: int | None = None) -> str:
        """Record a failed submission; ``held``: the size the witness said it last cosigned (a
        409), which the next submission starts from."""
        with self.store.write() as cur:
            cur.execute(self.store._sql(
                "UPDATE log_witnesses SET last_attempt = ?, last_status = ?, last_error = ?,"
                " failures = failures + 1, cosigned_size = ? WHERE log = ? AND witness = ?"),
                (_now(), status, error, witness.cosigned_size if held is None else held,
                 witness.log, witness.name))
        log.warning("witness.not_cosigned", log=witness.log, witness=witness.name, status=status,
                    error=error)
        return f"{status or 'unreachable'}: {error}"

    # -- status ----------------------------------------------------------------------------
    def status(self, log_name: str) -> list[dict[str, Any]]:
        """Each witness of the log: how many entries and how long it is behind the latest
        checkpoint, and its last answer."""
        latest = self.store.checkpoint(log_name)
        rows = []
        for w in self.witnesses(log_name):
            cosigned = self.store.checkpoint(log_name, w.cosigned_size) if w.cosigned_size else None
            behind_seconds = None
            if latest is not None and w.cosigned_size < latest.size:
                since = cosigned.signed_at if cosigned is not None else latest.signed_at
                behind_seconds = int(datetime.now(UTC).timestamp()
                                     - datetime.fromisoformat(since).timestamp())
            rows.append({
                "witness": w.name, "url": w.url, "cosigned_size": w.cosigned_size,
                "checkpoint_size": latest.size if latest else 0,
                "entries_behind": (latest.size if latest else 0) - w.cosigned_size,
                # the witness cosigned more of this log than it holds: it was rolled back
                "rolled_back": latest is not None and w.cosigned_size > latest.size,
                "behind_since_seconds": behind_seconds, "last_attempt": w.last_attempt or None,
                "last_status": w.last_status or None, "last_error": w.last_error or None,
                "failures": w.failures})
        return rows


def _held_size(body: bytes) -> int | None:
    text = body.decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None
