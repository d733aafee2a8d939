"""``/api/me``: who the service takes the caller for."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.http.auth import TheService, Who

router = APIRouter(prefix="/api", tags=["accounts"])


@router.get("/me", summary="Who the caller is (role, account and scope)")
def me(caller: Who, service: TheService) -> dict[str, Any]:
    return service.me(caller)
