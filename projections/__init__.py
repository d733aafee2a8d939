"""Read models rebuilt from the ledger's events (quota tables, public views).

Each projection is a function of the notification log alone: drop it, rebuild it from event 0 and
get the same rows (see ``docs/projections.md``). :func:`open_runner` wires the projections of this
package to an open ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from ledger.application import LedgerApp
    from ledger.bootstrap import Ledger
    from projections.runner import Projection, Runner


def all_projections(app: LedgerApp) -> list[Projection]:
    """Every projection this version of Spotcheck maintains, over ``app``'s events."""
    from projections.public import PublicProjection
    from projections.quotas import QuotaProjection
    from projections.work import WorkProjection

    return [QuotaProjection(), PublicProjection(disclosed_draw_opener(app)), WorkProjection()]


def disclosed_draw_opener(app: LedgerApp) -> Callable[[UUID, int, str], dict[str, tuple[str, ...]]]:
    """How the public projection opens a disclosed draw: the draw as of its ``Disclosed`` event,
    opened with the key that event published, and re-run (``ledger.draw_ceremony.open_draw``)."""
    from ledger.draw import Draw
    from ledger.draw_ceremony import open_draw
    from verify.seal import key_from_hex

    def open_disclosed(draw_id: UUID, version: int, key_hex: str) -> dict[str, tuple[str, ...]]:
        draw: Draw = app.repository.get(draw_id, version=version)
        return open_draw(draw, key_from_hex(key_hex)).teams

    return open_disclosed


def open_runner(ledger: Ledger, batch_size: int | None = None) -> Runner:
    """A runner of every projection over ``ledger``'s notification log, on its own connection."""
    from projections.runner import DEFAULT_BATCH, Runner, open_projection_store

    return Runner(
        open_projection_store(ledger.settings), all_projections(ledger.app), ledger.app.notifications,
        ledger.app.decode, ledger.app.recorder.max_notification_id,
        batch_size=batch_size or DEFAULT_BATCH,
    )
