"""Pages for staff (placeholder until the sign-in is built)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
