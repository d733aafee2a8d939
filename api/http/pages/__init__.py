"""The pages (网页): server-rendered HTML over the same service as the JSON routes.

* :mod:`.public` — the public site (no sign-in) and the receipt check in the reader's browser;
* :mod:`.staff` — sign-in, and the pages of the officer, the ceremony, the witness and the auditor.

Templates are Jinja2 files in ``templates/``, the stylesheet and scripts are in ``static/`` and
served from this server only (``/static``; the Content-Security-Policy forbids anything else).
Texts are Simplified Chinese by default, English on request (:mod:`.i18n`). An error on a page is
answered as a page in the reader's language, naming the field; the JSON routes keep their JSON.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response

from api.http.pages import lists, public, staff, unit_work
from api.http.pages.render import HERE, render

#: Paths that are not pages (their errors stay JSON).
NOT_PAGES = ("/api/", "/docs", "/openapi.json", "/logs/", "/health", "/static/")


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(NOT_PAGES)


def install(app: FastAPI) -> None:
    """Add the pages' routes and static files to ``app``, and answer errors on pages as pages."""
    app.include_router(public.router)
    app.include_router(unit_work.router)  # before staff's /ceremony/{draw_id}/{step}
    app.include_router(lists.router)
    app.include_router(staff.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for kind, handler in list(app.exception_handlers.items()):
        app.add_exception_handler(kind, _as_page(handler))


def _as_page(json_handler: Any) -> Any:
    async def handler(request: Request, exc: Exception) -> Response:
        answer: Response = json_handler(request, exc)
        if hasattr(answer, "__await__"):
            answer = await answer
        if not is_page(request) or answer.status_code < 400:
            return answer
        import json

        try:
            error = json.loads(bytes(answer.body))["error"]
        except (ValueError, KeyError, TypeError):
            error = {"kind": "internal", "field": "", "rule": "", "message": ""}
        return render(request, "error.html", status=answer.status_code, error=error,
                      status_code=answer.status_code)
    return handler
