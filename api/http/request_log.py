"""One structured log line per request (structlog JSON): the request id, the account, the method,
the path, the status and the time taken. The request id is the client's ``X-Request-ID`` when it
is a short token, else a new one; it is sent back in the same header and in every error body."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from ledger.adapters.observability import get_logger

log = get_logger("spotcheck.http")
_CLIENT_ID = re.compile(rb"^[A-Za-z0-9._-]{1,64}$")


class RequestLog:
    """Pure ASGI middleware (no per-request task of its own: cheap on the public reads). The
    structlog logger is bound once, on the first request (after the process configured logging),
    so that a line costs the processors and the write, not a new logger each time."""

    def __init__(self, app: Any, enabled: bool = True) -> None:
        self.app = app
        self.enabled = enabled
        self._bound: Any = None

    def _logger(self) -> Any:
        if self._bound is None:
            self._bound = log.bind()
        return self._bound

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or ()).get(b"x-request-id", b"")
        rid = given.decode() if _CLIENT_ID.match(given) else uuid.uuid4().hex[:16]
        state = scope.setdefault("state", {})
        state["request_id"] = rid
        started = time.perf_counter()
        status = 500

        async def sending(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if self.enabled:
                self._logger().info("request", request_id=rid, account=state.get("account", "public"),
                         method=scope.get("method"), path=scope.get("path"), status=status,
                         ms=round((time.perf_counter() - started) * 1000, 2))
