"""The service's accounts and credentials, stored beside the ledger (on both databases)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.accounts import (
    AccountConflict,
    AccountError,
    AccountNotFound,
    AccountStore,
    new_account,
)
from api.bootstrap import schema_lock
from api.database import Database
from ledger.adapters.settings import Settings


@pytest.fixture
def accounts(settings: Settings) -> Iterator[AccountStore]:
    database = Database(settings)
    store = AccountStore(database)
    with schema_lock(settings):
        store.ensure_schema()
    try:
        yield store
    finally:
        database.close()


def test_a_token_is_shown_once_kept_as_a_hash_and_names_its_account(accounts: AccountStore) -> None:
    accounts.add(new_account("zhangsan", "张三", "operator", agency="652301"))
    issued = accounts.issue_token("zhangsan", "办公室电脑")
    assert issued.token.startswith(f"spk_{issued.token_id}_") and len(issued.token) == 56
    found = accounts.authenticate(issued.token)
    assert found is not None and found.username == "zhangsan" and found.agency == "652301"
    assert accounts.authenticate(issued.token[:-1] + ("A" if issued.token[-1] != "A" else "B")) is None
    assert accounts.authenticate("not a token") is None
    [listed] = accounts.tokens("zhangsan")
    assert listed.label == "办公室电脑" and issued.token not in repr(listed)
    accounts.revoke_token("zhangsan", issued.token_id)
    assert accounts.authenticate(issued.token) is None
    with pytest.raises(AccountConflict):
        accounts.revoke_token("zhangsan", issued.token_id)
    with pytest.raises(AccountNotFound):
        accounts.revoke_token("zhangsan", "00000000")


def test_a_disabled_account_loses_its_tokens_and_sessions_and_its_name(accounts: AccountStore) -> None:
    accounts.add(new_account("lisi", "李四", "officer", certificate="65230100001"))
    token = accounts.issue_token("lisi").token
    session = accounts.open_session("lisi")
    assert accounts.authenticate_session(session) is not None
    accounts.disable("lisi", "调离执法岗位")
    assert accounts.authenticate(token) is None and accounts.authenticate_session(session) is None
    with pytest.raises(AccountConflict, match="is disabled"):
        accounts.issue_token("lisi")
    with pytest.raises(AccountConflict, match="never reused"):
        accounts.add(new_account("lisi", "另一个李四", "auditor", agency="652300"))
    assert [a.active for a in accounts.all()] == [False]


def test_a_closed_session_and_an_expired_token_no_longer_hold(accounts: AccountStore) -> None:
    accounts.add(new_account("wangwu", "王五", "auditor", agency="652300"))
    session = accounts.open_session("wangwu")
    accounts.close_session(session)
    assert accounts.authenticate_session(session) is None
    issued = accounts.issue_token("wangwu", expires_in_days=1)
    with accounts.database.transaction() as cur:
        cur.execute("UPDATE service_tokens SET expires_at = ? WHERE token_id = ?",
                    ("2020-01-01T00:00:00+00:00", issued.token_id))
    assert accounts.authenticate(issued.token) is None


@pytest.mark.parametrize(("args", "message"), [
    (("Zhang San", "张三", "operator"), "username"),
    (("zhangsan", "", "operator"), "name"),
    (("zhangsan", "张三", "administrator"), "role: 'administrator' is not one of"),
    (("zhangsan", "张三", "operator"), "agency: an operator account names its agency"),
    (("zhangsan", "张三", "witness"), "draw_id"),
])
def test_an_account_of_the_wrong_shape_is_refused_naming_the_field(args: tuple[str, str, str],
                                                                    message: str) -> None:
    with pytest.raises(AccountError, match=message):
        new_account(*args)
