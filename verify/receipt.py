"""Receipts (回执, 尽职照单免责的凭证): C2SP tlog-proof@v1 files (``.tlog-proof``) for one event.

A receipt proves, offline and with no other file than the log's verifier key (and the witnesses'
keys), that one event is in an agency's log::

    c2sp.org/tlog-proof@v1
    extra <base64 of the canonical JSON of the receipt's extra object>
    index <zero-based index of the event in the log>
    <base64 hash>                      the RFC 6962 inclusion proof, leaf's sibling first
    ...
    <empty line>
    <the signed checkpoint, verbatim, with the witnesses' cosignatures>

The specification leaves "Compute the leaf hash" to the application and the ``extra`` line opaque.
Spotcheck's extra object (canonical JSON, docs/ledger-format.md §1)::

    {"format": "spotcheck-receipt/1", "log": "652301", "event_hash": "<64 hex>",
     "event": {<the event content object, §2.1>}}      ← only for a reader entitled to it

The log entry is the event hash's 32 bytes, the leaf hash ``SHA-256(0x00 || entry)``. The extra
data is not authenticated ("Appications MUST NOT implicitly trust the extra data"): the event hash
is bound by the inclusion proof to the signed root, and the event body by recomputing its hash.
A receipt handed to the public carries the hash only (what the log's entries reveal anyway).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from verify.canonical import canonical_json, loads_strict
from verify.checkpoint import Checkpoint, CheckpointError, open_checkpoint
from verify.cosignature import CosignatureError, CosignerVerifier, check_cosignatures
from verify.event import event_hash, is_hash_hex
from verify.merkle import HASH_SIZE, ProofError, leaf_hash, verify_inclusion
from verify.note import NoteError, NoteVerifier

HEADER = "c2sp.org/tlog-proof@v1"
EXTRA_FORMAT = "spotcheck-receipt/1"
SUFFIX = ".tlog-proof"
MAX_PROOF = 63


class ReceiptError(ValueError):
    """A receipt is malformed, or it does not prove what it claims (the message says which)."""


@dataclass(frozen=True)
class Receipt:
    """A parsed receipt: the extra bytes (None: no extra line), the index, the inclusion proof
    and the checkpoint note (signatures and cosignatures included)."""

    index: int
    proof: list[bytes]
    note: str
    extra: bytes | None = None

    def text(self) -> str:
        lines = [HEADER]
        if self.extra is not None:
            lines.append("extra " + base64.b64encode(self.extra).decode("ascii"))
        lines.append(f"index {self.index}")
        lines += [base64.b64encode(h).decode("ascii") for h in self.proof]
        return "\n".join(lines) + "\n\n" + self.note


@dataclass(frozen=True)
class CheckedReceipt:
    """What a receipt proved: the checkpoint, the event's index and hash, its body when the
    receipt carries one, and the cosignatures that verified (name, POSIX time)."""

    checkpoint: Checkpoint
    index: int
    event_hash: str
    log: str
    event: dict[str, Any] | None
    cosignatures: list[tuple[str, int]] = field(default_factory=list)


def extra_object(log: str, hash_hex: str, event: dict[str, Any] | None) -> bytes:
    """The canonical JSON of the extra object (``event`` only where the reader may read it)."""
    value: dict[str, Any] = {"format": EXTRA_FORMAT, "log": log, "event_hash": hash_hex}
    if event is not None:
        value["event"] = event
    return canonical_json(value)


def build_receipt(log: str, hash_hex: str, event: dict[str, Any] | None, index: int,
                  proof: Sequence[bytes], note: str) -> str:
    """The receipt text of the event logged at ``index``."""
    return Receipt(index, list(proof), note, extra_object(log, hash_hex, event)).text()


def _decimal(text: str, what: str) -> int:
    if not text.isascii() or not text.isdigit() or (len(text) > 1 and text[0] == "0"):
        raise ReceiptError(f"{what} {text!r} is not a decimal without leading zeros")
    return int(text)


def _b64(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ReceiptError(f"{what} is not base64: {text[:60]!r}") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise ReceiptError(f"{what} is not canonical base64: {text[:60]!r}")
    return raw


def parse_receipt(text: str) -> Receipt:
    """Parse a tlog-proof@v1 text strictly (:class:`ReceiptError` names the line at fault)."""
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise ReceiptError("no empty line between the proof and the checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise ReceiptError(f"line 1 is {lines[0][:60]!r}, not {HEADER!r}")
    at = 1
    extra = None
    if at < len(lines) and lines[at].startswith("extra "):
        extra = _b64(lines[at][len("extra "):], "line 2 (extra)")
        at += 1
    if at >= len(lines) or not lines[at].startswith("index "):
        raise ReceiptError(f"line {at + 1} is not 'index <decimal>'")
    index = _decimal(lines[at][len("index "):], f"line {at + 1}: index")
    proof = []
    for number, line in enumerate(lines[at + 1:], start=at + 2):
        digest = _b64(line, f"line {number} (inclusion proof hash)")
        if len(digest) != HASH_SIZE:
            raise ReceiptError(f"line {number}: a proof hash of {len(digest)} bytes, not 32")
        proof.append(digest)
    if len(proof) > MAX_PROOF:
        raise ReceiptError(f"{len(proof)} proof hashes: more than {MAX_PROOF}")
    return Receipt(index, proof, note, extra)


def _read_extra(extra: bytes | None) -> dict[str, Any]:
    if extra is None:
        raise ReceiptError("no extra line: this receipt does not say which event it proves "
                           "(a Spotcheck receipt names its event hash there)")
    try:
        value = loads_strict(extra)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReceiptError(f"extra: not JSON: {exc}") from None
    if not isinstance(value, dict) or value.get("format") != EXTRA_FORMAT:
        raise ReceiptError(f"extra: not a {EXTRA_FORMAT} object")
    if not is_hash_hex(value.get("event_hash")) or not isinstance(value.get("log"), str):
        raise ReceiptError("extra: event_hash must be 64 lower-case hex digits and log a string")
    event = value.get("event")
    if event is not None and not isinstance(event, dict):
        raise ReceiptError("extra: event must be an object")
    return value


def check_receipt(text: str, log_verifiers: Sequence[NoteVerifier],
                  witnesses: Sequence[CosignerVerifier] = (), *,
                  origin: str | None = None) -> CheckedReceipt:
    """Verify a receipt as tlog-proof prescribes: (1) the leaf hash, from the event hash of the
    extra object (and, when the event body is there, that it hashes to it); (2) the checkpoint is
    signed by one of ``log_verifiers`` (and has ``origin`` if given); (3) every cosignature by a
    known witness verifies; (4) the inclusion proof binds the leaf to the signed root."""
    receipt = parse_receipt(text)
    extra = _read_extra(receipt.extra)
    claimed = str(extra["event_hash"])
    event = extra.get("event")
    if event is not None:
        try:
            recomputed = event_hash(event)
        except (ValueError, TypeError, KeyError) as exc:
            raise ReceiptError(f"extra: the event cannot be hashed: {exc}") from None
        if recomputed != claimed:
            raise ReceiptError(f"extra: the event hashes to {recomputed}, not to the event hash "
                               f"{claimed} the receipt proves: the body was changed")
    try:
        checkpoint = open_checkpoint(receipt.note, log_verifiers)
    except (CheckpointError, NoteError) as exc:
        raise ReceiptError(f"checkpoint: {exc}") from None
    if origin is not None and checkpoint.origin != origin:
        raise ReceiptError(f"checkpoint: origin {checkpoint.origin!r}, not {origin!r}")
    try:
        valid, problems = check_cosignatures(receipt.note, witnesses)
    except (CosignatureError, NoteError) as exc:
        raise ReceiptError(f"cosignatures: {exc}") from None
    if problems:
        raise ReceiptError("cosignatures: " + "; ".join(problems))
    if receipt.index >= checkpoint.size:
        raise ReceiptError(f"index {receipt.index} is not below the checkpoint's size "
                           f"{checkpoint.size}")
    try:
        verify_inclusion(leaf_hash(bytes.fromhex(claimed)), receipt.index, checkpoint.size,
                         receipt.proof, checkpoint.root)
    except ProofError as exc:
        raise ReceiptError(f"inclusion proof: {exc}: event {claimed} is not at index "
                           f"{receipt.index} of this checkpoint") from None
    return CheckedReceipt(checkpoint, receipt.index, claimed, str(extra["log"]),
                          event if isinstance(event, dict) else None,
                          [(c.name, c.timestamp) for c in valid])


def describe(checked: CheckedReceipt) -> dict[str, Any]:
    """The checked receipt as plain data (for ``--json`` and the HTTP answer)."""
    return {
        "log": checked.log, "origin": checked.checkpoint.origin, "index": checked.index,
        "tree_size": checked.checkpoint.size, "event_hash": checked.event_hash,
        "event": checked.event,
        "cosignatures": [{"witness": n, "time": t} for n, t in checked.cosignatures]}
