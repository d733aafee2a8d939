"""Where the ledger lives: one typed settings object read from the environment once, at the edge.

``SPOTCHECK_DB``
    a file path for the embedded SQLite store (default ``./spotcheck.db``), or a
    ``postgresql://user[:password]@host[:port]/dbname`` URL for PostgreSQL.
``SPOTCHECK_KEYS``
    the directory holding the log's signing key (default ``./spotcheck-keys``). It is never
    inside the database: whoever can write the database cannot also sign as the log.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ledger.errors import InvalidInput

DEFAULT_DB = "spotcheck.db"
DEFAULT_KEYS_DIR = "spotcheck-keys"


class SettingsError(InvalidInput):
    """A setting that cannot be used, with the variable it came from."""


@dataclass(frozen=True)
class PostgresDsn:
    """The parts of a ``postgresql://`` URL that the event store and the log need."""

    host: str
    port: int
    user: str
    password: str
    dbname: str

    def conninfo(self) -> str:
        parts = {
            "host": self.host, "port": str(self.port), "user": self.user, "dbname": self.dbname,
        }
        if self.password:
            parts["password"] = self.password
        return " ".join(f"{k}={_quote(v)}" for k, v in parts.items())


@dataclass(frozen=True)
class Settings:
    """The storage and key locations of one ledger."""

    db: str
    keys_dir: Path

    @property
    def postgres(self) -> PostgresDsn | None:
        """The PostgreSQL connection, or None for the embedded SQLite file."""
        if not self.db.startswith(("postgresql://", "postgres://")):
            return None
        return parse_postgres_url(self.db)

    @property
    def sqlite_path(self) -> Path:
        return Path(self.db)

    def describe(self, lang: str = "en") -> str:
        """Where the ledger is stored, for people (``lang``: en, or zh for Chinese)."""
        pg = self.postgres
        if pg is None:
            where = Path(self.db).resolve()
            return f"SQLite 数据库文件 {where}" if lang == "zh" else f"SQLite file {where}"
        if lang == "zh":
            return f"{pg.host}:{pg.port} 上的 PostgreSQL 数据库 {pg.dbname}"
        return f"PostgreSQL database {pg.dbname} on {pg.host}:{pg.port}"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        db = env.get("SPOTCHECK_DB", "").strip() or DEFAULT_DB
        keys_dir = Path(env.get("SPOTCHECK_KEYS", "").strip() or DEFAULT_KEYS_DIR)
        settings = cls(db=db, keys_dir=keys_dir)
        settings.postgres  # noqa: B018 - validate the URL early, naming the variable
        return settings


def parse_postgres_url(url: str) -> PostgresDsn:
    parts = urlsplit(url)
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise SettingsError(
            f"SPOTCHECK_DB: the PostgreSQL URL {url!r} names no database "
            "(expected postgresql://user@host:port/dbname)"
        )
    try:
        port = parts.port or 5432
    except ValueError as exc:
        raise SettingsError(f"SPOTCHECK_DB: bad port in {url!r}: {exc}") from None
    return PostgresDsn(
        host=parts.hostname or "127.0.0.1",
        port=port,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or ""),
        dbname=dbname,
    )


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"
