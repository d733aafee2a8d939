"""``spotcheck serve`` and ``spotcheck users …``: the HTTP service and its accounts.

``serve`` runs the service with uvicorn on the same storage as every other command (``SPOTCHECK_DB``,
``SPOTCHECK_KEYS``). ``users`` manages the service's accounts: it is the administrator's tool —
whoever holds the database and the key directory is the administrator (docs/api.md §1). fastapi and
uvicorn are imported only when ``serve`` runs, so ``spotcheck --help`` stays quick.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api.cli.catalog import COMMANDS
from api.cli.support import command_group, expected_errors, fail, print_value
from api.language import t

if TYPE_CHECKING:
    from api.access import Access
    from api.accounts import AccountStore

users_app = command_group(COMMANDS["users"].help)


def serve(
    host: Annotated[str, typer.Option(help="the address to listen on (loopback by default; put a "
                                      "TLS-terminating proxy in front for other machines)")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="the port")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes (on PostgreSQL: several; on SQLite "
                                         "one or two)")] = 1,
    inline: Annotated[bool | None, typer.Option(
        "--inline/--no-inline", help="integrate the log and update the read models after each write "
        "in the request (default: on SQLite yes, on PostgreSQL no: run `spotcheck log follow` and "
        "`spotcheck project run --follow` beside the service)")] = None,
    access_log: Annotated[bool, typer.Option(
        "--access-log/--no-access-log", help="one JSON line per request on standard error")] = True,
) -> None:
    """Run the HTTP service (OpenAPI at /openapi.json, interactive docs at /docs)."""
    import uvicorn

    from ledger.adapters.settings import Settings
    if workers < 1:
        fail("--workers: at least 1")
    if not 0 < port < 65536:
        fail(f"--port: {port} is not a port number")
    with expected_errors():
        settings = Settings.from_environ()
    if inline is not None:
        os.environ["SPOTCHECK_SERVE_INLINE"] = "1" if inline else "0"
    os.environ["SPOTCHECK_SERVE_ACCESS_LOG"] = "1" if access_log else "0"
    os.environ["SPOTCHECK_DB"], os.environ["SPOTCHECK_KEYS"] = settings.db, str(settings.keys_dir)
    inline_now = settings.postgres is None if inline is None else inline
    mode = ("inline" if inline_now
            else "beside `spotcheck log follow` and `spotcheck project run --follow`")
    mode_zh = ("请求内完成" if inline_now
               else "由旁边运行的 `spotcheck log follow` 和 `spotcheck project run --follow` 完成")
    typer.echo(t(f"serving {settings.describe()} on http://{host}:{port} "
                 f"({workers} worker(s); log and read models: {mode}); docs at /docs",
                 f"正在 http://{host}:{port} 提供 {settings.describe('zh')} 的服务（{workers} 个工作进程；"
                 f"日志和读模型：{mode_zh}）；文档在 /docs"), err=True)
    uvicorn.run("api.http.app:app_from_environ", factory=True, host=host, port=port,
                workers=workers, access_log=False, log_level="warning", server_header=False)


@contextmanager
def _accounts(check_ledger: bool = False) -> Iterator[tuple[AccountStore, Access | None]]:
    """The accounts store (tables created if missing) and, when asked, the ledger's access rules."""
    from api.access import Access
    from api.accounts import AccountStore
    from api.bootstrap import open_ledger, schema_lock
    from api.database import Database
    from ledger.adapters.settings import Settings
    with expected_errors():
        settings = Settings.from_environ()
        database = Database(settings)
        ledger = open_ledger(settings) if check_ledger else None
        try:
            store = AccountStore(database)
            with schema_lock(settings):
                store.ensure_schema()
            yield store, None if ledger is None else Access(ledger.app)
        finally:
            database.close()
            if ledger is not None:
                ledger.close()


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="the login name, e.g. zhangsan (never reused)")],
    name: Annotated[str, typer.Option(help="the person's name, e.g. 张三")],
    role: Annotated[str, typer.Option(help="operator, officer, witness or auditor")],
    agency: Annotated[str, typer.Option(help="operator, auditor: the agency's division code")] = "",
    certificate: Annotated[str, typer.Option(help="officer: the certificate number (执法证号)")] = "",
    draw: Annotated[str, typer.Option(help="witness: the draw, e.g. 652301-2026Q1-units")] = "",
    source: Annotated[int, typer.Option(help="witness: the source's number in the draw's entropy "
                                        "plan (1, 2, …)")] = 0,
) -> None:
    """Add an account; its scope is checked against the ledger. Then `users token` issues its token."""
    from api.accounts import new_account
    with _accounts(check_ledger=True) as (store, access):
        assert access is not None
        account = access.check_scope(new_account(username, name, role, agency=agency,
                                                 certificate=certificate, draw_id=draw,
                                                 source=source))
        added = store.add(account)
    typer.echo(t(f"added {added.role} {added.username} ({added.name}, {added.scope()}); "
                 f"`spotcheck users token {added.username}` issues its token",
                 f"已新增{ROLE_ZH.get(added.role, added.role)}账号 {added.username}（{added.name}，"
                 f"{added.scope()}）；用 `spotcheck users token {added.username}` 签发令牌"))


@users_app.command("list")
def users_list(as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """Every account, with its role, scope, state and tokens."""
    with _accounts() as (store, _):
        tokens = store.tokens()
        accounts = store.all()
        rows = [{**a.as_dict(), "tokens": [k.as_dict() for k in tokens if k.username == a.username]}
                for a in accounts]
    scopes = {a.username: a.scope() for a in accounts}
    print_value(rows, as_json, lambda rs: "\n".join(
        f"{r['username']}\t{r['role']}\t{r['name']}\t{scopes[r['username']]}\t"
        + (t("active", "有效") if r["active"]
           else t(f"disabled {r['disabled_at']}", f"已于 {r['disabled_at']} 停用"))
        + t(f"\t{_live(r)} live token(s)", f"\t有效令牌 {_live(r)} 个") for r in rs)
        or t("no accounts yet (`spotcheck users add`)", "还没有账号（`spotcheck users add`）"))


def _live(row: dict[str, Any]) -> int:
    return sum(1 for token in row["tokens"] if not token["revoked_at"])


ROLE_ZH = {"operator": "经办人", "officer": "执法人员", "witness": "见证人", "auditor": "审核人"}


@users_app.command("disable")
def users_disable(
    username: Annotated[str, typer.Argument(help="the account")],
    reason: Annotated[str, typer.Option(help="why (kept with the account)")],
) -> None:
    """Disable an account for good: its tokens and sessions stop working at once."""
    with _accounts() as (store, _), expected_errors():
        disabled = store.disable(username, reason)
    typer.echo(t(f"disabled {disabled.username} on {disabled.disabled_at} "
                 f"({disabled.disabled_reason})",
                 f"已于 {disabled.disabled_at} 停用 {disabled.username}（{disabled.disabled_reason}）"))


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(help="the account")],
    label: Annotated[str, typer.Option(help="what the token is for, e.g. 办公室电脑")] = "",
    expires_days: Annotated[int | None, typer.Option(help="days until it expires (default: "
                                                     "never; revoke it instead)")] = None,
    revoke: Annotated[str | None, typer.Option(help="revoke this token id instead of issuing one")]
    = None,
) -> None:
    """Issue a bearer token (printed once; only its hash is kept), or revoke one with --revoke ID."""
    with _accounts() as (store, _), expected_errors():
        if revoke is not None:
            revoked = store.revoke_token(username, revoke)
            typer.echo(t(f"revoked token {revoked.token_id} of {username}",
                         f"已吊销 {username} 的令牌 {revoked.token_id}"))
            return
        issued = store.issue_token(username, label, expires_days)
    typer.echo(t(f"token {issued.token_id} of {username}"
                 + (f", expires {issued.expires_at}" if issued.expires_at else "")
                 + " (shown once; keep it secret, revoke it with "
                 f"`spotcheck users token {username} --revoke {issued.token_id}`):",
                 f"{username} 的令牌 {issued.token_id}"
                 + (f"，{issued.expires_at} 到期" if issued.expires_at else "")
                 + "（只显示这一次；请妥善保密，吊销用 "
                 f"`spotcheck users token {username} --revoke {issued.token_id}`）："), err=True)
    typer.echo(issued.token)
