"""Signing in to the pages, and the anti-forgery token of their forms (登录、防跨站请求伪造).

An account signs in with the access token the administrator issued it (``spotcheck users token``):
the page exchanges it once for a page session (:meth:`AccountStore.open_session`), whose random id
is kept in a ``Secure; HttpOnly; SameSite=Strict`` cookie and stored hashed. Accounts have no
passwords: the token is the one secret an account holds, and it never travels again after the
sign-in.

Every form that changes something carries a hidden ``csrf`` field: an HMAC-SHA256 of a fixed label
keyed with the session id (before signing in: with the ``spotcheck_csrf`` cookie the sign-in form
set). A page on another site can neither read the cookie nor compute the field, so a forged form is
refused before anything is read from it (:func:`check_csrf`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request
from fastapi.responses import Response

from api.accounts import SESSION_COOKIE, Account

CSRF_COOKIE = "spotcheck_csrf"
SESSION_HOURS = 8
_LABEL = b"spotcheck page form v1"


class FormRefused(Exception):
    """A form whose anti-forgery field does not match (answered 403, nothing read or stored)."""


def page_account(request: Request) -> Account | None:
    """The account of the request's page session, if it holds (once per request)."""
    if "page_account" in request.state._state:
        found: Account | None = request.state.page_account
        return found
    value = request.cookies.get(SESSION_COOKIE, "")
    account = request.app.state.service.accounts.authenticate_session(value) if value else None
    request.state.page_account = account
    return account


def _mac(secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), _LABEL, hashlib.sha256).hexdigest()


def csrf_for(request: Request) -> str:
    """The anti-forgery value the request's forms carry ('' when there is nothing to key it)."""
    session = request.cookies.get(SESSION_COOKIE, "")
    if session and page_account(request) is not None:
        return _mac(session)
    pre = request.state._state.get("pre_csrf") or request.cookies.get(CSRF_COOKIE, "")
    return _mac(pre) if pre else ""


def ensure_pre_session_cookie(request: Request, response: Response) -> None:
    """Give a reader without a session the cookie the sign-in form's token is keyed with."""
    if not request.cookies.get(CSRF_COOKIE):
        value = request.state._state.get("pre_csrf") or secrets.token_urlsafe(32)
        request.state.pre_csrf = value
        set_cookie(response, CSRF_COOKIE, value, max_age=3600)


def prepare_pre_session(request: Request) -> None:
    """Choose the pre-session value before the page is rendered (so the form carries it)."""
    if not request.cookies.get(CSRF_COOKIE) and "pre_csrf" not in request.state._state:
        request.state.pre_csrf = secrets.token_urlsafe(32)


def check_csrf(request: Request, sent: str) -> None:
    expected = csrf_for(request)
    if not expected or not hmac.compare_digest(expected, sent or ""):
        raise FormRefused("csrf")


def set_cookie(response: Response, name: str, value: str, *, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", secure=True, httponly=True,
                        samesite="strict")


def start_session(response: Response, value: str) -> None:
    set_cookie(response, SESSION_COOKIE, value, max_age=SESSION_HOURS * 3600)


def end_session(request: Request, response: Response) -> None:
    value = request.cookies.get(SESSION_COOKIE, "")
    if value:
        request.app.state.service.accounts.close_session(value)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
