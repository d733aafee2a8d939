"""Errors as HTTP answers, mapped once by kind (:data:`api.errors.HTTP_STATUS`).

Every error answers the same JSON shape, so that a client (and the next issue's Chinese messages)
reads one field for the field and one for the rule::

    {"error": {"kind": "invalid", "field": "period", "rule": "'2026Q5' is not a quarter …",
               "message": "period: '2026Q5' is not a quarter …", "lang": "en",
               "rows": [...]},            # a rejected import: every bad row
     "request_id": "4f1c…"}

``message`` is the whole sentence in ``lang`` — Chinese unless the request's ``Accept-Language``
prefers English (:mod:`api.http.language`, :mod:`api.error_text`); ``field`` and ``rule`` are the
two parts as the code wrote them (the field's internal name, the English rule), for programs. A
request the routes' schemas refuse is a 422 of the same shape (the first problem in
``field``/``rule``, all of them in ``problems``, each with its ``message`` in ``lang`` beside
pydantic's English ``rule``). An error the code did not expect is a 500 with the request id and
nothing else:
the traceback goes to the server's log, never to the client.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.error_text import message, rule_zh, text
from api.errors import http_status
from api.language import current, from_accept_language, t, using
from ledger.adapters.observability import get_logger
from ledger.errors import SpotcheckError
from ledger.services.imports import ImportRejected

log = get_logger("spotcheck.http")


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", ""))


def error_body(kind: str, field: str, rule: str, message: str, request: Request,
               **extra: Any) -> dict[str, Any]:
    return {"error": {"kind": kind, "field": field, "rule": rule, "message": message,
                      "lang": current(), **extra}, "request_id": request_id(request)}


def _spotcheck_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SpotcheckError)
    extra: dict[str, Any] = {}
    if isinstance(exc, ImportRejected):
        extra["rows"] = [{"row": p.row, "column": p.column,
                          "reason": t(p.reason, rule_zh(p.reason) or p.reason)}
                         for p in exc.problems]
    status = http_status(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status >= 500:
        log.error("request.failed", request_id=request_id(request), kind=exc.kind,
                  message=str(exc))
    return JSONResponse(error_body(exc.kind, exc.field, exc.rule, message(exc, surface="http"), request,
                                   **extra),
                        status_code=status, headers=headers)


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [{"field": _field(tuple(e.get("loc", ()))), "in": str((e.get("loc") or ("body",))[0]),
                 "rule": str(e.get("msg", "invalid"))} for e in exc.errors()]
    for problem in problems:  # the field and pydantic's rule stay for programs; people read message
        problem["message"] = text(f"{problem['field']}: {problem['rule']}", surface="http")
    first = problems[0] if problems else {"field": "body", "rule": "invalid request"}
    return JSONResponse(error_body("invalid", first["field"], first["rule"],
                                   text(f"{first['field']}: {first['rule']}", surface="http"), request,
                                   problems=problems), status_code=422)


def _field(loc: tuple[object, ...]) -> str:
    """``("body", "record", "items", 0)`` → ``record.items[0]``; the location stays in ``in``."""
    parts = loc[1:] if loc and loc[0] in ("body", "path", "query", "header", "cookie") else loc
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or str(loc[0] if loc else "body")


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind = {401: "unauthenticated", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed"}.get(exc.status_code, "http")
    detail = str(exc.detail)
    return JSONResponse(error_body(kind, "", detail, text(detail, kind, surface="http"), request),
                        status_code=exc.status_code, headers=getattr(exc, "headers", None))


def _not_found(request: Request, exc: Exception) -> JSONResponse:
    """An aggregate named by the request that is not stored (eventsourcing's lookup error)."""
    return JSONResponse(error_body("not_found", "", f"not found: {exc}",
                                   t(f"not found: {exc}", f"未找到：{exc}"), request), status_code=404)


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("request.error", request_id=request_id(request), error=type(exc).__name__)
    # answered by the outermost middleware, outside the request's language: read it again
    with using(from_accept_language(request.headers.get("accept-language"))):
        said = t(f"internal error; the server's log has it under request id {request_id(request)}",
                 f"内部错误；服务器日志以请求编号 {request_id(request)} 记录了详情")
        return JSONResponse(error_body("internal", "", said, said, request), status_code=500)


def install(app: FastAPI) -> None:
    from eventsourcing.application import AggregateNotFoundError

    app.add_exception_handler(SpotcheckError, _spotcheck_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(AggregateNotFoundError, _not_found)
    app.add_exception_handler(Exception, _unexpected)
