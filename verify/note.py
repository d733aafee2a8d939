"""C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys (signature type 0x01).

A signed note is UTF-8 text ending in a newline, a blank line, then one or more signature lines::

    <text, ending in "\\n">
    \\n
    — <key name> <base64(key ID || signature)>\\n      (U+2014 EM DASH, then a space)

The key ID is the first 4 bytes of ``SHA-256(name || "\\n" || 0x01 || public key)``; the Ed25519
signature is over the text bytes. Keys are written as in Go's ``golang.org/x/mod/sumdb/note``:

* verifier key: ``<name>+<8 hex key ID>+<base64(0x01 || 32-byte public key)>``
* signer key:   ``PRIVATE+KEY+<name>+<8 hex key ID>+<base64(0x01 || 32-byte seed)>``

A key name is non-empty and contains neither ``+`` nor whitespace. :func:`open_note` verifies the
signatures of known keys, ignores unknown ones, and fails if a known key's signature is bad or no
known key signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG_ED25519 = 0x01
SIGNATURE_PREFIX = "\u2014 "
MAX_SIGNATURES = 100
_PRIVATE_PREFIX = "PRIVATE+KEY+"


NOT_SIGNED_BY_A_KNOWN_KEY = "note is not signed by any known key"


class NoteError(ValueError):
    """A note or key is malformed, or a note's signatures do not verify."""


def _b64decode(text: str, what: str) -> bytes:
    """Strict standard base64 (padding required, canonical encoding only)."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise NoteError(f"{what} is not valid base64: {text!r}") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise NoteError(f"{what} is not canonical base64: {text!r}")
    return raw


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def check_name(name: str) -> None:
    """Raise :class:`NoteError` unless ``name`` is a valid key name."""
    if not name:
        raise NoteError("key name is empty")
    if "+" in name:
        raise NoteError(f"key name {name!r} contains '+'")
    if any(c.isspace() for c in name):
        raise NoteError(f"key name {name!r} contains whitespace")


def key_id(name: str, public_key: bytes) -> bytes:
    """Return the 4-byte key ID: SHA-256(name || "\\n" || 0x01 || public key)[:4]."""
    return hashlib.sha256(
        name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public_key
    ).digest()[:4]


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _parse_key_id(text: str, what: str) -> bytes:
    if len(text) != 8 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise NoteError(f"{what} key ID {text!r} is not 8 hex digits")
    return bytes.fromhex(text)


def _parse_key_material(text: str, what: str) -> bytes:
    raw = _b64decode(text, f"{what} key")
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise NoteError(f"{what} key is not 0x01 followed by a 32-byte Ed25519 key")
    return raw[1:]


@dataclass(frozen=True)
class NoteSigner:
    """An Ed25519 note signing key with its name."""

    name: str
    private_key: Ed25519PrivateKey

    @classmethod
    def from_private_key_text(cls, text: str) -> NoteSigner:
        """Parse ``PRIVATE+KEY+<name>+<8 hex key ID>+<base64(0x01 || seed)>``."""
        if not text.startswith(_PRIVATE_PREFIX):
            raise NoteError("signer key does not start with PRIVATE+KEY+")
        parts = text[len(_PRIVATE_PREFIX) :].split("+", 2)
        if len(parts) != 3:
            raise NoteError("signer key is not PRIVATE+KEY+<name>+<key ID>+<key>")
        name, id_text, key_text = parts
        check_name(name)
        given_id = _parse_key_id(id_text, "signer")
        seed = _parse_key_material(key_text, "signer")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(seed))
        if signer.key_id != given_id:
            raise NoteError(
                f"signer key ID {id_text} does not match the key (computed {signer.key_id.hex()})"
            )
        return signer

    @property
    def public_key(self) -> bytes:
        """The raw 32-byte Ed25519 public key."""
        return _raw_public(self.private_key.public_key())

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID."""
        return key_id(self.name, self.public_key)

    def private_key_text(self) -> str:
        """Return the ``PRIVATE+KEY+...`` text of this key (keep it secret)."""
        seed = self.private_key.private_bytes_raw()
        return (
            f"{_PRIVATE_PREFIX}{self.name}+{self.key_id.hex()}+{_b64(bytes([ALG_ED25519]) + seed)}"
        )

    def verifier_key_text(self) -> str:
        """Return the public ``<name>+<key ID>+<base64 key>`` text of this key."""
        public = bytes([ALG_ED25519]) + self.public_key
        return f"{self.name}+{self.key_id.hex()}+{_b64(public)}"

    def verifier(self) -> NoteVerifier:
        """Return the matching :class:`NoteVerifier`."""
        return NoteVerifier(self.name, self.key_id, self.private_key.public_key())

    def sign(self, text: str) -> str:
        """Return the signature line ``— <name> <base64(key ID || signature)>\\n`` for ``text``."""
        signature = self.private_key.sign(text.encode("utf-8"))
        return f"{SIGNATURE_PREFIX}{self.name} {_b64(self.key_id + signature)}\n"


@dataclass(frozen=True)
class NoteVerifier:
    """An Ed25519 note verifier key: name, 4-byte key ID and public key."""

    name: str
    key_id: bytes
    public_key: Ed25519PublicKey

    @classmethod
    def from_verifier_key_text(cls, text: str) -> NoteVerifier:
        """Parse ``<name>+<8 hex key ID>+<base64(0x01 || 32-byte public key)>``."""
        parts = text.split("+", 2)
        if len(parts) != 3:
            raise NoteError(f"verifier key {text!r} is not <name>+<key ID>+<key>")
        name, id_text, key_text = parts
        check_name(name)
        given_id = _parse_key_id(id_text, "verifier")
        raw = _parse_key_material(key_text, "verifier")
        computed = key_id(name, raw)
        if computed != given_id:
            raise NoteError(
                f"verifier key ID {id_text} does not match the key (computed {computed.hex()})"
            )
        return cls(name, given_id, Ed25519PublicKey.from_public_bytes(raw))

    def verifier_key_text(self) -> str:
        """Return the ``<name>+<key ID>+<base64 key>`` text of this key."""
        public = bytes([ALG_ED25519]) + _raw_public(self.public_key)
        return f"{self.name}+{self.key_id.hex()}+{_b64(public)}"

    def verify(self, text: str, signature: bytes) -> bool:
        """Return whether ``signature`` (64 bytes, without key ID) is valid for ``text``."""
        try:
            self.public_key.verify(signature, text.encode("utf-8"))
        except InvalidSignature:
            return False
        return True


def generate_signer(name: str) -> NoteSigner:
    """Return a new random Ed25519 signer with the given (validated) name."""
    check_name(name)
    return NoteSigner(name, Ed25519PrivateKey.generate())


def check_text(text: str) -> None:
    """Raise :class:`NoteError` unless ``text`` is valid note text."""
    if not text.endswith("\n"):
        raise NoteError("note text does not end with a newline")
    _check_characters(text, "note text")


def _check_characters(text: str, what: str) -> None:
    for i, c in enumerate(text):
        if (c < " " and c != "\n") or "\ud800" <= c <= "\udfff":
            raise NoteError(f"{what} contains forbidden character U+{ord(c):04X} at offset {i}")


def sign_note(text: str, signers: Sequence[NoteSigner]) -> str:
    """Return ``text`` signed by each signer: text, a blank line, then the signature lines."""
    check_text(text)
    if not signers:
        raise NoteError("no signers given")
    return text + "\n" + "".join(signer.sign(text) for signer in signers)


def _split_note(note: str) -> tuple[str, list[str]]:
    _check_characters(note, "note")
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("malformed note: no blank line before the signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block or not block.endswith("\n"):
        raise NoteError("malformed note: signature block is empty or does not end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"malformed note: more than {MAX_SIGNATURES} signatures")
    return text, lines


def _parse_signature_line(line: str) -> tuple[str, bytes, bytes]:
    if not line.startswith(SIGNATURE_PREFIX):
        raise NoteError(f"malformed note: signature line {line!r} does not start with '— '")
    name, sep, b64 = line[len(SIGNATURE_PREFIX) :].partition(" ")
    if not sep or not b64:
        raise NoteError(f"malformed note: signature line {line!r} is not '— <name> <signature>'")
    try:
        check_name(name)
    except NoteError as error:
        raise NoteError(f"malformed note: {error}") from None
    raw = _b64decode(b64, f"signature of {name}")
    if len(raw) < 5:
        raise NoteError(f"malformed note: signature of {name} is too short")
    return name, raw[:4], raw[4:]


def open_note(note: str, verifiers: Sequence[NoteVerifier]) -> tuple[str, list[NoteVerifier]]:
    """Verify a signed note; return its text and the known verifiers whose signatures are valid.

    Signatures by unknown keys are ignored. Raises :class:`NoteError` if the note is malformed, a
    known key's signature is invalid, or no known key signed it.
    """
    text, lines = _split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    signed: list[NoteVerifier] = []
    seen: set[tuple[str, bytes]] = set()
    for line in lines:
        name, kid, signature = _parse_signature_line(line)
        verifier = known.get((name, kid))
        if verifier is None:  # C2SP: signatures by unknown keys are ignored, repeats included
            seen.add((name, kid))
            continue
        if (name, kid) in seen:
            raise NoteError(f"malformed note: two signatures by key {name}+{kid.hex()}")
        seen.add((name, kid))
        if not verifier.verify(text, signature):
            raise NoteError(f"invalid signature by key {name}+{kid.hex()}")
        signed.append(verifier)
    if not signed:
        names = ", ".join(sorted(f"{n}+{k.hex()}" for n, k in seen))
        raise NoteError(f"{NOT_SIGNED_BY_A_KNOWN_KEY} (signed by: {names})")
    return text, signed
