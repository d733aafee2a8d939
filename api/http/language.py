"""The language of a request (请求的语言): ``Accept-Language`` chooses Chinese (the default) or
English for everything the service writes for people — error messages above all. An ASGI
middleware: it settles :mod:`api.language` for the request's context before any route or error
handler runs, and answers with ``Content-Language``."""

from __future__ import annotations

from typing import Any

from api.language import from_accept_language, using


class RequestLanguage:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = dict(scope.get("headers") or ()).get(b"accept-language", b"")
        lang = from_accept_language(header.decode("latin-1"))
        tag = b"zh-CN" if lang == "zh" else b"en"

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"content-language", tag)]
            await send(message)

        with using(lang):
            await self.app(scope, receive, sending)
