"""Rendering a page: the Jinja2 templates beside this module, in the reader's language.

Every page is answered with a Content-Security-Policy that allows nothing but this server
(``'self'``): no script, style, font or image from elsewhere can load, and no inline script runs,
so the page scripts are the static files served from ``/static`` and read their data from the
page's ``data-`` attributes and ``application/json`` blocks.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.http.pages import i18n
from api.http.pages.session import csrf_for, page_account

HERE = Path(__file__).parent
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "same-origin", "Cache-Control": "no-store"}


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["short"] = lambda value, n=16: (str(value)[:n] + "…") if len(str(value)) > n else value
    return env


def switch_url(request: Request, lang: str) -> str:
    """This page in the other language (the switch also remembers the choice in a cookie)."""
    other = "en" if lang == "zh" else "zh"
    return "/lang?" + urlencode({"to": other, "next": request.url.path
                                 + (f"?{request.url.query}" if request.url.query else "")})


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = i18n.choose(request)
    t = i18n.translator(lang)
    account = page_account(request)
    html = environment().get_template(template).render(
        request=request, lang=lang, t=t, account=account, csrf=csrf_for(request),
        switch=switch_url(request, lang), path=request.url.path,
        has=lambda key: key in i18n.TEXTS, cat=i18n.category(lang),
        rule_zh=lambda rule: i18n.rule_in(lang, str(rule or "")), **context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)
