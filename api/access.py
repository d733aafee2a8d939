"""Who may do what (权限): the one place the service's roles are enforced.

A :class:`Caller` is whoever a request comes from — an account (:mod:`api.accounts`), the
anonymous public, or the administrator at the command line. :class:`Access` answers, from the
ledger, whether a caller may act on an agency, a draw or an inspector, and raises otherwise:
:class:`~ledger.errors.Unauthenticated` (HTTP 401) when the public asks for what needs an account,
:class:`AccessDenied` (HTTP 403) when an account's role or scope does not reach.

The rules (docs/api.md §2):

* an **operator** acts on and reads its own agency;
* an **auditor** reads its own agency and every agency below it (the level above: 上级), sealed
  lists included — every opening recorded —, bundles and reports; it writes nothing but the
  openings its reads record;
* an **officer** reads their own tasks (recorded), files and corrects the records of the visits
  they are on, and records a recusal asked at their visit;
* a **witness** commits and reveals for the one source of the one draw the account names;
* the **public** reads what is disclosed;
* the **administrator** (the command line; whoever holds the database and the key directory)
  may do everything, and is not an account.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from uuid import UUID

from api.accounts import Account, AccountError
from ledger.domain.agency import Agency, agency_id
from ledger.domain.draw import Draw, draw_uuid
from ledger.domain.inspector import Inspector, inspector_id
from ledger.errors import Forbidden, NotFound, Unauthenticated
from ledger.services.application import LedgerApp

PUBLIC, ADMINISTRATOR = "public", "administrator"


class AccessDenied(Forbidden):
    """The caller's role or scope does not reach what it asked for."""


class UnknownAgency(NotFound):
    """No agency with that division code."""


@dataclass(frozen=True)
class Caller:
    """Who a request comes from."""

    account: Account | None = None
    administrator: bool = False

    @property
    def role(self) -> str:
        if self.administrator:
            return ADMINISTRATOR
        return PUBLIC if self.account is None else self.account.role

    @property
    def name(self) -> str:
        """For request logs: the account's username, ``public`` or ``administrator``."""
        return self.account.username if self.account is not None else self.role

    def actor(self) -> dict[str, str] | None:
        """The actor events record (none for the administrator's command line)."""
        return None if self.account is None else self.account.actor()

    def label(self, fallback: str = "") -> str:
        """What a "by" field of an event records: the account (``张三 (zhangsan)``)."""
        return self.account.label() if self.account is not None else fallback


PUBLIC_CALLER = Caller()
ADMIN_CALLER = Caller(administrator=True)


def _code_of(draw_id: str) -> str:
    return draw_id.split("-", 1)[0]


def _a(role: str) -> str:
    """``an auditor``, ``a witness``."""
    return f"{'an' if role[0] in 'aeiou' else 'a'} {role}"


class Access:
    """The rules above, read against the ledger (agencies, draws, inspectors)."""

    def __init__(self, app: LedgerApp) -> None:
        self.app = app
        self._parents: dict[str, str | None] = {}  # an agency's parent never changes
        self._lock = threading.Lock()

    # -- the agency tree -----------------------------------------------------------------------
    def agency(self, code: str) -> Agency:
        uuid = agency_id(code) if code.isdigit() and len(code) == 6 else None
        if uuid is None or uuid not in self.app.repository:
            raise UnknownAgency(f"agency: no agency with division code {code}")
        found: Agency = self.app.repository.get(uuid)
        return found

    def parent_of(self, code: str) -> str | None:
        with self._lock:
            if code in self._parents:
                return self._parents[code]
        agency = self.agency(code)
        parent = None
        if agency.parent_id:
            above: Agency = self.app.repository.get(UUID(agency.parent_id))
            parent = above.division_code
        with self._lock:
            self._parents[code] = parent
        return parent

    def is_at_or_below(self, code: str, above: str) -> bool:
        current: str | None = code
        while current is not None:
            if current == above:
                return True
            current = self.parent_of(current)
        return False

    # -- the rules -----------------------------------------------------------------------------
    @staticmethod
    def _signed_in(caller: Caller) -> Account | None:
        """The caller's account; the public is asked to authenticate (401)."""
        if caller.administrator:
            return None
        if caller.account is None:
            raise Unauthenticated("authorization: this needs an account's bearer token "
                                  "(Authorization: Bearer spk_…)")
        return caller.account

    def operate(self, caller: Caller, code: str) -> None:
        """Act on agency ``code``: its operator (or the administrator)."""
        self.agency(code)
        account = self._signed_in(caller)
        if account is None:
            return
        if account.role != "operator":
            raise AccessDenied(f"role: {account.role} {account.username} may not do this; it is an "
                               f"operator's step (agency {code})")
        if account.agency != code:
            raise AccessDenied(f"agency: operator {account.username} acts for agency "
                               f"{account.agency}, not {code}")

    def read(self, caller: Caller, code: str) -> None:
        """Read everything of agency ``code``: its operator, or an auditor at or above it."""
        self.agency(code)
        account = self._signed_in(caller)
        if account is None:
            return
        if account.role == "operator" and account.agency == code:
            return
        if account.role == "auditor":
            if self.is_at_or_below(code, account.agency):
                return
            raise AccessDenied(f"agency: {code} is not at or below auditor {account.username}'s "
                               f"agency {account.agency}")
        if account.role == "operator":
            raise AccessDenied(f"agency: operator {account.username} reads agency {account.agency}, "
                               f"not {code}")
        raise AccessDenied(f"role: {_a(account.role)} does not read agency {code}'s records (its "
                           "operator or an auditor above it does)")

    def audit(self, caller: Caller) -> None:
        """Work that only auditors do (verifying an uploaded bundle)."""
        account = self._signed_in(caller)
        if account is not None and account.role != "auditor":
            raise AccessDenied(f"role: only an auditor does this, not {_a(account.role)}")

    def officer(self, caller: Caller) -> str:
        """The caller's certificate: an officer acts as themselves only."""
        account = self._signed_in(caller)
        if account is None or account.role != "officer":
            who = "the administrator" if account is None else _a(account.role)
            raise AccessDenied(f"role: only the officer themselves does this (an officer's "
                               f"account), not {who}")
        return account.certificate

    def officer_or_read(self, caller: Caller, code: str) -> str | None:
        """An officer (their certificate), or whoever reads agency ``code`` (None)."""
        if caller.account is not None and caller.account.role == "officer":
            return caller.account.certificate
        self.read(caller, code)
        return None

    def witness(self, caller: Caller, draw_id: str, k: int) -> Account:
        """The witness account named for source ``k`` of ``draw_id``."""
        account = self._signed_in(caller)
        if account is None or account.role != "witness":
            who = "the administrator" if account is None else _a(account.role)
            raise AccessDenied(f"role: a commitment and its reveal are the witness's own (a witness "
                               f"account), not {who}'s")
        if account.draw_id != draw_id or account.source != k:
            raise AccessDenied(f"k: witness {account.username} is named for source {account.source} "
                               f"of {account.draw_id}, not source {k} of {draw_id}")
        return account

    def draw_agency(self, draw_id: str) -> str:
        """The division code of a draw's agency (the draw must exist)."""
        if draw_uuid(draw_id) not in self.app.repository:
            raise NotFound(f"draw_id: no draw {draw_id}")
        return _code_of(draw_id)

    # -- accounts ------------------------------------------------------------------------------
    def check_scope(self, account: Account) -> Account:
        """An account's scope must exist in the ledger: its agency (an auditor's must have agencies
        below it), its inspector (the officer's agency is taken from the directory), its draw and
        the witness source in the draw's entropy plan."""
        if account.role in ("operator", "auditor"):
            try:
                self.agency(account.agency)
            except UnknownAgency as exc:
                raise AccountError(f"--agency: {exc.rule}") from None
            return account
        if account.role == "officer":
            uuid = inspector_id(account.certificate)
            if uuid not in self.app.repository:
                raise AccountError(f"--certificate: no inspector with certificate number "
                                   f"{account.certificate} in any directory")
            inspector: Inspector = self.app.repository.get(uuid)
            agency: Agency = self.app.repository.get(UUID(inspector.agency_id))
            return replace(account, agency=agency.division_code)
        uuid = draw_uuid(account.draw_id)
        if uuid not in self.app.repository:
            raise AccountError(f"--draw: no draw {account.draw_id} (a witness is named for a frozen "
                               "draw, whose entropy plan announces the witnesses)")
        draw: Draw = self.app.repository.get(uuid)
        plan = draw.entropy_plan
        if not 1 <= account.source <= len(plan) or plan[account.source - 1]["kind"] != "witness":
            witnesses = [str(k) for k, s in enumerate(plan, start=1) if s["kind"] == "witness"]
            raise AccountError(f"--source: source {account.source} of {account.draw_id} is not a "
                               f"witness (the witnesses are source(s) {', '.join(witnesses)})")
        return account
