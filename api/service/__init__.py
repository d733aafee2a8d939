"""The service layer (服务层): every use case of the job, for a caller, as plain data.

The HTTP routes (:mod:`api.http`) do nothing but call one method here and turn its answer or its
error into HTTP; the rules are in the ledger (``ledger/domain``, ``ledger/services``), the access
rules in :mod:`api.access`, and the events a method writes record the caller's account as their
actor. The command line calls the same ledger services as the administrator.

    service = open_service(settings)
    service.draws.freeze(caller, "652301", "2026Q1", "2025-12-22")
    service.reports.agency_pages("652301", 2026)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.access import Caller
from api.accounts import AccountStore
from api.bootstrap import Spotcheck, bootstrap, schema_lock
from api.database import Database
from api.service.context import Context, Download, RequestError
from api.service.directories import Directories
from api.service.draws import Draws
from api.service.logs import Logs
from api.service.records import Records
from api.service.reports import Reports
from api.service.witness import Witness
from ledger.adapters.settings import Settings

__all__ = ["Caller", "Download", "RequestError", "Service", "open_service"]


@dataclass
class Service:
    """An open service: the deployment, its accounts, and the use cases by concept."""

    context: Context
    accounts: AccountStore
    directories: Directories
    draws: Draws
    records: Records
    reports: Reports
    logs: Logs
    witness: Witness

    @property
    def spotcheck(self) -> Spotcheck:
        return self.context.spotcheck

    def me(self, caller: Caller) -> dict[str, Any]:
        """Who the caller is, as the service sees them."""
        if caller.account is None:
            return {"role": caller.role, "account": None}
        return {"role": caller.role, "account": caller.account.as_dict()}

    def close(self) -> None:
        self.context.close()
        self.context.database.close()
        self.context.spotcheck.close()


def open_service(settings: Settings | None = None, *, inline: bool | None = None) -> Service:
    """Open the deployment of ``settings`` for the service. ``inline`` (default: on SQLite):
    integrate the log and update the read models after every write, in the request — for a
    one-process deployment; otherwise ``spotcheck log follow`` and ``spotcheck project run
    --follow`` run beside the service (docs/operations.md)."""
    settings = settings or Settings.from_environ()
    spotcheck = bootstrap(settings)
    database = Database(settings)
    accounts = AccountStore(database)
    try:
        with schema_lock(settings):
            accounts.ensure_schema()
            with spotcheck.runner():  # the read models' tables exist before the first read
                pass
    except Exception:
        database.close()
        spotcheck.close()
        raise
    context = Context(spotcheck, database,
                      inline=settings.postgres is None if inline is None else inline)
    return Service(context, accounts, Directories(context), Draws(context), Records(context),
                   Reports(context), Logs(context), Witness(context))
