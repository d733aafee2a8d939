"""The logs' signing keys (日志签名密钥): created once, kept in files, never in the database.

Each log has its own key. An agency's log (named by its division code) keeps it in
``<keys dir>/<division code>/``; the deployment's own log (``ledger``) in ``<keys dir>`` itself.
The private key is stored in the C2SP signed-note private-key text form
(``PRIVATE+KEY+<name>+<key id>+<base64>``) in ``log.key`` with mode 0600; the public verifier key
(``<name>+<key id>+<base64>``) in ``log.vkey`` beside it, for auditors; the last checkpoint the
key signed in ``log.checkpoint``.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ledger.errors import Unavailable
from ledger.log import DEFAULT_LOG
from verify.note import NoteError, NoteSigner, NoteVerifier, generate_signer

PRIVATE_FILE = "log.key"
PUBLIC_FILE = "log.vkey"
LAST_SIGNED_FILE = "log.checkpoint"
#: A key being rotated in: written before the rotation is recorded, put in place after.
NEXT_SUFFIX = ".next"
#: A key rotated out keeps its files, renamed ``log.key.rotated-<time>`` (its verifier key too).
ROTATED_SUFFIX = ".rotated-"
DEFAULT_ORIGIN = "spotcheck.local/ledger"


class KeyFileError(Unavailable):
    """The key files are missing, unreadable or malformed (the message says which and why)."""


def check_log_name(name: str) -> str:
    """A log is named ``ledger`` or by a 6-digit division code (the name is also a directory)."""
    if name != DEFAULT_LOG and not (len(name) == 6 and name.isdigit()):
        raise KeyFileError(
            f"log: {name!r} is neither {DEFAULT_LOG!r} nor a 6-digit division code"
        )
    return name


@dataclass(frozen=True)
class KeyFiles:
    directory: Path

    @classmethod
    def for_log(cls, keys_dir: Path, log: str) -> KeyFiles:
        """The key files of one log under the keys directory."""
        check_log_name(log)
        return cls(keys_dir if log == DEFAULT_LOG else keys_dir / log)

    @property
    def private(self) -> Path:
        return self.directory / PRIVATE_FILE

    @property
    def public(self) -> Path:
        return self.directory / PUBLIC_FILE

    @property
    def last_signed(self) -> Path:
        """The last checkpoint this key signed (it signs only extensions of it)."""
        return self.directory / LAST_SIGNED_FILE

    def exists(self) -> bool:
        return self.private.exists()

    # -- rotation (the same log, a new key; docs/operator-guide.md "Rotating a log key") ----------
    @property
    def next_private(self) -> Path:
        return self.directory / (PRIVATE_FILE + NEXT_SUFFIX)

    @property
    def next_public(self) -> Path:
        return self.directory / (PUBLIC_FILE + NEXT_SUFFIX)

    def stage_next(self, origin: str) -> NoteSigner:
        """A new key for the same log, written beside the key in force (``log.key.next``); it
        replaces it only in :meth:`promote_next`, once the rotation is recorded."""
        try:
            signer = generate_signer(origin)
        except NoteError as exc:
            raise KeyFileError(f"origin {origin!r} cannot name a log key: {exc}") from None
        _write_private(self.next_private, signer.private_key_text() + "\n")
        self.next_public.write_text(signer.verifier_key_text() + "\n", encoding="utf-8")
        return signer

    def staged_verifier_key(self) -> str | None:
        """The verifier key of a staged next key (None: none staged)."""
        try:
            return self.next_public.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None

    def promote_next(self) -> None:
        """Put the staged key in force; the key it replaces is kept (renamed ``.rotated-…``), and
        the last signed checkpoint stays: the new key signs only extensions of it."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        for current, staged in ((self.private, self.next_private), (self.public, self.next_public)):
            if current.exists():
                current.rename(current.with_name(current.name + ROTATED_SUFFIX + stamp))
            staged.rename(current)

    def verifiers(self) -> list[NoteVerifier]:
        """The verifier keys of this log: the key in force and every key rotated out (what the
        last signed checkpoint may be signed by, and what an export publishes)."""
        texts = [path.read_text(encoding="utf-8").strip()
                 for path in [self.public, *sorted(self.directory.glob(
                     PUBLIC_FILE + ROTATED_SUFFIX + "*"), reverse=True)] if path.exists()]
        try:
            return [NoteVerifier.from_verifier_key_text(t) for t in texts if t]
        except NoteError as exc:
            raise KeyFileError(f"{self.directory}: a verifier key cannot be read: {exc}") from None

    def stamp(self) -> tuple[int, ...]:
        """What changes when the key files change (their modes, sizes and times)."""
        stamp: list[int] = []
        for path in (self.private, self.last_signed):
            try:
                info = path.lstat()
                stamp += [info.st_mode, info.st_size, info.st_mtime_ns, info.st_ino]
            except FileNotFoundError:
                stamp += [0, 0, 0, 0]
        return tuple(stamp)

    def init(self, origin: str = DEFAULT_ORIGIN, *, overwrite: bool = False) -> NoteSigner:
        """Create the log key; refuses to replace an existing one unless told to."""
        if self.private.exists() and not overwrite:
            raise KeyFileError(
                f"{self.private} already exists: a log keeps its key for life "
                "(pass --force only if you really mean to start a new log identity)"
            )
        try:
            signer = generate_signer(origin)
        except NoteError as exc:
            raise KeyFileError(f"origin {origin!r} cannot name a log key: {exc}") from None
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._retire_old_identity()
        _write_private(self.private, signer.private_key_text() + "\n")
        self.public.write_text(signer.verifier_key_text() + "\n", encoding="utf-8")
        return signer

    def _retire_old_identity(self) -> None:
        """Keep a replaced key's files (renamed, never deleted): auditors may still need them."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        for path in (self.private, self.public, self.last_signed):
            if path.exists():
                path.rename(path.with_name(f"{path.name}.retired-{stamp}"))

    def load_signer(self) -> NoteSigner:
        if not self.private.exists():
            raise KeyFileError(
                f"no log key at {self.private}: run `spotcheck keys init{self._log_option()}` first "
                "(or point SPOTCHECK_KEYS at the directory holding it)"
            )
        check_private(self.private)
        check_not_writable_by_others(self.last_signed)
        try:
            return NoteSigner.from_private_key_text(self.private.read_text(encoding="utf-8").strip())
        except (OSError, NoteError) as exc:
            raise KeyFileError(f"{self.private}: {exc}") from None

    def _log_option(self) -> str:
        name = self.directory.name
        return f" --log {name}" if len(name) == 6 and name.isdigit() else ""

    def verifier_key_text(self) -> str:
        return self.load_signer().verifier_key_text()


def check_private(path: Path) -> None:
    """A secret file (a log key, a draw key) must be a regular file that only its owner can read
    or write: :class:`KeyFileError` otherwise, naming the file, its mode and the fix."""
    mode = _mode_of_regular(path.lstat(), path)
    if mode & 0o077:
        raise KeyFileError(
            f"{path}: readable or writable by others (mode {mode:o}); a secret key must be mode "
            f"600: chmod 600 {path}, then check who may have copied it"
        )


def check_not_writable_by_others(path: Path) -> None:
    """The last signed checkpoint guards against a rollback: nobody but its owner may replace it
    (:class:`KeyFileError` when anyone else could write it)."""
    try:
        mode = _mode_of_regular(path.lstat(), path)
    except FileNotFoundError:
        return
    if mode & 0o022:
        raise KeyFileError(
            f"{path}: writable by others (mode {mode:o}); whoever can replace the last signed "
            f"checkpoint can hide a rollback: chmod 644 {path}"
        )


def _mode_of_regular(info: os.stat_result, path: Path) -> int:
    if not stat.S_ISREG(info.st_mode):
        raise KeyFileError(f"{path}: not a regular file; a key file is read only from a plain file")
    return info.st_mode & 0o777


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
