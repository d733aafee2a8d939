"""An open ledger (账本): the application, its transparency logs and their key files, and the
sequencer that integrates committed events into the logs and signs their checkpoints.

It is built by the composition root (:func:`api.bootstrap.open_ledger`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ledger.adapters.observability import get_logger
from ledger.adapters.settings import Settings
from ledger.domain.agency import Agency, agency_id
from ledger.errors import InvalidInput
from ledger.log import DEFAULT_LOG
from ledger.log.checkpoint import check_not_rolled_back, issue_checkpoint, signed_size
from ledger.log.keys import KeyFileError, KeyFiles, check_log_name
from ledger.log.routing import route_of
from ledger.log.sequencer import Sequencer
from ledger.log.store import Log, LogStore, StoredCheckpoint
from ledger.log.stored import PlainRows
from ledger.services.application import LedgerApp
from verify.log_keys import handover_text
from verify.note import NoteSigner, sign_note

if TYPE_CHECKING:
    from ledger.log.witnessing import Witnessing

_log = get_logger("spotcheck.sequencer")

class LogSelectionError(InvalidInput):
    """A command needs one log and was not told which (or was told one that does not exist)."""


@dataclass
class SyncResult:
    new_leaves: int
    sizes: dict[str, int]
    checkpoints: dict[str, StoredCheckpoint]
    unsigned: list[str]

    @property
    def tree_size(self) -> int:
        """The total number of entries over all logs."""
        return sum(self.sizes.values())


@dataclass
class Ledger:
    """An open ledger: the application, its logs and their key files."""

    settings: Settings
    app: LedgerApp
    store: LogStore
    sequencer: Sequencer = field(init=False)
    #: Each key directory checked: the stamp of its files, and the size its key last signed.
    _keys_checked: dict[Path, tuple[tuple[int, ...], int]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.sequencer = Sequencer(self.store, self.store.notifications, self.app.decode, route_of,
                                   plain=PlainRows(self.app.mapper))
        self.app.before_save = self.check_keys

    def check_keys(self) -> None:
        """Every log key present here can sign — a regular file of mode 600 holding a key, its
        last signed checkpoint writable by its owner alone — and no log in the database is shorter
        than what its key last signed (a database restored from an older backup). Called before
        anything is stored, so that a command stops *before* writing, not after (each key is read
        once, then only looked at again when its files change). Signing checks the same again
        (:func:`ledger.log.checkpoint.issue_checkpoint`), after the sequencer has integrated what
        the events table holds."""
        signed: dict[str, int] = {}
        for name, keys in self._present_keys().items():
            stamp = keys.stamp()
            checked = self._keys_checked.get(keys.directory)
            if checked is None or checked[0] != stamp:
                try:
                    keys.load_signer()
                    checked = (stamp, signed_size(keys.last_signed, keys.verifiers()))
                except KeyFileError as exc:
                    raise KeyFileError(f"{exc}; nothing was stored") from None
                self._keys_checked[keys.directory] = checked
            signed[name] = checked[1]
        if any(signed.values()):
            sizes = {name: state.size for name, state in self.store.logs().items()}
            for name, size in signed.items():
                check_not_rolled_back(name, sizes.get(name, 0), size, self.keys(name).last_signed)

    def _present_keys(self) -> dict[str, KeyFiles]:
        root = self.settings.keys_dir
        found = {DEFAULT_LOG: KeyFiles(root)}
        try:
            found.update({entry.name: KeyFiles.for_log(root, entry.name)
                          for entry in os.scandir(root)
                          if len(entry.name) == 6 and entry.name.isdigit() and entry.is_dir()})
        except OSError:
            return {}
        return {name: keys for name, keys in found.items() if keys.exists()}

    # -- logs and keys ------------------------------------------------------------------------
    def log(self, name: str | None = None) -> Log:
        """The named log; without a name, the only log there is (an error if there are several)."""
        logs = self.store.logs()
        if name is not None:
            check_log_name(name)
            return self.store.log(name)
        if len(logs) == 1:
            return self.store.log(next(iter(logs)))
        if not logs:
            return self.store.log(DEFAULT_LOG)
        raise LogSelectionError(
            f"--log: this ledger has {len(logs)} logs ({', '.join(logs)}); name one"
        )

    def keys(self, log: str = DEFAULT_LOG) -> KeyFiles:
        return KeyFiles.for_log(self.settings.keys_dir, log)

    def origin_of(self, log: str) -> str | None:
        """The origin an agency declared for its log (None for the deployment's own log or an
        agency not established here)."""
        if log == DEFAULT_LOG:
            return None
        agency_uuid = agency_id(log)
        if agency_uuid not in self.app.repository:
            return None
        agency: Agency = self.app.repository.get(agency_uuid)
        return agency.log_origin

    def init_key(self, log: str, origin: str | None = None, *, overwrite: bool = False) -> KeyFiles:
        """Create a log's key, named by the origin its agency declared (or ``origin``)."""
        declared = self.origin_of(log)
        if declared is not None and origin is not None and origin != declared:
            raise KeyFileError(
                f"--origin: agency {log} declared its log origin as {declared!r}, not {origin!r}"
            )
        name = declared or origin
        if name is None:
            raise KeyFileError(
                f"--origin: no agency with division code {log} is established here, so its log "
                "origin must be given"
            )
        keys = self.keys(log)
        keys.init(name, overwrite=overwrite)
        return keys

    def _signer(self, log: str) -> NoteSigner:
        keys = self.keys(log)
        signer = keys.load_signer()
        declared = self.origin_of(log)
        if declared is not None and signer.name != declared:
            raise KeyFileError(
                f"{keys.private}: the key names origin {signer.name!r} but agency {log} "
                f"declared {declared!r}; it will not sign this log"
            )
        in_force = self._recorded_key(log)
        if in_force is not None and signer.verifier_key_text() != in_force:
            if keys.staged_verifier_key() == in_force:  # a rotation recorded, then interrupted
                keys.promote_next()
                return self._signer(log)
            raise KeyFileError(
                f"{keys.private}: log {log} was rotated to key {in_force} (recorded in the ledger), "
                f"but this file holds {signer.verifier_key_text()}; it will not sign this log"
            )
        return signer

    def _recorded_key(self, log: str) -> str | None:
        """The key the ledger says is in force for ``log`` (None: no rotation recorded)."""
        if log == DEFAULT_LOG or agency_id(log) not in self.app.repository:
            return None
        agency: Agency = self.app.repository.get(agency_id(log))
        return agency.log_keys[-1] if agency.log_keys else None

    def rotate_key(self, log: str, reason: str, rotated_by: str, *,
                   old_key_lost: bool = False) -> tuple[str, str]:
        """Rotate an agency log's key (日志密钥轮换): the log keeps its identity and its history.

        Everything so far is first signed by the key in force (unless it is lost). A new key is
        written beside it (``log.key.next``); the rotation is recorded in the log, with the new
        key, the previous one and the previous key's handover (a signed note endorsing the new
        key; none when the previous key is lost); then the new key is put in force and signs the
        next checkpoint, which covers the rotation. Returns (previous key, new key)."""
        if log == DEFAULT_LOG or agency_id(log) not in self.app.repository:
            raise KeyFileError(f"--log: {log} is not an agency of this ledger; a rotation is "
                               "recorded in an agency's log")
        keys = self.keys(log)
        agency: Agency = self.app.repository.get(agency_id(log))
        if old_key_lost:
            previous = self._recorded_key(log) or (
                keys.public.read_text(encoding="utf-8").strip() if keys.public.exists() else "")
            if not previous:
                raise KeyFileError(f"{keys.public}: the previous key's verifier key is needed")
            old_signer = None
        else:
            old_signer = self._signer(log)
            previous = old_signer.verifier_key_text()
            self.sync(require_keys=False)  # everything before the rotation, signed by the old key
        new = keys.stage_next(agency.log_origin)
        handover = "" if old_signer is None else sign_note(
            handover_text(new.verifier_key_text()), [old_signer])
        if old_signer is None:
            self.app.before_save = None  # the lost key is not checked before the record
        try:
            agency.rotate_log_key(new.verifier_key_text(), previous, handover, reason, rotated_by)
            self.app.save(agency)
        finally:
            self.app.before_save = self.check_keys
        keys.promote_next()
        self._keys_checked.pop(keys.directory, None)
        self.sync(require_keys=False)
        return previous, new.verifier_key_text()

    # -- the sequencer ------------------------------------------------------------------------
    @property
    def witnessing(self) -> Witnessing:
        """The logs' witnesses and the submissions to them (:mod:`ledger.log.witnessing`,
        imported when first used: a read of the ledger does not need it)."""
        from ledger.log.witnessing import Witnessing

        return Witnessing(self.store, self.settings.keys_dir)

    def sync(self, *, sign: bool = True, require_keys: bool = True,
             witness: bool = True) -> SyncResult:
        """Integrate every committed event into its log, then sign a checkpoint of each log, then
        (``witness``) submit the new checkpoints to the logs' witnesses (a witness that is down
        or refuses is recorded, never an error here).

        A log with no key is left unsigned and named in the result; with ``require_keys`` that
        is an error (raised after the other logs are signed)."""
        new = self.sequencer.integrate()
        logs = self.store.logs()
        checkpoints: dict[str, StoredCheckpoint] = {}
        unsigned: list[str] = []
        for name in logs if sign else ():
            if not self.keys(name).exists():
                unsigned.append(name)
                continue
            keys = self.keys(name)
            issued = issue_checkpoint(self.store.log(name), self._signer(name), keys.last_signed,
                                      keys.verifiers())
            if issued is not None:
                checkpoints[name] = issued
        if witness and sign:
            self._submit_to_witnesses()
        if unsigned and require_keys:
            raise KeyFileError(
                f"no signing key for log(s) {', '.join(unsigned)}: run "
                + "; ".join(f"`spotcheck keys init{_log_option(n)}`" for n in unsigned)
            )
        return SyncResult(new, {n: s.size for n, s in logs.items()}, checkpoints, unsigned)

    def _submit_to_witnesses(self) -> None:
        """What is signed is signed: a failure to reach, store or check a witness's answer is
        logged (and retried at the next sync), never the sync's failure."""
        try:
            self.witnessing.submit()
        except Exception as exc:
            _log.error("witness.submission_failed", error=type(exc).__name__, message=str(exc))

    def follow(self, interval: float, should_stop: Callable[[], bool]) -> int:
        """Run as the logs' sequencer: sync at once, then every ``interval`` seconds until
        ``should_stop()``; returns the number of events integrated. A log without a key is
        logged, not fatal."""
        total = 0
        warned: set[str] = set()
        first = True
        while first or not should_stop():  # at least one pass, however late it starts
            first = False
            result = self.sync(require_keys=False)
            total += result.new_leaves
            for name in set(result.unsigned) - warned:
                _log.warning("log.unsigned", log=name, reason="no signing key")
            warned.update(result.unsigned)
            deadline = time.monotonic() + interval
            while not should_stop() and time.monotonic() < deadline:
                time.sleep(min(0.1, interval))
        return total

    def close(self) -> None:
        self.sequencer.close()
        self.store.close()
        self.app.close()


def _log_option(name: str) -> str:
    return "" if name == DEFAULT_LOG else f" --log {name}"
