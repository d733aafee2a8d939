"""Read models rebuilt from the ledger's events (quota tables, public views).

Each projection is a function of the notification log alone: drop it, rebuild it from event 0 and
get the same rows (see ``docs/projections.md``). The composition root
(:func:`api.bootstrap.open_runner`) wires them to an open ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from ledger.services.application import LedgerApp
    from projections.runner import Projection


def all_projections(app: LedgerApp) -> list[Projection]:
    """Every projection this version of Spotcheck maintains, over ``app``'s events."""
    from projections.public import PublicProjection
    from projections.quotas import QuotaProjection
    from projections.work import WorkProjection

    return [QuotaProjection(), PublicProjection(disclosed_draw_opener(app)), WorkProjection()]


def disclosed_draw_opener(app: LedgerApp) -> Callable[[UUID, int, str], dict[str, tuple[str, ...]]]:
    """How the public projection opens a disclosed draw: the draw as of its ``Disclosed`` event,
    opened with the key that event published, and re-run (``ledger.services.ceremony.open_draw``)."""
    from ledger.domain.draw import Draw
    from ledger.services.ceremony import open_draw
    from verify.seal import key_from_hex

    def open_disclosed(draw_id: UUID, version: int, key_hex: str) -> dict[str, tuple[str, ...]]:
        draw: Draw = app.repository.get(draw_id, version=version)
        return open_draw(draw, key_from_hex(key_hex)).teams

    return open_disclosed
