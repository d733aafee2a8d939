"""The keys of a log over time (日志密钥轮换): which key signs which checkpoint.

A log may change its signing key — the old one is due for replacement, or lost, or compromised —
without changing its identity (its origin). The change is itself an event of the log,
``ledger.agency:Agency.LogKeyRotated`` at some log index *r*, carrying the new verifier key, the
previous one, and a *handover*: a signed note by the previous key whose text is
:func:`handover_text` of the new key (empty when the previous key is lost or compromised, so that
it can endorse nothing).

The key in force for a checkpoint of size *N* is the key of the last rotation whose index is below
*N* (the rotation itself is the first entry a new key's checkpoint covers), or, before any
rotation, the key the log began with — the first rotation's ``previous_key``. So old checkpoints
keep verifying with the key that signed them, and an old key, even stolen, cannot sign a
checkpoint that covers its own retirement. :class:`KeyHistory` collects the rotations during the
verifier's pass and reports:

``key-rotation``    a rotation whose previous key is not the key in force, or whose handover does
                    not verify with the previous key or endorses another key;
``checkpoint-key``  a checkpoint signed by a key that was not the key in force at its size.

Whether a new key is trusted at all is the signature check's business (the keys the auditor gave
with ``--key``, or the bundle's own ``keys/log.vkey``, which lists every key the log has used).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from verify.canonical import CanonicalError, loads_strict
from verify.findings import Finding
from verify.note import NoteError, NoteVerifier, open_note

ROTATED_TYPE = "ledger.agency:Agency.LogKeyRotated"
#: What a line of ``events.jsonl`` holding a rotation contains (a quick test before parsing).
ROTATED_MARK = b"Agency.LogKeyRotated"
HANDOVER_HEADER = "spotcheck log key rotation/v1"


def handover_text(new_key: str) -> str:
    """What the previous key signs to hand the log over to ``new_key`` (a verifier key text)."""
    return f"{HANDOVER_HEADER}\n{new_key}\n"


@dataclass(frozen=True)
class Rotation:
    index: int
    line: int
    verifier_key: str
    previous_key: str
    handover: str


@dataclass
class KeyHistory:
    """The rotations seen in one pass, in log order."""

    rotations: list[Rotation] = field(default_factory=list)

    def observe(self, event: dict[str, Any], index: int, line: int) -> None:
        data = event.get("data")
        if not isinstance(data, dict):
            return
        self.rotations.append(Rotation(index, line, str(data.get("verifier_key", "")),
                                       str(data.get("previous_key", "")),
                                       str(data.get("handover", ""))))

    def key_in_force(self, size: int) -> str | None:
        """The key that must have signed a checkpoint of ``size`` (None: no rotation, any key
        the auditor trusts)."""
        if not self.rotations:
            return None
        key = self.rotations[0].previous_key
        for rotation in self.rotations:
            if rotation.index < size:
                key = rotation.verifier_key
        return key

    def findings(self, checkpoints: list[tuple[str, int, tuple[str, ...]]]) -> list[Finding]:
        """The rotations' own checks, then each checkpoint (file, size, the keys that signed it)
        against the key in force at its size."""
        found: list[Finding] = []
        in_force: str | None = None
        for rotation in self.rotations:
            problem = _rotation_problem(rotation, in_force)
            if problem:
                found.append(Finding("key-rotation", problem, rotation.index, "events.jsonl",
                                     rotation.line))
            in_force = rotation.verifier_key
        for name, size, signed_by in checkpoints:
            key = self.key_in_force(size)
            if key is not None and key not in signed_by:
                found.append(Finding(
                    "checkpoint-key", f"signed by {', '.join(signed_by) or 'no known key'}, but the "
                    f"key in force for size {size} is {key}", None, name))
        return found


def endorsed_keys(lines: Iterable[bytes], trusted: list[NoteVerifier]) -> list[NoteVerifier]:
    """The keys a log rotated to, in order, each handed over by a trusted key or by a key
    handed over before it: what an auditor who holds only an older key may follow. ``lines``
    are lines of ``events.jsonl`` (those holding a rotation suffice)."""
    known = {v.verifier_key_text() for v in trusted}
    found: list[NoteVerifier] = []
    for raw in lines:
        try:
            record = loads_strict(raw)
        except CanonicalError:
            continue
        event = record.get("event") if isinstance(record, dict) else None
        if not isinstance(event, dict) or event.get("type") != ROTATED_TYPE:
            continue
        data = event.get("data")
        if not isinstance(data, dict):
            continue
        rotation = Rotation(0, 0, str(data.get("verifier_key", "")),
                            str(data.get("previous_key", "")), str(data.get("handover", "")))
        if (rotation.previous_key in known and rotation.handover
                and not _rotation_problem(rotation, None)):
            try:
                verifier = NoteVerifier.from_verifier_key_text(rotation.verifier_key)
            except NoteError:
                continue
            known.add(rotation.verifier_key)
            found.append(verifier)
    return found


def _rotation_problem(rotation: Rotation, in_force: str | None) -> str:
    if in_force is not None and rotation.previous_key != in_force:
        return (f"the rotation to {rotation.verifier_key} names {rotation.previous_key} as the "
                f"previous key, but the key in force was {in_force}")
    if not rotation.handover:
        return ""  # the previous key was lost: the new key is trusted, or not, by the auditor
    try:
        previous = NoteVerifier.from_verifier_key_text(rotation.previous_key)
        text, _ = open_note(rotation.handover, [previous])
    except NoteError as exc:
        return f"the handover to {rotation.verifier_key} does not verify with the previous key: {exc}"
    if text != handover_text(rotation.verifier_key):
        return f"the handover signed by the previous key does not name {rotation.verifier_key}"
    return ""
