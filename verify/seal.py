"""Sealed content (密封内容): AES-256-GCM with a per-draw key, opened when the rulebook allows.

A drawn list must stay secret until the visits (抽查保密), yet be fixed by hash the moment it is
drawn. The ledger therefore stores the secret parts of a draw — entropy values, the seed, the
selection and the assignment — sealed, and their hashes or commitments in the clear. When the
list is disclosed, the draw's key is published in the ledger, and anyone can open every sealed
value and check it against what was fixed earlier.

A sealed value is the text ``aes256gcm:`` + base64(nonce ‖ ciphertext ‖ tag), with a 12-byte
random nonce and, as associated data, UTF-8 of ``spotcheck/seal/v1|<draw id>|<field>``, so a
sealed value cannot be moved to another draw or field without failing to open.
"""

from __future__ import annotations

import base64
import binascii
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on first use: a command that seals nothing does not pay for it
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "aes256gcm:"
KEY_BYTES = 32
NONCE_BYTES = 12


class SealError(ValueError):
    """A sealed value that cannot be opened with this key, or a malformed key."""


def new_key() -> bytes:
    """A fresh random 256-bit draw key."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM.generate_key(bit_length=256)


def _aad(draw_id: str, field: str) -> bytes:
    return f"spotcheck/seal/v1|{draw_id}|{field}".encode()


def _cipher(key: bytes) -> AESGCM:
    if len(key) != KEY_BYTES:
        raise SealError(f"key: a draw key is {KEY_BYTES} bytes, not {len(key)}")
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def seal(key: bytes, draw_id: str, field: str, plaintext: bytes) -> str:
    """Seal ``plaintext`` as ``field`` of draw ``draw_id``."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher(key).encrypt(nonce, plaintext, _aad(draw_id, field))
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def open_sealed(key: bytes, draw_id: str, field: str, sealed: str) -> bytes:
    """The plaintext of a sealed value; :class:`SealError` if the key, draw or field is wrong or
    the value was altered."""
    if not sealed.startswith(PREFIX):
        raise SealError(f"{field}: not a sealed value (no {PREFIX!r} prefix)")
    try:
        raw = base64.b64decode(sealed[len(PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise SealError(f"{field}: sealed value is not base64") from None
    if len(raw) < NONCE_BYTES + 16:
        raise SealError(f"{field}: sealed value is too short")
    from cryptography.exceptions import InvalidTag

    try:
        return _cipher(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(draw_id, field))
    except InvalidTag:
        raise SealError(
            f"{field}: does not open with this key for draw {draw_id} (wrong key, or altered)"
        ) from None


def key_from_hex(text: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise SealError("key: not hexadecimal") from None
    if len(key) != KEY_BYTES:
        raise SealError(f"key: a draw key is {KEY_BYTES} bytes (64 hex digits), not {len(key)}")
    return key
