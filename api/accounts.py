"""Accounts, roles and credentials of the HTTP service (账号与角色).

Who may use the service, stored in the deployment's database beside the ledger, in tables of
their own (``service_accounts``, ``service_tokens``, ``service_sessions``; docs/api.md §1 says why
they are not events of the ledger):

=============  ====================================================================================
role           scope and what it may do (enforced by :mod:`api.access`)
=============  ====================================================================================
``operator``   one agency (its division code): directories, rulebook, plan, calendar, every step of
               the ceremony, amendments, rectification, publication, reports, its own bundle
``officer``    one inspector (执法证号, registered in the ledger): their own tasks (the opening is
               recorded), their own records and corrections, recusal requests at their visits
``witness``    one source of one draw (``652301-2026Q1-units`` source 1): commit, then reveal
``auditor``    one agency above others (the level above, 上级): everything of the agencies below it
               and of its own, sealed lists included (every opening recorded), bundles, reports,
               verification of uploaded bundles
(public)       no account: what is disclosed, nothing else
=============  ====================================================================================

Credentials:

* **Bearer tokens** (``Authorization: Bearer spk_<id>_<secret>``): 32 random bytes from
  :mod:`secrets`, shown once when issued; only their SHA-256 is stored (a token is high-entropy,
  so a fast hash suffices: nobody can guess one from its hash). Each token has a public id (the
  8 hex digits after ``spk_``) by which it is listed and revoked; it may expire.
* **Page sessions** (next issue's pages): a random session id in a ``Secure; HttpOnly;
  SameSite=Strict`` cookie, stored hashed the same way, with an expiry; resolved by the same code
  path as a token (:meth:`AccountStore.authenticate_session`).

An account is never deleted, only disabled (its name stays recorded as the actor of its events, so
a name is never reused). A disabled account's tokens and sessions stop working at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, cast

from api.database import Database
from ledger.errors import Conflict, InvalidInput, NotFound
from ledger.log.store import Cursor

Role = Literal["operator", "officer", "witness", "auditor"]
ROLES: tuple[Role, ...] = ("operator", "officer", "witness", "auditor")
TOKEN_PREFIX = "spk_"
SESSION_COOKIE = "spotcheck_session"
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
_TOKEN = re.compile(r"^spk_(?P<id>[0-9a-f]{8})_[A-Za-z0-9_-]{43}$")

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS service_accounts (username TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " role TEXT NOT NULL, agency TEXT NOT NULL, certificate TEXT NOT NULL, draw_id TEXT NOT NULL,"
    " source INTEGER NOT NULL, created_at TEXT NOT NULL, disabled_at TEXT NOT NULL,"
    " disabled_reason TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS service_tokens (token_id TEXT PRIMARY KEY,"
    " username TEXT NOT NULL REFERENCES service_accounts (username), token_hash TEXT NOT NULL UNIQUE,"
    " label TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL,"
    " revoked_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS service_sessions (session_hash TEXT PRIMARY KEY,"
    " username TEXT NOT NULL REFERENCES service_accounts (username), created_at TEXT NOT NULL,"
    " expires_at TEXT NOT NULL, revoked_at TEXT NOT NULL)",
)
_COLUMNS = ("username, name, role, agency, certificate, draw_id, source, created_at, disabled_at,"
            " disabled_reason")


class AccountError(InvalidInput):
    """An account, a token or a session that cannot be made as asked; names the field and rule."""


class AccountConflict(Conflict):
    """The account exists already, or is already disabled."""


class AccountNotFound(NotFound):
    """No such account, or no such token of the account."""


@dataclass(frozen=True)
class Account:
    """One account: who, which role, and its scope."""

    username: str
    name: str
    role: Role
    agency: str = ""  # operator, auditor: the division code; officer: the inspector's agency
    certificate: str = ""  # officer
    draw_id: str = ""  # witness
    source: int = 0  # witness: the source's number in the draw's entropy plan (k)
    created_at: str = ""
    disabled_at: str = ""
    disabled_reason: str = ""

    @property
    def active(self) -> bool:
        return not self.disabled_at

    def scope(self) -> str:
        """The scope in words: ``agency 652301``, ``certificate 65230120260001``, …"""
        if self.role == "officer":
            return f"certificate {self.certificate}"
        if self.role == "witness":
            return f"draw {self.draw_id} source {self.source}"
        return f"agency {self.agency}"

    def actor(self) -> dict[str, str]:
        """What every event written for this account records as its actor (行为人)."""
        actor = {"account": self.username, "name": self.name, "role": self.role}
        if self.role in ("operator", "auditor"):
            actor["agency"] = self.agency
        elif self.role == "officer":
            actor["certificate"] = self.certificate
        else:
            actor["draw_id"] = self.draw_id
            actor["source"] = str(self.source)
        return actor

    def label(self) -> str:
        """How the account is named where an event has a "by" field: ``张三 (zhangsan)``."""
        return f"{self.name} ({self.username})"

    def as_dict(self) -> dict[str, Any]:
        return {"username": self.username, "name": self.name, "role": self.role,
                "agency": self.agency or None, "certificate": self.certificate or None,
                "draw_id": self.draw_id or None, "source": self.source or None,
                "created_at": self.created_at, "active": self.active,
                "disabled_at": self.disabled_at or None,
                "disabled_reason": self.disabled_reason or None}


@dataclass(frozen=True)
class IssuedToken:
    """A token just issued: ``token`` is shown this once and never stored."""

    token_id: str
    username: str
    token: str
    expires_at: str


@dataclass(frozen=True)
class TokenInfo:
    token_id: str
    username: str
    label: str
    created_at: str
    expires_at: str
    revoked_at: str

    def as_dict(self) -> dict[str, Any]:
        return {"token_id": self.token_id, "username": self.username, "label": self.label,
                "created_at": self.created_at, "expires_at": self.expires_at or None,
                "revoked_at": self.revoked_at or None}


def new_account(username: str, name: str, role: str, *, agency: str = "", certificate: str = "",
                draw_id: str = "", source: int = 0) -> Account:
    """An account checked for its shape (the ledger checks the scope: :mod:`api.access`)."""
    username = username.strip()
    if not _USERNAME.fullmatch(username):
        raise AccountError(f"username: {username!r} is not 2-63 characters of a-z, 0-9, '.', '_' "
                           "or '-', starting with a letter or digit")
    if not name.strip():
        raise AccountError("name: an account names the person (e.g. 张三)")
    if role not in ROLES:
        raise AccountError(f"role: {role!r} is not one of {', '.join(ROLES)} (the public needs no "
                           "account)")
    scope: dict[str, Any] = {"agency": agency.strip(), "certificate": certificate.strip(),
                             "draw_id": draw_id.strip(), "source": source}
    needed = {"operator": ("agency",), "auditor": ("agency",), "officer": ("certificate",),
              "witness": ("draw_id", "source")}[role]
    for option in needed:
        if not scope[option]:
            raise AccountError(f"{option}: a{'n' if role[0] in 'aeiou' else ''} {role} account "
                               f"names its {option.replace('_', ' ')}")
    for option in set(scope) - set(needed) - ({"agency"} if role == "officer" else set()):
        if scope[option]:
            raise AccountError(f"{option}: a{'n' if role[0] in 'aeiou' else ''} {role} account has "
                               f"no {option.replace('_', ' ')}")
    if role == "witness" and source < 1:
        raise AccountError("source: the witness's number in the draw's entropy plan (1, 2, …)")
    return Account(username, name.strip(), role, **scope)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class AccountStore:
    """The accounts and their credentials, in the deployment's database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def ensure_schema(self) -> None:
        with self.database.transaction() as cur:
            for statement in SCHEMA:
                cur.execute(statement)

    # -- accounts ------------------------------------------------------------------------------
    def add(self, account: Account) -> Account:
        created = replace_created(account, _now().isoformat())
        with self.database.transaction() as cur:
            if self._get(cur, account.username) is not None:
                raise AccountConflict(f"username: {account.username} already exists (a name is "
                                      "never reused, even once disabled)")
            cur.execute(f"INSERT INTO service_accounts ({_COLUMNS}) VALUES"
                        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (created.username, created.name, created.role, created.agency,
                         created.certificate, created.draw_id, created.source, created.created_at,
                         "", ""))
        return created

    def get(self, username: str) -> Account:
        with self.database.transaction(read_only=True) as cur:
            found = self._get(cur, username)
        if found is None:
            raise AccountNotFound(f"username: no account {username!r} (see `spotcheck users list`)")
        return found

    def all(self) -> list[Account]:
        with self.database.transaction(read_only=True) as cur:
            cur.execute(f"SELECT {_COLUMNS} FROM service_accounts ORDER BY role, username")
            return [_account(row) for row in cur.fetchall()]

    def disable(self, username: str, reason: str) -> Account:
        if not reason.strip():
            raise AccountError("reason: disabling an account says why")
        with self.database.transaction() as cur:
            found = self._get(cur, username)
            if found is None:
                raise AccountNotFound(f"username: no account {username!r}")
            if not found.active:
                raise AccountConflict(f"username: {username} is already disabled "
                                      f"({found.disabled_at})")
            cur.execute("UPDATE service_accounts SET disabled_at = ?, disabled_reason = ?"
                        " WHERE username = ?", (_now().isoformat(), reason.strip(), username))
        return self.get(username)

    @staticmethod
    def _get(cur: Cursor, username: str) -> Account | None:
        cur.execute(f"SELECT {_COLUMNS} FROM service_accounts WHERE username = ?", (username,))
        row = cur.fetchone()
        return None if row is None else _account(row)

    # -- tokens --------------------------------------------------------------------------------
    def issue_token(self, username: str, label: str = "", expires_in_days: int | None = None
                    ) -> IssuedToken:
        """A new bearer token for an active account, shown once (only its hash is stored)."""
        if expires_in_days is not None and expires_in_days < 1:
            raise AccountError("--expires-days: at least 1 (or no expiry)")
        now = _now()
        expires = "" if expires_in_days is None else (now + timedelta(days=expires_in_days)).isoformat()
        token_id = secrets.token_hex(4)
        token = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
        with self.database.transaction() as cur:
            found = self._get(cur, username)
            if found is None:
                raise AccountNotFound(f"username: no account {username!r}")
            if not found.active:
                raise AccountConflict(f"username: {username} is disabled; it gets no token")
            cur.execute("INSERT INTO service_tokens (token_id, username, token_hash, label, created_at,"
                        " expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (token_id, username, _hash(token), label.strip(), now.isoformat(), expires, ""))
        return IssuedToken(token_id, username, token, expires)

    def tokens(self, username: str | None = None) -> list[TokenInfo]:
        query = ("SELECT token_id, username, label, created_at, expires_at, revoked_at"
                 " FROM service_tokens")
        with self.database.transaction(read_only=True) as cur:
            if username is None:
                cur.execute(query + " ORDER BY username, created_at")
            else:
                cur.execute(query + " WHERE username = ? ORDER BY created_at", (username,))
            return [TokenInfo(*(str(v) for v in row)) for row in cur.fetchall()]

    def revoke_token(self, username: str, token_id: str) -> TokenInfo:
        with self.database.transaction() as cur:
            cur.execute("UPDATE service_tokens SET revoked_at = ? WHERE token_id = ? AND username = ?"
                        " AND revoked_at = ''", (_now().isoformat(), token_id, username))
            changed = int(getattr(cur, "rowcount", 0))
        known = {t.token_id: t for t in self.tokens(username)}
        if token_id not in known:
            raise AccountNotFound(f"--revoke: {username} has no token {token_id}")
        if changed == 0:
            raise AccountConflict(f"--revoke: token {token_id} is already revoked")
        return known[token_id]

    def authenticate(self, token: str) -> Account | None:
        """The active account a bearer token belongs to, or None (unknown, revoked, expired,
        disabled: the caller answers 401 without saying which)."""
        if not _TOKEN.fullmatch(token):
            return None
        return self._holder("service_tokens", "token_hash", token)

    def _holder(self, table: str, column: str, secret: str) -> Account | None:
        """The active account whose credential in ``table`` hashes to ``secret``'s hash, if it is
        neither revoked nor expired."""
        with self.database.transaction(read_only=True) as cur:
            cur.execute(f"SELECT {', '.join('a.' + c.strip() for c in _COLUMNS.split(','))},"
                        f" c.expires_at, c.revoked_at FROM {table} c JOIN service_accounts a"
                        f" ON a.username = c.username WHERE c.{column} = ?", (_hash(secret),))
            row = cur.fetchone()
        return _valid(row)

    # -- page sessions (the pages of the next issues log in with them) --------------------------
    def open_session(self, username: str, hours: int = 8) -> str:
        """A new page session for an active account: the cookie value (shown once)."""
        value = secrets.token_urlsafe(32)
        now = _now()
        with self.database.transaction() as cur:
            found = self._get(cur, username)
            if found is None or not found.active:
                raise AccountNotFound(f"username: no active account {username!r}")
            cur.execute("INSERT INTO service_sessions (session_hash, username, created_at, expires_at,"
                        " revoked_at) VALUES (?, ?, ?, ?, ?)",
                        (_hash(value), username, now.isoformat(),
                         (now + timedelta(hours=hours)).isoformat(), ""))
        return value

    def authenticate_session(self, value: str) -> Account | None:
        if not value or len(value) > 100:
            return None
        return self._holder("service_sessions", "session_hash", value)

    def close_session(self, value: str) -> None:
        with self.database.transaction() as cur:
            cur.execute("UPDATE service_sessions SET revoked_at = ? WHERE session_hash = ?"
                        " AND revoked_at = ''", (_now().isoformat(), _hash(value)))


def replace_created(account: Account, created_at: str) -> Account:
    return replace(account, created_at=created_at, disabled_at="", disabled_reason="")


def _account(row: Any) -> Account:
    username, name, role, agency, certificate, draw_id, source, created, disabled, reason = row[:10]
    return Account(str(username), str(name), cast(Role, str(role)), str(agency), str(certificate),
                   str(draw_id), int(source), str(created), str(disabled), str(reason))


def _valid(row: Any) -> Account | None:
    if row is None:
        return None
    account = _account(row)
    expires_at, revoked_at = str(row[10]), str(row[11])
    if revoked_at or not account.active:
        return None
    if expires_at and datetime.fromisoformat(expires_at) <= _now():
        return None
    return account
