"""What every use case of the service shares: the open deployment, the access rules, the read
models, and how a write is done for an account (服务上下文)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from api.access import Access, Caller
from api.database import Database, ReadModels
from ledger.adapters.observability import get_logger
from ledger.domain.chained import acting_as
from ledger.errors import InvalidInput

_log = get_logger("spotcheck.service")

if TYPE_CHECKING:
    from api.bootstrap import Spotcheck


class RequestError(InvalidInput):
    """A request value that is not what the step needs (a date, a format, a file)."""


@dataclass(frozen=True)
class Download:
    """A file the service hands out: its name, media type and bytes."""

    filename: str
    media_type: str
    content: bytes


def day(value: str | None, field: str) -> date:
    """A ``YYYY-MM-DD`` request value (today when omitted)."""
    if value is None or value == "":
        return date.today()
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise RequestError(f"{field}: {value!r} is not a date YYYY-MM-DD") from None


class Context:
    """The open deployment as the service uses it, for every request of one process."""

    def __init__(self, spotcheck: Spotcheck, database: Database, *, inline: bool) -> None:
        self.spotcheck = spotcheck
        self.database = database
        self.access = Access(spotcheck.ledger.app)
        self.reads = ReadModels(database)
        self.inline = inline
        self._integrator = ThreadPoolExecutor(1, thread_name_prefix="spotcheck-integrate")
        self._kept: dict[str, Any] = {}
        self._witnesser = ThreadPoolExecutor(1, thread_name_prefix="spotcheck-witness")
        self._witness_kept: dict[str, Any] = {}
        self._witness_lock = threading.Lock()
        self._witness_pending = False

    @property
    def app(self) -> Any:
        return self.spotcheck.ledger.app

    @contextmanager
    def writing(self, caller: Caller) -> Iterator[None]:
        """Do a write for ``caller``: every event created inside records its account as the actor.
        With ``inline`` (a one-process deployment), the log and the read models are brought up to
        date afterwards — also after a refusal the rules record (a wrong reveal, a second seed)."""
        try:
            with acting_as(caller.actor()):
                yield
        finally:
            if self.inline:
                self._integrate_after_write()

    def _integrate_after_write(self) -> None:
        """What was written is stored, whatever happens here: a failure to log it now is logged
        (the next write, or ``spotcheck log sync``, integrates it), never reported as the write's
        failure — a client told so would write it again."""
        try:
            self.integrate()
        except Exception as exc:
            _log.error("service.integrate_failed", error=type(exc).__name__, message=str(exc))

    def integrate(self) -> None:
        """Integrate what was written into the logs (signing where the key is here) and apply it
        to the read models: what ``spotcheck log follow`` and ``spotcheck project run --follow``
        do beside a service of several processes. Done on one thread of this process, which keeps
        its log-store and projection connections open between writes (a SQLite connection
        belongs to the thread that opened it); one integration at a time."""
        self._integrator.submit(self._integrate_here).result()

    def _integrate_here(self) -> None:
        from api.bootstrap import open_runner
        from ledger.adapters.event_store import events_table
        from ledger.log.store import open_log_store
        from ledger.services.ledger import Ledger

        ledger = self.spotcheck.ledger
        try:
            if not self._kept:
                store = open_log_store(ledger.settings, events_table(ledger.settings))
                self._kept["ledger"] = Ledger(settings=ledger.settings, app=ledger.app, store=store)
                self._kept["runner"] = open_runner(ledger)
            self._kept["ledger"].sync(require_keys=False, witness=False)
            self._kept["runner"].run()
            self._witness_later()
        except BaseException:
            self._close_here()  # opened afresh next time (a dropped connection, a lock timeout)
            raise

    def _witness_later(self) -> None:
        """Submit the new checkpoints to the logs' witnesses on a thread of their own: a witness
        that is slow or down delays its cosignature only, never a write's answer. Submissions
        coalesce: one waiting is enough."""
        with self._witness_lock:
            if self._witness_pending:
                return
            self._witness_pending = True
        self._witnesser.submit(self._witness_here)

    def _witness_here(self) -> None:
        from ledger.adapters.event_store import events_table
        from ledger.log.store import open_log_store
        from ledger.log.witnessing import Witnessing

        with self._witness_lock:
            self._witness_pending = False
        settings = self.spotcheck.ledger.settings
        try:
            if "witness_store" not in self._witness_kept:
                self._witness_kept["witness_store"] = open_log_store(settings,
                                                                     events_table(settings))
            Witnessing(self._witness_kept["witness_store"], settings.keys_dir).submit()
        except Exception as exc:
            _log.error("service.witnessing_failed", error=type(exc).__name__, message=str(exc))
            kept = self._witness_kept.pop("witness_store", None)
            if kept is not None:
                kept.close()

    def wait_for_witnesses(self) -> None:
        """Wait until the submissions asked for so far are done (for tests and shutdown)."""
        self._witnesser.submit(lambda: None).result()

    def _close_here(self) -> None:
        kept, self._kept = self._kept, {}
        if "runner" in kept:
            kept["runner"].close()
        if "ledger" in kept:
            kept["ledger"].store.close()

    def close(self) -> None:
        """Close the integration thread's connections, then the thread."""
        self._integrator.submit(self._close_here).result()
        self._integrator.shutdown()
        self._witnesser.shutdown()
        kept = self._witness_kept.pop("witness_store", None)
        if kept is not None:
            kept.close()

    @contextmanager
    def log_store(self) -> Iterator[Any]:
        """A ledger on a log-store connection of the calling thread (for an export)."""
        from ledger.adapters.event_store import events_table
        from ledger.log.store import open_log_store
        from ledger.services.ledger import Ledger

        ledger = self.spotcheck.ledger
        store = open_log_store(ledger.settings, events_table(ledger.settings))
        guard = ledger.app.before_save  # a Ledger takes the app's hook: this one is short-lived
        try:
            opened = Ledger(settings=ledger.settings, app=ledger.app, store=store)
            ledger.app.before_save = guard
            yield opened
        finally:
            ledger.app.before_save = guard
            store.close()
