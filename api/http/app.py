"""The FastAPI application: routes, error answers, request logs, offline docs.

``create_app()`` opens the deployment of ``SPOTCHECK_DB`` / ``SPOTCHECK_KEYS`` when the app
starts (in each worker process) and closes it when it stops; a test hands in an open
:class:`~api.service.Service` instead. OpenAPI is at ``/openapi.json``; the interactive docs at
``/docs`` are served with their assets from this server (``fastapi-offline``: no CDN), so they work
on an agency's network without the internet.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api.http import errors, pages
from api.http.language import RequestLanguage
from api.http.request_log import RequestLog
from api.http.routes import ROUTERS
from api.service import Service, open_service
from ledger.adapters.settings import Settings

DESCRIPTION = """\
Spotcheck (双随机、一公开): every step of the random inspections of an environmental agency, as a
service. Accounts are operators (of one agency), officers (by certificate), witnesses (of one draw),
and auditors (the level above); the public needs none. Authenticate with
`Authorization: Bearer <token>` (`spotcheck users token NAME` issues one). Errors answer
`{"error": {"kind", "field", "rule", "message"}, "request_id"}`. See docs/api.md.
"""


def create_app(settings: Settings | None = None, *, service: Service | None = None,
               inline: bool | None = None, access_log: bool = True) -> FastAPI:
    """The application; it opens the deployment (``settings``, default from the environment) at
    start-up unless ``service`` is given (then the caller closes it)."""
    from fastapi_offline import FastAPIOffline

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if service is not None:
            app.state.service = service
            yield
            return
        opened = open_service(settings, inline=inline)
        app.state.service = opened
        try:
            yield
        finally:
            opened.close()

    app: FastAPI = FastAPIOffline(
        title="Spotcheck", version="1", description=DESCRIPTION, lifespan=lifespan,
        redoc_url=None, static_url="/docs/assets",
        swagger_ui_parameters={"defaultModelsExpandDepth": 0})
    if service is not None:
        app.state.service = service
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    pages.install(app)
    app.add_middleware(RequestLanguage)
    app.add_middleware(RequestLog, enabled=access_log)

    @app.get("/health", tags=["service"], summary="The service answers (no database work)")
    async def health() -> dict[str, Any]:
        return {"status": "ok"}

    return app


def app_from_environ() -> FastAPI:
    """What ``spotcheck serve`` hands to uvicorn in each worker (``--factory``); the options come
    through the environment (``SPOTCHECK_SERVE_INLINE``, ``SPOTCHECK_SERVE_ACCESS_LOG``)."""
    import os

    from ledger.adapters.observability import configure_logging

    configure_logging()
    inline = {"1": True, "0": False}.get(os.environ.get("SPOTCHECK_SERVE_INLINE", ""))
    access_log = os.environ.get("SPOTCHECK_SERVE_ACCESS_LOG", "1") != "0"
    return create_app(inline=inline, access_log=access_log)
