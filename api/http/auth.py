"""Who a request comes from: a bearer token, a page session cookie, or nobody (the public)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.access import PUBLIC_CALLER, Caller
from api.accounts import SESSION_COOKIE
from api.service import Service
from ledger.errors import Unauthenticated

_bearer = HTTPBearer(auto_error=False, description="A token from `spotcheck users token NAME`")


async def service(request: Request) -> Service:
    """The open service (async: no thread is taken for it, the public reads stay on the loop)."""
    found: Service = request.app.state.service
    return found


def _service(request: Request) -> Service:
    found: Service = request.app.state.service
    return found


def caller(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None,
                                                    Depends(_bearer)]) -> Caller:
    """The caller the request's credentials name; the public without any. A token or session
    that does not hold (unknown, revoked, expired, its account disabled) is a 401, whatever the
    route: a client is told its credentials failed rather than served as the public."""
    accounts = _service(request).accounts
    if credentials is not None:
        account = accounts.authenticate(credentials.credentials)
        if account is None:
            raise Unauthenticated("authorization: the bearer token is unknown, revoked or expired, "
                                  "or its account is disabled")
    elif request.headers.get("authorization"):
        raise Unauthenticated("authorization: not a bearer token (Authorization: Bearer spk_…)")
    elif request.cookies.get(SESSION_COOKIE):
        if request.method not in ("GET", "HEAD"):
            raise Unauthenticated("session: a page session reads; it writes only with the pages' "
                                  "anti-forgery token (not yet built): use a bearer token")
        account = accounts.authenticate_session(request.cookies[SESSION_COOKIE])
        if account is None:
            raise Unauthenticated("session: the session has ended; sign in again")
    else:
        return PUBLIC_CALLER
    request.state.account = account.username
    return Caller(account)


Who = Annotated[Caller, Depends(caller)]
TheService = Annotated[Service, Depends(service)]
