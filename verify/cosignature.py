"""C2SP tlog cosignatures (https://c2sp.org/tlog-cosignature, ``cosignature/v1``, Ed25519).

A cosigner (here: the level above — the prefecture witnessing a county's log) that has checked a
checkpoint countersigns it by adding one more signature line to the checkpoint's signed note::

    — <cosigner name> <base64(key ID(4) || timestamp(8, big-endian) || Ed25519 signature(64))>

* signature type 0x04 (Ed25519 cosignature); key ID = ``SHA-256(name || 0x0A || 0x04 || public
  key)[:4]``, so a cosigner's key never collides with a log's 0x01 note key of the same name;
* the signed message is ``"cosignature/v1\\n" || "time <timestamp>\\n" || <note body>`` where the
  timestamp is ASCII decimal without leading zeros (at most 2**63 - 1) and the note body is the
  whole checkpoint text (origin, size, root and any extension lines, with the final newline, no
  signature lines). A cosignature lifted onto another body therefore does not verify.
* keys: verifier ``<name>+<8 hex key ID>+<base64(0x04 || public key)>``; signer (a Spotcheck
  convention mirroring :mod:`verify.note`) ``PRIVATE+KEY+<name>+<8 hex key ID>+<base64(0x04 ||
  32-byte seed)>``.

:func:`open_cosigned` verifies the log's signature (:func:`verify.checkpoint.open_checkpoint`) and
every cosignature by a known cosigner key, ignoring unknown signature lines as C2SP requires.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from verify.checkpoint import Checkpoint, CheckpointError, open_checkpoint, parse_checkpoint_body
from verify.note import (
    SIGNATURE_PREFIX,
    NoteError,
    NoteVerifier,
    _b64,
    _b64decode,
    _parse_key_id,
    _parse_signature_line,
    _split_note,
    check_name,
)

ALG_COSIGNATURE_V1 = 0x04
COSIGNATURE_HEADER = "cosignature/v1"
MAX_TIMESTAMP = 2**63 - 1
SIGNATURE_SIZE = 4 + 8 + 64
_PRIVATE_PREFIX = "PRIVATE+KEY+"


class CosignatureError(NoteError):
    """A cosigner key or a cosignature is malformed, or a cosignature does not verify."""


@dataclass(frozen=True)
class Cosignature:
    """A verified cosignature: who countersigned, and when (POSIX seconds)."""

    name: str
    timestamp: int


def cosigner_key_id(name: str, public_key: bytes) -> bytes:
    """Return the 4-byte key ID: SHA-256(name || "\\n" || 0x04 || public key)[:4]."""
    return hashlib.sha256(
        name.encode("utf-8") + b"\n" + bytes([ALG_COSIGNATURE_V1]) + public_key
    ).digest()[:4]


def check_timestamp(timestamp: int) -> None:
    """Raise :class:`CosignatureError` unless ``0 <= timestamp <= 2**63 - 1``."""
    if type(timestamp) is not int or not 0 <= timestamp <= MAX_TIMESTAMP:
        raise CosignatureError(f"cosignature timestamp {timestamp!r} is not in 0..2**63-1")


def cosignature_message(text: str, timestamp: int) -> bytes:
    """The bytes a ``cosignature/v1`` signature covers for note body ``text`` at ``timestamp``."""
    check_timestamp(timestamp)
    return f"{COSIGNATURE_HEADER}\ntime {timestamp}\n{text}".encode()


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _parse_material(text: str, what: str) -> bytes:
    try:
        raw = _b64decode(text, f"{what} key")
    except NoteError as error:
        raise CosignatureError(str(error)) from None
    if len(raw) != 33 or raw[0] != ALG_COSIGNATURE_V1:
        raise CosignatureError(
            f"{what} key is not 0x04 followed by a 32-byte Ed25519 key (not a cosigner key)")
    return raw[1:]


def _check(name: str, id_text: str, what: str) -> bytes:
    try:
        check_name(name)
        return _parse_key_id(id_text, what)
    except CosignatureError:
        raise
    except NoteError as error:
        raise CosignatureError(str(error)) from None


@dataclass(frozen=True)
class CosignerSigner:
    """A cosigner's Ed25519 private key with its name."""

    name: str
    private_key: Ed25519PrivateKey

    @classmethod
    def from_private_key_text(cls, text: str) -> CosignerSigner:
        """Parse ``PRIVATE+KEY+<name>+<8 hex key ID>+<base64(0x04 || seed)>``."""
        if not text.startswith(_PRIVATE_PREFIX):
            raise CosignatureError("cosigner key does not start with PRIVATE+KEY+")
        parts = text[len(_PRIVATE_PREFIX) :].split("+", 2)
        if len(parts) != 3:
            raise CosignatureError("cosigner key is not PRIVATE+KEY+<name>+<key ID>+<key>")
        name, id_text, key_text = parts
        given_id = _check(name, id_text, "cosigner")
        seed = _parse_material(key_text, "cosigner")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(seed))
        if signer.key_id != given_id:
            raise CosignatureError(
                f"cosigner key ID {id_text} does not match the key (computed {signer.key_id.hex()})")
        return signer

    @property
    def public_key(self) -> bytes:
        """The raw 32-byte Ed25519 public key."""
        return _raw_public(self.private_key.public_key())

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID (type 0x04)."""
        return cosigner_key_id(self.name, self.public_key)

    def private_key_text(self) -> str:
        """Return the ``PRIVATE+KEY+...`` text of this key (keep it secret)."""
        seed = self.private_key.private_bytes_raw()
        material = _b64(bytes([ALG_COSIGNATURE_V1]) + seed)
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_id.hex()}+{material}"

    def verifier_key_text(self) -> str:
        """Return the public ``<name>+<key ID>+<base64(0x04 || key)>`` text of this key."""
        return self.verifier().verifier_key_text()

    def verifier(self) -> CosignerVerifier:
        """Return the matching :class:`CosignerVerifier`."""
        return CosignerVerifier(self.name, self.key_id, self.private_key.public_key())

    def sign(self, text: str, timestamp: int) -> str:
        """Return the cosignature line ``— <name> <base64(key ID || timestamp || sig)>\\n``."""
        signature = self.private_key.sign(cosignature_message(text, timestamp))
        raw = self.key_id + timestamp.to_bytes(8, "big") + signature
        return f"{SIGNATURE_PREFIX}{self.name} {_b64(raw)}\n"


@dataclass(frozen=True)
class CosignerVerifier:
    """A cosigner's public key: name, 4-byte key ID (type 0x04) and Ed25519 public key."""

    name: str
    key_id: bytes
    public_key: Ed25519PublicKey

    @classmethod
    def from_verifier_key_text(cls, text: str) -> CosignerVerifier:
        """Parse ``<name>+<8 hex key ID>+<base64(0x04 || 32-byte public key)>``."""
        parts = text.split("+", 2)
        if len(parts) != 3:
            raise CosignatureError(f"cosigner key {text!r} is not <name>+<key ID>+<key>")
        name, id_text, key_text = parts
        given_id = _check(name, id_text, "cosigner verifier")
        raw = _parse_material(key_text, "cosigner verifier")
        computed = cosigner_key_id(name, raw)
        if computed != given_id:
            raise CosignatureError(
                f"cosigner key ID {id_text} does not match the key (computed {computed.hex()})")
        return cls(name, given_id, Ed25519PublicKey.from_public_bytes(raw))

    def verifier_key_text(self) -> str:
        """Return the ``<name>+<key ID>+<base64(0x04 || key)>`` text of this key."""
        public = bytes([ALG_COSIGNATURE_V1]) + _raw_public(self.public_key)
        return f"{self.name}+{self.key_id.hex()}+{_b64(public)}"

    def verify(self, text: str, raw: bytes) -> int:
        """Check ``raw`` = timestamp(8) || signature(64) over ``text``; return the timestamp."""
        if len(raw) != SIGNATURE_SIZE - 4:
            raise CosignatureError(
                f"cosignature by {self.name} is {len(raw) + 4} bytes, not {SIGNATURE_SIZE}")
        timestamp = int.from_bytes(raw[:8], "big")
        check_timestamp(timestamp)
        try:
            self.public_key.verify(raw[8:], cosignature_message(text, timestamp))
        except InvalidSignature:
            raise CosignatureError(
                f"invalid cosignature by {self.name}+{self.key_id.hex()} (time {timestamp}): it "
                "was not made by this key over this checkpoint") from None
        return timestamp


def generate_cosigner(name: str) -> CosignerSigner:
    """Return a new random Ed25519 cosigner with the given (validated) name."""
    try:
        check_name(name)
    except NoteError as error:
        raise CosignatureError(str(error)) from None
    return CosignerSigner(name, Ed25519PrivateKey.generate())


def cosign(note_text: str, cosigner: CosignerSigner, timestamp: int,
           log_verifiers: Sequence[NoteVerifier] = ()) -> str:
    """Return the signed checkpoint ``note_text`` with ``cosigner``'s cosignature line appended.

    The note's body must be a well-formed checkpoint; with ``log_verifiers`` the log's signature
    is checked first (a cosigner should only countersign what it verified). A note the cosigner
    already cosigned is refused.
    """
    check_timestamp(timestamp)
    try:
        text, lines = _split_note(note_text)
        parse_checkpoint_body(text)
        if log_verifiers:
            open_checkpoint(note_text, log_verifiers)
        for line in lines:
            name, kid, _ = _parse_signature_line(line)
            if (name, kid) == (cosigner.name, cosigner.key_id):
                raise CosignatureError(f"the note is already cosigned by {name}+{kid.hex()}")
    except CosignatureError:
        raise
    except (NoteError, CheckpointError) as error:
        raise CosignatureError(f"cannot cosign: {error}") from None
    return note_text + cosigner.sign(text, timestamp)


def check_cosignatures(
    note_text: str, cosigner_verifiers: Sequence[CosignerVerifier]
) -> tuple[list[Cosignature], list[str]]:
    """Return the note's valid cosignatures by known cosigners and a reason for each bad one.

    Lines by unknown keys (the log's own signature among them) are ignored; a second cosignature
    by the same key is a problem. The note must be well-formed (else :class:`NoteError`).
    """
    text, lines = _split_note(note_text)
    known = {(v.name, v.key_id): v for v in cosigner_verifiers}
    valid: list[Cosignature] = []
    problems: list[str] = []
    seen: set[tuple[str, bytes]] = set()
    for line in lines:
        name, kid, raw = _parse_signature_line(line)
        verifier = known.get((name, kid))
        if verifier is None:
            continue
        if (name, kid) in seen:
            problems.append(f"two cosignatures by key {name}+{kid.hex()}")
            continue
        seen.add((name, kid))
        try:
            valid.append(Cosignature(name, verifier.verify(text, raw)))
        except CosignatureError as error:
            problems.append(str(error))
    return valid, problems


def open_cosigned(
    note_text: str,
    log_verifiers: Sequence[NoteVerifier],
    cosigner_verifiers: Sequence[CosignerVerifier],
) -> tuple[Checkpoint, list[tuple[str, int]]]:
    """Verify the log's signature and every known cosignature; return the checkpoint and the
    ``(cosigner name, timestamp)`` of each valid cosignature (possibly none).

    Raises :class:`verify.checkpoint.CheckpointError` (a :class:`NoteError` too) if the log's
    signature fails, :class:`CosignatureError` if a known cosigner's cosignature does not verify
    (over a different body, by another key, with another timestamp or type byte).
    """
    checkpoint = open_checkpoint(note_text, log_verifiers)
    valid, problems = check_cosignatures(note_text, cosigner_verifiers)
    if problems:
        raise CosignatureError("; ".join(problems))
    return checkpoint, [(c.name, c.timestamp) for c in valid]


def read_cosigner_verifiers(text: str) -> list[CosignerVerifier]:
    """Parse one cosigner verifier key per non-blank line."""
    return [CosignerVerifier.from_verifier_key_text(line.strip())
            for line in text.splitlines() if line.strip()]
