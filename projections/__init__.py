"""Read models rebuilt from the ledger's events (quota tables, public views).

Each projection is a function of the notification log alone: drop it, rebuild it from event 0 and
get the same rows (see ``docs/projections.md``). :func:`open_runner` wires the projections of this
package to an open ledger.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ledger.bootstrap import Ledger
    from projections.runner import Projection, Runner


def all_projections() -> list[Projection]:
    """Every projection this version of Spotcheck maintains."""
    from projections.quotas import QuotaProjection

    return [QuotaProjection()]


def open_runner(ledger: Ledger, batch_size: int | None = None) -> Runner:
    """A runner of every projection over ``ledger``'s notification log, on its own connection."""
    from projections.runner import DEFAULT_BATCH, Runner, open_projection_store

    return Runner(
        open_projection_store(ledger.settings), all_projections(), ledger.app.notifications,
        ledger.app.decode, ledger.app.recorder.max_notification_id,
        batch_size=batch_size or DEFAULT_BATCH,
    )
